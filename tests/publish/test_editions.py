"""Published editions: the record of every number in the prose with its sentence, the kept data
copies, and `publish` refusing a stale build or an edition with nothing new."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from belarus_trade import BOOK_DIR
from belarus_trade.build import BuildError
from belarus_trade.build.book import read_notebook
from belarus_trade.chapters.prose import INLINE_EXPRESSION
from belarus_trade.data.manifest import read_manifest
from belarus_trade.publish import editions


def test_committed_edition_records_this_snapshot_and_every_number():
    *earlier, first = editions.read_editions(BOOK_DIR)  # the last published edition
    current = editions.current_record(BOOK_DIR)
    assert first["edition"] == len(earlier) + 1 and editions.same_content(first, current)
    manifest = {r["name"]: r for r in read_manifest()["resources"]}
    assert {name: entry["hash"] for name, entry in first["resources"].items()} == {name: r["hash"] for name, r in manifest.items()}
    for entry in first["resources"].values():
        kept = gzip.decompress(editions.copy_path(BOOK_DIR, entry["hash"]).read_bytes())
        assert kept == (BOOK_DIR.parent / "data" / entry["path"]).read_bytes()
    introduction = read_notebook(BOOK_DIR / "chapters" / "introduction.ipynb")
    expressions = [e for cell in introduction["cells"] if cell["cell_type"] == "markdown"
                   for e in INLINE_EXPRESSION.findall("".join(cell["source"]))]
    assert [n["expression"] for n in first["numbers"] if n["chapter"] == "introduction"] == expressions


def test_publish_refuses_when_nothing_changed_and_appends_when_something_did(project_copy):
    book, data = project_copy / "book", project_copy / "data"
    last = len(editions.read_editions(book))
    with pytest.raises(BuildError, match=f"nothing changed since edition {last}"):
        editions.publish_edition(book, data)
    record_path = editions.editions_dir(book) / f"edition-{last:03d}.json"
    first = json.loads(record_path.read_text(encoding="utf-8"))
    first["numbers"][0]["shown"] = "1999"  # the last edition showed another number here
    record_path.write_text(json.dumps(first), encoding="utf-8")
    copies = sorted((editions.editions_dir(book) / editions.COPIES_DIR).iterdir())
    second = editions.publish_edition(book, data)
    assert second["edition"] == last + 1 and second["date"] and second["numbers"][0]["shown"] != "1999"
    assert json.loads((editions.editions_dir(book) / f"edition-{last + 1:03d}.json").read_text(encoding="utf-8")) == second
    assert sorted((editions.editions_dir(book) / editions.COPIES_DIR).iterdir()) == copies, "the same files are not kept twice"
    with pytest.raises(BuildError, match=f"nothing changed since edition {last + 1}"):
        editions.publish_edition(book, data)


def test_the_last_edition_is_this_build_until_the_book_moves_on(project_copy):
    """What a figure's citation names (`site.citation_panel`): the last edition while the pages are
    that edition, and that they are not once a number they show moved; no edition before the first."""
    book, data = project_copy / "book", project_copy / "data"
    *_, last = editions.read_editions(book)
    assert editions.last_edition(book, data) == (last, True)
    record_path = editions.editions_dir(book) / f"edition-{last['edition']:03d}.json"
    moved = {**last, "numbers": [{**last["numbers"][0], "shown": "1999"}, *last["numbers"][1:]]}
    record_path.write_text(json.dumps(moved), encoding="utf-8")
    assert editions.last_edition(book, data) == (moved, False)
    for record in editions.editions_dir(book).glob(editions.RECORD_GLOB):
        record.unlink()
    assert editions.last_edition(book, data) == (None, False)


def test_publish_refuses_a_stale_chapter(project_copy):
    book, data = project_copy / "book", project_copy / "data"
    for record in editions.editions_dir(book).glob(editions.RECORD_GLOB):
        record.unlink()
    path = book / "chapters" / "introduction.ipynb"
    notebook = read_notebook(path)
    code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []))
    code["source"] = ["first_year = 2013\n", *code["source"]]
    path.write_text(json.dumps(notebook), encoding="utf-8")
    with pytest.raises(BuildError, match=r"^chapters not executed with the current data and code: introduction; run `make book` first$"):
        editions.publish_edition(book, data)
    assert not list(editions.editions_dir(book).glob(editions.RECORD_GLOB))


# --- records are input: anyone can commit one (issue 19) --------------------------------------

def first_record(book):
    path = editions.editions_dir(book) / "edition-001.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("absolute", [False, True], ids=["parent", "absolute"])
def test_a_record_cannot_make_the_comparison_write_outside(project_copy, absolute):
    """The What changed page once wrote a kept copy to the path a record gave, before checking anything."""
    book, data = project_copy / "book", project_copy / "data"
    path = str(project_copy.parent / "outside.csv") if absolute else "../../../outside.csv"
    record_path, record = first_record(book)
    body = b"iso3,indicator,year,value\n"
    fake = "sha256:" + "0" * 64
    editions.copy_path(book, fake).write_bytes(gzip.compress(body))
    record["resources"]["wdi"].update(path=path, hash=fake)
    record_path.write_text(json.dumps(record), encoding="utf-8")
    outside = Path(path) if absolute else (editions.editions_dir(book) / "data" / path).resolve()
    with pytest.raises(BuildError, match=r"^editions/edition-001\.json, resource \"wdi\": path .* is not a file name in the data folder$"):
        editions.changes_to_show(book, data)
    assert not outside.exists() and not list(project_copy.parent.rglob("outside.csv"))


MALFORMED = {
    "not_json": ("{\"edition\": 1,", r"^editions/edition-001\.json, line 1: the record is not valid JSON \(.*\)$"),
    "no_numbers": (lambda r: r.pop("numbers"), r"^editions/edition-001\.json: the record has no 'numbers'$"),
    "edition_as_text": (lambda r: r.update(edition="1"), r"^editions/edition-001\.json: edition \"1\" is not a whole number from 1 to 999$"),
    "another_edition": (lambda r: r.update(edition=2), r"^editions/edition-001\.json: holds edition 2, so it must be named edition-002\.json$"),
    "bad_hash": (lambda r: r["resources"]["wdi"].update(hash="sha256:../../x"), r"hash \"sha256:\.\./\.\./x\" is not 'sha256:' and 64 hex digits$"),
    "number_not_text": (lambda r: r["numbers"][0].update(shown=65.2), r"number 1: needs chapter, expression, shown, sentence as texts"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_record_is_refused_in_one_line(project_copy, case):
    book = project_copy / "book"
    record_path, record = first_record(book)
    change, expected = MALFORMED[case]
    if callable(change):
        change(record)
        record_path.write_text(json.dumps(record), encoding="utf-8")
    else:
        record_path.write_text(change, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        editions.read_editions(book)
    assert "\n" not in str(caught.value) and re.search(expected, str(caught.value)), str(caught.value)


def test_a_kept_copy_that_unpacks_beyond_the_refresh_limit_is_refused(project_copy, monkeypatch):
    """A gzip bomb among the kept copies (1 MiB that once unpacked to 12.6 GB in memory) stops at the limit."""
    from belarus_trade.data.publishers.client import Limits

    monkeypatch.setattr(editions, "LIMITS", Limits(unpacked_bytes=1024 * 1024))
    book, data = project_copy / "book", project_copy / "data"
    record_path, record = first_record(book)
    fake = "sha256:" + "1" * 64
    editions.copy_path(book, fake).write_bytes(gzip.compress(b"0" * (2 * 1024 * 1024)))
    record["resources"]["wdi"]["hash"] = fake
    record_path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(BuildError, match=r"^edition 1: the copy of wdi \(1{64}\.csv\.gz\) unpacks to more than 1 MiB"):
        editions.changes_to_show(book, data)
