"""The built site in Chromium: the pages, the local server, one browser, and one tour per page.

The browser and accessibility tests assert on what a reader meets on every page of both languages,
at a desktop and a phone width, in the light and the dark theme. Opening a page costs more than
any check made on it (scripts, Vega drawing every chart), so each page is visited once, by
`tour`, which puts it through the states a reader does and records what each test needs:

1. as loaded, at 1366 px in the light theme: every request (those leaving the local server are
   aborted), console messages, the charts as drawn, each chart's and table's data link, source
   and date, text alternatives, the data-snapshot note; then the folded code above each figure
   opened, the "Cite or download" panel under each figure and table opened by keyboard, every
   solution opened, and every chart scrolled into view;
2. with every fold open, in four states reached as a reader reaches them — desktop light, the
   theme switched to dark, the window narrowed to a phone's 390 px, the theme switched back to
   light — the layout, text contrast, chart colours and an axe-core audit in each, the page
   scrolled to its middle from below (so a phone shows the theme's "Back to top" button too);
3. at phone width, each wide table scrolled with the keyboard;
4. back at desktop width, the tables sorted by keyboard, then by clicking a year column;
5. printed: an A4 column (680 px) in print media, lazy images loaded as `make pdf` loads them;

and once more with JavaScript off. The tests then assert on these facts, one named test per page
and property, so a failure still says which page and which property.

Switching the theme and the width inside one visit is sound because that is how the page is
built to be used: pydata-sphinx-theme's switch sets `data-theme` and `data-mode` on <html> and
every colour follows from CSS on them, the layout follows from media queries, and bt-charts.js
draws each chart again for a new width or theme and records what it drew for (`data-drawn`), which
the tour waits on. A fresh load in each state gave the same axe and layout results on every page
(measured when the tour replaced one visit per state; see tests/site/test_browser.py's
test_a_fresh_load_agrees_with_the_tour).
"""
from __future__ import annotations

import re
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from belarus_trade import BOOK_DIR, PROJECT_ROOT
from belarus_trade.checks.audit import CHARTS_SETTLED_JS
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DRAW_TIMEOUT_MS = 15_000
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
THEMES = ("light", "dark")
# The order the tour goes through them: one change at a time, each as a reader makes it.
STATES = (("desktop", "light"), ("desktop", "dark"), ("phone", "dark"), ("phone", "light"))
assert sorted(STATES) == sorted((viewport, theme) for viewport in VIEWPORTS for theme in THEMES)
# `make pdf` prints on A4 with 15 mm margins: 180 mm, i.e. 680 CSS px at 96 px per inch.
PRINT_VIEWPORT = {"width": 680, "height": 1000}
BLOCKING_IMPACTS = ("serious", "critical")
TAB_STOP_DEBOUNCE_MS = 400  # pydata-sphinx-theme updates tab stops 300 ms after the last resize or page change
# pydata-sphinx-theme keeps the reader's choice in localStorage ("mode": light/dark/auto) and
# applies it, as data-mode and data-theme on <html>, from an inline script at the top of <head>.
THEME_STORAGE = ("mode", "theme")


# --- the pages ---------------------------------------------------------------------------------

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

# Each language's folder in the site ("" for the source language's, at the top).
LANGUAGE_FOLDERS = {language: "" if language == SOURCE_LANGUAGE else f"{language}/" for language in LANGUAGES}


def language_pages(pages: list[str], language: str) -> list[str]:
    """The pages in one language: "chapters/x.html" -> "ru/chapters/x.html"."""
    return [LANGUAGE_FOLDERS[language] + page for page in pages]


def in_languages(pages: list[str]) -> list[str]:
    """The pages in every language, the source language's first: "chapters/x.html", "ru/chapters/x.html"."""
    return [path for language in LANGUAGE_FOLDERS for path in language_pages(pages, language)]


def language_of(path: str) -> str:
    """The language of a page, from its path in the site."""
    return next((language for language, folder in LANGUAGE_FOLDERS.items() if folder and path.startswith(folder)), SOURCE_LANGUAGE)


def in_edition(path: str) -> str:
    """A page's path inside its language's folder: "ru/chapters/x.html" -> "chapters/x.html"."""
    return path[len(LANGUAGE_FOLDERS[language_of(path)]):]


# --- a visit -----------------------------------------------------------------------------------

@dataclass
class Site:
    root: Path
    url: str


@dataclass
class Visit:
    """An opened page and what it did: every request, and everything that went wrong."""

    page: object  # playwright's Page
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)  # aborted: not to the local server
    console: list[str] = field(default_factory=list)   # console errors and warnings
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)


def open_visit(browser, site: Site, path: str, theme: str | None = None, **context_options) -> tuple[object, Visit]:
    """(context, Visit): `path` opened in a fresh browser context, every request leaving the local
    server aborted and recorded. `theme` ("light" or "dark") is the reader's choice in the theme
    switcher, stored as pydata-sphinx-theme stores it, and the browser's own preference set to match."""
    if theme is not None:
        context_options.setdefault("color_scheme", theme)
        context_options["storage_state"] = {"cookies": [], "origins": [{
            "origin": site.url.rstrip("/"), "localStorage": [{"name": key, "value": theme} for key in THEME_STORAGE]}]}
    context = browser.new_context(**context_options)
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
    if redirect:  # a redirecting page: follow it, so the page checked is the one a reader sees
        visit.page.wait_for_url(urllib.parse.urljoin(site.url + path, redirect.group(1)))
    if theme is not None:
        assert visit.page.evaluate("document.documentElement.dataset.theme") == theme
    return context, visit


def start_reading(page) -> None:
    """What a reader does first: move the mouse. bt-charts.js loads the Vega bundle on the first
    scroll, mouse move, click, tap or key press, not with the page."""
    page.mouse.move(3, 3)
    page.mouse.move(6, 6)


def wait_until_drawn(page) -> list[str]:
    """The reader starts reading, then every chart settles (drawn or failed): the ids of those not drawn."""
    start_reading(page)
    page.wait_for_function(CHARTS_SETTLED_JS, timeout=DRAW_TIMEOUT_MS)
    return page.eval_on_selector_all(".bt-chart:not(.bt-live)", "charts => charts.map(c => c.id)")


def wait_until_laid_out(page) -> None:
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


def settles(page, expression: str, arg=None) -> bool:
    """Whether `expression` becomes true within the drawing timeout (a fact to record, not a failure yet)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(expression, arg=arg, timeout=DRAW_TIMEOUT_MS)
    except PlaywrightTimeout:
        return False
    return True


def open_solutions(page) -> None:
    """Open every solution, so the charts inside them are displayed (and laid out) too."""
    for solution in page.locator(".solution.dropdown button.toggle-button").all():
        solution.click()


def reveal_everything(page) -> None:
    """What a reader can open is checked open: solutions, folded code and other <details>."""
    page.evaluate("""() => {
        document.querySelectorAll('.admonition.dropdown.toggle-hidden button.toggle-button').forEach(b => b.click());
        document.querySelectorAll('details').forEach(d => { d.open = true; });
    }""")
    page.wait_for_timeout(800)  # togglebutton's transition (0.3 s), then the theme's tab-stop check (debounced 0.3 s)


def switch_theme(page, theme: str) -> None:
    """What pydata-sphinx-theme's switch does (data-mode, data-theme, the stored choice), with the
    browser's own preference set to match, as a reader who prefers `theme` would have it."""
    page.emulate_media(color_scheme=theme)
    page.evaluate("""theme => {
        localStorage.setItem('mode', theme); localStorage.setItem('theme', theme);
        document.documentElement.dataset.mode = theme; document.documentElement.dataset.theme = theme;
    }""", theme)


# --- what the tour reads off a page (JavaScript run in it) ------------------------------------

CHART_ELEMENT = re.compile(r'<div[^>]*\bclass="(?:[^"]*\s)?bt-chart(?:\s[^"]*)?"')
BUNDLE = "_static/vega-bundle.js"
STATIC_CHART_FILE = re.compile(r"/_images/bt-[^/]*\.svg")
LAZY_DISTANCE_PX = 3000
ICON_FILE = re.compile(r"fontawesome|/webfonts/")

RUN_AXE = """async (impacts) => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter(v => impacts.includes(v.impact))
        .flatMap(v => v.nodes.map(n => ({
            rule: v.id, impact: v.impact, target: n.target.join(" "),
            summary: (n.failureSummary || "").split("\\n").slice(1, 2).join("").trim().slice(0, 160),
        })));
}"""

CHART_DATA_JS = """charts => charts.map(c => ({
    id: c.id,
    csv: c.querySelector('a.bt-csv').getAttribute('href'),
    spec: JSON.parse(c.querySelector('script.bt-chart-spec').textContent),
    source: c.querySelector('.bt-source').textContent,
    updated: c.querySelector('.bt-updated').textContent,
    label: c.querySelector('.bt-chart-live').getAttribute('aria-label'),
    alt: c.querySelector('img.bt-chart-static').getAttribute('alt'),
}))"""

TABLE_DATA_JS = """tables => tables.map(t => ({
    id: t.id,
    csv: t.querySelector('a.bt-csv').getAttribute('href'),
    header: [...t.querySelectorAll('thead th')].map(th => th.textContent),
    rows: [...t.querySelector('tbody').rows].map(r => [...r.cells].map(td => td.textContent)),
    source: t.querySelector('.bt-source').textContent,
    updated: t.querySelector('.bt-updated').textContent,
}))"""

# A figure's or table's "Cite or download" panel (site/citation_panel.py), the figure above it and what the panel offers.
CITE_PANEL_JS = """panel => {
    const figure = panel.previousElementSibling;
    const owner = figure && figure.matches('figure') ? figure.querySelector('.bt-chart, .bt-table') : null;
    const link = panel.querySelector('.bt-cite-link a');
    const target = link && link.hash ? document.getElementById(decodeURIComponent(link.hash.slice(1))) : null;
    const image = owner && owner.querySelector('img.bt-chart-static');
    return {
        owner: owner ? owner.id : null,
        caption: figure && figure.querySelector('figcaption') ? figure.querySelector('figcaption').textContent : null,
        permalink: link ? link.getAttribute('href') : null,
        permalink_text: link ? link.textContent : null,
        target: target ? target.id : null,
        target_is_owner: !!target && target === owner,
        citation: panel.querySelector('.bt-cite-text').textContent,
        source_date: owner ? owner.querySelector('.bt-updated').textContent : null,
        static_image: image ? image.getAttribute('src') : null,
        downloads: [...panel.querySelectorAll('a[download]')].map(a => ({
            href: a.getAttribute('href'), url: a.href, download: a.getAttribute('download'), text: a.textContent})),
    };
}"""
CAPTIONED_JS = "elements => elements.map(e => e.id)"  # on "figure:has(figcaption) :is(.bt-chart, .bt-table)"

DRAWN_JS = """charts => charts.map(c => {
    const svg = c.querySelector('.bt-chart-live svg.marks');  // vega's chart (not its menu icon)
    const visible = e => !!e && e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden';
    return {
        id: c.id,
        svgs: c.querySelectorAll('.bt-chart-live svg.marks').length,
        visible: visible(svg),
        marks: svg ? svg.querySelectorAll('g.role-mark > *').length : 0,  // vega's data marks: path, line, text, ...
        static_display: getComputedStyle(c.querySelector('img.bt-chart-static')).display,
    };
})"""

INTERACTIVE_JS = """boxes => boxes.map(box => ({
    id: box.closest('.bt-chart').id,
    role: box.getAttribute('role'),
    interactive: [...box.querySelectorAll('a[href], button, input, select, textarea, details, summary, [tabindex], [contenteditable]')]
        .map(e => e.outerHTML.slice(0, 80)),
    exposed_svg: [...box.querySelectorAll('svg')].filter(svg => !svg.closest('[aria-hidden="true"]')).length,
}))"""

LAYOUT_JS = """() => {
    const article = document.querySelector('.bd-article');
    if (!article) return null;
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
TEXT_CHECKED = (".bt-meta .bt-source, .bt-meta .bt-updated, .bt-meta a.bt-csv, table.bt-sortable th .bt-sort, table.bt-sortable td, "
                ".bt-cite > summary, .bt-cite p, .bt-cite a")
MIN_CONTRAST = 4.5  # WCAG AA for text

CONTRASTS_JS = f"""elements => {{
    const contrast = {CONTRAST_JS};
    return elements.map(e => [e.className || e.tagName, e.textContent.slice(0, 30), contrast(e)]);
}}"""

BACKGROUNDS_JS = """svgs => Object.fromEntries(svgs
    .filter(svg => svg.getBoundingClientRect().width > 0)
    .map(svg => {
        const [r, g, b] = getComputedStyle(svg).backgroundColor.match(/[\\d.]+/g).map(Number);
        return [svg.closest('.bt-chart').id, (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255];
    }))"""

AXIS_LABELS_JS = """texts => texts.slice(0, 50).map(t => {
    const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const [hi, lo] = [lum(getComputedStyle(t).fill), lum(getComputedStyle(t.closest('svg')).backgroundColor)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
})"""

FIGURE_2D = "#bt-fig-2d-sanctions"
FIGURE_2D_JS = """c => ({
    records: Object.values(JSON.parse(c.querySelector('script.bt-chart-spec').textContent).datasets)[0],
    bars: [...c.querySelectorAll('.bt-chart-live svg.marks g.mark-rect.role-mark path')]
        .map(bar => { const r = bar.getBoundingClientRect(); return [r.width, r.height]; }),
    labels: [...c.querySelectorAll('.bt-chart-live g.role-axis[aria-label^="Y-axis"] g.role-axis-label text')]
        .map(text => [...text.querySelectorAll('tspan')].map(t => t.textContent).join(' ') || text.textContent),
})"""

PRINT_JS = """images => images.map(i => ({
    id: i.closest('.bt-chart').id, natural: i.naturalWidth, complete: i.complete, shown: i.getBoundingClientRect().width,
    box: i.closest('.bt-chart').getBoundingClientRect().width,
    image_display: getComputedStyle(i).display,
    live_display: getComputedStyle(i.closest('.bt-chart').querySelector('.bt-chart-live')).display,
    column: document.querySelector('.bd-article').clientWidth
        - parseFloat(getComputedStyle(document.querySelector('.bd-article')).paddingLeft)
        - parseFloat(getComputedStyle(document.querySelector('.bd-article')).paddingRight)}))"""


# --- the facts ---------------------------------------------------------------------------------

@dataclass
class State:
    """One (width, theme) state of a page, every fold open."""

    theme_shown: str                 # data-theme on <html>
    layout: dict | None              # LAYOUT_JS; None on a page without an article column
    contrasts: list                  # [class, text, contrast] of each TEXT_CHECKED element
    backgrounds: dict[str, float]    # each displayed chart's background luminance
    axis_label_contrasts: list[float]
    axe: list[dict] | None           # serious and critical violations (None: axe-core is not installed)
    figure_2d: dict | None           # Figure 2d's records, bars and labels, where the page has it


@dataclass
class PageFacts:
    path: str
    # 1. as loaded
    console: list[str]
    page_errors: list[str]
    bad_responses: list[str]
    missing_icons: list[str]
    untouched: dict                  # before the reader's first move: bundle fetches, charts live, static images shown and fetched
    not_drawn: list[str]
    chart_count: int
    chart_elements_in_html: int
    bundle_fetches: int
    vega_embed: str                  # typeof window.vegaEmbed
    chart_data: list[dict]
    table_data: list[dict]
    snapshot_notes: list[dict]       # {visible, text}
    folded_code: list[dict]          # each figure or table cell: its code before and after opening its fold
    captioned: list[str]             # the ids of the charts and tables inside a captioned figure
    cite_panels: list[dict]          # each "Cite or download" panel: closed as loaded, opened by keyboard, CITE_PANEL_JS
    drawn: list[dict]                # each chart with every solution open and scrolled into view
    static_chart_requests: list[str]
    chart_boxes: list[dict]          # INTERACTIVE_JS
    # 2. each (viewport, theme)
    states: dict[tuple[str, str], State]
    # 3.-5.
    wide_tables: list[dict]
    keyboard_sort: list[dict]
    year_sort: list[dict]
    printed: list[dict]
    printed_tables: list[dict]  # each table's width against the printed column's
    printed_bad_responses: list[str]
    # the whole visit, and the visit without JavaScript
    external: list[str]
    icon_requests: list[str]         # Font Awesome's script or fonts, fetched at any point of the visit
    cite_files_fetched: list[str]    # a panel's files (but the SVG the page shows) fetched at any point: none is
    no_script: dict


def tour(browser, site: Site, path: str) -> PageFacts:
    """Visit `path` once as described in the module's docstring, and what each step showed."""
    context, visit = open_visit(browser, site, path, theme="light", viewport=VIEWPORTS["desktop"])
    page = visit.page
    try:
        loaded = _as_loaded(page, visit)
        reveal_everything(page)
        if AXE.is_file():
            page.add_script_tag(path=str(AXE))
        states = {}
        for viewport, theme in STATES:
            page.set_viewport_size(VIEWPORTS[viewport])
            if page.evaluate("document.documentElement.dataset.theme") != theme:
                switch_theme(page, theme)
            states[(viewport, theme)] = _state(page)
        wide_tables = _scroll_wide_tables(page)
        page.set_viewport_size(VIEWPORTS["desktop"])
        keyboard_sort = _sort_by_keyboard(page)
        year_sort = _sort_by_year(page)
        responses_before_print = len(visit.bad_responses)
        printed = _printed(page)
        printed_tables = page.eval_on_selector_all(".bd-article table", PRINTED_TABLES_JS)
        printed_bad_responses = visit.bad_responses[responses_before_print:]
    finally:
        context.close()
    return PageFacts(path=path, **loaded, states=states, wide_tables=wide_tables, keyboard_sort=keyboard_sort,
                     year_sort=year_sort, printed=printed, printed_tables=printed_tables, printed_bad_responses=printed_bad_responses,
                     external=list(visit.external), icon_requests=[url for url in visit.requests if ICON_FILE.search(url)],
                     cite_files_fetched=_cite_files_fetched(loaded["cite_panels"], visit.requests),
                     no_script=_without_javascript(browser, site, path))


def _as_loaded(page, visit: Visit) -> dict:
    page.wait_for_load_state("networkidle")
    untouched = {
        "bundle_fetches": sum(url.split("?")[0].endswith(BUNDLE) for url in visit.requests),
        "live": page.locator(".bt-chart.bt-live").count(),
        "static_shown": page.eval_on_selector_all(
            ".bt-chart", "charts => charts.filter(c => getComputedStyle(c.querySelector('.bt-chart-static')).display !== 'none'"
            " && c.querySelector('.bt-chart-live').getBoundingClientRect().height === 0).length"),
        "static_requests": sorted(url for url in visit.requests if STATIC_CHART_FILE.search(url)),
        # charts within Chromium's lazy-loading distance of the first screen (at most 3000 px below it)
        "near_first_screen": page.eval_on_selector_all(
            ".bt-chart", f"charts => charts.filter(c => c.getBoundingClientRect().top < innerHeight + {LAZY_DISTANCE_PX}).length"),
    }
    not_drawn = wait_until_drawn(page)
    page.wait_for_load_state("networkidle")
    # Chromium fetches a favicon once per browser, not per page: ask for each page's icon.
    icons = page.eval_on_selector_all('link[rel~="icon"]', "links => links.map(link => link.href)")
    facts = {
        "console": list(visit.console), "page_errors": list(visit.page_errors),
        "bad_responses": list(visit.bad_responses),
        "missing_icons": [url for url in icons if page.request.get(url).status >= 400],
        "untouched": untouched,
        "not_drawn": not_drawn,
        "chart_count": page.locator(".bt-chart").count(),
        "chart_elements_in_html": len(CHART_ELEMENT.findall(page.content())),
        "bundle_fetches": sum(url.split("?")[0].endswith(BUNDLE) for url in visit.requests),
        "vega_embed": page.evaluate("typeof window.vegaEmbed"),
        "chart_data": page.eval_on_selector_all(".bt-chart", CHART_DATA_JS),
        "table_data": page.eval_on_selector_all(".bt-table", TABLE_DATA_JS),
        "snapshot_notes": [{"visible": note.is_visible(), "text": note.inner_text()} for note in page.locator(".bt-snapshot").all()],
        "folded_code": _open_folded_code(page),
        "captioned": page.eval_on_selector_all("figure:has(figcaption) :is(.bt-chart, .bt-table)", CAPTIONED_JS),
        "cite_panels": _open_cite_panels(page),
    }
    open_solutions(page)
    for chart in page.locator(".bt-chart").all():
        chart.scroll_into_view_if_needed()  # a displayed lazy image would be fetched now
    page.wait_for_load_state("networkidle")
    wait_until_laid_out(page)
    facts["drawn"] = page.eval_on_selector_all(".bt-chart", DRAWN_JS)
    facts["static_chart_requests"] = sorted(url for url in visit.requests if STATIC_CHART_FILE.search(url))
    facts["chart_boxes"] = page.eval_on_selector_all(".bt-chart-live", INTERACTIVE_JS)
    return facts


def _open_folded_code(page) -> list[dict]:
    """A reader who wants to see how a figure or table is made opens the fold above it."""
    folded = []
    cells = page.locator(".cell:has(.bt-chart, .bt-table):not(.solution .cell)")
    for i in range(cells.count()):
        cell = cells.nth(i)
        code = cell.locator(".cell_input pre")
        fact = {"id": cell.locator(".bt-chart, .bt-table").first.get_attribute("id"), "code_blocks": code.count(),
                "visible_before": code.first.is_visible() if code.count() else None}
        summary = cell.locator("details.above-input > summary")
        if summary.count() == 1:
            summary.click()
        fact["visible_after"] = code.first.is_visible() if code.count() else None
        fact["code"] = code.first.text_content() if code.count() else ""
        folded.append(fact)
    return folded


def _open_cite_panels(page) -> list[dict]:
    """A reader who wants to cite or reuse a figure or table opens the panel under it, by keyboard."""
    found = []
    for panel in page.locator("details.bt-cite").all():
        summary = panel.locator("summary")
        fact = {"closed_before": panel.evaluate("d => !d.open"), "summary": summary.inner_text()}
        summary.focus()
        page.keyboard.press("Enter")
        fact["opened_by_keyboard"] = panel.evaluate("d => d.open")
        fact.update(panel.evaluate(CITE_PANEL_JS))
        found.append(fact)
    return found


def _cite_files_fetched(panels: list[dict], requests: list[str]) -> list[str]:
    offered = {link["url"] for panel in panels for link in panel["downloads"] if not link["download"].endswith(".svg")}
    return [url for url in requests if url.split("?")[0].split("#")[0] in offered]


def settle(page) -> None:
    """After a change of width or theme: every chart drawn again, the theme's CSS transitions
    (the sidebars sliding away, colours fading) finished, and its tab-stop check (run 0.3 s after
    the last resize or change to the page, on scrollable code and tables) done; then the page
    scrolled to its end and back up to its middle, as a reader reading it does, which shows the
    theme's "Back to top" button on a phone (the theme shows it while a reader scrolls up)."""
    wait_until_laid_out(page)
    page.wait_for_function("() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')",
                           timeout=DRAW_TIMEOUT_MS)
    page.wait_for_timeout(TAB_STOP_DEBOUNCE_MS)
    for position in ("document.scrollingElement.scrollHeight", "document.scrollingElement.scrollHeight / 2"):
        page.evaluate(f"() => new Promise(done => {{ window.scrollTo(0, {position}); requestAnimationFrame(() => requestAnimationFrame(done)); }})")


def _state(page) -> State:
    settle(page)
    figure_2d = page.locator(FIGURE_2D)
    return State(
        theme_shown=page.evaluate("document.documentElement.dataset.theme"),
        layout=page.evaluate(LAYOUT_JS),
        contrasts=page.eval_on_selector_all(TEXT_CHECKED, CONTRASTS_JS),
        backgrounds=page.eval_on_selector_all(".bt-chart-live svg.marks", BACKGROUNDS_JS),
        axis_label_contrasts=page.eval_on_selector_all(".bt-chart-live svg.marks g.role-axis-label text", AXIS_LABELS_JS),
        axe=page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS)) if page.evaluate("typeof axe") == "object" else None,
        figure_2d=figure_2d.evaluate(FIGURE_2D_JS) if figure_2d.count() else None,
    )


def _scroll_wide_tables(page) -> list[dict]:
    """At phone width: each table's scroll region, and what the keyboard and the shadows do."""
    page.set_viewport_size(VIEWPORTS["phone"])
    page.wait_for_function("() => document.readyState === 'complete'")
    found = []
    for table in page.locator(".bt-table").all():
        region, frame = table.locator(".bt-table-scroll"), table.locator(".bt-table-frame")
        fact = {"id": table.get_attribute("id"), "scrolls": region.evaluate("r => r.scrollWidth > r.clientWidth + 1"),
                "role": region.get_attribute("role"), "tabindex": region.get_attribute("tabindex"),
                "label": region.get_attribute("aria-label")}
        if fact["scrolls"]:
            frame_handle = frame.element_handle()
            fact["cue_shown"] = settles(page, "f => getComputedStyle(f, '::after').opacity === '1'", frame_handle)
            fact["shadows"] = frame.evaluate("f => [getComputedStyle(f, '::before').opacity, getComputedStyle(f, '::after').opacity]")
            region.focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            fact["scrolled_by_keyboard"] = settles(page, "r => r.scrollLeft > 0", region.element_handle())
            fact["left_shadow_after_scroll"] = settles(page, "f => getComputedStyle(f, '::before').opacity === '1'", frame_handle)
            region.evaluate("r => r.scrollLeft = r.scrollWidth")
            fact["right_shadow_gone_at_end"] = settles(page, "f => getComputedStyle(f, '::after').opacity === '0'", frame_handle)
        found.append(fact)
    return found


def _aria_sort(headers) -> list:
    return headers.evaluate_all("ths => ths.map(th => th.getAttribute('aria-sort'))")


def _sort_values(table, column: int) -> list[float | None]:
    return table.evaluate(
        "(t, j) => [...t.tBodies[0].rows].map(r => r.cells[j].dataset.sort === undefined ? null : parseFloat(r.cells[j].dataset.sort))",
        column)


def _body_rows(table) -> list[list[str]]:
    return table.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))")


def _sort_by_keyboard(page) -> list[dict]:
    """Each sortable table's first column of numbers (or its first column) sorted with Enter, then Space."""
    found = []
    for table in page.locator("table.bt-sortable").all():
        headers, buttons = table.locator("thead th"), table.locator("thead th > button.bt-sort")
        numeric = table.evaluate(
            "t => [...t.tHead.rows[0].cells].findIndex((th, j) => [...t.tBodies[0].rows].some(r => r.cells[j].dataset.sort !== undefined))")
        column = max(numeric, 0)
        fact = {"headers": headers.count(), "buttons": buttons.count(), "aria_before": _aria_sort(headers),
                "tabindex_before": headers.evaluate_all("ths => ths.map(th => th.getAttribute('tabindex'))"),
                "numeric": numeric >= 0, "column": column, "rows_before": _body_rows(table)}
        if buttons.count():
            header = headers.nth(column)
            buttons.nth(column).focus()
            page.keyboard.press("Enter")
            fact["after_enter"] = {"aria": header.get_attribute("aria-sort"), "values": _sort_values(table, column)}
            page.keyboard.press("Space")
            fact["after_space"] = {"aria": header.get_attribute("aria-sort"), "values": _sort_values(table, column)}
        fact["rows_after"] = _body_rows(table)
        fact["aria_after"] = _aria_sort(headers)
        found.append(fact)
    return found


def _column_cells(table, column: int) -> list[str]:
    return table.evaluate("(t, j) => [...t.tBodies[0].rows].map(r => r.cells[j].textContent.trim())", column)


def _sort_by_year(page) -> list[dict]:
    """Each column headed by a year, clicked twice: its cells as shown before and after each click."""
    found = []
    for table in page.locator("table.bt-sortable").all():
        for column, text in enumerate(table.locator("thead th").all_inner_texts()):
            if not re.fullmatch(r"\d{4}", text.strip()):
                continue
            header = table.locator("thead th").nth(column)
            fact = {"year": text.strip(), "rows_before": _body_rows(table), "cells_before": _column_cells(table, column)}
            header.click()
            fact["first_click"] = {"aria": header.get_attribute("aria-sort"), "cells": _column_cells(table, column)}
            header.click()
            fact["second_click"] = {"aria": header.get_attribute("aria-sort"), "cells": _column_cells(table, column)}
            fact["rows_after"] = _body_rows(table)
            found.append(fact)
    return found


# A printed table is as wide as it is laid out (print has no scrolling): its width, the article
# column's, and its first row's text (to name it).
PRINTED_TABLES_JS = """tables => tables.map(t => ({
  width: t.getBoundingClientRect().width, scroll: t.scrollWidth,
  column: t.closest('article').getBoundingClientRect().width,
  name: (t.querySelector('tr') || t).textContent.trim().replace(/\\s+/g, ' ').slice(0, 60)}))"""


def _printed(page) -> list[dict]:
    """The page as `make pdf` prints it: an A4 column in print media, lazy images loaded."""
    page.set_viewport_size(PRINT_VIEWPORT)
    page.emulate_media(media="print")
    page.evaluate("document.querySelectorAll('.bt-chart img[loading=lazy]').forEach(i => i.loading = 'eager')")
    settles(page, "[...document.querySelectorAll('.bt-chart img.bt-chart-static')].every(i => i.complete && i.naturalWidth > 0)")
    return page.eval_on_selector_all(".bt-chart img.bt-chart-static", PRINT_JS)


def _without_javascript(browser, site: Site, path: str) -> dict:
    context, visit = open_visit(browser, site, path, java_script_enabled=False)
    page = visit.page
    try:
        images = page.locator(".bt-chart img.bt-chart-static")
        shown = [{"src": image.get_attribute("src"), "visible": image.is_visible(),
                  "loaded": settles(page, "img => img.complete && img.naturalWidth > 0", image.element_handle())}
                 for image in images.all()]
        return {"live_charts": page.locator(".bt-chart.bt-live, .bt-chart-live svg.marks").count(), "images": shown,
                "bad_responses": list(visit.bad_responses)}
    finally:
        context.close()
