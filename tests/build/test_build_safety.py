"""Careless commands cannot cost the book: an edition never replaces the project, two builds
never run at once, a killed build leaves nothing running that could change a notebook, and a
failed write or a failed edition keeps what was there (issue 10)."""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from belarus_trade import BOOK_DIR, CHAPTERS_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.__main__ import main
from belarus_trade.build import pipeline as b


def quiet(message):
    pass


def tree_listing(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("folder", [PROJECT_ROOT, BOOK_DIR, DATA_DIR, PROJECT_ROOT.parent, CHAPTERS_DIR, DATA_DIR / "new"],
                         ids=["project", "book", "data", "parent", "inside-book", "inside-data"])
def test_edition_refuses_a_folder_holding_or_inside_the_project_sources(folder):
    """`make edition OUT=.` once deleted book/: now refused before anything is touched."""
    before = tree_listing(CHAPTERS_DIR)
    with pytest.raises(b.BuildError, match="edition folder"):
        b.build_edition(folder, {"start_year": 2005, "end_year": 2020}, log=quiet)
    assert tree_listing(CHAPTERS_DIR) == before
    assert not (DATA_DIR / "new").exists()


def test_edition_refuses_a_folder_with_other_files(tmp_path):
    (tmp_path / "thesis.tex").write_text("my work\n")
    with pytest.raises(b.BuildError, match="exists and is not an earlier edition"):
        b.build_edition(tmp_path, {"start_year": 2005, "end_year": 2020}, log=quiet)
    assert (tmp_path / "thesis.tex").read_text() == "my work\n"


def test_edition_folder_check_accepts_new_and_earlier_editions(tmp_path):
    assert b.check_edition_folder(tmp_path / "new", DATA_DIR) == (tmp_path / "new").resolve()
    (tmp_path / "old" / "book").mkdir(parents=True)
    (tmp_path / "old" / b.EDITION_MARK).write_text("{}\n")
    assert b.check_edition_folder(tmp_path / "old", DATA_DIR) == (tmp_path / "old").resolve()
    assert b.check_edition_folder(PROJECT_ROOT / "editions" / "2005-2020", DATA_DIR).name == "2005-2020"


def test_jobs_zero_is_refused_in_one_line(capsys):
    assert main(["build", "--jobs", "0"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: jobs 0:") and error.count("\n") == 1


def test_a_failed_write_leaves_the_old_notebook_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "chapter.ipynb"
    target.write_text("old\n")
    real_write = Path.write_text

    def disk_full(self, *args, **kwargs):
        real_write(self, "partial", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(OSError, match="No space left"):
        b.write_atomically(target, "new\n")
    monkeypatch.undo()
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapter.ipynb"]


def test_a_second_build_is_refused_while_one_runs(project_copy):
    """Two `make book` started together once both said "book ready" over a deleted site."""
    build_dir = project_copy / "book" / "_build"
    with b.one_build_at_a_time(build_dir):  # the first build, in this process
        with pytest.raises(b.BuildError, match=f"another build of .* is running \\(process {os.getpid()}\\)"):
            b.build(project_copy / "book", project_copy / "data", log=quiet)
        assert not (build_dir / "html").exists()


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


KILLED_BUILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from belarus_trade.build.pipeline import build
    build(Path(sys.argv[1]), Path(sys.argv[2]), force=True, jobs=2, log=lambda message: None)
""")


def test_kill_9_of_a_build_ends_its_workers_and_kernels_and_changes_no_notebook(small_book):
    """Nothing of a killed build goes on: no worker or kernel, no notebook replaced, no lock left."""
    book, data = small_book("chapters/multivector", "bibliography")
    before = {p.name: p.read_bytes() for p in (book / "chapters").glob("*.ipynb")}
    build = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(book), str(data)])
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until both workers run a kernel
            running = descendants(build.pid)
            if sum("ipykernel" in " ".join(p.cmdline()) for p in running if p.is_running()) >= 2:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the build never started two kernels")
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        gone, alive = psutil.wait_procs(running, timeout=15)
        assert alive == [], f"still running after the build was killed: {[p.cmdline()[:3] for p in alive]}"
        time.sleep(3)  # a surviving writer would have replaced a notebook by now
        assert {p.name: p.read_bytes() for p in (book / "chapters").glob("*.ipynb")} == before
        assert list((book / "chapters").glob("*.tmp")) == []
        with b.one_build_at_a_time(book / "_build"):  # the killed build leaves no stale lock
            pass
    finally:
        for process in descendants(build.pid):
            process.kill()


def test_a_failed_edition_rebuild_keeps_the_earlier_edition(small_edition, tmp_path):
    edition, site, book, _ = small_edition
    pages = tree_listing(site)
    assert "chapters/multivector.html" in pages
    page = (site / "chapters" / "multivector.html").read_text(encoding="utf-8")
    parameters = json.loads((edition / b.EDITION_MARK).read_text())
    assert parameters["end_year"] == 2019
    assert parameters["data_dir"] not in page, "the edition's injected parameters (a local path) are on the page"

    broken = tmp_path / "data"
    shutil.copytree(DATA_DIR, broken)
    (broken / "wdi_belarus_russia.csv").write_text("not,the,schema\n", encoding="utf-8")
    with pytest.raises(b.BuildError, match="data: "):
        b.build_edition(edition, {"start_year": 2010, "end_year": 2020}, data_dir=broken, book_dir=book, log=quiet)
    assert tree_listing(edition / "book" / "_build" / "html") == pages
    assert [p.name for p in edition.parent.iterdir()] == ["edition"], "the failed build's folder was left behind"


def tiny_notebook(folder: Path) -> Path:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize("message, calls", [(b.KERNEL_START_FAILURE, 2), ("something else went wrong", 1)])
def test_a_kernel_that_dies_at_start_is_started_again_and_nothing_else_is_retried(tmp_path, monkeypatch, execute, message, calls):
    """Two kernels starting at once can race for a port (CI saw "Address already in use")."""
    import papermill

    real, seen = papermill.execute_notebook, []

    def first_start_fails(*args, **kwargs):
        seen.append(args[0])
        if len(seen) == 1:
            raise RuntimeError(message)
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", first_start_fails)
    source = tiny_notebook(tmp_path)
    if calls == 1:
        with pytest.raises(b.BuildError, match=message):
            execute(source, tmp_path / "out.ipynb", {}, DATA_DIR, "fingerprint", tmp_path / "failed")
    else:
        execute(source, tmp_path / "out.ipynb", {}, DATA_DIR, "fingerprint", tmp_path / "failed")
        assert json.loads((tmp_path / "out.ipynb").read_text())["cells"][0]["execution_count"] == 1
    assert len(seen) == calls


def test_a_kernel_slow_to_answer_is_given_time_and_one_more_start(tmp_path, monkeypatch, execute):
    """A busy machine once kept a chapter's kernel from answering within papermill's 60 s and failed
    the build: it now has three minutes and a second start, then a message that says the machine was busy."""
    import papermill

    real, starts = papermill.execute_notebook, []

    def slow_start(*args, **kwargs):
        starts.append(kwargs["start_timeout"])
        if len(starts) == 1:
            raise RuntimeError(f"Kernel didn't respond in {kwargs['start_timeout']} seconds")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", slow_start)
    source = tiny_notebook(tmp_path)
    execute(source, tmp_path / "out.ipynb", {}, DATA_DIR, "fingerprint", tmp_path / "failed")
    assert starts == [b.KERNEL_START_SECONDS] * 2 and b.KERNEL_START_SECONDS >= 180

    def never_starts(*args, **kwargs):
        starts.append(kwargs["start_timeout"])
        raise RuntimeError(f"Kernel didn't respond in {kwargs['start_timeout']} seconds")

    monkeypatch.setattr(papermill, "execute_notebook", never_starts)
    starts.clear()
    with pytest.raises(b.BuildError) as caught:
        execute(source, tmp_path / "again.ipynb", {}, DATA_DIR, "fingerprint", tmp_path / "failed")
    assert len(starts) == 2
    assert str(caught.value) == (f"tiny.ipynb: the kernel did not answer within {b.KERNEL_START_SECONDS} s, 2 times: the machine is "
                                 "busy; run the build again when it is quieter (or with --jobs 1)")


def test_a_kernel_that_dies_mid_run_is_reported_without_naming_a_copy_that_does_not_exist(tmp_path, execute):
    """A crashed kernel (a vl-convert panic once) used to name a `failed/` notebook never written."""
    import nbformat

    source = tiny_notebook(tmp_path)
    notebook = nbformat.read(source, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    nbformat.write(notebook, source)
    with pytest.raises(b.BuildError) as caught:
        execute(source, tmp_path / "out.ipynb", {}, DATA_DIR, "fingerprint", tmp_path / "failed")
    message = str(caught.value)
    kept = re.search(r"\((no executed copy|executed copy: (.+))[^()]*\)$", message)
    assert kept, message
    assert kept.group(2) is None or Path(kept.group(2)).is_file(), message
    assert "\n" not in message and not (tmp_path / "out.ipynb").exists()


def test_two_writers_of_one_file_at_once_both_succeed(tmp_path, monkeypatch):
    """Both editions render at once, and on a fresh clone both write the Vega bundle: with one
    temporary name for both, the second rename found nothing to rename ('HTML build (en) failed
    ... sphinx exited with 1'). Here both have written before either renames."""
    import threading

    target, both_written, real_replace = tmp_path / "vega-bundle.js", threading.Barrier(2, timeout=10), Path.replace

    def replace_when_both_have_written(self, destination):
        both_written.wait()
        return real_replace(self, destination)

    monkeypatch.setattr(Path, "replace", replace_when_both_have_written)
    failures = []

    def write(text):
        try:
            b.write_atomically(target, text)
        except Exception as error:  # noqa: BLE001  (collected and asserted on below)
            failures.append(error)

    writers = [threading.Thread(target=write, args=(text,)) for text in ("one\n", "two\n")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert failures == []
    assert target.read_text() in ("one\n", "two\n")
    assert [p.name for p in tmp_path.iterdir()] == ["vega-bundle.js"], "a temporary file was left behind"
