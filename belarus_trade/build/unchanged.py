"""A no-op build that does nothing: the inputs' signature, checked before anything heavy is imported.

A build that finds nothing to do still imports pandas, validates the data, parses every chapter's
Markdown and traces every module a chapter imports (about a second). After each build, this
module records the *signature* of everything the build reads: the size and modification time of
each file of the book (its `_build` aside), the package, the data folder, the pins and the
environment's install stamp, with the build's options. `python -m belarus_trade build` compares
the signature first, with nothing but `os.stat`, and stops at once when it is the one the last
build left. Any doubt (a file touched, added or removed, another data folder, other parameters,
a site that is gone) falls through to the full build, which decides what is stale by content.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from belarus_trade import PROJECT_ROOT

STAMP_NAME = "inputs.stamp"
SKIPPED_DIRS = {"_build", ".ipynb_checkpoints", "__pycache__"}
# Files outside the book, the package and the data that a build depends on.
PROJECT_FILES = ("requirements.txt", "pyproject.toml", ".venv/.installed")


def signature(book_dir: Path, data_dir: Path, options: dict) -> str:
    """What the build reads, as a hash of each file's path, size and modification time."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    roots = [book_dir, PROJECT_ROOT / "belarus_trade", data_dir]
    for root in roots:
        digest.update(f"\0root {root}".encode())
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for name in sorted(files):
                _add(digest, Path(folder) / name)
    for name in PROJECT_FILES:
        _add(digest, PROJECT_ROOT / name)
    return digest.hexdigest()


def _add(digest, path: Path) -> None:
    try:
        status = path.stat()
    except OSError:
        digest.update(f"\0{path} missing".encode())
        return
    digest.update(f"\0{path} {status.st_size} {status.st_mtime_ns}".encode())


def stamp_path(book_dir: Path) -> Path:
    return book_dir / "_build" / STAMP_NAME


def up_to_date(book_dir: Path, data_dir: Path, options: dict) -> bool:
    """Whether the last build left this very signature and its site is still there."""
    stamp = stamp_path(book_dir)
    if not (stamp.is_file() and (book_dir / "_build" / "html" / "index.html").is_file()):
        return False
    return stamp.read_text(encoding="utf-8") == signature(book_dir, data_dir, options)


def record(book_dir: Path, data_dir: Path, options: dict) -> None:
    """After a build that succeeded: the signature of what it read, for the next no-op."""
    stamp = stamp_path(book_dir)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(signature(book_dir, data_dir, options), encoding="utf-8")


def forget(book_dir: Path) -> None:
    """Before a build writes anything: a build that fails half-way leaves no stamp behind."""
    stamp_path(book_dir).unlink(missing_ok=True)
