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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .build import BuildError, chapters, environment_fingerprint, read_notebook, stale_chapters, write_atomically
from .changes import ResourceChanges, compare
from .data import read_manifest, resolve_data_dir, snapshot_id, validate_file, validate_package
from .inline import stored_text
from .paths import BOOK_DIR

EDITIONS_DIR = "editions"  # inside the book folder, so the site stamp covers it
COPIES_DIR = "data"  # inside EDITIONS_DIR: <sha256>.csv.gz
RECORD_NAME = "edition-{:03d}.json"
RECORD_GLOB = "edition-*.json"

# Sentences of the prose: a role's place is held by private-use characters while the text is cut.
ROLE = re.compile(r"\{(?P<role>[A-Za-z][\w:-]*)\}`(?P<body>[^`]*)`")
CITATION = re.compile(r"\s*\{cite(?::[\w-]+)?\}`[^`]*`")
OPEN, CLOSE = "\ue000", "\ue001"
PLACE = re.compile(f"{OPEN}(\\d+){CLOSE}")
SENTENCE_END = re.compile(r"[.!?][\"”’)*]*\s+")
SENTENCE_START = re.compile(f"[\"“(\\[*]*(?:[A-Z]|{OPEN})")
ABBREVIATIONS = {"e.g", "i.e", "cf", "vs", "etc", "no", "fig", "figs", "p", "pp", "approx", "rep", "st", "al", "incl"}
INITIALS = re.compile(r"(?:[A-Z]\.)+")
BLOCK_START = re.compile(r"\s*(?:#{1,6}|[-*+]|\d{1,2}[.)])\s+")  # a heading or list item (not "2023. " at a line's start)
NOT_PROSE = re.compile(r"\s*(?::{3,}|:[\w-]+:)")  # directive fences and their options
CODE_FENCE = re.compile(r"\s*`{3,}")
MARKUP = [
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
]
ROLE_LABEL = re.compile(r"(.*?)\s*<[^<>]*>", re.S)  # {ref}`Figure A <fig-a>` reads "Figure A"


def editions_dir(book_dir: Path = BOOK_DIR) -> Path:
    return Path(book_dir) / EDITIONS_DIR


def copy_path(book_dir: Path, file_hash: str) -> Path:
    """Where a published resource file is kept: named by its content."""
    return editions_dir(book_dir) / COPIES_DIR / f"{file_hash.removeprefix('sha256:')}.csv.gz"


def read_editions(book_dir: Path = BOOK_DIR) -> list[dict]:
    """Every published edition's record, oldest first."""
    records = [json.loads(path.read_text(encoding="utf-8")) for path in editions_dir(book_dir).glob(RECORD_GLOB)]
    return sorted(records, key=lambda record: record["edition"])


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


def numbers_in_markdown(markdown: str, shown: dict[str, str], chapter: str = "") -> list[tuple[str, str]]:
    """(expression, sentence) for each `{eval}` of a Markdown text, once per sentence; the sentence
    as plain text, with the `shown` value of each of its expressions put in."""
    found = []
    for block in _blocks(markdown):
        roles: list[tuple[str, str]] = []

        def hold(match, roles=roles):
            roles.append((match["role"], match["body"]))
            return f"{OPEN}{len(roles) - 1}{CLOSE}"

        held = ROLE.sub(hold, CITATION.sub("", block))
        for sentence in _sentences(held):
            expressions = [roles[int(n)][1] for n in PLACE.findall(sentence) if roles[int(n)][0] == "eval"]
            missing = next((e for e in expressions if e not in shown), None)
            if missing is not None:
                raise BuildError(f"chapter {chapter}: no stored value for {{eval}}`{missing}`; run `make book` first")
            text = _plain(sentence, roles, shown)
            found += [(expression, text) for expression in dict.fromkeys(expressions)]
    return found


def _blocks(markdown: str) -> list[str]:
    """Paragraphs, list items and headings, each as one line; directive fences, options and code left out."""
    blocks, current, in_code = [], [], False
    for line in markdown.splitlines():
        fence = CODE_FENCE.match(line)
        in_code = in_code != bool(fence)
        boundary = fence or in_code or not line.strip() or NOT_PROSE.match(line)
        item = BLOCK_START.match(line)
        if boundary or item:
            if current:
                blocks.append(" ".join(current))
            current = []
        if not boundary:
            current.append(line[item.end() if item else 0:].strip())
    if current:
        blocks.append(" ".join(current))
    return blocks


def _sentences(text: str) -> list[str]:
    """Cut after `.`, `!` or `?` when a capital or a role follows, but not after an abbreviation,
    initials (U.S.) or a number alone (the "1." of a numbered bold lead)."""
    found, start = [], 0
    for end in SENTENCE_END.finditer(text):
        if not SENTENCE_START.match(text, end.end()):
            continue
        head = text[start:end.start() + 1]
        word = head.split()[-1].lstrip("(\"“*[").rstrip(".!?")
        if word.lower() in ABBREVIATIONS or INITIALS.fullmatch(word + ".") or not re.search(r"[^\W\d_]", head):
            continue
        found.append(text[start:end.end()].strip())
        start = end.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


def _plain(sentence: str, roles: list[tuple[str, str]], shown: dict[str, str]) -> str:
    for pattern, replacement in MARKUP:
        sentence = pattern.sub(replacement, sentence)

    def put(match):
        role, body = roles[int(match[1])]
        if role == "eval":
            return shown[body]
        label = ROLE_LABEL.fullmatch(body)
        return label[1] if label else body

    return " ".join(PLACE.sub(put, sentence).split())


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
        raw = gzip.decompress(kept.read_bytes())
    elif record["edition"] is None:
        raw = (data_dir / entry["path"]).read_bytes()
    else:
        raise BuildError(f"edition {record['edition']}: no copy of {name} ({entry['hash']}) in {kept.parent}")
    with tempfile.TemporaryDirectory(prefix="belarus-trade-edition-") as scratch:
        path = Path(scratch) / entry["path"]
        path.write_bytes(raw)
        return validate_file(path, {"schema": entry["schema"], "hash": entry["hash"]})


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

