"""`make handouts`: exercise sheets a teacher can print, in each language, from the built site.

For each chapter with exercises, the student's sheet (its exercises and discussion questions,
without solutions) and the teacher's copy (with them); for the whole seminar, every chapter's in
one document each, with a title page and contents. Each exercise keeps its number ("Exercise
2.1") and is followed by the figures and tables it names ("Figure 3", "таблицы 1"), wherever in
the book they are, as the book prints them. A sheet is the chapter's own page with everything
else taken out, so it prints with the site's print stylesheet like the book (`printing`).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from belarus_trade import BOOK_DIR, i18n
from belarus_trade.data.manifest import resolve_data_dir
from belarus_trade.i18n import N_, tr
from belarus_trade.publish.pdf import book_pages, front_matter, titles
from belarus_trade.publish.printing import Part, bind, in_chromium, print_page

KEPT_SECTIONS = ("exercises", "discussion")  # the sections of a chapter page a sheet keeps (ids in every language)
STUDENT, TEACHER = "student", "teacher"
SHEET_KIND = {STUDENT: N_("Exercises and discussion questions, without solutions"),
              TEACHER: N_("Exercises and discussion questions, with solutions (teacher's copy)")}
SEMINAR_TITLE = {STUDENT: N_("Exercises for the seminar"), TEACHER: N_("Exercises for the seminar, with solutions")}
# A figure's or a table's number as a sentence names it, in either language ("Figure 3c", "рис. 3c", "таблицы 1").
NAMED = {"figure": r"(?:Figure|Fig\.|рис\.|рисун\w*)", "table": r"(?:Table|табл\w*\.?)"}
NUMBER_END = r"(?![0-9A-Za-zА-Яа-яЁё])"


@dataclass(frozen=True)
class Shown:
    """A numbered figure or table of the book, and its markup as its page holds it."""

    kind: str  # "figure" or "table"
    number: str  # "3c"
    element: object  # the page's <figure>, a BeautifulSoup tag


def figures_of(pages: dict[str, BeautifulSoup]) -> list[Shown]:
    """Every captioned figure and table of the pages, by the number its caption gives it."""
    found = []
    for soup in pages.values():
        for figure in soup.select("article figure"):
            label = figure.select_one("figcaption strong")
            number = re.match(r"\S+\s+([0-9A-Za-z]+)", label.get_text(" ", strip=True)) if label else None
            if number:
                found.append(Shown("table" if figure.find("table") else "figure", number[1], figure))
    return found


def named_in(text: str, shown: list[Shown]) -> list[Shown]:
    """The figures and tables a text names, in the order of the book."""
    return [item for item in shown
            if re.search(rf"{NAMED[item.kind]}\s*{re.escape(item.number)}{NUMBER_END}", text, flags=re.IGNORECASE)]


def sheet(soup: BeautifulSoup, copy_of: str, shown: list[Shown], kind: str) -> BeautifulSoup | None:
    """The chapter page as a sheet (`copy_of`: STUDENT or TEACHER), or None if it has no exercises:
    its title, a line saying which sheet it is (`kind`), its exercises (each followed by what it
    names) and its discussion questions."""
    soup = copy.copy(soup)
    article = soup.select_one("article.bd-article")
    sections = [article.find("section", id=name) for name in KEPT_SECTIONS]
    if sections[0] is None or article.h1 is None:
        return None
    title = article.h1
    line = soup.new_tag("p", attrs={"class": "bt-sheet-kind"})
    line.string = kind
    for child in list(article.children):
        child.extract()
    article.append(title)
    article.append(line)
    for section in filter(None, sections):
        article.append(section)
    if copy_of == STUDENT:
        for solution in article.select(".solution"):
            solution.decompose()
    placed = set()
    for exercise in article.select(".exercise"):
        after = exercise
        for item in named_in(exercise.get_text(" ", strip=True), shown):
            if id(item.element) not in placed:
                placed.add(id(item.element))
                figure = copy.copy(item.element)
                after.insert_after(figure)
                after = figure
    for script in soup.find_all("script"):  # a sheet prints its charts' static images: no script needed
        script.decompose()
    return soup


def print_handouts(site: Path, output: Path, book_dir: Path = BOOK_DIR, language: str = i18n.SOURCE_LANGUAGE,
                   browser=None, data_dir: Path | None = None) -> list[Path]:
    """Every chapter's sheets and the seminar's in `output` (in `browser`, Playwright's, if given)."""
    data_dir = resolve_data_dir(data_dir)
    if language != i18n.SOURCE_LANGUAGE:
        site = site / language
    output.mkdir(parents=True, exist_ok=True)
    pages = {relative: BeautifulSoup((site / relative).read_text(encoding="utf-8"), "html.parser")
             for relative in book_pages(book_dir) if relative.startswith("chapters/")}
    front = front_matter(book_dir, data_dir, language)
    return in_chromium(site, browser, lambda page, base: _print(page, base, pages, output, language, front))


def _print(page, base: str, pages: dict[str, BeautifulSoup], output: Path, language: str, front: dict) -> list[Path]:
    written, shown = [], figures_of(pages)
    with i18n.speaking(language):
        for copy_of in (STUDENT, TEACHER):
            suffix = "" if copy_of == STUDENT else f"-{TEACHER}"
            parts = []
            for relative, soup in pages.items():
                made = sheet(soup, copy_of, shown, tr(SHEET_KIND[copy_of]))
                if made is None:
                    continue
                title, short_title = titles(soup, front["title"], language)
                printed = print_page(page, f"{base}{relative}", output / f".{Path(relative).stem}{suffix}.print.pdf", str(made))
                parts.append(Part(title, short_title, printed))
                written.append(bind(parts[-1:], output / f"{Path(relative).stem}{suffix}.pdf", page, language)[0])
            seminar = {**front, "title": tr(SEMINAR_TITLE[copy_of]), "lines": [front["title"], *front["lines"][:2]]}
            written.append(bind(parts, output / f"seminar{suffix}.pdf", page, language, seminar)[0])
            for part in parts:
                part.path.unlink()
    return written
