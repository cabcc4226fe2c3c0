"""Reader experience of the built book (issue 11): accessibility, page weight and page metadata.

Every built page is opened in Debian's chromium (offline: a local server over a copy of the site,
every request that leaves it aborted; one tour per page, `visits.tour`) at a desktop and a phone
width, in the light and in the dark colour scheme, and axe-core — the engine Lighthouse's
accessibility audits run, pinned in package.json and installed into node_modules/ by `npm ci`
(`make test` does it) — must find no serious or critical violation.

Besides: the Vega bundle is loaded by the pages that draw a chart and by no other page, every page
has a meta description, the landing page serves the book's first page without a redirect, and
exercises and solutions are numbered.

All of it in every language (issue 13).
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
from visits import (
    CHAPTER_PAGES,
    CONTENT_PAGES,
    LANGUAGE_FOLDERS,
    SITE_PAGES,
    STATES,
    VIEWPORTS,
    in_languages,
    language_pages,
    wait_until_drawn,
)

from belarus_trade.site import icons

PAGES = in_languages(SITE_PAGES)  # every built page of every language
DESCRIPTION_MAX = 160


def test_every_built_page_is_audited(built_site):
    from belarus_trade.checks.audit import site_pages

    assert sorted(site_pages(built_site)) == sorted(PAGES)


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(page_facts, path, viewport, scheme):
    """axe-core on the page with everything a reader can open opened (solutions, folded code)."""
    assert (viewport, scheme) in STATES
    facts = page_facts(path)
    state = facts.states[(viewport, scheme)]
    if state.axe is None:
        pytest.skip("axe-core is not installed: run `npm ci --no-audit --no-fund` (make test does)")
    assert state.theme_shown == scheme
    assert facts.not_drawn == [], f"charts not drawn: {facts.not_drawn}"
    report = "\n".join(f"  {v['impact']:8} {v['rule']}: {v['target']}  {v['summary']}" for v in state.axe)
    assert facts.external == []
    if state.axe:
        pytest.fail(f"{path} ({viewport}, {scheme}): {len(state.axe)} serious/critical axe violations:\n{report}", pytrace=False)


# --- weight: the Vega bundle only where a chart is drawn, once the reader starts -----------

@pytest.mark.parametrize("path", PAGES)
def test_vega_bundle_loads_only_on_pages_with_charts(page_facts, path):
    """No page loads the bundle with the page (text first); a page with charts loads it once,
    at the reader's first move."""
    facts = page_facts(path)
    charts = facts.chart_count
    assert charts == facts.chart_elements_in_html
    assert facts.untouched["bundle_fetches"] == 0, f"{path} loads the Vega bundle before the reader moves"
    if charts:
        assert facts.bundle_fetches == 1, f"{path} draws {charts} charts but loads the bundle {facts.bundle_fetches} times"
        assert facts.not_drawn == [], f"charts not drawn: {facts.not_drawn}"
    else:
        assert facts.bundle_fetches == 0, f"{path} draws no chart but loads the Vega bundle"
        assert facts.vega_embed == "undefined"
    assert facts.console == [] and facts.page_errors == []


@pytest.mark.parametrize("path", PAGES)
def test_icons_need_no_icon_script_or_font(page_facts, path, built_site):
    """The theme's icons are SVG in the page and the admonitions' icons masks (icons.py): in the
    whole tour (both themes, both widths, print) no page fetches Font Awesome's script or fonts."""
    facts = page_facts(path)
    assert facts.icon_requests == []
    page = (built_site / path).read_text(encoding="utf-8")
    assert "svg-inline--fa" in page and not icons.ICON_ELEMENT.search(page)


def test_the_weight_measure_sees_the_bundle_arrive_after_the_move(browser, site):
    """`make audit`'s byte counts on two real pages: a page with charts receives the Vega bundle
    (hundreds of KB, compressed) only after the reader moves; a page without charts nothing more."""
    from belarus_trade.checks.audit import transferred

    weights = transferred(site.root, ["chapters/pre_sanction.html", "glossary.html"], log=lambda message: None, browser=browser)
    chapter, glossary = weights["chapters/pre_sanction.html"], weights["glossary.html"]
    assert 50_000 < chapter["before"] and chapter["total"] - chapter["before"] > 200_000
    assert 0 < glossary["before"] == glossary["total"]


def test_pages_with_cite_panels_keep_the_byte_budget(browser, site):
    """Each figure's "Cite or download" panel is text in its page and fetches nothing until a link is
    clicked: every page with panels still keeps the README's budgets, measured as `make audit` does."""
    from belarus_trade.checks.audit import BYTES_BEFORE_INTERACTION, BYTES_IN_TOTAL, transferred

    pages = [page for page in in_languages(CHAPTER_PAGES) if 'class="bt-cite"' in (site.root / page).read_text(encoding="utf-8")]
    weights = transferred(site.root, pages, log=lambda message: None, browser=browser)
    over = {page: sizes for page, sizes in weights.items() if sizes["before"] > BYTES_BEFORE_INTERACTION or sizes["total"] > BYTES_IN_TOTAL}
    assert len(pages) >= 2 * 5 and over == {}


def test_the_site_holds_no_notebook_output_folder(built_site):
    """myst-nb's `jupyter_execute/` (files no page links to) stays in the build folder, for the
    translated language too, whose output folder is inside the published site."""
    assert sorted(str(p.relative_to(built_site)) for p in built_site.rglob("jupyter_execute*")) == []


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


@pytest.mark.parametrize("language", list(LANGUAGE_FOLDERS))
def test_page_descriptions_differ(built_site, language):
    descriptions = [parse(built_site, p).meta["description"][0] for p in language_pages(CONTENT_PAGES, language)]
    assert len(set(descriptions)) == len(descriptions)


@pytest.mark.parametrize("language", list(LANGUAGE_FOLDERS))
def test_landing_page_is_the_first_page_without_a_redirect(built_site, language):
    folder = LANGUAGE_FOLDERS[language]
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


@pytest.mark.parametrize("language", list(LANGUAGE_FOLDERS))
def test_landing_page_links_open_in_a_browser(open_page, site, language):
    folder = LANGUAGE_FOLDERS[language]
    visit = open_page(folder + "index.html")
    page = visit.page
    assert wait_until_drawn(page) == []
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
    """How a language titles exercises and solutions, and how its prose names an exercise."""

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
assert set(EXERCISE_WORDS) == set(LANGUAGE_FOLDERS)


@pytest.mark.parametrize("language", list(LANGUAGE_FOLDERS))
def test_exercises_and_solutions_are_numbered(built_site, language):
    """Titles read "Exercise 2.1 (...)" and "Solution to Exercise 2.1 (...)", and prose that names
    an exercise by its number names one on the same page (in each language's words)."""
    words = EXERCISE_WORDS[language]
    numbers: dict[str, str] = {}
    solutions = 0
    for path in language_pages(CONTENT_PAGES, language):
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
