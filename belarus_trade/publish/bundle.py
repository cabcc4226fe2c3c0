"""An edition's reproducibility bundle: everything that rebuilds it, in one archive.

`make publish` writes `book/editions/bundle-NNN.tar.gz` beside the edition's record: the data files
it was built from, exactly (the bytes whose sha256 the record holds) with their manifest; the book
(chapters executed, prose, catalogues, bibliography); the package that computes and renders it;
and the lock (`requirements.txt`, `pyproject.toml`, the Makefile). Its `REBUILD.md` says how to
rebuild it and check the numbers against the record the bundle also holds. About 1 MB an edition.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from belarus_trade import BOOK_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.build import BuildError
from belarus_trade.build.files import reproducible_tar, write_atomically
from belarus_trade.publish.editions import RECORD_NAME, current_record, editions_dir, read_editions, same_content

BUNDLE_NAME = "bundle-{:03d}.tar.gz"
# What rebuilds the book, relative to the project (folders whole, build output and caches left out).
PROJECT_FILES = ("requirements.txt", "pyproject.toml", "Makefile", "environment.yml", "README.md", "CITATION.cff")
PROJECT_FOLDERS = ("belarus_trade", "book")
LEFT_OUT = ("_build", "__pycache__", ".ipynb_checkpoints", "editions")
REBUILD = """# Edition {number} of {date}: how to rebuild it

This archive holds what built edition {number} of the book: the data files (`data/`, the bytes
whose sha256 `data/datapackage.json` and `{record}` hold), the book (`book/`), the package
(`belarus_trade/`) and the pinned environment (`requirements.txt`).

    python3 -m venv .venv && make book      # Python 3.11; installs the pins, executes, renders
    make test                                # or check the numbers alone:
    .venv/bin/python -c "from belarus_trade.publish import bundle; print(bundle.check_numbers())"

`make book` re-executes every chapter from these files; the numbers its prose shows are the ones
`{record}` lists, chapter by chapter.
"""


def bundle_files(number: int, book_dir: Path = BOOK_DIR, data_dir: Path = DATA_DIR, project: Path = PROJECT_ROOT) -> dict[str, bytes]:
    """The bundle's files of edition `number` (the last one published, whose build this is)."""
    records = {record["edition"]: record for record in read_editions(book_dir)}
    if number not in records:
        raise BuildError(f"no edition {number} to bundle")
    record = records[number]
    files = {name: (project / name).read_bytes() for name in PROJECT_FILES if (project / name).is_file()}
    for folder in PROJECT_FOLDERS:
        for path in (project / folder).rglob("*"):
            relative = path.relative_to(project)
            if path.is_file() and not set(relative.parts) & set(LEFT_OUT) and path.suffix not in (".mo", ".pyc"):
                files[relative.as_posix()] = path.read_bytes()
    files["data/datapackage.json"] = (data_dir / "datapackage.json").read_bytes()
    for entry in record["resources"].values():
        content = (data_dir / entry["path"]).read_bytes()
        if "sha256:" + hashlib.sha256(content).hexdigest() != entry["hash"]:
            raise BuildError(f"data/{entry['path']} is not the file edition {number} was built from; bundle it from that build")
        files[f"data/{entry['path']}"] = content
    record_name = RECORD_NAME.format(number)
    files[f"book/editions/{record_name}"] = (editions_dir(book_dir) / record_name).read_bytes()
    files["REBUILD.md"] = REBUILD.format(number=number, date=record["date"], record=f"book/editions/{record_name}").encode()
    return files


def write_bundle(book_dir: Path = BOOK_DIR, data_dir: Path = DATA_DIR, project: Path = PROJECT_ROOT) -> Path:
    """The last published edition's bundle, beside its record."""
    published = read_editions(book_dir)
    if not published:
        raise BuildError("no published edition to bundle; run `make publish`")
    number = published[-1]["edition"]
    target = editions_dir(book_dir) / BUNDLE_NAME.format(number)
    write_atomically(target, reproducible_tar(bundle_files(number, book_dir, data_dir, project)))
    return target


def check_numbers(book_dir: Path = BOOK_DIR) -> str:
    """Whether this book (after `make book`) is its last edition again: the comparison `make
    publish` makes (the same data files, retrieval dates and numbers)."""
    last = read_editions(book_dir)[-1]
    same = same_content(current_record(book_dir), last)
    return f"edition {last['edition']}: " + ("rebuilt as recorded" if same else "differs from its record (the What changed page says how)")
