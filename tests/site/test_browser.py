"""Browser tests of the built book: the chart policy as a reader meets it.

The built site is served from a local HTTP server and opened in Debian's chromium (Playwright
drives it; Playwright's own browser download is not used). Every request that leaves the local
server is aborted and recorded, so the tests also prove that the book works offline.

Each page is opened once (`visits.tour`, through the `page_facts` fixture): the tour puts it
through the states a reader does and records what these tests assert on, one named test per
page and property.

Pages come from the table of contents (only pages listed there are built), so tests can be
collected before the book is built; `test_every_built_chapter_page_is_tested` checks that this
list and the built `chapters/*.html` agree, so a new chapter cannot go untested.

The site holds the book in each language (issue 13): the source language's at the top, each
translation in its own folder (`ru/chapters/multivector.html`). The reader-facing tests run on
the pages of every language (`in_languages`), and every page's language switch must lead to the
same page in the other language.
"""
from __future__ import annotations

import csv
import html.parser
import io
import json
import math
import posixpath
import re
import struct
import urllib.parse
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from visits import (
    ALL_PAGES,
    BUNDLE,
    CHAPTER_PAGES,
    CONTENT_PAGES,
    DRAW_TIMEOUT_MS,
    LANGUAGE_FOLDERS,
    LAYOUT_JS,
    MIN_CONTRAST,
    SITE_PAGES,
    STATES,
    THEMES,
    VIEWPORTS,
    in_edition,
    in_languages,
    language_of,
    open_solutions,
    wait_until_drawn,
    wait_until_laid_out,
)

from belarus_trade import BOOK_DIR
from belarus_trade.data.manifest import snapshot_id
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE

CSV_PREFIX = "data:text/csv;charset=utf-8,"
YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")

# What the pages print in each language, where a test reads it.
WORDS = {
    "en": {"source": "Source:", "snapshot": "snapshot", "table": "Table", "scrolls": "(scrolls sideways)"},
    "ru": {"source": "Источник:", "snapshot": "среза данных", "table": "Таблица", "scrolls": "(прокручивается по горизонтали)"},
}
assert set(WORDS) == set(LANGUAGES), "a new language needs its words here"


def read_csv_link(href: str) -> tuple[list[str], list[list[str]]]:
    assert href.startswith(CSV_PREFIX), href[:60]
    rows = list(csv.reader(io.StringIO(urllib.parse.unquote(href[len(CSV_PREFIX):]), newline="")))
    return rows[0], rows[1:]


def same_value(text: str, value) -> bool:
    """A CSV cell against the spec's value, allowing for float and date formatting."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, (int, float)):
        try:
            return math.isclose(float(text), value, rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    if text == str(value):
        return True
    try:  # Altair writes datetimes as ISO strings, pandas' CSV with a space or no time
        return datetime.fromisoformat(text) == datetime.fromisoformat(str(value))
    except ValueError:
        return False


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# The page's digit grouping (English "1,234.5"; Russian "1 234,5" with a narrow no-break space).
GROUPING = {"en": ",", "ru": "\u202f\u00a0 "}
DECIMAL_MARK = {"en": ".", "ru": ","}


def displayed_number(text: str, language: str) -> float:
    """A number as a page in `language` shows it (a CSV writes its numbers plainly; only the page localises them)."""
    for separator in GROUPING[language]:
        text = text.replace(separator, "")
    return float(text.replace(DECIMAL_MARK[language], ".").replace("\u2212", "-"))


def drawn(facts) -> None:
    assert facts.not_drawn == [], f"charts not drawn: {facts.not_drawn}"


# --- the book as a whole -------------------------------------------------------------------

def test_every_built_chapter_page_is_tested(built_site):
    built = sorted(p.relative_to(built_site).as_posix() for p in built_site.glob("chapters/*.html"))
    assert built, "no chapter pages were built"
    assert built == CHAPTER_PAGES
    charts = sum((built_site / p).read_text(encoding="utf-8").count('<div class="bt-chart"') for p in built)
    assert charts > 0, "no chapter has a chart: the chart tests below would test nothing"


# --- 1. offline and clean ------------------------------------------------------------------

@pytest.mark.parametrize("path", in_languages(ALL_PAGES))
def test_page_loads_offline_without_errors(page_facts, path):
    facts = page_facts(path)
    drawn(facts)
    assert facts.external == []
    assert facts.console == []
    assert facts.page_errors == []
    assert facts.bad_responses == []
    assert facts.missing_icons == []


# --- 2. the static image stands in until the reader starts; then every chart is Vega's -------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_static_images_stand_in_until_the_charts_are_drawn(page_facts, path):
    """As loaded, before the reader's first move, no chart is drawn and each shows its static
    image, the live box taking no space. Once the reader moves, every chart, those in solutions
    opened included, is Vega's drawing with its static image hidden, and scrolling every chart
    into view fetches no static image beyond those the browser fetched for the first screens
    (they are lazy: near the viewport only)."""
    facts = page_facts(path)
    assert facts.untouched["live"] == 0
    assert facts.untouched["static_shown"] == facts.chart_count
    assert len(facts.untouched["static_requests"]) <= facts.untouched["near_first_screen"], "static images far below were fetched"
    drawn(facts)
    for chart in facts.drawn:
        assert chart["svgs"] == 1 and chart["visible"], chart["id"]
        assert chart["marks"] > 0, f"{chart['id']}: the live chart has no marks"
        assert chart["static_display"] == "none", chart["id"]
    assert facts.static_chart_requests == facts.untouched["static_requests"]


DRAWING_CALL = re.compile(r"\bcontext\.(figure|table)\(|\b\w+\.figure\(context\b")  # the cell draws it, or calls the package function that does


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_each_chart_has_its_code_folded_above_it(page_facts, path):
    """A reader who wants to see how a figure or table is made opens the fold above it and finds its code."""
    facts = page_facts(path)
    if not facts.folded_code:
        assert not facts.chart_data and not facts.table_data
        pytest.skip(f"{path} has no figure or table")
    drawing_functions: set[str] = set()  # defined in an earlier figure's cell, e.g. Figure 4's, which Figure 5 reuses
    for cell in facts.folded_code:
        assert cell["code_blocks"] == 1 and not cell["visible_before"], f"{cell['id']}: the code is not folded"
        assert cell["visible_after"], cell["id"]
        text = cell["code"]
        drawing_functions |= set(re.findall(r"^def (\w+)\(", text, re.M)) if DRAWING_CALL.search(text) else set()
        called = set(re.findall(r"\b(\w+)\(", text))
        assert DRAWING_CALL.search(text) or called & drawing_functions, f"{cell['id']}: its code does not draw it"


# --- 3. the CSV download is exactly the plotted data; source and date are shown -------------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_chart_csv_is_the_plotted_data(page_facts, path):
    for chart in page_facts(path).chart_data:
        header, rows = read_csv_link(chart["csv"])
        datasets = chart["spec"]["datasets"]
        assert len(datasets) == 1, f"{chart['id']}: {len(datasets)} datasets, the CSV can hold only one"
        (records,) = datasets.values()
        assert len(rows) == len(records), chart["id"]
        assert sorted(header) == sorted({key for record in records for key in record}), chart["id"]
        mismatches = [
            (n, column, row[k], record.get(column))
            for n, (row, record) in enumerate(zip(rows, records))
            for k, column in enumerate(header)
            if not same_value(row[k], record.get(column))
        ]
        assert mismatches == [], f"{chart['id']}: CSV differs from the plotted data: {mismatches[:5]}"
        assert chart["source"].startswith(WORDS[language_of(path)]["source"]), chart["id"]
        assert retrieval_date(chart["updated"], language_of(path)), f"{chart['id']}: {chart['updated']!r}"


# A retrieval date as each language writes it: ISO in English, "22.11.2026" in Russian (i18n.date).
DATE_FORMS = {"en": (r"\b\d{4}-\d{2}-\d{2}\b", "%Y-%m-%d"), "ru": (r"\b\d{2}\.\d{2}\.\d{4}\b", "%d.%m.%Y")}


def retrieval_date(text: str, language: str) -> date | None:
    pattern, form = DATE_FORMS[language]
    found = re.search(pattern, text)
    return datetime.strptime(found.group(), form).date() if found else None


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_table_csv_matches_the_table(page_facts, path):
    for table in page_facts(path).table_data:
        header, rows = read_csv_link(table["csv"])
        assert header == table["header"], table["id"]
        assert len(rows) == len(table["rows"]), table["id"]
        # Numbers are shown rounded; every text cell must be shown as it is in the CSV
        # (an empty CSV cell is a missing value, "–", or an empty text).
        mismatches = [
            (n, csv_cell, shown)
            for n, (csv_row, shown_row) in enumerate(zip(rows, table["rows"]))
            for csv_cell, shown in zip(csv_row, shown_row)
            if not is_number(csv_cell) and shown != csv_cell and not (csv_cell == "" and shown == "–")
        ]
        assert mismatches == [], f"{table['id']}: {mismatches[:5]}"
        assert table["source"].startswith(WORDS[language_of(path)]["source"]), table["id"]
        assert retrieval_date(table["updated"], language_of(path)), f"{table['id']}: {table['updated']!r}"


# --- 4. text alternative -------------------------------------------------------------------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_charts_have_a_text_alternative(page_facts, path):
    facts = page_facts(path)
    drawn(facts)  # the label must survive drawing
    for chart in facts.chart_data:
        for text in (chart["label"], chart["alt"]):
            assert text and text.strip(), chart["id"]
            assert YEAR.search(text), f"{chart['id']}: no year in {text!r}"


# --- 5. print: static image shown and loaded, live chart hidden ----------------------------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_print_shows_static_charts(page_facts, path):
    facts = page_facts(path)
    for image in facts.printed:
        assert image["live_display"] == "none", image["id"]
        assert image["image_display"] != "none", image["id"]
        assert image["complete"] and image["natural"] > 0, f"{image['id']}: the printed image is not loaded"
    assert facts.printed_bad_responses == []


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_printed_tables_fit_the_column(page_facts, path):
    """Paper does not scroll: every table of a printed page is within the A4 column, all its columns shown."""
    for table in page_facts(path).printed_tables:
        assert max(table["width"], table["scroll"]) <= table["column"] + 1, table


# --- 6. no JavaScript: static image shown and loaded ---------------------------------------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_without_javascript_static_charts_show(page_facts, path):
    shown = page_facts(path).no_script
    assert shown["live_charts"] == 0
    for image in shown["images"]:
        assert image["visible"], image["src"]
        assert image["loaded"], image["src"]
    assert shown["bad_responses"] == []


# --- 7. sortable tables --------------------------------------------------------------------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_tables_sort_by_a_year_column(page_facts, path):
    columns = page_facts(path).year_sort
    if not columns:
        pytest.skip(f"{path} has no sortable table with a year column")
    language = language_of(path)

    def numbers(cells: list[str]) -> list[float]:
        return [displayed_number(cell, language) for cell in cells if cell not in ("–", "")]

    for column in columns:
        values = numbers(column["cells_before"])
        assert column["first_click"]["aria"] == "ascending", column["year"]
        assert numbers(column["first_click"]["cells"]) == sorted(values), column["year"]
        assert column["second_click"]["aria"] == "descending", column["year"]
        assert numbers(column["second_click"]["cells"]) == sorted(values, reverse=True), column["year"]
        assert sorted(column["rows_after"]) == sorted(column["rows_before"]), "sorting must move whole rows"


# --- 8. every page names its data snapshot -------------------------------------------------

@pytest.mark.parametrize("path", in_languages(ALL_PAGES))
def test_page_names_its_data_snapshot(page_facts, path):
    notes = page_facts(path).snapshot_notes
    assert len(notes) == 1
    (note,) = notes
    assert note["visible"]
    snapshot = WORDS[language_of(path)]["snapshot"]
    assert re.search(rf"\b{snapshot} {snapshot_id()['hash']}\b", note["text"]), note["text"]


# --- 9. layout: charts and tables fit their column on a desktop and on a phone ---------------

@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_charts_and_tables_fit_the_column(page_facts, path, viewport, theme):
    """Every fold open (solutions and their charts included)."""
    layout = page_facts(path).states[(viewport, theme)].layout
    width, column = layout["innerWidth"], layout["column"]
    assert layout["scrollWidth"] <= width, f"the page scrolls sideways: {layout['scrollWidth']} px in a {width} px window"
    if viewport == "desktop" and layout["hasToc"]:
        assert layout["tocShown"], "the right-hand contents list is expected beside the article at 1366 px"
    for chart in layout["charts"]:
        where = f"{chart['id']}: {chart['left']:.0f}–{chart['right']:.0f} px"
        assert 0 <= chart["left"] and chart["right"] <= width, f"{where}, window {width} px"
        assert column["left"] - 1 <= chart["left"] and chart["right"] <= column["right"] + 1, \
            f"{where}, column {column['left']:.0f}–{column['right']:.0f} px"
        # It takes its box's width (a chart in a solution has the solution's, a little narrower).
        assert chart["boxLeft"] - 1 <= chart["left"] and chart["right"] <= chart["boxRight"] + 1, f"{where}: wider than its box"
        assert chart["width"] >= 0.95 * (chart["boxRight"] - chart["boxLeft"]), f"{where}: narrower than its box"
        assert chart["cut"] == [], f"{chart['id']}: text cut at the chart's edge: {chart['cut'][:3]}"
        assert not chart["overToc"], f"{chart['id']} lies over the contents list"
    for table in layout["tables"]:
        assert column["left"] - 1 <= table["left"] and table["right"] <= column["right"] + 1, \
            f"{table['id']}: {table['left']:.0f}–{table['right']:.0f} px, column {column['left']:.0f}–{column['right']:.0f} px"


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_wide_tables_scroll_in_a_named_focusable_region_with_a_cue(page_facts, path):
    tables = page_facts(path).wide_tables
    if not tables:
        pytest.skip(f"{path} has no table")
    wide = [table for table in tables if table["scrolls"]]
    for table in tables:
        if not table["scrolls"]:  # a table that fits is no region and no tab stop
            assert table["tabindex"] is None and table["role"] is None, table["id"]
    for table in wide:
        assert table["role"] == "region" and table["tabindex"] == "0", table["id"]
        words = WORDS[language_of(path)]
        label = rf"{words['table']} \w+ {re.escape(words['scrolls'])}"
        assert re.fullmatch(label, table["label"] or ""), table["id"]
        # The cue: a shadow at the right-hand edge, where columns are hidden, and none at the left.
        assert table["cue_shown"] and table["shadows"] == ["0", "1"], table["id"]
        assert table["scrolled_by_keyboard"], f"{table['id']}: the arrow keys do not scroll it"
        assert table["left_shadow_after_scroll"], f"{table['id']}: no shadow at the left once scrolled"
        assert table["right_shadow_gone_at_end"], f"{table['id']}: the right-hand shadow stays at the end"
    if not wide:
        pytest.skip(f"no table of {path} is wider than a phone's column")


# --- 10. Figure 2d: every sanction case has a bar, single-year cases included -------------

@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", ["chapters/multivector.html"])
def test_figure_2d_draws_every_case(page_facts, path, viewport):
    assert path in CHAPTER_PAGES
    figure = page_facts(path).states[(viewport, "light")].figure_2d
    records, bars = figure["records"], figure["bars"]
    single_year = [r for r in records if r["begin"] == r["end_year"]]
    assert single_year, "the snapshot has single-year cases (2022): the test would not test them"
    assert len(bars) == len(records)
    assert [size for size in bars if size[0] < 1 or size[1] < 1] == [], "a case is drawn with no visible bar"
    # Every case's label is shown whole (on two lines on a phone), none cut with "…".
    assert sorted(figure["labels"]) == sorted(r["case"] for r in records)


# --- 11. accessibility of the chart box: an image with a name and nothing to operate inside --

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_chart_images_hold_nothing_interactive(page_facts, path):
    facts = page_facts(path)
    drawn(facts)
    for box in facts.chart_boxes:
        assert box["role"] == "img", box["id"]
        assert box["interactive"] == [], f"{box['id']}: interactive element inside role=img: {box['interactive']}"
        assert box["exposed_svg"] == 0, f"{box['id']}: Vega's SVG is not hidden from assistive technology"


# --- 12. dark mode: charts follow the theme; text keeps its contrast in both themes ---------

@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_text_contrast_and_chart_colours_follow_the_theme(page_facts, path, theme):
    state = page_facts(path).states[("desktop", theme)]
    assert state.theme_shown == theme
    low = [row for row in state.contrasts if row[2] < MIN_CONTRAST]
    assert state.contrasts or in_edition(path) == "chapters/conclusion.html"
    assert low == [], f"text below {MIN_CONTRAST}:1 in the {theme} theme: {low[:5]}"
    if not state.backgrounds:
        return
    if theme == "dark":
        assert {k: v for k, v in state.backgrounds.items() if v > 0.2} == {}, "charts left light on the dark page"
    else:
        assert {k: v for k, v in state.backgrounds.items() if v < 0.95} == {}, "charts not white on the light page"
    # Axis labels are read against the chart's own background.
    labels = state.axis_label_contrasts
    assert labels and min(labels) >= MIN_CONTRAST, f"axis labels at {min(labels):.2f}:1 in the {theme} theme"


@pytest.mark.parametrize("path", ["chapters/multivector.html"])
def test_charts_are_drawn_again_when_the_theme_changes(page_facts, path):
    """The tour opens the page light, switches to dark as the theme's switch does, then back to light."""
    states = page_facts(path).states
    order = list(STATES)
    assert order.index(("desktop", "light")) < order.index(("desktop", "dark")) < order.index(("phone", "light"))
    assert min(states[("desktop", "light")].backgrounds.values()) > 0.95
    assert max(states[("desktop", "dark")].backgrounds.values()) < 0.2
    assert min(states[("phone", "light")].backgrounds.values()) > 0.95


@pytest.mark.parametrize("path", ["chapters/multivector.html"])
def test_charts_follow_a_resized_window(page_facts, path):
    """The tour narrows the window from a desktop's width to a phone's on the open page."""
    assert list(STATES).index(("desktop", "dark")) + 1 == list(STATES).index(("phone", "dark"))
    layout = page_facts(path).states[("phone", "dark")].layout
    assert layout["scrollWidth"] <= layout["innerWidth"]
    assert layout["charts"] and all(chart["right"] <= layout["column"]["right"] + 1 and chart["cut"] == []
                                    for chart in layout["charts"]), layout["charts"]


@pytest.mark.parametrize("path", ["chapters/multivector.html"])
def test_a_fresh_load_agrees_with_the_tour(open_page, page_facts, path):
    """The tour reaches each width and theme by switching on the open page; a page opened afresh
    in each of them lays out its charts and tables the same way (the chapter with the most kinds
    of figure stands for all)."""
    facts = page_facts(path)
    for viewport, theme in STATES:
        page = open_page(path, theme=theme, viewport=VIEWPORTS[viewport]).page
        wait_until_drawn(page)
        open_solutions(page)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        wait_until_laid_out(page)
        fresh = page.evaluate(LAYOUT_JS)
        toured = facts.states[(viewport, theme)].layout
        assert fresh["scrollWidth"] == toured["scrollWidth"] and fresh["tocShown"] == toured["tocShown"], (viewport, theme)
        assert [c["id"] for c in fresh["charts"]] == [c["id"] for c in toured["charts"]], (viewport, theme)
        for a, b in zip(fresh["charts"], toured["charts"]):
            assert abs(a["width"] - b["width"]) <= 1 and a["cut"] == b["cut"], (viewport, theme, a["id"])


@pytest.mark.parametrize("path", ["chapters/pre_sanction.html"])
def test_the_bundle_waits_for_the_reader_unless_the_first_screen_is_dark(open_page, path):
    """A screen tall enough to show the first chart: in the light theme its static image stands
    in and nothing loads until the reader moves; in the dark theme, where that image would be too
    bright, the bundle loads and the charts are drawn with no move at all."""
    tall = {"width": 1366, "height": 3000}
    light = open_page(path, theme="light", viewport=tall)
    light.page.wait_for_load_state("networkidle")
    assert light.page.evaluate("document.querySelector('.bt-chart').getBoundingClientRect().top < innerHeight")
    assert not any(BUNDLE in url for url in light.requests)
    assert light.page.locator(".bt-chart.bt-live").count() == 0
    assert wait_until_drawn(light.page) == []  # after the reader's move
    dark = open_page(path, theme="dark", viewport=tall)
    dark.page.wait_for_function("document.querySelectorAll('.bt-chart.bt-live').length > 0", timeout=DRAW_TIMEOUT_MS)
    assert sum(BUNDLE in url for url in dark.requests) == 1
    assert dark.console == [] and dark.page_errors == []


# --- 13. print: charts at their own size on an A4 page -------------------------------------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_print_keeps_charts_at_their_own_size(page_facts, path):
    facts = page_facts(path)
    for image in facts.printed:
        # Drawn for the printed column, and printed at that size: only a chart inside a narrower
        # box (a solution's) may be scaled to that box.
        assert image["natural"] <= image["column"] + 1, f"{image['id']}: drawn {image['natural']} px wide for a {image['column']:.0f} px column"
        expected = min(image["natural"], image["box"])
        assert abs(image["shown"] - expected) <= 1, f"{image['id']}: printed {image['shown']:.0f} px wide, drawn for {image['natural']} px"
    assert facts.printed_bad_responses == []


# --- 14. sortable tables by keyboard --------------------------------------------------------

@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_tables_sort_by_keyboard(page_facts, path):
    tables = page_facts(path).keyboard_sort
    if not tables:
        pytest.skip(f"{path} has no sortable table")
    for table in tables:
        count, column = table["headers"], table["column"]
        assert table["buttons"] == count > 0, "each column header holds a button"
        assert table["aria_before"] == ["none"] * count
        assert table["tabindex_before"] == [None] * count
        assert table["after_enter"]["aria"] == "ascending"
        if table["numeric"]:
            values = table["after_enter"]["values"]
            present = [v for v in values if v is not None]
            assert present == sorted(present) and values == present + [None] * (len(values) - len(present))
        assert table["after_space"]["aria"] == "descending"
        if table["numeric"]:
            present = [v for v in table["after_space"]["values"] if v is not None]
            assert present == sorted(present, reverse=True)
        assert sorted(table["rows_after"]) == sorted(table["rows_before"]), "sorting must move whole rows"
        assert table["aria_after"] == ["none"] * column + ["descending"] + ["none"] * (count - column - 1)


# --- 15. the language switch: every page leads to the same page in the other language ----------

class _LanguageLinks(html.parser.HTMLParser):
    """A page's language, its language switch (`a.bt-language`) and its `link rel=alternate`s."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.switch: list[dict] = []
        self.alternates: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "a" and "bt-language" in (attributes.get("class") or "").split():
            self.switch.append(attributes)
        elif tag == "link" and "alternate" in (attributes.get("rel") or "").split() and "hreflang" in attributes:
            self.alternates.append(attributes)


def language_links(site_root: Path, path: str) -> _LanguageLinks:
    parser = _LanguageLinks()
    parser.feed((site_root / path).read_text(encoding="utf-8"))
    return parser


def same_page(path: str) -> str:
    """What a page is, whatever its language: "ru/chapters/x.html" and "chapters/x.html" are one page,
    and a language's `index.html` is its first page (the root page itself, its URLs re-based)."""
    page = in_edition(path)
    return CONTENT_PAGES[0] if page == "index.html" else page


def resolve(path: str, href: str) -> str:
    """A relative link of the page at `path`, as a path from the site's top."""
    parts = urllib.parse.urlsplit(href)
    assert not (parts.scheme or parts.netloc or href.startswith("/")), f"{path}: {href!r} is not relative"
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), urllib.parse.unquote(parts.path)))


@pytest.mark.parametrize("path", in_languages(SITE_PAGES))
def test_language_switch_leads_to_the_same_page(built_site, path):
    """The switch at the top of the page links to this page in every other language, marked with
    that language, and so does the page's head (`link rel=alternate hreflang`, for search engines)."""
    language = language_of(path)
    links = language_links(built_site, path)
    assert links.lang == language, f"{path}: <html lang={links.lang!r}>"
    others = [other for other in LANGUAGES if other != language]
    for kind, found in (("switch", links.switch), ("alternate", links.alternates)):
        assert sorted(link.get("hreflang") for link in found) == others, f"{path}: {kind} links {found}"
        for link in found:
            other = link["hreflang"]
            target = resolve(path, link["href"])
            assert not target.startswith(".."), f"{path}: {kind} {link['href']!r} leaves the site"
            assert language_of(target) == other and same_page(target) == same_page(path), \
                f"{path}: the {other} {kind} leads to {target}, not to this page in {other}"
            assert (built_site / target).is_file(), f"{path}: the {other} {kind} leads to {target}, which was not built"
            assert language_links(built_site, target).lang == other, f"{target} is not in {other}"
            if kind == "switch":
                assert link.get("lang") == other, f"{path}: the {other} switch is not marked lang={other!r}"


def test_language_switch_in_the_browser(open_page, site):
    """A reader on a chapter clicks the switch, lands on the same chapter in the other language, and back."""
    path = "chapters/multivector.html"
    assert path in CHAPTER_PAGES
    visit = open_page(path)
    page = visit.page
    for language, back_to in (("ru", path), (SOURCE_LANGUAGE, path)):
        switch = page.locator(f'a.bt-language[hreflang="{language}"]')
        assert switch.count() == 1 and switch.is_visible(), f"no visible switch to {language} on {page.url}"
        switch.click()
        page.wait_for_url(site.url + LANGUAGE_FOLDERS[language] + back_to)
        assert page.evaluate("document.documentElement.lang") == language
        assert wait_until_drawn(page) == []
    assert visit.external == [] and visit.console == [] and visit.page_errors == [] and visit.bad_responses == []


# --- 16. under each figure and table, a folded "Cite or download" panel (issue 23) ---------------

CITE_WORDS = {"en": "Cite or download ", "ru": "Цитировать и скачать "}
assert set(CITE_WORDS) == set(LANGUAGES)
# What a chart's panel offers, by the file name it saves as; a table's is its CSV and notebook.
CHART_FILES = (".csv", ".svg", ".png", ".vl.json", ".ipynb")
TABLE_FILES = (".csv", ".ipynb")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def cite_panels(facts, path: str) -> list[dict]:
    if not facts.captioned:
        assert facts.cite_panels == []
        pytest.skip(f"{path} has no figure or table")
    return facts.cite_panels


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_each_figure_and_table_has_a_closed_cite_panel_the_keyboard_opens(page_facts, path):
    facts = page_facts(path)
    panels = cite_panels(facts, path)
    assert [panel["owner"] for panel in panels] == facts.captioned, "one panel under each captioned figure and table"
    for panel in panels:
        assert panel["closed_before"] and panel["opened_by_keyboard"], panel["owner"]
        number = re.match(r"\s*\S+ (\w+)", panel["caption"]).group(1)  # "Figure 3c (added by the book). …" -> 3c
        assert re.fullmatch(rf"{CITE_WORDS[language_of(path)]}\w+\.?\s{number}", panel["summary"]), (panel["owner"], panel["summary"])


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_a_cite_panels_permalink_leads_to_its_figure(page_facts, path):
    """The permalink is the figure's key (its `bt-` id), which a renumbering leaves as it is."""
    for panel in cite_panels(page_facts(path), path):
        assert panel["permalink"] == f"#{panel['owner']}" and panel["target_is_owner"], panel
        assert panel["permalink_text"] == f"{posixpath.basename(path)}#{panel['owner']}"


def expected_book(language: str):
    """The book as a citation in `language` names it: `_config.yml`'s title and author, the edition of this build."""
    from belarus_trade import i18n
    from belarus_trade.publish.citation import book_citation
    from belarus_trade.publish.editions import edition_of_build

    book = book_citation(language=language, edition=edition_of_build())
    with i18n.speaking(language):
        return book.title, book.author, book.edition_text()


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_a_cite_panels_citation_names_the_book_its_edition_the_figure_and_the_data(page_facts, path):
    language = language_of(path)
    title, authors, edition = expected_book(language)
    for panel in cite_panels(page_facts(path), path):
        text = " ".join(panel["citation"].split())
        assert title in text and authors in text and edition in text, (panel["owner"], text)
        number = re.match(r"\s*\S+ (\w+)", panel["caption"]).group(1)
        assert re.search(rf"\b\w+\.?\s{number}[.:]", text), (panel["owner"], text)
        retrieved = re.search(DATE_FORMS[language][0], panel["source_date"]).group()
        assert text.endswith(f" {retrieved}."), f"{panel['owner']}: the data's retrieval date ends the citation: {text}"


def svg_texts(svg: bytes) -> tuple[ElementTree.Element, set[str]]:
    root = ElementTree.fromstring(svg)
    return root, {" ".join(text.split()) for text in root.itertext() if text.strip()}


def spec_strings(value) -> set[str]:
    """Every line of every text in a spec (an SVG sets a text of several lines as one text element per line)."""
    if isinstance(value, str):
        return {" ".join(line.split()) for line in value.splitlines()}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return set().union(*(spec_strings(item) for item in items)) if items else set()


@pytest.mark.parametrize("path", in_languages(CHAPTER_PAGES))
def test_a_cite_panels_files_are_what_they_say(page_facts, built_site, path):
    """Each download is a file of the site, never fetched by the page: the CSV the source line's link
    holds; the SVG the page shows; a PNG of it at twice its size; the spec the page draws; the
    chapter's notebook (in a translated book, executed and written in its language)."""
    facts = page_facts(path)
    language, chapter = language_of(path), posixpath.splitext(posixpath.basename(path))[0]
    data_links = {item["id"]: item for item in facts.chart_data + facts.table_data}
    for panel in cite_panels(facts, path):
        owner = panel["owner"]
        files = {}
        for link in panel["downloads"]:
            suffix = next(s for s in CHART_FILES if link["download"].endswith(s))
            notebook_name = chapter + ("" if language == SOURCE_LANGUAGE else f".{language}") + suffix
            assert link["download"] == (notebook_name if suffix == ".ipynb" else owner.removeprefix("bt-") + suffix), link
            files[suffix] = resolve(path, link["href"])
            assert (built_site / files[suffix]).is_file(), f"{owner}: {link['href']} is not in the site"
        assert tuple(files) == (CHART_FILES if owner in {c["id"] for c in facts.chart_data} else TABLE_FILES), owner
        read = {suffix: (built_site / target).read_bytes() for suffix, target in files.items()}
        assert read[".csv"].decode("utf-8") == urllib.parse.unquote(data_links[owner]["csv"][len(CSV_PREFIX):]), owner
        notebook = json.loads(read[".ipynb"])
        assert notebook["cells"] and files[".ipynb"] == f"{LANGUAGE_FOLDERS[language]}_sources/chapters/{chapter}.ipynb"
        injected = [c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert (f'language = "{language}"' in "".join(injected[0]["source"])) if language != SOURCE_LANGUAGE else not injected
        if language != SOURCE_LANGUAGE:  # written in the page's language too, not only executed in it: no English prose left
            english = json.loads((BOOK_DIR / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
            prose = [(c["source"], t["source"]) for c, t in zip(english["cells"], notebook["cells"]) if c["cell_type"] == "markdown"]
            untranslated = [c for c, t in prose if c == t and sum(ch.isalpha() for ch in "".join(c)) > 20]
            assert notebook["metadata"].get("language") == language and prose and not untranslated, (owner, untranslated[:1])
        if ".svg" not in files:
            continue
        assert files[".svg"] == resolve(path, panel["static_image"]), f"{owner}: not the image the page shows"
        root, texts = svg_texts(read[".svg"])
        spec = json.loads(read[".vl.json"])
        assert root.tag.endswith("svg") and texts & spec_strings(spec), f"{owner}: the SVG shows none of the figure's text"
        assert "vega-lite" in spec["$schema"] and spec == data_links[owner]["spec"], f"{owner}: not the spec the page draws"
        png = read[".png"]
        width, height = (round(float(root.get(side))) for side in ("width", "height"))
        assert png[:8] == PNG_SIGNATURE and struct.unpack(">II", png[16:24]) == (2 * width, 2 * height), owner
        assert 10_000 < len(png) < 2_000_000, f"{owner}: a PNG of {len(png)} bytes"
    assert facts.cite_files_fetched == [], "a panel's file was fetched before it was clicked"


@pytest.mark.parametrize("path", in_languages(["chapters/union_state.html"]))
def test_a_cite_panels_downloads_save_as_their_names_in_the_browser(open_page, built_site, path):
    """What a reader gets by clicking: each of the first chart's downloads, opened by keyboard and
    clicked, saves under the name the panel gives it, byte for byte the site's file (the tour proves
    what each file holds, on every page; this proves the browser saves it, on one chapter)."""
    page = open_page(path).page
    panel = page.locator("details.bt-cite:has(a[download$='.svg'])").first
    panel.locator("summary").focus()
    page.keyboard.press("Enter")
    links = panel.locator("a[download]")
    assert links.count() == len(CHART_FILES)
    for index in range(links.count()):
        link = links.nth(index)
        with page.expect_download() as saving:
            link.click()
        saved = saving.value
        assert saved.failure() is None and saved.suggested_filename == link.get_attribute("download")
        assert Path(saved.path()).read_bytes() == (built_site / resolve(path, link.get_attribute("href"))).read_bytes(), saved.suggested_filename
