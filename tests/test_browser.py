"""Browser tests of the built book: the chart policy as a reader meets it.

The built site is served from a local HTTP server and opened in Debian's chromium (Playwright
drives it; Playwright's own browser download is not used). Every request that leaves the local
server is aborted and recorded, so the tests also prove that the book works offline.

Pages come from the table of contents (only pages listed there are built), so tests can be
collected before the book is built; `test_every_built_chapter_page_is_tested` checks that this
list and the built `chapters/*.html` agree, so a new chapter cannot go untested.
"""
from __future__ import annotations

import csv
import functools
import http.server
import io
import math
import re
import shutil
import threading
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from belarus_trade.data import snapshot_id
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
ALL_PAGES = ["index.html"] + CONTENT_PAGES        # index.html only redirects to the root page


# --- site, browser and page fixtures -------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser dropping a connection is not a test failure; bad statuses are checked


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
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(root, f"http://127.0.0.1:{server.server_address[1]}/")
    server.shutdown()
    server.server_close()
    thread.join()


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
    """open_page(path, **context_options) -> Visit, in a fresh browser context."""
    contexts = []

    def open_(path: str, **context_options) -> Visit:
        context = browser.new_context(**context_options)
        contexts.append(context)
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


# --- the book as a whole -------------------------------------------------------------------

def test_every_built_chapter_page_is_tested(built_site):
    built = sorted(p.relative_to(built_site).as_posix() for p in built_site.glob("chapters/*.html"))
    assert built, "no chapter pages were built"
    assert built == CHAPTER_PAGES
    charts = sum((built_site / p).read_text(encoding="utf-8").count('<div class="bt-chart"') for p in built)
    assert charts > 0, "no chapter has a chart: the chart tests below would test nothing"


# --- 1. offline and clean ------------------------------------------------------------------

@pytest.mark.parametrize("path", ALL_PAGES)
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

@pytest.mark.parametrize("path", CHAPTER_PAGES)
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

@pytest.mark.parametrize("path", CHAPTER_PAGES)
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
        assert chart["source"].startswith("Source:"), chart["id"]
        retrieved = re.search(r"\b\d{4}-\d{2}-\d{2}\b", chart["updated"])
        assert retrieved and date.fromisoformat(retrieved.group()), f"{chart['id']}: {chart['updated']!r}"


@pytest.mark.parametrize("path", CHAPTER_PAGES)
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
        assert table["source"].startswith("Source:"), table["id"]
        assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", table["updated"]), table["id"]


# --- 4. text alternative -------------------------------------------------------------------

@pytest.mark.parametrize("path", CHAPTER_PAGES)
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

@pytest.mark.parametrize("path", CHAPTER_PAGES)
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

def column_numbers(table, column: int) -> list[float]:
    cells = table.evaluate("(t, j) => [...t.tBodies[0].rows].map(r => r.cells[j].textContent.trim())", column)
    return [float(cell.replace(",", "")) for cell in cells if cell not in ("–", "")]


def body_rows(table) -> list[list[str]]:
    return table.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))")


@pytest.mark.parametrize("path", CHAPTER_PAGES)
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
        values = column_numbers(table, column)
        header.click()
        assert header.get_attribute("aria-sort") == "ascending"
        assert column_numbers(table, column) == sorted(values)
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        assert column_numbers(table, column) == sorted(values, reverse=True)
        assert sorted(body_rows(table)) == sorted(before), "sorting must move whole rows"


# --- 8. every page names its data snapshot -------------------------------------------------

@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_names_its_data_snapshot(open_page, path):
    note = open_page(path).page.locator(".bt-snapshot")
    assert note.count() == 1
    assert note.is_visible()
    assert re.search(rf"\bsnapshot {snapshot_id()['hash']}\b", note.inner_text()), note.inner_text()
