"""Folders the tools write and people then work in: `student/` (`make student`) and `notebooks/ru/`
(`make lab-ru`).

A teacher keeps grades and notes beside the student kit and edits the Russian notebooks in
JupyterLab; writing such a folder again must lose none of it. So the folder carries a record,
`.belarus-trade.json`, of every file the tool wrote there and its sha256, and writing it again

- refuses, naming them, when the folder holds files the record does not list (someone's own), or
  has no record and is not empty: nothing is written or removed then;
- keeps a file the tool wrote that someone changed since (its sha256 is not the recorded one), and
  says so;
- replaces the files it wrote that nobody changed, adds new ones, and removes those it wrote
  before and writes no more, if nobody changed them.

Hidden files (JupyterLab's `.ipynb_checkpoints`, an editor's lock files) are nobody's work to
protect and no reason to refuse; a subfolder with its own record is another tool's folder
(`student/ru/` inside `student/`). The record is read as input too: a path in it that would leave
the folder is refused, never followed.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from belarus_trade.build import BuildError
from belarus_trade.build.files import write_atomically

RECORD = ".belarus-trade.json"
SHOWN = 5  # files named in a refusal; the rest are counted


@dataclass
class Written:
    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # written before, changed since: left as they are

    def report(self) -> str:
        """One line for the command line: what was written, and what was kept."""
        line = f"{len(self.written)} files in {self.folder}"
        if self.kept:
            line += (f"; kept your changed {_names([p.relative_to(self.folder).as_posix() for p in self.kept])}"
                     " (delete a file to get the new one)")
        return line


def write_owned(folder: Path, files: dict[str, bytes], tool: str) -> Written:
    """Write `files` (relative POSIX path → content) into `folder` as described in the module's docstring."""
    folder = Path(folder)
    recorded = _read_record(folder, tool)
    present = _present_files(folder)
    foreign = sorted(path for path in present if path not in recorded)
    if foreign:
        raise BuildError(f"{folder}: holds {_names(foreign)}, which `{tool}` did not write; move them elsewhere "
                         "or choose another folder (nothing was written)")
    changed = {path for path in present if _sha256(folder / path) != recorded[path]}
    result = Written(folder)
    record = {}
    for path, content in files.items():
        _check_relative(folder, path, "a file to write")
        target = folder / path
        if path in changed:
            result.kept.append(target)
            record[path] = recorded[path]
            continue
        write_atomically(target, content)
        result.written.append(target)
        record[path] = hashlib.sha256(content).hexdigest()
    for path in sorted(set(recorded) - set(files)):
        if path in changed:
            result.kept.append(folder / path)
            record[path] = recorded[path]
        elif path in present:
            (folder / path).unlink()
    write_atomically(folder / RECORD, json.dumps({"tool": tool, "files": record}, indent=1, sort_keys=True) + "\n")
    return result


def _read_record(folder: Path, tool: str) -> dict[str, str]:
    record_path = folder / RECORD
    if not record_path.is_file():
        return {}
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        files = record["files"]
        assert isinstance(files, dict) and all(isinstance(h, str) and len(h) == 64 for h in files.values())
    except (ValueError, KeyError, TypeError, AssertionError):
        raise BuildError(f"{record_path}: not the record `{tool}` writes; move the folder aside and run it again") from None
    for path in files:
        _check_relative(folder, path, f"a path in {RECORD}")
    return files


def _present_files(folder: Path) -> list[str]:
    """Every file under `folder` that is someone's: not hidden, not in another tool's folder."""
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise BuildError(f"{folder}: is a file, not a folder")
    found = []

    def walk(directory: Path) -> None:
        for entry in sorted(directory.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and not entry.is_symlink():
                if not (entry / RECORD).exists():
                    walk(entry)
            else:
                found.append(entry.relative_to(folder).as_posix())

    walk(folder)
    return found


def _check_relative(folder: Path, path, what: str) -> None:
    pure = PurePosixPath(path) if isinstance(path, str) else None
    if pure is None or pure.is_absolute() or not pure.parts or ".." in pure.parts or pure.name.startswith("."):
        raise BuildError(f"{folder}: {what} ({path!r}) leads outside the folder")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:SHOWN])
    return shown + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")
