"""Reader experience of the built book (issue 11): accessibility, page weight and page metadata.

Every built page is opened in Debian's chromium (offline, through test_browser.py's fixtures: a
local server over a copy of the site, every request that leaves it aborted) at a desktop and a
phone width, in the light and in the dark colour scheme, and axe-core — the engine Lighthouse's
accessibility audits run, pinned in package.json and installed into node_modules/ by `npm ci`
(`make test` does it) — must find no serious or critical violation.

Besides: the Vega bundle is loaded by the pages that draw a chart and by no other page, every page
has a meta description, the landing page serves the book's first page without a redirect, and
exercises and solutions are numbered.

All of it in every language's edition (issue 13): the pages are test_browser.py's, in each edition.
"""
from __future__ import annotations

import html.parser
import json
import posixpath
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

# The browser, the local server over the built site and the page opener are test_browser.py's.
from test_browser import (  # noqa: F401  (fixtures)
    CONTENT_PAGES,
    EDITIONS,
    SITE_PAGES,
    browser,
    edition_pages,
    in_editions,
    open_page,
    site,
    wait_until_drawn,
)

from belarus_trade.paths import PROJECT_ROOT

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUNDLE = "_static/vega-bundle.js"
PAGES = in_editions(SITE_PAGES)  # every built page of every edition
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
BLOCKING_IMPACTS = ("serious", "critical")
DESCRIPTION_MAX = 160

# pydata-sphinx-theme keeps the reader's choice in localStorage ("mode": light/dark/auto) and
# applies it, as data-mode and data-theme on <html>, from an inline script at the top of <head>.
THEME_STORAGE = ("mode", "theme")

RUN_AXE = """async (impacts) => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter(v => impacts.includes(v.impact))
        .flatMap(v => v.nodes.map(n => ({
            rule: v.id, impact: v.impact, target: n.target.join(" "),
            summary: (n.failureSummary || "").split("\\n").slice(1, 2).join("").trim().slice(0, 160),
        })));
}"""


def built_pages(site_root: Path) -> list[str]:
    return sorted(p.relative_to(site_root).as_posix() for p in site_root.rglob("*.html") if "_static" not in p.parts)


def test_every_built_page_is_audited(built_site):
    assert built_pages(built_site) == sorted(PAGES)


def open_in_scheme(open_page, site, path: str, viewport: str, scheme: str):  # noqa: F811  (fixtures passed in)
    """The page as a reader who chose `scheme` with the theme's switch sees it (the browser's own
    preference is set to match)."""
    stored = {"cookies": [], "origins": [{
        "origin": site.url.rstrip("/"), "localStorage": [{"name": key, "value": scheme} for key in THEME_STORAGE]}]}
    visit = open_page(path, viewport=VIEWPORTS[viewport], color_scheme=scheme, storage_state=stored)
    assert visit.page.evaluate("document.documentElement.dataset.theme") == scheme
    return visit


def reveal_everything(page) -> None:
    """What a reader can open is audited open: solutions, folded code and other <details>."""
    page.evaluate("""() => {
        document.querySelectorAll('.admonition.dropdown.toggle-hidden button.toggle-button').forEach(b => b.click());
        document.querySelectorAll('details').forEach(d => { d.open = true; });
    }""")
    page.wait_for_timeout(800)  # togglebutton's transition (0.3 s), then the theme's tab-stop check (debounced 0.3 s)


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed: run `npm ci --no-audit --no-fund` (make test does)")
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(open_page, site, path, viewport, scheme):  # noqa: F811
    visit = open_in_scheme(open_page, site, path, viewport, scheme)
    page = visit.page
    wait_until_drawn(page)
    reveal_everything(page)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
    report = "\n".join(f"  {v['impact']:8} {v['rule']}: {v['target']}  {v['summary']}" for v in found)
    assert visit.external == []
    if found:
        pytest.fail(f"{path} ({viewport}, {scheme}): {len(found)} serious/critical axe violations:\n{report}", pytrace=False)


# --- weight: the Vega bundle only where a chart is drawn -----------------------------------

CHART_ELEMENT = re.compile(r'<div[^>]*\bclass="(?:[^"]*\s)?bt-chart(?:\s[^"]*)?"')


@pytest.mark.parametrize("path", PAGES)
def test_vega_bundle_loads_only_on_pages_with_charts(open_page, path):  # noqa: F811
    visit = open_page(path)
    page = visit.page
    page.wait_for_load_state("networkidle")
    charts = page.locator(".bt-chart").count()
    assert charts == len(CHART_ELEMENT.findall(visit.page.content()))
    fetched = [url for url in visit.requests if url.split("?")[0].endswith(BUNDLE)]
    if charts:
        assert len(fetched) == 1, f"{path} draws {charts} charts but loads the bundle {len(fetched)} times"
        wait_until_drawn(page)
    else:
        assert fetched == [], f"{path} draws no chart but loads the Vega bundle"
        assert page.evaluate("typeof window.vegaEmbed") == "undefined"
    assert visit.console == [] and visit.page_errors == []


# --- page metadata and the landing page (read from the files) -------------------------------

class _Head(html.parser.HTMLParser):
    """Meta tags, the redirect if any, and every URL the page refers to."""

    URL_ATTRIBUTES = {"href", "src", "action", "data-content_root"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.urls: list[str] = []
        self.titles: list[str] = []
        self._title_depth = 0
        self._title: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta":
            key = attributes.get("name") or attributes.get("http-equiv", "").lower()
            self.meta.setdefault(key, []).append(attributes.get("content") or "")
        self.urls += [value for name, value in attrs if name in self.URL_ATTRIBUTES and value]
        if self._title_depth:
            self._title_depth += 1
        elif tag == "p" and "admonition-title" in (attributes.get("class") or "").split():
            self._title_depth, self._title = 1, []

    def handle_endtag(self, tag):
        if self._title_depth:
            self._title_depth -= 1
            if not self._title_depth:
                self.titles.append(" ".join("".join(self._title).split()))

    def handle_data(self, data):
        if self._title_depth:
            self._title.append(data)


def parse(site_root: Path, path: str) -> _Head:
    parser = _Head()
    parser.feed((site_root / path).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_meta_description(built_site, path):
    descriptions = parse(built_site, path).meta.get("description", [])
    assert len(descriptions) == 1, f"{path}: {len(descriptions)} meta descriptions"
    (text,) = descriptions
    assert 20 <= len(text) <= DESCRIPTION_MAX, f"{path}: {text!r}"
    assert text == " ".join(text.split()) and "<" not in text, f"{path}: {text!r}"


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_page_descriptions_differ(built_site, edition):
    descriptions = [parse(built_site, p).meta["description"][0] for p in edition_pages(CONTENT_PAGES, edition)]
    assert len(set(descriptions)) == len(descriptions)


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_landing_page_is_the_first_page_without_a_redirect(built_site, edition):
    folder = EDITIONS[edition]
    landing = parse(built_site, folder + "index.html")
    assert "refresh" not in landing.meta
    first = folder + CONTENT_PAGES[0]
    title = re.compile(r"<title>(.*?)</title>", re.S)
    assert title.search((built_site / folder / "index.html").read_text(encoding="utf-8")).group(1) == \
        title.search((built_site / first).read_text(encoding="utf-8")).group(1)


@pytest.mark.parametrize("path", PAGES)
def test_local_links_resolve(built_site, path):
    """Every local URL a page refers to (links, scripts, styles, images) exists in the site:
    the landing page is the first page moved up a folder, its URLs rewritten."""
    missing = []
    for url in parse(built_site, path).urls:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), urllib.parse.unquote(parts.path)))
        if target.startswith("..") or not ((built_site / target).is_file() or (built_site / target).is_dir()):
            missing.append(url)
    assert missing == [], f"{path}: {missing}"


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_landing_page_links_open_in_a_browser(open_page, site, edition):  # noqa: F811
    folder = EDITIONS[edition]
    visit = open_page(folder + "index.html")
    page = visit.page
    wait_until_drawn(page)
    page.wait_for_load_state("networkidle")
    assert visit.bad_responses == [] and visit.external == [] and visit.console == []
    next_page = page.locator("a.right-next")
    assert next_page.count() == 1
    next_page.click()
    page.wait_for_load_state()
    assert page.url == site.url + folder + CONTENT_PAGES[1]


# --- exercises are numbered ----------------------------------------------------------------

@dataclass(frozen=True)
class ExerciseWords:
    """How an edition titles exercises and solutions, and how its prose names an exercise."""

    mention: re.Pattern
    exercise: re.Pattern
    solution: re.Pattern
    solution_word: str


EXERCISE_WORDS = {
    "en": ExerciseWords(
        mention=re.compile(r"\bExercise (\d+\.\d+)\b"),
        exercise=re.compile(r"^Exercise (\d+(?:\.\d+)?) \((.+)\)$"),
        solution=re.compile(r"^Solution to Exercise (\d+(?:\.\d+)?) \((.+)\)$"),
        solution_word="Solution"),
    # sphinx-exercise's Russian, as the book corrects it: "Упражнение 2.1 (...)", "Решение. Упражнение 2.1 (...)"; prose
    # declines the word ("в упражнении 2.1").
    "ru": ExerciseWords(
        mention=re.compile(r"\b[Уу]пражнени\w* (\d+\.\d+)\b"),
        exercise=re.compile(r"^Упражнение (\d+(?:\.\d+)?) \((.+)\)$"),
        solution=re.compile(r"^Решение\. Упражнение (\d+(?:\.\d+)?) \((.+)\)$"),
        solution_word="Решение"),
}
assert set(EXERCISE_WORDS) == set(EDITIONS)


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_exercises_and_solutions_are_numbered(built_site, edition):
    """Titles read "Exercise 2.1 (...)" and "Solution to Exercise 2.1 (...)", and prose that names
    an exercise by its number names one on the same page (in each edition's words)."""
    words = EXERCISE_WORDS[edition]
    numbers: dict[str, str] = {}
    solutions = 0
    for path in edition_pages(CONTENT_PAGES, edition):
        before = set(numbers)
        for title in parse(built_site, path).titles:
            exercise, solution = words.exercise.match(title), words.solution.match(title)
            if title.startswith(words.solution_word):
                assert solution, f"{path}: {title!r}"
                same = numbers.get(solution.group(1), "").replace("’", "'") == solution.group(2).replace("’", "'")  # smartquotes
                assert same, f"{path}: {title!r} names no exercise before it"
                solutions += 1
            elif exercise:
                assert exercise.group(1) not in numbers, f"{path}: {title!r} repeats a number"
                numbers[exercise.group(1)] = exercise.group(2)
            else:
                assert not title.startswith("("), f"{path}: an exercise title without its number: {title!r}"
        text = re.sub(r"<[^>]+>", " ", (built_site / path).read_text(encoding="utf-8"))
        named = set(words.mention.findall(text)) - set(numbers)
        assert named == set(), f"{path} names exercises that are not on it: {sorted(named)}"
        assert not set(words.mention.findall(text)) & before, f"{path} names an exercise of another page"
    assert len(numbers) >= 20 and solutions >= 20, (len(numbers), solutions)
    print(json.dumps(numbers, indent=1, ensure_ascii=False))
