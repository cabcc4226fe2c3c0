"""Published editions: what each one showed, kept so that a later book can say what changed.

`python -m belarus_trade publish` appends a record `book/editions/edition-NNN.json`: the
edition's number and date, each data resource's hash, retrieval date and schema, and every
number the prose shows (chapter, `{eval}` expression, the text shown, and the sentence around
it: the Markdown source with the stored value of each expression put in, as plain text). Each
resource file is also kept once, gzipped under its sha256 in `book/editions/data/`, so that
the What changed page can compare values, not only checksums; a file already kept adds
nothing. Publishing is refused while a chapter is stale against the data or code, and when
nothing a reader sees changed since the last edition.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from belarus_trade import BOOK_DIR
from belarus_trade.build import BuildError
from belarus_trade.build.book import chapters, read_notebook
from belarus_trade.build.files import write_atomically
from belarus_trade.build.keys import environment_fingerprint, stale_chapters
from belarus_trade.chapters.prose import stored_text
from belarus_trade.data.changes import ResourceChanges, compare
from belarus_trade.data.manifest import FILE_NAME, ISO_DATE, NAME, SHA256, DataError, check_schema, read_manifest, resolve_data_dir, snapshot_id, strict_json
from belarus_trade.data.publishers.client import LIMITS
from belarus_trade.data.validation import validate_file, validate_package
from belarus_trade.publish.sentences import numbers_in_markdown
from belarus_trade.site.book_citation import edition_setting
from belarus_trade.site.past_editions import ARCHIVE_NAME, archive_pages

EDITIONS_DIR = "editions"  # inside the book folder, so the site stamp covers it
COPIES_DIR = "data"  # inside EDITIONS_DIR: <sha256>.csv.gz
RECORD_NAME = "edition-{:03d}.json"
RECORD_GLOB = "edition-*.json"

def editions_dir(book_dir: Path = BOOK_DIR) -> Path:
    return Path(book_dir) / EDITIONS_DIR


def copy_path(book_dir: Path, file_hash: str) -> Path:
    """Where a published resource file is kept: named by its content."""
    return editions_dir(book_dir) / COPIES_DIR / f"{file_hash.removeprefix('sha256:')}.csv.gz"


def read_editions(book_dir: Path = BOOK_DIR) -> list[dict]:
    """Every published edition's record, oldest first, each checked (`read_record`)."""
    records = sorted((read_record(path) for path in editions_dir(book_dir).glob(RECORD_GLOB)), key=lambda record: record["edition"])
    numbers = [record["edition"] for record in records]
    if numbers != list(range(1, len(numbers) + 1)):
        raise BuildError(f"{_shown_path(editions_dir(book_dir))}: the editions are numbered {numbers}, not 1 to {len(numbers)}")
    return records


# A record is a file in the repository anyone can commit: it is read within a size, as strict JSON,
# and every value is checked before a path is made of it or a copy is read for it.
MAX_RECORD_BYTES = 16 * 1024 * 1024
MAX_NUMBERS = 100_000
NUMBER_FIELDS = ("chapter", "expression", "shown", "sentence")
SNAPSHOT = re.compile(r"[0-9a-f]{6,64}")
CHAPTER_NAME = re.compile(r"[A-Za-z0-9_-]+")


def read_record(path: Path) -> dict:
    """An edition's record, or a one-line `BuildError` saying what in it is wrong."""
    where = _shown_path(path)
    if not path.is_file():  # a folder, a pipe or a device would never read as a record (or never end)
        raise BuildError(f"{where}: not a regular file")
    with open(path, "rb") as stream:
        raw = stream.read(MAX_RECORD_BYTES + 1)
    if len(raw) > MAX_RECORD_BYTES:
        raise BuildError(f"{where}: larger than {MAX_RECORD_BYTES // (1024 * 1024)} MiB; a record holds one edition")
    record = strict_json(raw, where, "the record", BuildError)
    check_record(record, where, path.name)
    return record


def check_record(record, where: str, file_name: str) -> None:
    """The contract of a record (`publish_edition` writes it): what each field is, in one line where it breaks."""
    if not isinstance(record, dict):
        raise BuildError(f"{where}: a record is a JSON object")
    missing = [key for key in ("edition", "date", "snapshot", "resources", "numbers") if key not in record]
    if missing:
        raise BuildError(f"{where}: the record has no '{missing[0]}'")
    edition = record["edition"]
    if not (isinstance(edition, int) and not isinstance(edition, bool) and 1 <= edition <= 999):
        raise BuildError(f"{where}: edition {_json(edition)} is not a whole number from 1 to 999")
    if file_name != RECORD_NAME.format(edition):
        raise BuildError(f"{where}: holds edition {edition}, so it must be named {RECORD_NAME.format(edition)}")
    try:
        dt.date.fromisoformat(record["date"] if isinstance(record["date"], str) and ISO_DATE.fullmatch(record["date"]) else "")
    except ValueError:
        raise BuildError(f"{where}: date {_json(record['date'])} is not a date in the form YYYY-MM-DD") from None
    if not (isinstance(record["snapshot"], str) and SNAPSHOT.fullmatch(record["snapshot"])):
        raise BuildError(f"{where}: snapshot {_json(record['snapshot'])} is not a data snapshot's hash")
    if not isinstance(record["resources"], dict):
        raise BuildError(f"{where}: 'resources' is not an object of resources by name")
    for name, entry in record["resources"].items():
        _check_resource_entry(f"{where}, resource {_json(name)}", name, entry)
    numbers = record["numbers"]
    if not (isinstance(numbers, list) and len(numbers) <= MAX_NUMBERS):
        raise BuildError(f"{where}: 'numbers' is not a list of at most {MAX_NUMBERS} numbers")
    for position, number in enumerate(numbers, 1):
        if not (isinstance(number, dict) and all(isinstance(number.get(key), str) for key in NUMBER_FIELDS)
                and CHAPTER_NAME.fullmatch(number["chapter"])):
            raise BuildError(f"{where}, number {position}: needs {', '.join(NUMBER_FIELDS)} as texts (the chapter a file name)")


def _check_resource_entry(where: str, name, entry) -> None:
    if not (isinstance(name, str) and NAME.fullmatch(name)):
        raise BuildError(f"{where}: a resource's name is lowercase letters, digits, '.', '-' or '_'")
    if not isinstance(entry, dict):
        raise BuildError(f"{where}: is not an object")
    if not (isinstance(entry.get("path"), str) and FILE_NAME.fullmatch(entry["path"])):
        raise BuildError(f"{where}: path {_json(entry.get('path'))} is not a file name in the data folder")
    if not (isinstance(entry.get("hash"), str) and SHA256.fullmatch(entry["hash"])):
        raise BuildError(f"{where}: hash {_json(entry.get('hash'))} is not 'sha256:' and 64 hex digits")
    if entry.get("retrieved") is not None and not (isinstance(entry["retrieved"], str) and ISO_DATE.fullmatch(entry["retrieved"])):
        raise BuildError(f"{where}: retrieval date {_json(entry['retrieved'])} is not a date in the form YYYY-MM-DD")
    rows = entry.get("rows")
    if rows is not None and not (isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0):
        raise BuildError(f"{where}: rows {_json(rows)} is not a whole number")
    schema = entry.get("schema")
    if not (isinstance(schema, dict) and isinstance(schema.get("fields"), list)):
        raise BuildError(f"{where}: needs a 'schema' with 'fields'")
    try:
        check_schema(where, schema, [])
    except DataError as error:
        raise BuildError(str(error)) from None


def _shown_path(path: Path) -> str:
    """A record's path as a message shows it: from the book's folder on."""
    parts = Path(path).parts
    return "/".join(parts[parts.index(EDITIONS_DIR):]) if EDITIONS_DIR in parts else str(path)


def _json(value) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def current_record(book_dir: Path = BOOK_DIR, data_dir: Path | None = None) -> dict:
    """The record the book as built now would publish (no number or date yet)."""
    data_dir = resolve_data_dir(data_dir)
    resources = {
        r["name"]: {"path": r["path"], "hash": r["hash"], "retrieved": r.get("retrieved"),
                    "rows": r.get("coverage", {}).get("rows"), "schema": r["schema"]}
        for r in read_manifest(data_dir)["resources"]
    }
    return {"edition": None, "date": None, "snapshot": snapshot_id(data_dir)["hash"], "resources": resources,
            "numbers": numbers_in_prose(book_dir)}


def numbers_in_prose(book_dir: Path = BOOK_DIR) -> list[dict]:
    """Every `{eval}` of every chapter, in reading order: chapter, expression, text shown, sentence."""
    numbers = []
    for chapter in chapters(book_dir):
        notebook = read_notebook(chapter.path)
        shown = stored_text(notebook)
        for cell in notebook["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for expression, sentence in numbers_in_markdown("".join(cell["source"]), shown, chapter.name):
                numbers.append({"chapter": chapter.name, "expression": expression, "shown": shown[expression], "sentence": sentence})
    return numbers


def same_content(first: dict, second: dict) -> bool:
    """Whether a reader would see the same book: data files, retrieval dates and every number shown."""
    def seen(record):
        resources = {name: (r["hash"], r.get("retrieved")) for name, r in record["resources"].items()}
        return resources, [(n["chapter"], n["expression"], n["shown"]) for n in record["numbers"]]

    return seen(first) == seen(second)


def load_resource(book_dir: Path, data_dir: Path, record: dict, name: str) -> pd.DataFrame:
    """A resource as an edition published it (from its kept copy), or as the data folder holds it now."""
    entry = record["resources"][name]
    kept = copy_path(book_dir, entry["hash"])
    if kept.exists():
        raw = unpacked_copy(kept, f"edition {record['edition']}: the copy of {name}")
    elif record["edition"] is None:
        raw = (data_dir / entry["path"]).read_bytes()
    else:
        raise BuildError(f"edition {record['edition']}: no copy of {name} ({entry['hash']}) in {kept.parent}")
    with tempfile.TemporaryDirectory(prefix="belarus-trade-edition-") as scratch:
        path = Path(scratch) / entry["path"]
        path.write_bytes(raw)
        return validate_file(path, {"schema": entry["schema"], "hash": entry["hash"]})


def unpacked_copy(path: Path, what: str) -> bytes:
    """A kept copy, unpacked as a stream and no further than the refresh lets an archive unpack."""
    limit = LIMITS.unpacked_bytes
    try:
        with gzip.open(path, "rb") as stream:
            raw = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise BuildError(f"{what} ({path.name}) is not a gzip file: {error}") from None
    if len(raw) > limit:
        raise BuildError(f"{what} ({path.name}) unpacks to more than {limit // (1024 * 1024)} MiB; a data file is far smaller")
    return raw


def publish_edition(book_dir: Path = BOOK_DIR, data_dir: Path | None = None, today: dt.date | None = None) -> dict:
    """Append the current build's record as the next edition and keep a copy of each new data file."""
    data_dir = resolve_data_dir(data_dir)
    validate_package(data_dir)
    stale = stale_chapters(chapters(book_dir), data_dir, {}, environment_fingerprint())
    if stale:
        raise BuildError(f"chapters not executed with the current data and code: {', '.join(c.name for c in stale)}; "
                         f"run `make book` first")
    record = current_record(book_dir, data_dir)
    published = read_editions(book_dir)
    if published and same_content(record, published[-1]):
        raise BuildError(f"nothing changed since edition {published[-1]['edition']} "
                         f"(same data files, retrieval dates and numbers); no edition published")
    record["edition"] = published[-1]["edition"] + 1 if published else 1
    record["date"] = (today or dt.date.today()).isoformat()
    for entry in record["resources"].values():
        kept = copy_path(book_dir, entry["hash"])
        if not kept.exists():
            write_atomically(kept, gzip.compress((data_dir / entry["path"]).read_bytes(), compresslevel=9, mtime=0))
    target = editions_dir(book_dir) / RECORD_NAME.format(record["edition"])
    write_atomically(target, json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return record


def keep_pages(book_dir: Path = BOOK_DIR) -> Path:
    """The built site's pages, kept as the last edition's (`site/past_editions.py`): run after the
    book is rendered with that edition's record, so its pages cite it and list what it changed."""
    last = read_editions(book_dir)[-1] if read_editions(book_dir) else None
    site = (book_dir / "_build" / "html").resolve()
    if last is None or not (site / "index.html").is_file():
        raise BuildError("no published edition, or no built site to keep; run `make publish` after `make book`")
    target = editions_dir(book_dir) / ARCHIVE_NAME.format(last["edition"])
    write_atomically(target, archive_pages(site, last["edition"], last["date"]))
    return target


@dataclass
class ResourceRevision:
    """One resource between two records; `changes` is None when both hold the same file."""

    name: str
    old: dict | None  # the record's entry; None: not in the older record
    new: dict | None
    changes: ResourceChanges | None


@dataclass(frozen=True)
class MovedNumber:
    chapter: str
    expression: str
    old: str
    new: str
    sentence: str  # as it reads in the newer record


@dataclass
class EditionChanges:
    old: dict
    new: dict
    resources: list[ResourceRevision]
    moved: list[MovedNumber]  # in the newer record's reading order
    numbers_added: int  # numbers the newer text shows that the older did not (text edits)
    numbers_removed: int


def last_edition(book_dir: Path = BOOK_DIR, data_dir: Path | None = None) -> tuple[dict | None, bool]:
    """The last published edition's record (None before the first) and whether this build is it
    (the same data files, retrieval dates and numbers), so a citation never names an edition the
    reader's pages have moved on from."""
    published = read_editions(book_dir)
    if not published:
        return None, False
    return published[-1], same_content(current_record(book_dir, data_dir), published[-1])


def edition_of_build(book_dir: Path = BOOK_DIR, data_dir: Path | None = None) -> dict:
    """What this build's pages cite (`site.book_citation.EDITION_SETTING`): the last edition, whether
    the pages are it, and their data snapshot."""
    record, this_build = last_edition(book_dir, data_dir)
    return edition_setting(record, this_build, snapshot_id(resolve_data_dir(data_dir))["hash"])


def changes_to_show(book_dir: Path = BOOK_DIR, data_dir: Path | None = None) -> EditionChanges | None:
    """What the What changed page compares: this build with the last edition or, when this build
    is that edition, the last edition with the one before; None for a first edition."""
    data_dir = resolve_data_dir(data_dir)
    published = read_editions(book_dir)
    current = current_record(book_dir, data_dir)
    if published and same_content(current, published[-1]):
        current, published = published[-1], published[:-1]
    return changes_between(published[-1], current, book_dir, data_dir) if published else None


def changes_between(old: dict, new: dict, book_dir: Path, data_dir: Path) -> EditionChanges:
    resources = []
    for name in dict.fromkeys([*new["resources"], *old["resources"]]):
        before, after = old["resources"].get(name), new["resources"].get(name)
        changes = None
        if after and (before is None or before["hash"] != after["hash"]):
            previous = load_resource(book_dir, data_dir, old, name) if before else None
            changes = compare(name, previous, load_resource(book_dir, data_dir, new, name), after["schema"])
        resources.append(ResourceRevision(name, before, after, changes))
    old_numbers, new_numbers = _numbered(old["numbers"]), _numbered(new["numbers"])
    moved = [MovedNumber(n["chapter"], n["expression"], old_numbers[key]["shown"], n["shown"], n["sentence"])
             for key, n in new_numbers.items() if key in old_numbers and old_numbers[key]["shown"] != n["shown"]]
    return EditionChanges(old, new, resources, moved, len(new_numbers.keys() - old_numbers.keys()),
                          len(old_numbers.keys() - new_numbers.keys()))


def _numbered(numbers: list[dict]) -> dict[tuple[str, str, int], dict]:
    """Numbers by chapter, expression and occurrence: one expression may appear in several sentences."""
    keyed, seen = {}, {}
    for number in numbers:
        pair = (number["chapter"], number["expression"])
        seen[pair] = seen.get(pair, -1) + 1
        keyed[(*pair, seen[pair])] = number
    return keyed

