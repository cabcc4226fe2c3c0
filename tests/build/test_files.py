"""Files replaced whole or not at all: a failed write keeps the old file, two writers at once both
succeed, and the site is swapped in with one rename (issue 10)."""
from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest

from belarus_trade.build.files import swap_in, write_atomically


def test_the_site_is_swapped_in_atomically(tmp_path):
    build_dir = tmp_path / "_build"
    build_dir.mkdir()
    first = build_dir / "html-one"
    first.mkdir()
    (first / "index.html").write_text("one")
    swap_in(first, build_dir)
    second = build_dir / "html-two"
    second.mkdir()
    (second / "index.html").write_text("two")
    swap_in(second, build_dir)
    assert (build_dir / "html").is_symlink()
    assert (build_dir / "html" / "index.html").read_text() == "two"
    assert not first.exists()


def test_a_failed_write_leaves_the_old_notebook_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "chapter.ipynb"
    target.write_text("old\n")
    real_write = Path.write_text

    def disk_full(self, *args, **kwargs):
        real_write(self, "partial", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, "new\n")
    monkeypatch.undo()
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapter.ipynb"]


def test_two_writers_of_one_file_at_once_both_succeed(tmp_path, monkeypatch):
    """Both languages render at once, and on a fresh clone both write the Vega bundle: with one
    temporary name for both, the second rename found nothing to rename ('HTML build (en) failed
    ... sphinx exited with 1'). Here both have written before either renames."""
    target, both_written, real_replace = tmp_path / "vega-bundle.js", threading.Barrier(2, timeout=10), Path.replace

    def replace_when_both_have_written(self, destination):
        both_written.wait()
        return real_replace(self, destination)

    monkeypatch.setattr(Path, "replace", replace_when_both_have_written)
    failures = []

    def write(text):
        try:
            write_atomically(target, text)
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
