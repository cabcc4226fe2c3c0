"""The What changed page: a first edition says so; a pair of editions lists the data revisions and
the numbers of the text that moved, old → new, with chapter and sentence, all as escaped text.

Most tests render the page alone (Sphinx with MyST and the page's extension, in a subprocess)
from a copy of the book's chapters, data and records; one reads the built book, where the page
sits in the back matter."""
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import types
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hostile import HOSTILE

from belarus_trade import BOOK_DIR, DATA_DIR, i18n
from belarus_trade.data.loading import load
from belarus_trade.data.manifest import snapshot_id
from belarus_trade.data.snapshot import record
from belarus_trade.i18n import tr
from belarus_trade.publish import editions, what_changed
from belarus_trade.publish.what_changed import TEXT
from belarus_trade.site.book_citation import EDITION_SETTING

MOVED_EXPRESSION = "i18n.number(russia_exports[1], 1)"  # the introduction's "to 65.2%"
INTRODUCTION_SENTENCE = "From 2012 to 2024, Russia's share of Belarus's goods exports went from 35.4% to 65.2%"
OLD_SHOWN = "64.0 <b>bold</b>"  # a record is a file in the repository: its text must stay text on the page


@pytest.fixture
def page_project(tmp_path) -> tuple[Path, Path]:
    """The page, the table of contents, the executed chapters, the records and the data, copied."""
    book, data = tmp_path / "book", tmp_path / "data"
    book.mkdir()
    for name in ("_toc.yml", "what_changed.md"):
        shutil.copy(BOOK_DIR / name, book / name)
    for folder in ("chapters", "editions"):
        shutil.copytree(BOOK_DIR / folder, book / folder)
    shutil.copytree(DATA_DIR, data)
    for path in editions.editions_dir(book).glob(editions.RECORD_GLOB):  # this build as the one published edition
        path.unlink()
    first = editions.current_record(book, data)
    first.update(edition=1, date="2026-11-27")
    (editions.editions_dir(book) / editions.RECORD_NAME.format(1)).write_text(json.dumps(first), encoding="utf-8")
    return book, data


@pytest.fixture
def render(sphinx):
    """render(book, data, language="en") -> the page as the book renders it, keeping Sphinx's saved
    environment between calls."""
    def page(book: Path, data: Path, language: str = "en") -> BeautifulSoup:
        out = book.parent / f"html-{language}"
        run = sphinx(["-b", "html", "-q", "-W", "-C", "-d", str(book.parent / f"doctrees-{language}"),
                      "-D", "extensions=myst_parser,belarus_trade.publish.what_changed", "-D", "root_doc=what_changed",
                      "-D", f"language={language}", "-D", "exclude_patterns=chapters,editions",
                      "-D", f"belarus_trade_data_dir={data}", str(book), str(out)])
        assert run.returncode == 0, run.stderr
        return BeautifulSoup((out / "what_changed.html").read_text(encoding="utf-8"), "html.parser")
    return page


def publish_older_edition(book: Path, data: Path) -> None:
    """Replace the records by an edition 1 that predates this build: the World Bank file without
    2024, with Belarus's 2023 GDP 5% lower and a world GDP series, retrieved earlier; the
    introduction's last export share shown differently. This build becomes edition 2."""
    wdi = load("wdi", data)
    older = wdi[wdi.year < 2024].copy()
    older.loc[(older.iso3 == "BLR") & (older.indicator == "NY.GDP.MKTP.CD") & (older.year == 2023), "value"] *= 0.95
    world_gdp = older[(older.iso3 == "WLD")].head(2).assign(indicator="NY.GDP.MKTP.CD", value=[3.4e13, 3.5e13])
    body = pd.concat([older, world_gdp]).to_csv(index=False).encode()
    file_hash = "sha256:" + hashlib.sha256(body).hexdigest()
    editions.copy_path(book, file_hash).write_bytes(gzip.compress(body))
    for path in editions.editions_dir(book).glob(editions.RECORD_GLOB):
        path.unlink()
    current = editions.current_record(book, data)
    first = json.loads(json.dumps(current))
    first.update(edition=1, date="2026-06-02", snapshot="5e1ec7ed00")
    first["resources"]["wdi"].update(hash=file_hash, retrieved="2026-06-01", rows=len(older) + 2)
    moved = next(n for n in first["numbers"] if n["chapter"] == "introduction" and n["expression"] == MOVED_EXPRESSION)
    moved["shown"] = OLD_SHOWN
    current.update(edition=2, date="2026-11-27")
    for edition in (first, current):
        (editions.editions_dir(book) / editions.RECORD_NAME.format(edition["edition"])).write_text(json.dumps(edition), encoding="utf-8")


def table(page: BeautifulSoup, caption: str) -> list[list[str]]:
    """A table's cells as text."""
    found = next(t for t in page.find_all("table") if t.caption and caption in t.caption.get_text(" ", strip=True))
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in found.find_all("tr")]


def test_first_edition_says_so_and_a_new_edition_rerenders_the_page(page_project, render):
    book, data = page_project
    first = render(book, data)
    assert TEXT["first_edition"] in first.get_text(" ")
    assert not first.find("table")

    publish_older_edition(book, data)  # the page's Markdown is untouched: only its inputs changed
    page = render(book, data)
    text = page.get_text(" ")
    assert TEXT["first_edition"] not in text
    assert "This page compares edition 2 of 2026-11-27" in text and "with edition 1 of 2026-06-02 (data snapshot 5e1ec7ed00)" in text
    assert [region["aria-label"] for region in page.select("div.bt-table-scroll[tabindex='0']")][-1] == TEXT["numbers_caption"]

    numbers = table(page, TEXT["numbers_caption"])
    assert numbers[0] == TEXT["numbers_header"]
    (row,) = [r for r in numbers[1:] if r[1] == OLD_SHOWN]
    assert row[0] == "introduction" and row[2] == "65.2" and row[3].startswith(INTRODUCTION_SENTENCE)
    assert len(numbers) == 2, "only the number that moved is listed"
    assert page.find("b") is None and "&lt;b&gt;bold&lt;/b&gt;" in str(page)

    overview = {r[0]: r for r in table(page, TEXT["overview_caption"])[1:]}
    assert overview["wdi"][1:] == ["2026-06-01 → 2026-11-22", "193 → 196", "years added: 2024; series disappearing: 1; values revised: 1"]
    assert overview["imf_dots"][3] == TEXT["same_file"]

    series = table(page, "wdi: series appearing and disappearing")
    assert series[1:] == [["WLD / NY.GDP.MKTP.CD", TEXT["disappearing"]]]
    wdi = load("wdi", data)
    gdp = wdi[(wdi.iso3 == "BLR") & (wdi.indicator == "NY.GDP.MKTP.CD") & (wdi.year == 2023)].value.item()
    revisions = table(page, "wdi: the largest revisions")
    assert revisions[1] == ["BLR / NY.GDP.MKTP.CD / 2023", "value", f"{gdp * 0.95:,.0f}", f"{gdp:,.0f}", f"+{gdp - gdp * 0.95:,.0f}", "+5.3%"]


def test_the_translated_page_counts_what_moved_and_leaves_the_english_text_to_the_english_page(page_project, render):
    """The Russian page compares the same records in its own words; the editions record the English
    text, so it counts the numbers that moved (agreeing with the count) and shows none of the
    recorded English sentences."""
    book, data = page_project
    assert TEXT["first_edition"] not in render(book, data, "ru").get_text(" ")  # its words are translated
    publish_older_edition(book, data)
    page = render(book, data, "ru")
    text = page.get_text(" ")
    assert "В тексте изменилось 1 число." in text and "английской версии этой страницы" in text
    with i18n.speaking("ru"):
        caption = tr(TEXT["numbers_caption"])
    assert caption != TEXT["numbers_caption"] and not any(t.caption and caption in t.caption.get_text(" ") for t in page.find_all("table"))
    assert OLD_SHOWN not in text and INTRODUCTION_SENTENCE not in text
    assert "Данные получены" not in text and "01.06.2026 → 22.11.2026" in text  # the data revisions, dates in Russian


def test_this_build_is_compared_with_the_last_edition_until_it_is_published(page_project):
    book, data = page_project
    publish_older_edition(book, data)
    (editions.editions_dir(book) / editions.RECORD_NAME.format(2)).unlink()
    shown = editions.changes_to_show(book, data)
    assert shown.old["edition"] == 1 and shown.new["edition"] is None
    assert [(m.chapter, m.old, m.new) for m in shown.moved] == [("introduction", OLD_SHOWN, "65.2")]
    assert shown.numbers_added == shown.numbers_removed == 0


def test_the_citations_are_told_which_edition_this_build_is(page_project, caplog):
    """Before the builder starts (`config-inited`), the site's citation panels get the last edition
    and whether this build is it; a record that cannot be read fails the render with its line."""
    book, data = page_project
    app = types.SimpleNamespace(srcdir=str(book))

    def setting() -> dict:
        config = types.SimpleNamespace(belarus_trade_records_dir="", belarus_trade_data_dir=str(data))
        what_changed._edition_of_this_build(app, config)
        return getattr(config, EDITION_SETTING)

    snapshot = snapshot_id(data)["hash"]
    assert setting() == {"edition": 1, "date": "2026-11-27", "this_build": True, "snapshot": snapshot}
    publish_older_edition(book, data)
    (editions.editions_dir(book) / editions.RECORD_NAME.format(2)).unlink()
    assert setting() == {"edition": 1, "date": "2026-06-02", "this_build": False, "snapshot": snapshot}, "the pages' snapshot, not the edition's"
    (editions.editions_dir(book) / editions.RECORD_NAME.format(1)).write_text("{", encoding="utf-8")
    assert setting() == {}
    assert "citations: editions/edition-001.json" in caplog.text


def test_book_has_the_what_changed_page_in_its_back_matter(built_site):
    """The book as built compares its last edition with the one before (or says it is the first)."""
    site = built_site
    page = BeautifulSoup((site / "what_changed.html").read_text(encoding="utf-8"), "html.parser")
    *earlier, last = editions.read_editions(BOOK_DIR)
    expected = f"This page compares edition {last['edition']} of {last['date']}" if earlier else TEXT["first_edition"]
    assert expected in page.get_text(" ")
    navigation = BeautifulSoup((site / "teaching.html").read_text(encoding="utf-8"), "html.parser").select("nav a")
    assert any(link.get("href", "").endswith("what_changed.html") for link in navigation)


def test_hostile_text_in_revised_data_reaches_the_page_as_text(page_project, render):
    """Markup of every kind the pipeline parses, planted in a data file, is shown on the page as written."""
    book, data = page_project
    path = data / "union_state_agreements.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    revised, renamed = HOSTILE[:4], HOSTILE[-4:]
    frame.loc[:3, "summary"] = revised
    frame.loc[4:7, "agreement"] = renamed
    frame.to_csv(path, index=False)
    record(path.name, data)
    page = render(book, data)
    cells = {cell.get_text() for cell in page.select("td p")}
    assert set(revised) | set(renamed) <= cells
    assert page.select_one('[role="main"]') is not None
    assert page.select('[role="main"] :is(img, a[href^="javascript:"], iframe, object, embed, script, style)') == []


def test_a_missing_copy_of_published_data_fails_the_page_with_one_line(page_project, render):
    book, data = page_project
    publish_older_edition(book, data)
    record_path = editions.editions_dir(book) / editions.RECORD_NAME.format(1)
    first = json.loads(record_path.read_text(encoding="utf-8"))
    editions.copy_path(book, first["resources"]["wdi"]["hash"]).unlink()
    (editions.editions_dir(book) / editions.RECORD_NAME.format(2)).unlink()
    with pytest.raises(AssertionError, match=r"what-changed: edition 1: no copy of wdi \(sha256:[0-9a-f]{64}\) in "):
        render(book, data)
