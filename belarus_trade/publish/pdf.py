"""`make pdf`: the book printed to PDF by headless Chromium, in each language from its own site.

`book.pdf` reads like a book: a title page (the edition, its date, the data snapshot and how to
cite it), a contents page with page numbers, then every page of the table of contents in its
order (the introduction, the chapters, the back matter), numbered continuously, each page with
one footer (its chapter's short title and its page number). Each chapter is also written on its own, as its pages
of the book, so that "page 40" is page 40 in both. Pages print with the site's print stylesheet:
every chart as its static image, no screen controls, code wrapped inside the margin (`printing`).
"""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from belarus_trade import BOOK_DIR, i18n
from belarus_trade.build.book import pages
from belarus_trade.data.manifest import resolve_data_dir, snapshot_id
from belarus_trade.i18n import N_, tr
from belarus_trade.publish.citation import book_citation, text
from belarus_trade.publish.editions import edition_of_build
from belarus_trade.publish.printing import Part, bind, in_chromium, part_pages, print_page

INTRODUCTION = N_("Introduction")  # the root page's title in print: its heading is the book's title
SNAPSHOT = N_("Data snapshot {snapshot}, retrieved up to {date}")
CITE_AS = N_("Cite as: {reference}")
PRINTED_TITLE = "#jb-print-docs-body h1"  # the theme prints a page's title from here (unnumbered), not its <h1>


def book_pages(book_dir: Path = BOOK_DIR) -> list[str]:
    """The pages the book PDF holds, in reading order, as paths of the site."""
    return [f"{page}.html" for page in pages(book_dir)]


def front_matter(book_dir: Path, data_dir: Path, language: str) -> dict:
    """The title page's text in `language`: the book, the edition these pages are, their data and how to cite them."""
    book = book_citation(book_dir, language, edition_of_build(book_dir, data_dir))
    snapshot = snapshot_id(data_dir)
    with i18n.speaking(language):
        edition = book.edition_text()
        lines = [edition[:1].upper() + edition[1:],
                 tr(SNAPSHOT).format(snapshot=snapshot["hash"], date=i18n.date(snapshot["retrieved"])),
                 tr(CITE_AS).format(reference=text(book))]
    return {"title": book.title, "author": book.author[:1].upper() + book.author[1:], "lines": lines}


def print_book(site: Path, output: Path, book_dir: Path = BOOK_DIR, language: str = i18n.SOURCE_LANGUAGE, browser=None,
               data_dir: Path | None = None) -> Path:
    """`output/book.pdf` in `language` (in `browser`, Playwright's, if given, else a Chromium of its
    own) and one PDF per page of `book_pages` beside it."""
    data_dir = resolve_data_dir(data_dir)
    if language != i18n.SOURCE_LANGUAGE:
        site = site / language
    output.mkdir(parents=True, exist_ok=True)
    front = front_matter(book_dir, data_dir, language)
    parts = []

    def work(page, base):
        for relative in book_pages(book_dir):
            printed = print_page(page, f"{base}{relative}", output / f".{Path(relative).stem}.print.pdf")
            soup = BeautifulSoup((site / relative).read_text(encoding="utf-8"), "html.parser")
            parts.append(Part(*titles(soup, front["title"], language), printed))
        with i18n.speaking(language):
            return bind(parts, output / "book.pdf", page, language, front)

    book, starts = in_chromium(site, browser, work)
    for relative, part, start in zip(book_pages(book_dir), parts, starts):
        part_pages(book, start, part.pages, output / f"{Path(relative).stem}.pdf")
        part.path.unlink()
    return book


def titles(soup: BeautifulSoup, book_title: str, language: str) -> tuple[str, str]:
    """A built page as a part of a printed document: its heading as the contents name it ("2. Before
    the sanctions: …", numbered as the site numbers it in its <title>) and its short title (before the colon)."""
    heading = " ".join((soup.select_one(PRINTED_TITLE) or soup.select_one("article h1")).get_text(" ").replace("#", " ").split())
    if heading == book_title:
        with i18n.speaking(language):
            heading = tr(INTRODUCTION)
    number = re.match(r"(\d+)\.\s", soup.title.get_text() if soup.title else "")
    return f"{number[1]}. {heading}" if number else heading, heading.split(":")[0]
