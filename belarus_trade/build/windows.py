"""The book for another window of years (`make window START=… END=…`), built beside the book.

The book is copied next to the window's folder, executed there with the window's parameters
(and data folder), rendered, and moved into place; an earlier window build is replaced only after
the new one built. The committed notebooks are never touched, and the folder is checked first: a
window build never replaces the project, its book or data, or a folder holding other files.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from belarus_trade import BOOK_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.build import BuildError
from belarus_trade.build.book import chapters
from belarus_trade.build.parameters import check_parameters
from belarus_trade.build.pipeline import build

WINDOW_MARK = ".belarus-trade-window"  # written into every window's folder, so a rebuild may replace it
OLD_WINDOW_MARK = ".belarus-trade-edition"  # the same mark, as builds before the word "window" wrote it


def check_window_folder(output: Path, data_dir: Path, book_dir: Path = BOOK_DIR) -> Path:
    """A window build goes to a new folder or replaces an earlier one: never the project, its
    book or data (or a folder holding them), never a folder with other files."""
    output = Path(output).resolve()
    for protected in (PROJECT_ROOT, BOOK_DIR, DATA_DIR, Path(book_dir).resolve(), data_dir.resolve()):
        if output == protected or output in protected.parents:
            raise BuildError(f"window folder {output}: it holds {protected}, which a window build must not replace; choose a new folder")
        if protected != PROJECT_ROOT and protected in output.parents:
            raise BuildError(f"window folder {output}: inside {protected}; choose a folder outside it")
    if output.exists() and (not output.is_dir() or any(output.iterdir()) and not any((output / mark).is_file() for mark in (WINDOW_MARK, OLD_WINDOW_MARK))):
        raise BuildError(f"window folder {output}: exists and is not an earlier window build; choose a new folder")
    return output


def build_window(output: Path, parameters: dict, data_dir: Path | None = None, jobs: int = 2, log=print,
                  book_dir: Path = BOOK_DIR) -> Path:
    """The book for another window: copied beside `output`, executed with other parameters and
    rendered there, then moved into place; an earlier window build in `output` is replaced only
    after the new one built. The committed notebooks are not touched."""
    from belarus_trade.data.manifest import resolve_data_dir

    data_dir = resolve_data_dir(data_dir)
    output = check_window_folder(output, data_dir, book_dir)
    parameters = {**parameters, "data_dir": str(data_dir)}
    check_parameters(chapters(book_dir), parameters, data_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        shutil.copytree(book_dir, staging / "book", ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
        build(staging / "book", data_dir, parameters=parameters, jobs=jobs, log=log)
        (staging / WINDOW_MARK).write_text(json.dumps(parameters, sort_keys=True) + "\n", encoding="utf-8")
        staging.chmod(0o755)
        previous = output.with_name(f".{output.name}.previous-{os.getpid()}")
        if output.exists():
            os.rename(output, previous)
        os.rename(staging, output)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output / "book" / "_build" / "html"
