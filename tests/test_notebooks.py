"""The chapters as notebooks, opened as a teacher, a student or a code-hosting site would.

- JupyterLab itself (the `make lab` command line, offline, on a free port) opens every chapter
  in Debian's chromium: every figure of the chapter's HTML page is drawn in the notebook, every
  `{eval}` number shows its stored value, and no raw `{glue…}` placeholder is left. The same
  for the Russian edition's notebooks (`make lab-ru`).
- `jupyter nbconvert --to html` (no execution, no JavaScript needed) shows every figure as an
  image.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from belarus_trade.build import chapters
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE
from belarus_trade.inline import stored_text
from belarus_trade.notebooks import write_notebooks
from belarus_trade.paths import PROJECT_ROOT

CHAPTERS = chapters()
CHROMIUM = shutil.which("chromium")
FIGURE_IN_PAGE = '<div class="bt-chart"'
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# An output area that shows a chart: Vega drawn by JupyterLab, or the static image.
DRAWN_CHART = (".jp-OutputArea-output.jp-RenderedVega5 .marks, "
               ".jp-OutputArea-output.jp-RenderedSVG svg, .jp-OutputArea-output.jp-RenderedImage img")


def figures_in_page(site: Path, chapter) -> int:
    return (site / "chapters" / f"{chapter.name}.html").read_text(encoding="utf-8").count(FIGURE_IN_PAGE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module", params=LANGUAGES)
def jupyterlab(request, tmp_path_factory):
    """`make lab`'s server (`make lab-ru`'s for the Russian edition, on its notebooks), with every
    cell rendered at once (JupyterLab otherwise renders only the cells in view), answering on a
    free local port: (address, token, language, notebook folder)."""
    language = request.param
    notebook_dir = PROJECT_ROOT / "book" / "chapters"
    if language != SOURCE_LANGUAGE:
        request.getfixturevalue("built_site")  # the edition's run
        notebook_dir = tmp_path_factory.mktemp(f"notebooks-{language}")
        write_notebooks(language, notebook_dir)
    home = tmp_path_factory.mktemp("lab")
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = free_port(), "notebooks"
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    offline = re.search(r"^LAB_OFFLINE := (.+)$", makefile, re.M).group(1).split()
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--notebook-dir={notebook_dir}", *offline]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    environment = {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
                   "JUPYTER_RUNTIME_DIR": str(home), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings")}
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield base, token, language, notebook_dir
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a loaded machine: JupyterLab's shutdown may outlast the wait
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def lab_browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (`make browser` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_jupyterlab_draws_every_figure_and_shows_every_number(chapter, built_site, jupyterlab, lab_browser):
    base, token, language, notebook_dir = jupyterlab
    expected = figures_in_page(built_site if language == SOURCE_LANGUAGE else built_site / language, chapter)
    notebook = json.loads((notebook_dir / chapter.path.name).read_text(encoding="utf-8"))
    values = sorted({value for value in stored_text(notebook).values() if value})
    page = lab_browser.new_page(viewport={"width": 1366, "height": 900})
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
    missing = [expression for expression, value in stored_text(notebook).items() if value and value not in shown]
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
