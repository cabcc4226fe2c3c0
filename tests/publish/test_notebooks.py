"""The chapters as notebooks, opened as a teacher, a student or a code-hosting site would.

- JupyterLab itself (the `make lab` command line, offline, on a free port) opens every chapter
  in Debian's chromium: every figure of the chapter's HTML page is drawn in the notebook, every
  `{eval}` number shows its stored value, and no raw `{glue…}` placeholder is left. The same
  for the Russian book's notebooks (`make lab-ru`).
- `jupyter nbconvert --to html` (no execution, no JavaScript needed) shows every figure as an
  image.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from belarus_trade.build.book import chapters
from belarus_trade.chapters.prose import stored_text
from belarus_trade.i18n import SOURCE_LANGUAGE

CHAPTERS = chapters()
FIGURE_IN_PAGE = '<div class="bt-chart"'
# An output area that shows a chart: Vega drawn by JupyterLab, or the static image.
DRAWN_CHART = (".jp-OutputArea-output.jp-RenderedVega5 .marks, "
               ".jp-OutputArea-output.jp-RenderedSVG svg, .jp-OutputArea-output.jp-RenderedImage img")


def figures_in_page(site: Path, chapter) -> int:
    return (site / "chapters" / f"{chapter.name}.html").read_text(encoding="utf-8").count(FIGURE_IN_PAGE)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_jupyterlab_draws_every_figure_and_shows_every_number(chapter, built_site, jupyterlab, browser):
    base, token, language, notebook_dir = jupyterlab
    expected = figures_in_page(built_site if language == SOURCE_LANGUAGE else built_site / language, chapter)
    notebook = json.loads((notebook_dir / chapter.path.name).read_text(encoding="utf-8"))
    # As the page's text is compared: every run of white space (the narrow no-break space of a
    # Russian number included) as one space.
    values = sorted({" ".join(value.split()) for value in stored_text(notebook).values() if value})
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    outside = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
               else (outside.append(route.request.url), route.abort()))
    try:
        # A workspace of its own, reset: JupyterLab would otherwise reopen the chapters opened before.
        page.goto(f"{base}/lab/workspaces/{language}-{chapter.name}/tree/{chapter.path.name}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=60_000)
        page.wait_for_function(f"document.querySelectorAll({json.dumps(DRAWN_CHART)}).length >= {expected}",
                               timeout=60_000)
        try:  # jupyterlab-myst renders the stored numbers after the cells appear (slowly on a loaded machine)
            page.wait_for_function(
                "values => { const text = document.querySelector('.jp-Notebook').innerText.replace(/\\s+/g, ' ');"
                " return values.every(v => text.includes(v)); }", arg=values, timeout=120_000)
        except PlaywrightTimeout:
            pass  # the assertion below names what is missing
        drawn = page.locator(DRAWN_CHART).count()
        text = page.locator(".jp-Notebook").inner_text()
    finally:
        page.close()
    assert drawn == expected, f"{chapter.name}: {drawn} charts drawn in JupyterLab, {expected} figures in the book"
    assert "{glue" not in text and "{eval}" not in text
    shown = re.sub(r"\s+", " ", text)
    missing = [expression for expression, value in stored_text(notebook).items() if value and " ".join(value.split()) not in shown]
    assert not missing, f"{chapter.name}: stored numbers not shown in JupyterLab: {missing[:3]}"
    assert not outside, f"JupyterLab asked the network for {outside[:3]}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_nbconvert_html_shows_every_figure_as_an_image(chapter, built_site, tmp_path):
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run([str(jupyter), "nbconvert", "--to", "html", "--output-dir", str(tmp_path), str(chapter.path)],
                   check=True, capture_output=True, env={**os.environ, "HOME": str(tmp_path)})
    page = (tmp_path / f"{chapter.name}.html").read_text(encoding="utf-8")
    images = len(re.findall(r'class="[^"]*jp-RenderedSVG[^"]*jp-OutputArea-output', page))
    assert images == figures_in_page(built_site, chapter), chapter.name
    assert "cdn.jsdelivr.net/npm/vega" not in page
