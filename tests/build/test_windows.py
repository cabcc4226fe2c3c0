"""The book for another window of years is built beside it: it never replaces the project or a folder
of other files, leaves the committed notebooks alone, and a failed rebuild keeps the earlier
window (issue 10)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from belarus_trade import BOOK_DIR, CHAPTERS_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.build import BuildError
from belarus_trade.build.windows import OLD_WINDOW_MARK, WINDOW_MARK, build_window, check_window_folder
from belarus_trade.chapters.prose import value_shown

CHAPTER = "multivector"


def quiet(message):
    pass


def tree_listing(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("folder", [PROJECT_ROOT, BOOK_DIR, DATA_DIR, PROJECT_ROOT.parent, CHAPTERS_DIR, DATA_DIR / "new"],
                         ids=["project", "book", "data", "parent", "inside-book", "inside-data"])
def test_window_refuses_a_folder_holding_or_inside_the_project_sources(folder):
    """`make window OUT=.` (now `make window`) once deleted book/: now refused before anything is touched."""
    before = tree_listing(CHAPTERS_DIR)
    with pytest.raises(BuildError, match="window folder"):
        build_window(folder, {"start_year": 2005, "end_year": 2020}, log=quiet)
    assert tree_listing(CHAPTERS_DIR) == before
    assert not (DATA_DIR / "new").exists()


def test_window_refuses_a_folder_with_other_files(tmp_path):
    (tmp_path / "thesis.tex").write_text("my work\n")
    with pytest.raises(BuildError, match="exists and is not an earlier window build"):
        build_window(tmp_path, {"start_year": 2005, "end_year": 2020}, log=quiet)
    assert (tmp_path / "thesis.tex").read_text() == "my work\n"


def test_window_folder_check_accepts_new_and_earlier_windows(tmp_path):
    assert check_window_folder(tmp_path / "new", DATA_DIR) == (tmp_path / "new").resolve()
    (tmp_path / "old" / "book").mkdir(parents=True)
    (tmp_path / "old" / WINDOW_MARK).write_text("{}\n")
    assert check_window_folder(tmp_path / "old", DATA_DIR) == (tmp_path / "old").resolve()
    (tmp_path / "older" / "book").mkdir(parents=True)
    (tmp_path / "older" / OLD_WINDOW_MARK).write_text("{}\n")  # built by `make edition` before the rename
    assert check_window_folder(tmp_path / "older", DATA_DIR) == (tmp_path / "older").resolve()
    assert check_window_folder(PROJECT_ROOT / "windows" / "2005-2020", DATA_DIR).name == "2005-2020"


def test_window_leaves_committed_notebooks_untouched(small_window):
    window, site, book, before = small_window
    assert (site / "chapters" / f"{CHAPTER}.html").exists()
    assert {p.name: p.read_bytes() for p in (book / "chapters").glob("*.ipynb")} == before
    executed = json.loads((window / "book" / "chapters" / f"{CHAPTER}.ipynb").read_text())
    assert value_shown(executed, "openness_first_year") == "2005" and value_shown(executed, "goods_latest_year") == "2019"
    # The Russian book of the same window, built by the same command.
    assert (site / "ru" / "chapters" / f"{CHAPTER}.html").exists()
    russian = json.loads((window / "book" / "_build" / "ru-source" / "chapters" / f"{CHAPTER}.ipynb").read_text())
    assert value_shown(russian, "openness_first_year") == "2005" and value_shown(russian, "goods_latest_year") == "2019"


def test_a_failed_window_rebuild_keeps_the_earlier_window(small_window, tmp_path):
    window, site, book, _ = small_window
    pages = tree_listing(site)
    assert f"chapters/{CHAPTER}.html" in pages
    page = (site / "chapters" / f"{CHAPTER}.html").read_text(encoding="utf-8")
    parameters = json.loads((window / WINDOW_MARK).read_text())
    assert parameters["end_year"] == 2019
    assert parameters["data_dir"] not in page, "the window's injected parameters (a local path) are on the page"

    broken = tmp_path / "data"
    shutil.copytree(DATA_DIR, broken)
    (broken / "wdi_belarus_russia.csv").write_text("not,the,schema\n", encoding="utf-8")
    with pytest.raises(BuildError, match="data: "):
        build_window(window, {"start_year": 2010, "end_year": 2020}, data_dir=broken, book_dir=book, log=quiet)
    assert tree_listing(window / "book" / "_build" / "html") == pages
    assert [p.name for p in window.parent.iterdir()] == ["window"], "the failed build's folder was left behind"


@pytest.mark.parametrize("command", ["window", "edition"])
def test_the_window_command_and_its_old_name_build_the_same_window(command, tmp_path, monkeypatch, capsys):
    """`make window` is the command; `make edition`, its old name, still runs it for a while."""
    from belarus_trade import __main__ as cli
    from belarus_trade.build import windows

    asked = []
    monkeypatch.setattr(windows, "build_window", lambda output, parameters, data_dir: asked.append((output, parameters)) or output)
    assert cli.main([command, "--output", str(tmp_path / "w"), "--start-year", "2005", "--end-year", "2020"]) == 0
    assert asked == [((tmp_path / "w").resolve(), {"start_year": 2005, "end_year": 2020})]
    assert "window ready" in capsys.readouterr().out
