"""How to cite the book (issue 23): CITATION.cff valid and current, every page's `citation_*` tags
as a reference manager reads them, and the How to cite page in both languages."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from belarus_trade import BOOK_DIR, PROJECT_ROOT
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE
from belarus_trade.publish import citation
from belarus_trade.publish.editions import edition_of_build, read_editions
from belarus_trade.site.book_citation import BookCitation

SCHEMA = Path(__file__).parent / "fixtures" / "cff-schema-1.2.0.json"
CHAPTER_PAGES = [f"chapters/{path.stem}.html" for path in sorted((BOOK_DIR / "chapters").glob("*.ipynb"))]


def test_citation_file_is_valid_cff_and_cites_the_last_edition():
    committed = (PROJECT_ROOT / citation.CFF_NAME).read_text(encoding="utf-8")
    record = yaml.safe_load(committed)
    jsonschema.validate(record, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert committed == citation.cff_text(citation.book_citation()), "make publish writes CITATION.cff: run it, or write_citation_file()"
    last = read_editions(BOOK_DIR)[-1]
    assert record["version"] == str(last["edition"]) and record["date-released"] == last["date"]
    assert record["preferred-citation"]["edition"] == str(last["edition"])


def test_the_schema_refuses_what_it_should():
    """The validation can fail: a record without authors or with a malformed date is refused."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    good = citation.cff(citation.book_citation())
    for broken in ({k: v for k, v in good.items() if k != "authors"}, {**good, "date-released": "7 December 2026"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema, format_checker=jsonschema.FormatChecker())


def test_forms_of_one_citation_agree():
    first = BookCitation(title="A book", author="Its authors", language="en", edition=3, date="2027-01-31", this_build=True,
                         snapshot="abc123", url="https://example.org/book/")
    assert "edition = {3}" in citation.bibtex(first) and "date = {2027-01-31}" in citation.bibtex(first)
    assert "ET  - 3\n" in citation.ris(first) and "DA  - 2027/01/31\n" in citation.ris(first) and citation.ris(first).endswith("ER  -\n")
    assert citation.text(first) == "Its authors (2027). A book, edition 3 of 2027-01-31 (data snapshot abc123). https://example.org/book/"
    tags = dict(citation.meta_tags(first, "A chapter", "https://example.org/book/chapters/a.html"))
    assert tags == {"citation_title": "A chapter", "citation_book_title": "A book", "citation_author": "Its authors",
                    "citation_language": "en", "citation_publication_date": "2027/01/31", "prism.edition": "3",
                    "citation_public_url": "https://example.org/book/chapters/a.html"}
    unpublished = BookCitation(title="A book", author="Its authors", language="en", copyright_year="2026")
    assert citation.text(unpublished) == "Its authors (2026). A book, not yet published as an edition."
    assert "prism.edition" not in dict(citation.meta_tags(unpublished, "A chapter"))
    after = BookCitation(title="A book", author="Its authors", language="en", edition=3, date="2027-01-31", snapshot="def456",
                         copyright_year="2027")
    assert citation.text(after) == "Its authors (2027). A book, an unpublished build after edition 3 of 2027-01-31 (data snapshot def456)."
    assert not {"prism.edition", "citation_publication_date"} & dict(citation.meta_tags(after, "A chapter")).keys()
    assert "edition =" not in citation.bibtex(after) and "ET  -" not in citation.ris(after), "pages that moved on name no edition"


def test_the_russian_reference_is_gost_with_its_areas():
    russian = BookCitation(title="Книга", author="авторы", language="ru", edition=2, date="2026-12-07", this_build=True, snapshot="abc")
    assert citation.text(russian) == "Книга / авторы. – 2-е изд. – 2026. – срез данных abc. – Текст : электронный."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_chapter_page_carries_what_a_reference_manager_reads(built_site, language):
    """Zotero's Embedded Metadata translator: citation_title, citation_book_title (a book section),
    citation_author, citation_publication_date, citation_language, and prism.edition (its RDF reading)."""
    book = citation.book_citation(BOOK_DIR, language, edition_of_build())
    folder = "" if language == SOURCE_LANGUAGE else f"{language}/"
    for page in CHAPTER_PAGES:
        soup = BeautifulSoup((built_site / folder / page).read_text(encoding="utf-8"), "html.parser")
        tags = {meta["name"]: meta["content"] for meta in soup.select("head meta[name]")}
        assert tags["citation_title"] == " ".join(soup.h1.get_text().replace("#", "").split()), page
        assert tags["citation_book_title"] == book.title and tags["citation_author"] == book.author
        if book.published:
            assert tags["citation_publication_date"] == book.date.replace("-", "/") and tags["prism.edition"] == str(book.edition)
        else:  # pages that moved on from the last edition
            assert "prism.edition" not in tags and "citation_publication_date" not in tags
        assert tags["citation_language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_how_to_cite_page_gives_the_reference_bibtex_and_ris(built_site, language):
    folder = "" if language == SOURCE_LANGUAGE else f"{language}/"
    soup = BeautifulSoup((built_site / folder / "how_to_cite.html").read_text(encoding="utf-8"), "html.parser")
    book = citation.book_citation(BOOK_DIR, language, edition_of_build())
    assert soup.select_one("p.bt-reference").get_text() == citation.text(book)
    blocks = [pre.get_text() for pre in soup.select("main pre")]
    assert blocks == [citation.bibtex(book), citation.ris(book)]
