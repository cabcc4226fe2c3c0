"""Browser tests of the built book: the chart policy as a reader meets it.

The built site is served from a local HTTP server and opened in Debian's chromium (Playwright
drives it; Playwright's own browser download is not used). Every request that leaves the local
server is aborted and recorded, so the tests also prove that the book works offline.

Pages come from the table of contents (only pages listed there are built), so tests can be
collected before the book is built; `test_every_built_chapter_page_is_tested` checks that this
list and the built `chapters/*.html` agree, so a new chapter cannot go untested.

The site holds one edition per language (issue 13): the source language's at the top, each
translation in its own folder (`ru/chapters/multivector.html`). The reader-facing tests run on
the pages of every edition (`in_editions`), and every page's language switch must lead to the
same page in the other edition.
"""
from __future__ import annotations

import csv
import html.parser
import io
import math
import posixpath
import re
import shutil
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from belarus_trade.data import snapshot_id
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE
from belarus_trade.localsite import serve
from belarus_trade.paths import BOOK_DIR

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (`make browser` installs it)", allow_module_level=True)

from playwright.sync_api import Page, sync_playwright  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
DRAW_TIMEOUT_MS = 15_000
CSV_PREFIX = "data:text/csv;charset=utf-8,"
YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
STATIC_CHART_FILE = re.compile(r"/_images/bt-[^/]*\.svg")
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)


def toc_pages(book_dir: Path = BOOK_DIR) -> list[str]:
    """The HTML page of every file in the table of contents, root first."""
    toc = yaml.safe_load((book_dir / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            files.extend(node[key] for key in ("root", "file") if isinstance(node.get(key), str))
            node = list(node.values())
        if isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return [re.sub(r"\.(ipynb|md)$", "", name) + ".html" for name in files]


CONTENT_PAGES = toc_pages()                       # intro, chapters, bibliography
CHAPTER_PAGES = sorted(p for p in CONTENT_PAGES if p.startswith("chapters/"))
ALL_PAGES = ["index.html"] + CONTENT_PAGES        # index.html is the root page itself, its URLs re-based
SITE_PAGES = ALL_PAGES + ["genindex.html", "search.html"]  # and the pages Sphinx builds besides the TOC's

# Each language's edition: its folder in the site ("" for the source language's, at the top).
EDITIONS = {language: "" if language == SOURCE_LANGUAGE else f"{language}/" for language in LANGUAGES}


def edition_pages(pages: list[str], language: str) -> list[str]:
    """The pages in one language's edition: "chapters/x.html" -> "ru/chapters/x.html"."""
    return [EDITIONS[language] + page for page in pages]


def in_editions(pages: list[str]) -> list[str]:
    """The pages in every edition, the source language's first: "chapters/x.html", "ru/chapters/x.html"."""
    return [path for language in EDITIONS for path in edition_pages(pages, language)]


def edition_of(path: str) -> str:
    """The language of a page's edition, from its path in the site."""
    return next((language for language, folder in EDITIONS.items() if folder and path.startswith(folder)), SOURCE_LANGUAGE)


def in_edition(path: str) -> str:
    """A page's path inside its edition: "ru/chapters/x.html" -> "chapters/x.html"."""
    return path[len(EDITIONS[edition_of(path)]):]


# What the pages print in each language, where a test reads it.
WORDS = {
    "en": {"source": "Source:", "snapshot": "snapshot", "table": "Table", "scrolls": "(scrolls sideways)"},
    "ru": {"source": "Источник:", "snapshot": "среза данных", "table": "Таблица", "scrolls": "(прокручивается по горизонтали)"},
}
assert set(WORDS) == set(LANGUAGES), "a new language needs its words here"


# --- site, browser and page fixtures -------------------------------------------------------

@dataclass
class Site:
    root: Path
    url: str


@pytest.fixture(scope="module")
def site(built_site, tmp_path_factory) -> Site:
    # A copy: a build running meanwhile (`make book` in another shell) swaps in a new site
    # and deletes this folder, which would pull the pages from under the server.
    root = tmp_path_factory.mktemp("site") / "html"
    shutil.copytree(built_site, root)
    with serve(root) as url:
        yield Site(root, url)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """An opened page and what it did: every request, and everything that went wrong."""

    page: Page
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)  # aborted: not to the local server
    console: list[str] = field(default_factory=list)   # console errors and warnings
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser, site):
    """open_page(path, theme=None, **context_options) -> Visit, in a fresh browser context.

    `theme` ("light" or "dark") is the reader's choice in the theme switcher, stored as
    pydata-sphinx-theme stores it, so the page opens in that theme."""
    contexts = []

    def open_(path: str, theme: str | None = None, **context_options) -> Visit:
        context = browser.new_context(**context_options)
        contexts.append(context)
        if theme is not None:
            context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
        visit = Visit(context.new_page())

        def route(route):
            url = route.request.url
            visit.requests.append(url)
            if url.startswith(site.url):
                route.continue_()
            else:
                visit.external.append(url)
                route.abort()

        def console(message):
            if message.type in ("error", "warning"):
                visit.console.append(f"{message.type}: {message.text}")

        def response(reply):
            if reply.status >= 400:
                visit.bad_responses.append(f"{reply.status} {reply.url}")

        context.route("**/*", route)
        visit.page.on("console", console)
        visit.page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
        visit.page.on("response", response)
        assert (site.root / path).is_file(), f"{path} is in the table of contents but was not built"
        visit.page.goto(site.url + path)
        redirect = REDIRECT.search((site.root / path).read_text(encoding="utf-8"))
        if redirect:  # index.html: follow it, so the page checked is the one a reader sees
            visit.page.wait_for_url(urllib.parse.urljoin(site.url + path, redirect.group(1)))
        if theme is not None:
            assert visit.page.evaluate("document.documentElement.dataset.theme") == theme
        return visit

    yield open_
    for context in contexts:
        context.close()


def wait_until_drawn(page: Page) -> None:
    """Wait until every chart has settled (drawn or failed), then require all to be drawn."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.bt-chart')]"
        ".every(c => c.classList.contains('bt-live') || c.classList.contains('bt-failed'))",
        timeout=DRAW_TIMEOUT_MS,
    )
    failed = page.eval_on_selector_all(".bt-chart:not(.bt-live)", "charts => charts.map(c => c.id)")
    assert failed == [], f"charts not drawn: {failed}"


def wait_until_loaded(page: Page, image) -> None:
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image, timeout=DRAW_TIMEOUT_MS)


def display(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).display")


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


# --- the book as a whole -------------------------------------------------------------------

def test_every_built_chapter_page_is_tested(built_site):
    built = sorted(p.relative_to(built_site).as_posix() for p in built_site.glob("chapters/*.html"))
    assert built, "no chapter pages were built"
    assert built == CHAPTER_PAGES
    charts = sum((built_site / p).read_text(encoding="utf-8").count('<div class="bt-chart"') for p in built)
    assert charts > 0, "no chapter has a chart: the chart tests below would test nothing"


# --- 1. offline and clean ------------------------------------------------------------------

@pytest.mark.parametrize("path", in_editions(ALL_PAGES))
def test_page_loads_offline_without_errors(open_page, path):
    visit = open_page(path)
    wait_until_drawn(visit.page)
    visit.page.wait_for_load_state("networkidle")
    # Chromium fetches a favicon once per browser, not per page: ask for each page's icon.
    icons = visit.page.eval_on_selector_all('link[rel~="icon"]', "links => links.map(link => link.href)")
    missing_icons = [url for url in icons if visit.page.request.get(url).status >= 400]
    assert visit.external == []
    assert visit.console == []
    assert visit.page_errors == []
    assert visit.bad_responses == []
    assert missing_icons == []


# --- 2. every chart is drawn; its static image is neither shown nor fetched -----------------

@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_charts_are_drawn_and_static_images_not_fetched(open_page, path):
    visit = open_page(path)
    page = visit.page
    wait_until_drawn(page)
    for solution in page.locator(".solution.dropdown button.toggle-button").all():  # a chart in a solution shows when opened
        solution.click()
    charts = page.locator(".bt-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()  # a displayed lazy image would be fetched now
        chart_id = chart.get_attribute("id")
        svg = chart.locator(".bt-chart-live svg.marks")  # vega's chart (not its menu icon)
        assert svg.count() == 1 and svg.is_visible(), chart_id
        marks = svg.locator("g.role-mark > *").count()  # vega's data marks: path, line, text, ...
        assert marks > 0, f"{chart_id}: the live chart has no marks"
        assert display(chart.locator("img.bt-chart-static")) == "none", chart_id
    page.wait_for_load_state("networkidle")
    assert [url for url in visit.requests if STATIC_CHART_FILE.search(url)] == []


DRAWING_CALL = re.compile(r"\bcharts\.(figure|table)\(")


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_each_chart_has_its_code_folded_above_it(open_page, path):
    """A reader who wants to see how a figure or table is made opens the fold above it and finds its code."""
    page = open_page(path).page
    cells = page.locator(".cell:has(.bt-chart, .bt-table):not(.solution .cell)")
    if cells.count() == 0:
        assert page.locator(".bt-chart, .bt-table").count() == 0
        pytest.skip(f"{path} has no figure or table")
    drawing_functions: set[str] = set()  # defined in an earlier figure's cell, e.g. Figure 4's, which Figure 5 reuses
    for i in range(cells.count()):
        cell = cells.nth(i)
        chart_id = cell.locator(".bt-chart, .bt-table").first.get_attribute("id")
        code = cell.locator(".cell_input pre")
        assert code.count() == 1 and not code.is_visible(), f"{chart_id}: the code is not folded"
        cell.locator("details.above-input > summary").click()
        assert code.is_visible(), chart_id
        text = code.text_content()
        drawing_functions |= set(re.findall(r"^def (\w+)\(", text, re.M)) if DRAWING_CALL.search(text) else set()
        called = set(re.findall(r"\b(\w+)\(", text))
        assert DRAWING_CALL.search(text) or called & drawing_functions, f"{chart_id}: its code does not draw it"


# --- 3. the CSV download is exactly the plotted data; source and date are shown -------------

@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_chart_csv_is_the_plotted_data(open_page, path):
    charts = open_page(path).page.eval_on_selector_all(".bt-chart", """charts => charts.map(c => ({
        id: c.id,
        csv: c.querySelector('a.bt-csv').getAttribute('href'),
        spec: JSON.parse(c.querySelector('script.bt-chart-spec').textContent),
        source: c.querySelector('.bt-source').textContent,
        updated: c.querySelector('.bt-updated').textContent,
    }))""")
    for chart in charts:
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
        assert chart["source"].startswith(WORDS[edition_of(path)]["source"]), chart["id"]
        retrieved = re.search(r"\b\d{4}-\d{2}-\d{2}\b", chart["updated"])
        assert retrieved and date.fromisoformat(retrieved.group()), f"{chart['id']}: {chart['updated']!r}"


@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_table_csv_matches_the_table(open_page, path):
    tables = open_page(path).page.eval_on_selector_all(".bt-table", """tables => tables.map(t => ({
        id: t.id,
        csv: t.querySelector('a.bt-csv').getAttribute('href'),
        header: [...t.querySelectorAll('thead th')].map(th => th.textContent),
        rows: [...t.querySelector('tbody').rows].map(r => [...r.cells].map(td => td.textContent)),
        source: t.querySelector('.bt-source').textContent,
        updated: t.querySelector('.bt-updated').textContent,
    }))""")
    for table in tables:
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
        assert table["source"].startswith(WORDS[edition_of(path)]["source"]), table["id"]
        assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", table["updated"]), table["id"]


# --- 4. text alternative -------------------------------------------------------------------

@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_charts_have_a_text_alternative(open_page, path):
    page = open_page(path).page
    wait_until_drawn(page)  # the label must survive drawing
    charts = page.eval_on_selector_all(".bt-chart", """charts => charts.map(c => ({
        id: c.id,
        label: c.querySelector('.bt-chart-live').getAttribute('aria-label'),
        alt: c.querySelector('img.bt-chart-static').getAttribute('alt'),
    }))""")
    for chart in charts:
        for text in (chart["label"], chart["alt"]):
            assert text and text.strip(), chart["id"]
            assert YEAR.search(text), f"{chart['id']}: no year in {text!r}"


# --- 5. print: static image shown and loaded, live chart hidden ----------------------------

@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_print_shows_static_charts(open_page, path):
    visit = open_page(path)
    page = visit.page
    wait_until_drawn(page)
    page.emulate_media(media="print")
    charts = page.locator(".bt-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        image = chart.locator("img.bt-chart-static")
        assert display(chart.locator(".bt-chart-live")) == "none", chart.get_attribute("id")
        assert display(image) != "none", chart.get_attribute("id")
        image.scroll_into_view_if_needed()  # printing loads lazy images; emulation alone does not
        wait_until_loaded(page, image.element_handle())
    assert visit.bad_responses == []


# --- 6. no JavaScript: static image shown and loaded ---------------------------------------

@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_without_javascript_static_charts_show(open_page, path):
    visit = open_page(path, java_script_enabled=False)
    page = visit.page
    images = page.locator(".bt-chart img.bt-chart-static")
    assert page.locator(".bt-chart.bt-live, .bt-chart-live svg.marks").count() == 0
    for i in range(images.count()):
        image = images.nth(i)
        assert image.is_visible(), image.get_attribute("src")
        wait_until_loaded(page, image.element_handle())
    assert visit.bad_responses == []


# --- 7. sortable tables --------------------------------------------------------------------

def column_numbers(table, column: int, language: str) -> list[float]:
    cells = table.evaluate("(t, j) => [...t.tBodies[0].rows].map(r => r.cells[j].textContent.trim())", column)
    return [displayed_number(cell, language) for cell in cells if cell not in ("–", "")]


def body_rows(table) -> list[list[str]]:
    return table.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))")


@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_tables_sort_by_a_year_column(open_page, path):
    page = open_page(path).page
    tables = page.locator("table.bt-sortable")
    year_columns = [
        (tables.nth(i), column)
        for i in range(tables.count())
        for column, text in enumerate(tables.nth(i).locator("thead th").all_inner_texts())
        if re.fullmatch(r"\d{4}", text.strip())
    ]
    if not year_columns:
        pytest.skip(f"{path} has no sortable table with a year column")
    for table, column in year_columns:
        header = table.locator("thead th").nth(column)
        before = body_rows(table)
        values = column_numbers(table, column, edition_of(path))
        header.click()
        assert header.get_attribute("aria-sort") == "ascending"
        assert column_numbers(table, column, edition_of(path)) == sorted(values)
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        assert column_numbers(table, column, edition_of(path)) == sorted(values, reverse=True)
        assert sorted(body_rows(table)) == sorted(before), "sorting must move whole rows"


# --- 8. every page names its data snapshot -------------------------------------------------

@pytest.mark.parametrize("path", in_editions(ALL_PAGES))
def test_page_names_its_data_snapshot(open_page, path):
    note = open_page(path).page.locator(".bt-snapshot")
    assert note.count() == 1
    assert note.is_visible()
    snapshot = WORDS[edition_of(path)]["snapshot"]
    assert re.search(rf"\b{snapshot} {snapshot_id()['hash']}\b", note.inner_text()), note.inner_text()


# --- 9. layout: charts and tables fit their column on a desktop and on a phone ---------------

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
THEMES = ("light", "dark")
# `make pdf` prints on A4 with 15 mm margins: 180 mm, i.e. 680 CSS px at 96 px per inch.
PRINT_VIEWPORT = {"width": 680, "height": 1000}
MIN_CONTRAST = 4.5  # WCAG AA for text


def open_solutions(page: Page) -> None:
    """Open every solution, so the charts inside them are displayed (and laid out) too."""
    for solution in page.locator(".solution.dropdown button.toggle-button").all():
        solution.click()


def wait_until_laid_out(page: Page) -> None:
    """Wait until every displayed chart is drawn for its box's current width and the page's theme
    (bt-charts.js draws a chart again when either changes, and records what it drew for)."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.bt-chart')].every(chart => {
            const box = chart.querySelector('.bt-chart-live');
            if (box.clientWidth === 0) return true;  // not displayed
            const theme = document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
            return chart.dataset.drawn === box.clientWidth + '/' + theme;
        })""",
        timeout=DRAW_TIMEOUT_MS,
    )


LAYOUT_JS = """() => {
    const article = document.querySelector('.bd-article');
    const a = article.getBoundingClientRect(), style = getComputedStyle(article);
    const column = {left: a.left + parseFloat(style.paddingLeft), right: a.right - parseFloat(style.paddingRight)};
    const toc = document.querySelector('.bd-sidebar-secondary');
    const t = toc && toc.getBoundingClientRect();
    const tocShown = !!t && t.width > 0 && t.left < innerWidth && getComputedStyle(toc).display !== 'none'
        && getComputedStyle(toc).visibility !== 'hidden';
    const overlaps = (r, s) => r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
    const charts = [...document.querySelectorAll('.bt-chart')]
        .filter(chart => chart.querySelector('.bt-chart-live').clientWidth > 0)
        .map(chart => {
            const box = chart.querySelector('.bt-chart-live');
            const svg = box.querySelector('svg.marks');
            const r = svg.getBoundingClientRect(), b = box.getBoundingClientRect();
            // Every label, axis and legend text drawn whole inside the chart's SVG (SVG clips the rest).
            const cut = [...svg.querySelectorAll('text')].filter(text => text.textContent.trim()).filter(text => {
                const b = text.getBoundingClientRect();
                return b.width > 0 && (b.left < r.left - 1 || b.right > r.right + 1);
            }).map(text => text.textContent);
            return {id: chart.id, left: r.left, right: r.right, width: r.width, boxLeft: b.left, boxRight: b.right, cut: cut,
                    overToc: tocShown && overlaps(chart.getBoundingClientRect(), t)};
        });
    const tables = [...document.querySelectorAll('.bt-table')].map(table => {
        const r = table.getBoundingClientRect();
        return {id: table.id, left: r.left, right: r.right};
    });
    return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: innerWidth, column: column,
            tocShown: tocShown, hasToc: !!toc, charts: charts, tables: tables};
}"""


# Known faults of the Russian edition's charts, in the chapters' own chart code (a fix re-executes
# the chapter): strict, so each of these turns into a failure the day it is fixed.
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_charts_and_tables_fit_the_column(open_page, path, viewport, theme):
    page = open_page(path, theme=theme, viewport=VIEWPORTS[viewport]).page
    wait_until_drawn(page)
    open_solutions(page)
    wait_until_laid_out(page)
    layout = page.evaluate(LAYOUT_JS)
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


@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_wide_tables_scroll_in_a_named_focusable_region_with_a_cue(open_page, path):
    page = open_page(path, viewport=VIEWPORTS["phone"]).page
    tables = page.locator(".bt-table")
    if tables.count() == 0:
        pytest.skip(f"{path} has no table")
    page.wait_for_function("() => document.readyState === 'complete'")
    wide = 0
    for i in range(tables.count()):
        table = tables.nth(i)
        region, frame = table.locator(".bt-table-scroll"), table.locator(".bt-table-frame")
        table_id = table.get_attribute("id")
        scrolls = region.evaluate("r => r.scrollWidth > r.clientWidth + 1")
        if not scrolls:  # a table that fits is no region and no tab stop
            assert region.get_attribute("tabindex") is None and region.get_attribute("role") is None, table_id
            continue
        wide += 1
        assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0", table_id
        words = WORDS[edition_of(path)]
        label = rf"{words['table']} \w+ {re.escape(words['scrolls'])}"
        assert re.fullmatch(label, region.get_attribute("aria-label") or ""), table_id
        # The cue: a shadow at the right-hand edge, where columns are hidden, and none at the left.
        page.wait_for_function("f => getComputedStyle(f, '::after').opacity === '1'", arg=frame.element_handle())
        shadows = frame.evaluate("f => [getComputedStyle(f, '::before').opacity, getComputedStyle(f, '::after').opacity]")
        assert shadows == ["0", "1"], table_id
        region.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=DRAW_TIMEOUT_MS)
        page.wait_for_function("f => getComputedStyle(f, '::before').opacity === '1'", arg=frame.element_handle())
        region.evaluate("r => r.scrollLeft = r.scrollWidth")
        page.wait_for_function("f => getComputedStyle(f, '::after').opacity === '0'", arg=frame.element_handle())
    if wide == 0:
        pytest.skip(f"no table of {path} is wider than a phone's column")


# --- 10. Figure 2d: every sanction case has a bar, single-year cases included -------------

@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_figure_2d_draws_every_case(open_page, viewport):
    path = "chapters/multivector.html"
    assert path in CHAPTER_PAGES
    page = open_page(path, viewport=VIEWPORTS[viewport]).page
    wait_until_drawn(page)
    wait_until_laid_out(page)
    chart = page.locator("#bt-fig-2d-sanctions")
    records = chart.evaluate("c => Object.values(JSON.parse(c.querySelector('script.bt-chart-spec').textContent).datasets)[0]")
    bars = chart.evaluate("""c => [...c.querySelectorAll('.bt-chart-live svg.marks g.mark-rect.role-mark path')]
        .map(bar => { const r = bar.getBoundingClientRect(); return [r.width, r.height]; })""")
    single_year = [r for r in records if r["begin"] == r["end_year"]]
    assert single_year, "the snapshot has single-year cases (2022): the test would not test them"
    assert len(bars) == len(records)
    assert [size for size in bars if size[0] < 1 or size[1] < 1] == [], "a case is drawn with no visible bar"
    # Every case's label is shown whole (on two lines on a phone), none cut with "…".
    labels = chart.evaluate("""c => [...c.querySelectorAll('.bt-chart-live g.role-axis[aria-label^="Y-axis"] g.role-axis-label text')]
        .map(text => [...text.querySelectorAll('tspan')].map(t => t.textContent).join(' ') || text.textContent)""")
    assert sorted(labels) == sorted(r["case"] for r in records)


# --- 11. accessibility of the chart box: an image with a name and nothing to operate inside --

@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_chart_images_hold_nothing_interactive(open_page, path):
    page = open_page(path).page
    wait_until_drawn(page)
    open_solutions(page)
    boxes = page.eval_on_selector_all(".bt-chart-live", """boxes => boxes.map(box => ({
        id: box.closest('.bt-chart').id,
        role: box.getAttribute('role'),
        interactive: [...box.querySelectorAll('a[href], button, input, select, textarea, details, summary, [tabindex], [contenteditable]')]
            .map(e => e.outerHTML.slice(0, 80)),
        exposed_svg: [...box.querySelectorAll('svg')].filter(svg => !svg.closest('[aria-hidden="true"]')).length,
    }))""")
    for box in boxes:
        assert box["role"] == "img", box["id"]
        assert box["interactive"] == [], f"{box['id']}: interactive element inside role=img: {box['interactive']}"
        assert box["exposed_svg"] == 0, f"{box['id']}: Vega's SVG is not hidden from assistive technology"


# --- 12. dark mode: charts follow the theme; text keeps its contrast in both themes ---------

CONTRAST_JS = """element => {
    const parse = text => {
        const parts = text.match(/rgba?\\(([^)]+)\\)/)[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
    };
    const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                    b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
        const colour = parse(getComputedStyle(e).backgroundColor);
        if (colour.a > 0) layers.push(colour);
        if (colour.a >= 1) break;
    }
    let background = {r: 255, g: 255, b: 255, a: 1};
    for (const colour of layers.reverse()) background = over(colour, background);
    const foreground = over(parse(getComputedStyle(element).color), background);
    const luminance = c => {
        const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const [high, low] = [luminance(foreground), luminance(background)].sort((x, y) => y - x);
    return (high + 0.05) / (low + 0.05);
}"""
TEXT_CHECKED = ".bt-meta .bt-source, .bt-meta .bt-updated, .bt-meta a.bt-csv, table.bt-sortable th .bt-sort, table.bt-sortable td"


def chart_backgrounds(page: Page) -> dict[str, float]:
    """The luminance (0 black, 1 white) of each displayed chart's drawn background."""
    return page.eval_on_selector_all(".bt-chart-live svg.marks", """svgs => Object.fromEntries(svgs
        .filter(svg => svg.getBoundingClientRect().width > 0)
        .map(svg => {
            const [r, g, b] = getComputedStyle(svg).backgroundColor.match(/[\\d.]+/g).map(Number);
            return [svg.closest('.bt-chart').id, (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255];
        }))""")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_text_contrast_and_chart_colours_follow_the_theme(open_page, path, theme):
    page = open_page(path, theme=theme).page
    wait_until_drawn(page)
    wait_until_laid_out(page)
    low = page.eval_on_selector_all(TEXT_CHECKED, f"""elements => {{
        const contrast = {CONTRAST_JS};
        return elements.map(e => [e.className || e.tagName, e.textContent.slice(0, 30), contrast(e)]).filter(row => row[2] < {MIN_CONTRAST});
    }}""")
    assert page.locator(TEXT_CHECKED).count() > 0 or in_edition(path) == "chapters/conclusion.html"
    assert low == [], f"text below {MIN_CONTRAST}:1 in the {theme} theme: {low[:5]}"
    backgrounds = chart_backgrounds(page)
    if not backgrounds:
        return
    if theme == "dark":
        assert {k: v for k, v in backgrounds.items() if v > 0.2} == {}, "charts left light on the dark page"
    else:
        assert {k: v for k, v in backgrounds.items() if v < 0.95} == {}, "charts not white on the light page"
    # Axis labels are read against the chart's own background.
    labels = page.eval_on_selector_all(".bt-chart-live svg.marks g.role-axis-label text", """texts => texts.slice(0, 50).map(t => {
        const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number).map(v => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const [hi, lo] = [lum(getComputedStyle(t).fill), lum(getComputedStyle(t.closest('svg')).backgroundColor)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    })""")
    assert labels and min(labels) >= MIN_CONTRAST, f"axis labels at {min(labels):.2f}:1 in the {theme} theme"


def test_charts_are_drawn_again_when_the_theme_changes(open_page):
    page = open_page("chapters/multivector.html", theme="light").page
    wait_until_drawn(page)
    wait_until_laid_out(page)
    assert min(chart_backgrounds(page).values()) > 0.95
    page.evaluate("document.documentElement.dataset.theme = 'dark'")  # as the theme switcher does
    wait_until_laid_out(page)
    assert max(chart_backgrounds(page).values()) < 0.2
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    wait_until_laid_out(page)
    assert min(chart_backgrounds(page).values()) > 0.95


def test_charts_follow_a_resized_window(open_page):
    page = open_page("chapters/multivector.html", viewport=VIEWPORTS["desktop"]).page
    wait_until_drawn(page)
    wait_until_laid_out(page)
    page.set_viewport_size(VIEWPORTS["phone"])
    wait_until_laid_out(page)
    layout = page.evaluate(LAYOUT_JS)
    assert layout["scrollWidth"] <= layout["innerWidth"]
    assert all(chart["right"] <= layout["column"]["right"] + 1 and chart["cut"] == [] for chart in layout["charts"]), layout["charts"]


# --- 13. print: charts at their own size on an A4 page -------------------------------------

@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_print_keeps_charts_at_their_own_size(open_page, path):
    visit = open_page(path, viewport=PRINT_VIEWPORT)
    page = visit.page
    page.emulate_media(media="print")
    page.evaluate("document.querySelectorAll('.bt-chart img[loading=lazy]').forEach(i => i.loading = 'eager')")  # as `make pdf` does
    page.wait_for_function("[...document.querySelectorAll('.bt-chart img.bt-chart-static')].every(i => i.complete && i.naturalWidth > 0)",
                           timeout=DRAW_TIMEOUT_MS)
    images = page.eval_on_selector_all(".bt-chart img.bt-chart-static", """images => images.map(i => ({
        id: i.closest('.bt-chart').id, natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
        box: i.closest('.bt-chart').getBoundingClientRect().width,
        column: document.querySelector('.bd-article').clientWidth
            - parseFloat(getComputedStyle(document.querySelector('.bd-article')).paddingLeft)
            - parseFloat(getComputedStyle(document.querySelector('.bd-article')).paddingRight)}))""")
    for image in images:
        # Drawn for the printed column, and printed at that size: only a chart inside a narrower
        # box (a solution's) may be scaled to that box.
        assert image["natural"] <= image["column"] + 1, f"{image['id']}: drawn {image['natural']} px wide for a {image['column']:.0f} px column"
        expected = min(image["natural"], image["box"])
        assert abs(image["shown"] - expected) <= 1, f"{image['id']}: printed {image['shown']:.0f} px wide, drawn for {image['natural']} px"
    assert visit.bad_responses == []


# --- 14. sortable tables by keyboard --------------------------------------------------------

def sort_values(table, column: int) -> list[float | None]:
    return table.evaluate(
        "(t, j) => [...t.tBodies[0].rows].map(r => r.cells[j].dataset.sort === undefined ? null : parseFloat(r.cells[j].dataset.sort))",
        column)


@pytest.mark.parametrize("path", in_editions(CHAPTER_PAGES))
def test_tables_sort_by_keyboard(open_page, path):
    page = open_page(path).page
    tables = page.locator("table.bt-sortable")
    if tables.count() == 0:
        pytest.skip(f"{path} has no sortable table")
    for i in range(tables.count()):
        table = tables.nth(i)
        headers = table.locator("thead th")
        buttons = table.locator("thead th > button.bt-sort")
        assert buttons.count() == headers.count() > 0, "each column header holds a button"
        assert headers.evaluate_all("ths => ths.map(th => th.getAttribute('aria-sort'))") == ["none"] * headers.count()
        assert headers.evaluate_all("ths => ths.map(th => th.getAttribute('tabindex'))") == [None] * headers.count()
        numeric = table.evaluate(  # the first column of numbers, if any
            "t => [...t.tHead.rows[0].cells].findIndex((th, j) => [...t.tBodies[0].rows].some(r => r.cells[j].dataset.sort !== undefined))")
        column = max(numeric, 0)
        button, header = buttons.nth(column), headers.nth(column)
        before = body_rows(table)
        button.focus()
        page.keyboard.press("Enter")
        assert header.get_attribute("aria-sort") == "ascending"
        if numeric >= 0:
            values = sort_values(table, column)
            present = [v for v in values if v is not None]
            assert present == sorted(present) and values == present + [None] * (len(values) - len(present))
        page.keyboard.press("Space")
        assert header.get_attribute("aria-sort") == "descending"
        if numeric >= 0:
            present = [v for v in sort_values(table, column) if v is not None]
            assert present == sorted(present, reverse=True)
        assert sorted(body_rows(table)) == sorted(before), "sorting must move whole rows"
        states = headers.evaluate_all("ths => ths.map(th => th.getAttribute('aria-sort'))")
        assert states == ["none"] * column + ["descending"] + ["none"] * (len(states) - column - 1)


# --- 15. the language switch: every page leads to the same page in the other edition ----------

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
    """What a page is, whatever its edition: "ru/chapters/x.html" and "chapters/x.html" are one page,
    and an edition's `index.html` is its first page (the root page itself, its URLs re-based)."""
    page = in_edition(path)
    return CONTENT_PAGES[0] if page == "index.html" else page


def resolve(path: str, href: str) -> str:
    """A relative link of the page at `path`, as a path from the site's top."""
    parts = urllib.parse.urlsplit(href)
    assert not (parts.scheme or parts.netloc or href.startswith("/")), f"{path}: {href!r} is not relative"
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), urllib.parse.unquote(parts.path)))


@pytest.mark.parametrize("path", in_editions(SITE_PAGES))
def test_language_switch_leads_to_the_same_page(built_site, path):
    """The switch at the top of the page links to this page in every other language, marked with
    that language, and so does the page's head (`link rel=alternate hreflang`, for search engines)."""
    language = edition_of(path)
    links = language_links(built_site, path)
    assert links.lang == language, f"{path}: <html lang={links.lang!r}>"
    others = [other for other in LANGUAGES if other != language]
    for kind, found in (("switch", links.switch), ("alternate", links.alternates)):
        assert sorted(link.get("hreflang") for link in found) == others, f"{path}: {kind} links {found}"
        for link in found:
            other = link["hreflang"]
            target = resolve(path, link["href"])
            assert not target.startswith(".."), f"{path}: {kind} {link['href']!r} leaves the site"
            assert edition_of(target) == other and same_page(target) == same_page(path), \
                f"{path}: the {other} {kind} leads to {target}, not to this page's {other} edition"
            assert (built_site / target).is_file(), f"{path}: the {other} {kind} leads to {target}, which was not built"
            assert language_links(built_site, target).lang == other, f"{target} is not in {other}"
            if kind == "switch":
                assert link.get("lang") == other, f"{path}: the {other} switch is not marked lang={other!r}"


def test_language_switch_in_the_browser(open_page, site):
    """A reader on a chapter clicks the switch, lands on the same chapter in the other edition, and back."""
    path = "chapters/multivector.html"
    assert path in CHAPTER_PAGES
    visit = open_page(path)
    page = visit.page
    for language, back_to in (("ru", path), (SOURCE_LANGUAGE, path)):
        switch = page.locator(f'a.bt-language[hreflang="{language}"]')
        assert switch.count() == 1 and switch.is_visible(), f"no visible switch to {language} on {page.url}"
        switch.click()
        page.wait_for_url(site.url + EDITIONS[language] + back_to)
        assert page.evaluate("document.documentElement.lang") == language
        wait_until_drawn(page)
    assert visit.external == [] and visit.console == [] and visit.page_errors == [] and visit.bad_responses == []
