"""Print as a teacher hands it out (issue 24): the book PDF and the exercise sheets of both
languages, printed once (`printed`) and read back as text with pypdf, page by page: a title page,
contents with the pages the chapters start on, continuous numbers in one footer per page, no
screen control, every line of every solution's code, and sheets with and without solutions that
keep each exercise's number and the figures it names. (Chart images are read in
tests/site/test_chart_images.py: no axis labels overlap in any of them, which is what prints.)"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from belarus_trade import BOOK_DIR, i18n
from belarus_trade.build.book import chapters
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE, tr, trc
from belarus_trade.publish.printing import PAGE_OF
from belarus_trade.publish.student import SOLUTION_TAG
from belarus_trade.site.citation_panel import TEXT as PANEL_TEXT
from belarus_trade.site.language import CODE_PROMPTS

CHAPTERS = chapters()


def pages_of(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    """Text without its layout: ligatures unfolded (ﬁ), every space and line break removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def footer_pattern(language: str) -> re.Pattern:
    with i18n.speaking(language):
        words = re.escape(tr(PAGE_OF)).replace(r"\{page\}", r"(\d+)").replace(r"\{pages\}", r"(\d+)")
    return re.compile(rf"^(.+) · {words}$", re.M)


def solution_code(chapter) -> list[str]:
    notebook = json.loads(chapter.path.read_text(encoding="utf-8"))
    return [line for cell in notebook["cells"] if cell["cell_type"] == "code" and SOLUTION_TAG in cell["metadata"].get("tags", [])
            for line in "".join(cell["source"]).splitlines() if line.strip()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_book_reads_like_a_book(printed, language):
    """A title page with the edition and the data snapshot; a contents page whose numbers are the
    pages the parts start on; every later page numbered in order, in one footer naming its part;
    each chapter's own PDF is its pages of the book."""
    from pypdf import PdfReader

    from belarus_trade.publish.pdf import front_matter

    folder = printed[language]["pdf"]
    pages = pages_of(folder / "book.pdf")
    front = front_matter(BOOK_DIR, None, language)
    assert flat(front["title"]) in flat(pages[0]) and all(flat(line) in flat(pages[0]) for line in front["lines"])
    footers = [footer_pattern(language).findall(text) for text in pages]
    assert footers[0] == [], "the title page has no footer"
    for number, found in enumerate(footers[1:], 2):
        assert len(found) == 1, f"page {number}: one footer, not {found}"
        assert found[0][1:] == (str(number), str(len(pages))), f"page {number}: numbered {found[0][1]} of {found[0][2]}"
    with i18n.speaking(language):
        contents_title = trc("printed book", "Contents")
    assert pages[1].startswith(contents_title)
    entries = re.findall(r"^(.+?) (\d+)$", pages[1].split("\n", 1)[1], re.M)
    titles = [item.title for item in PdfReader(str(folder / "book.pdf")).outline]
    assert [title for title, _ in entries][:len(titles)] == titles and len(titles) >= len(CHAPTERS) + 3
    starts = [int(start) for _, start in entries][:len(titles)]
    for (title, start), following in zip(zip(titles, starts), [*starts[1:], len(pages) + 1]):
        short = footers[start - 1][0][0]
        assert title.split(". ", 1)[-1].startswith(short), f"{title}: page {start}'s footer names {short}"
        assert footers[start - 2][0][0] != short if start > 2 else True, f"{title} starts on page {start}, not before"
        assert all(footers[page - 1][0][0] == short for page in range(start, following)), f"{title}: every page's footer"
    multivector = next(start for title, start in zip(titles, starts) if title.startswith("1. "))
    own = pages_of(folder / "multivector.pdf")
    assert own == pages[multivector - 1:multivector - 1 + len(own)], "a chapter's PDF is its pages of the book"
    with i18n.speaking(language):
        figure, table, axis_title = tr("Figure"), tr("Table"), tr("% of GDP")
    chapter_text = "".join(own)
    assert all(f"{word} {number}." in chapter_text for word, number in ((figure, 1), (figure, 2), (table, 1)))
    assert axis_title in chapter_text, "the axis title drawn inside Figure 1's static image"
    if language != SOURCE_LANGUAGE:
        assert "Figure 1." not in chapter_text and " page 1 of" not in "".join(pages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_screen_control_is_printed(printed, language):
    """A folded cell's button, a panel's summary: nothing that only works on a screen, in any PDF."""
    with i18n.speaking(language):
        controls = [tr(label).format(type="source") for label in CODE_PROMPTS.values()]
        panel = tr(PANEL_TEXT["summary"]).split("{label}")[0].strip()
    documents = [*printed[language]["pdf"].glob("*.pdf"), *printed[language]["handouts"].glob("*.pdf")]
    assert len(documents) > 20
    for document in documents:
        lines = [line.strip() for text in pages_of(document) for line in text.splitlines()]
        assert not [line for line in lines if line in controls or line.startswith(panel)], document.name


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_of_every_solution_prints_in_full(printed, language):
    """Solutions print with their code wrapped inside the margin: every line of it is in the book
    and in the teacher's sheets, none of it on a student's sheet."""
    book = flat("".join(pages_of(printed[language]["pdf"] / "book.pdf")))
    teacher = flat("".join(pages_of(printed[language]["handouts"] / "seminar-teacher.pdf")))
    student = flat("".join(pages_of(printed[language]["handouts"] / "seminar.pdf")))
    for chapter in CHAPTERS:
        code = solution_code(chapter)
        assert code, chapter.name
        for line in code:
            assert flat(line) in book and flat(line) in teacher, f"{chapter.name}: {line!r} is cut or missing"
        assert not [line for line in code if len(flat(line)) > 30 and flat(line) in student], f"{chapter.name}: a solution on the student's sheet"


@pytest.mark.parametrize("language", LANGUAGES)
def test_exercise_sheets_keep_numbers_and_the_figures_they_name(printed, built_site, language):
    """Each chapter's sheet has its exercises, numbered as in the book, and its discussion
    questions; the student's has no solution, the teacher's one per exercise; a sheet shows the
    figures and tables its exercises name (Table 1 for the introduction's, Figure 3 for
    the pre-sanction chapter's); the seminar's sheets open with contents and number on."""
    from bs4 import BeautifulSoup

    folder = printed[language]["handouts"]
    site = built_site / ("" if language == SOURCE_LANGUAGE else language)
    with i18n.speaking(language):
        figure, table = tr("Figure"), tr("Table")
    for chapter in CHAPTERS:
        page = BeautifulSoup((site / "chapters" / f"{chapter.name}.html").read_text(encoding="utf-8"), "html.parser")
        numbers = [title.select_one(".caption-number").get_text(" ", strip=True) for title in page.select(".exercise .admonition-title")]
        assert numbers and len(page.select(".solution")) == len(numbers), chapter.name
        student = "".join(pages_of(folder / f"{chapter.name}.pdf"))
        teacher = "".join(pages_of(folder / f"{chapter.name}-teacher.pdf"))
        for number in numbers:
            assert flat(number) in flat(student) and flat(number) in flat(teacher), f"{chapter.name}: {number}"
        for title in page.select(".solution .admonition-title"):  # "Solution to Exercise 2.1 (…)"
            shown = flat(title.get_text(" "))
            assert shown not in flat(student) and shown in flat(teacher), f"{chapter.name}: {title.get_text(' ', strip=True)}"
        discussion = page.select_one("section#discussion li")
        assert flat(discussion.get_text(" "))[:40] in flat(student), f"{chapter.name}: its discussion questions"
    assert f"{table} 1." in "".join(pages_of(folder / "introduction.pdf")), "the table the introduction's exercises name"
    assert f"{figure} 3." in "".join(pages_of(folder / "pre_sanction.pdf")), "the figure the pre-sanction exercises name"
    for name in ("seminar.pdf", "seminar-teacher.pdf"):
        seminar = pages_of(folder / name)
        footers = [footer_pattern(language).findall(text) for text in seminar]
        assert [found[0][1] for found in footers[1:]] == [str(n) for n in range(2, len(seminar) + 1)], name
        contents = footer_pattern(language).sub("", seminar[1])
        assert len(re.findall(r" \d+$", contents, re.M)) == len(CHAPTERS), f"{name}: a contents line per chapter"
