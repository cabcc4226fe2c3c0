"""Executing a chapter: parameters reach the code, runs are deterministic (nbval compares them
exactly), a failure is one line and keeps its copy, only a kernel's failed start is retried, and
a killed build's workers and kernels end with it (issue 10)."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from belarus_trade import CHAPTERS_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.build import BuildError, execution
from belarus_trade.build.keys import environment_fingerprint
from belarus_trade.build.lock import one_build_at_a_time
from belarus_trade.chapters.charts import FIGURE_MIMETYPE, VEGA_MIMETYPE, stored_figures
from belarus_trade.chapters.prose import value_shown

CHAPTER = "multivector"
YEAR_FIELDS = ("year", "begin", "end_year")


def plotted_years(spec: dict) -> set[int]:
    (rows,) = spec["datasets"].values()
    return {int(row[field]) for row in rows for field in YEAR_FIELDS if field in row}


def test_parameters_end_year_2020_stop_charts_and_numbers(tmp_path, execute):
    """Papermill with end_year=2020: every chart's data and the glued latest year stop at 2020."""
    target = tmp_path / f"{CHAPTER}.ipynb"
    execute(CHAPTERS_DIR / f"{CHAPTER}.ipynb", target, {"end_year": 2020},
            PROJECT_ROOT / "data", environment_fingerprint(), tmp_path / "failed")
    notebook = json.loads(target.read_text())
    specs = stored_figures(notebook)
    assert len(specs) >= 4
    for name, spec in specs.items():
        years = plotted_years(spec)
        assert years and max(years) == 2020, name
    for name in ("openness_latest_year", "goods_latest_year", "table1_last_year"):
        assert value_shown(notebook, name) == "2020", name
    # The injected parameters are visible in the executed copy, as papermill records them.
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in notebook["cells"])


def test_bad_parameters_fail_with_one_line(tmp_path, execute):
    with pytest.raises(BuildError) as error:
        execute(CHAPTERS_DIR / f"{CHAPTER}.ipynb", tmp_path / "out.ipynb", {"start_year": 2020, "end_year": 2010},
                PROJECT_ROOT / "data", "fingerprint", tmp_path / "failed")
    message = str(error.value)
    assert "\n" not in message
    assert "ParameterError" in message and "end_year" in message
    assert (tmp_path / "failed" / f"{CHAPTER}.ipynb").exists()
    assert not (tmp_path / "out.ipynb").exists()


def test_execution_is_deterministic(tmp_path, execute):
    """Two executions give byte-identical notebooks (timings and papermill metadata removed)."""
    source = CHAPTERS_DIR / f"{CHAPTER}.ipynb"
    outputs = []
    for run in ("a", "b"):
        target = tmp_path / run / source.name
        execute(source, target, {}, PROJECT_ROOT / "data", environment_fingerprint(), tmp_path / "failed")
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] == source.read_bytes(), "committed notebook differs from a fresh execution"


def test_nbval_compares_chart_specifications(project_copy, nbval):
    """nbval strict mode fails when a stored chart (the Vega spec JupyterLab draws) differs from
    what the code produces."""
    notebook_path = project_copy / "book" / "chapters" / f"{CHAPTER}.ipynb"
    notebook = json.loads(notebook_path.read_text())
    (bundle,) = [output["data"] for cell in notebook["cells"] for output in cell.get("outputs", [])
                 if 'id="bt-fig-1-openness"' in output.get("data", {}).get(FIGURE_MIMETYPE, "")]
    rows = next(dataset["values"] for dataset in bundle[VEGA_MIMETYPE]["data"] if dataset.get("values"))
    rows[0]["pct_of_gdp"] += 1.0
    notebook_path.write_text(json.dumps(notebook))
    run = nbval(notebook_path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "vnd.vega.v5" in run.stdout


def tiny_notebook(folder: Path) -> Path:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize("message, calls", [(execution.KERNEL_START_FAILURE, 2), ("something else went wrong", 1)])
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
        with pytest.raises(BuildError, match=message):
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
    assert starts == [execution.KERNEL_START_SECONDS] * 2 and execution.KERNEL_START_SECONDS >= 180

    def never_starts(*args, **kwargs):
        starts.append(kwargs["start_timeout"])
        raise RuntimeError(f"Kernel didn't respond in {kwargs['start_timeout']} seconds")

    monkeypatch.setattr(papermill, "execute_notebook", never_starts)
    starts.clear()
    with pytest.raises(BuildError) as caught:
        execute(source, tmp_path / "again.ipynb", {}, DATA_DIR, "fingerprint", tmp_path / "failed")
    assert len(starts) == 2
    assert str(caught.value) == (f"tiny.ipynb: the kernel did not answer within {execution.KERNEL_START_SECONDS} s, 2 times: "
                                 "the machine is busy; run the build again when it is quieter (or with --jobs 1)")


def test_a_kernel_that_dies_mid_run_is_reported_without_naming_a_copy_that_does_not_exist(tmp_path, execute):
    """A crashed kernel (a vl-convert panic once) used to name a `failed/` notebook never written."""
    import nbformat

    source = tiny_notebook(tmp_path)
    notebook = nbformat.read(source, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    nbformat.write(notebook, source)
    with pytest.raises(BuildError) as caught:
        execute(source, tmp_path / "out.ipynb", {}, DATA_DIR, "fingerprint", tmp_path / "failed")
    message = str(caught.value)
    kept = re.search(r"\((no executed copy|executed copy: (.+))[^()]*\)$", message)
    assert kept, message
    assert kept.group(2) is None or Path(kept.group(2)).is_file(), message
    assert "\n" not in message and not (tmp_path / "out.ipynb").exists()


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
    book, data = small_book(f"chapters/{CHAPTER}", "bibliography")
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
        with one_build_at_a_time(book / "_build"):  # the killed build leaves no stale lock
            pass
    finally:
        for process in descendants(build.pid):
            process.kill()


def test_a_cells_writes_are_one_stream_whatever_the_kernels_timing():
    """A kernel sends a print's text and its newline together or apart; the stored notebook is the same."""
    def notebook(*pieces):
        outputs = [{"output_type": "stream", "name": "stdout", "text": piece} for piece in pieces]
        return {"metadata": {}, "nbformat": 4, "nbformat_minor": 5,
                "cells": [{"cell_type": "code", "id": "c", "metadata": {}, "source": "print()", "execution_count": 1, "outputs": outputs}]}

    together = execution.normalise(notebook(["Documents per area:\n", "  programmes: 2\n"]))
    apart = execution.normalise(notebook(["Documents per area:"], ["\n", "  programmes: 2\n"]))
    assert json.dumps(together) == json.dumps(apart)
    assert together["cells"][0]["outputs"][0]["text"] == ["Documents per area:\n", "  programmes: 2\n"]
