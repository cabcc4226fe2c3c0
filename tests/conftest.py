"""Shared fixtures: the snapshot's datasets under their own names, the built book (built once per
session, incrementally), the built site in Chromium (one tour per page), Jupyter kernels and
JupyterLab, and scratch copies of the project for tests that change data or code.

A test is slow when it asks, directly or through another fixture, for a fixture registered with
`slow_fixture` (a kernel, Sphinx, a browser, a build): `make test-fast` (`-m "not slow"`) leaves
it out. Nothing else marks a test slow, so a fast test stays fast by not asking for them.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from belarus_trade import BUILD_DIR, PROJECT_ROOT
from belarus_trade.data import loading as data
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE

# Fixture name -> what makes a test that asks for it slow.
SLOW_FIXTURES: dict[str, str] = {}


def slow_fixture(why: str, **fixture_options):
    """`@pytest.fixture(**fixture_options)` that also marks every test using it slow, for `why`."""
    def register(function):
        SLOW_FIXTURES[function.__name__] = why
        return pytest.fixture(**fixture_options)(function)
    return register


def pytest_collection_modifyitems(config, items):
    """Mark slow the tests that ask for a slow fixture, and every nbval cell (it runs in a kernel)."""
    for item in items:
        if item.path.suffix == ".ipynb" or any(name in SLOW_FIXTURES for name in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# Tests that share one costly thing, by node id, and the name of what they share: a notebook's
# cells (nbval runs them in order in one kernel), a page (its tour), a JupyterLab server and the
# printed book and sheets (`printed`).
SHARED = (
    (re.compile(r"^(tests/publish/test_pdf\.py)::"), "printing {}"),
    (re.compile(r"^(book/chapters/[\w-]+\.ipynb)::"), "notebook {}"),
    (re.compile(r"::test_jupyterlab\w*\[(\w+)-"), "jupyterlab {}"),
    (re.compile(r"\[((?:\w+/)*[\w-]+\.html)[\]-]"), "page {}"),
)


def shared_cost(nodeid: str) -> str | None:
    for pattern, name in SHARED:
        found = pattern.search(nodeid)
        if found:
            return name.format(found.group(1))
    return None


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's, unknown when it is not loaded
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (`make test` runs two workers) the tests that share a costly thing run on
    one worker, the largest groups first; every other test goes wherever a worker is free.
    (xdist's own `--dist loadgroup` marks groups by editing node ids, which pytest 9 no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class SharedCostScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return shared_cost(nodeid) or nodeid

    return SharedCostScheduling(config, log)


SNAPSHOT_DATASETS = ("wdi", "imf_dots", "article_table1", "article_figures", "gsdb", "union_state_agreements")


def snapshot_fixture(name: str):
    """A session fixture named like the dataset, so a test asks for `imf_dots` as a chapter does."""
    def load_once() -> pd.DataFrame:
        return data.load(name)
    load_once.__doc__ = f"The committed snapshot's {name}, loaded once per session: read it, do not change it."
    return pytest.fixture(scope="session", name=name)(load_once)


for _dataset in SNAPSHOT_DATASETS:
    globals()[f"snapshot_{_dataset}"] = snapshot_fixture(_dataset)


@pytest.fixture(scope="session")
def frames(request) -> dict[str, pd.DataFrame]:
    """The same datasets by name (`frames["wdi"]`), for a test that hands several to one function."""
    return {name: request.getfixturevalue(name) for name in SNAPSHOT_DATASETS}


# --- the book --------------------------------------------------------------------------------

def build_waiting_for_others(**arguments) -> dict:
    """`pipeline.build`, waiting while another build of the same book runs (another test worker's,
    or a `make book` in another shell) instead of being refused."""
    from belarus_trade.build import BuildError
    from belarus_trade.build.lock import LOCK_NAME
    from belarus_trade.build.pipeline import build

    book_dir = arguments.get("book_dir", PROJECT_ROOT / "book")
    while True:
        try:
            return build(log=lambda message: None, **arguments)
        except BuildError as error:
            if "another build" not in str(error):
                raise
        with open(book_dir / "_build" / LOCK_NAME, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # returns when the other build ends


@slow_fixture("builds the book (both languages; executes what is stale, renders what changed)", scope="session")
def built_site() -> Path:
    """The HTML book as `make book` leaves it (no-op if already up to date)."""
    build_waiting_for_others()
    site = BUILD_DIR / "html"
    assert (site / "chapters").is_dir()
    return site.resolve()


@pytest.fixture
def build_real_book(built_site):
    """build(**arguments) of the real book, waiting while another build of it runs."""
    return build_waiting_for_others


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of book sources and data in a temporary folder, safe to modify."""
    target = tmp_path / "project"
    target.mkdir()
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    shutil.copytree(PROJECT_ROOT / "book", target / "book", ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    return target


def trimmed_toc(toc: dict, keep: set[str]) -> dict:
    """The book's table of contents with only the root page and the files in `keep` (parts, captions
    and numbering as they are, so the part titles keep their translations)."""
    parts = [{**part, "chapters": [entry for entry in part["chapters"] if entry["file"] in keep]} for part in toc.get("parts", [])]
    return {**toc, "parts": [part for part in parts if part["chapters"]]}


def copy_small_book(project: Path, files: tuple[str, ...]) -> tuple[Path, Path]:
    """(book, data): the project copied into `project`, its book holding only the root page (the
    introduction) and these files of the table of contents ("chapters/multivector", "bibliography", ...)."""
    import yaml

    from belarus_trade import BOOK_DIR

    book, data_dir = project / "book", project / "data"
    shutil.copytree(PROJECT_ROOT / "data", data_dir)
    toc = yaml.safe_load((BOOK_DIR / "_toc.yml").read_text(encoding="utf-8"))
    keep = {toc["root"], *files}
    unknown = set(files) - {entry["file"] for part in toc["parts"] for entry in part["chapters"]}
    assert not unknown, f"not in the book's table of contents: {sorted(unknown)}"
    left_out = shutil.ignore_patterns("_build", ".ipynb_checkpoints", "*.mo")  # catalogues compile afresh (one may be mid-write)

    def ignore(folder, names):
        chapters = Path(folder) == BOOK_DIR / "chapters"
        return left_out(folder, names) | {name for name in names if chapters and f"chapters/{Path(name).stem}" not in keep}

    shutil.copytree(BOOK_DIR, book, ignore=ignore)
    # Parts, captions and numbering as they are, so the part titles keep their translations.
    parts = [{**part, "chapters": [entry for entry in part["chapters"] if entry["file"] in keep]} for part in toc["parts"]]
    trimmed = {**toc, "parts": [part for part in parts if part["chapters"]]}
    (book / "_toc.yml").write_text(yaml.safe_dump(trimmed, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return book, data_dir


@slow_fixture("builds a small book: its first build executes each translated chapter and renders both languages")
def small_book(tmp_path):
    """small_book(*files) -> (book, data), made by `copy_small_book`. A test of how the build
    behaves proves it on the fewest pages that show it: every page costs its execution in each
    language and its rendering in each."""
    return lambda *files: copy_small_book(tmp_path / "project", files)


@slow_fixture("builds a window (a small book executed for other years, both languages rendered)", scope="session")
def small_window(tmp_path_factory):
    """A 2005–2019 window (`make window`) of a small book (the introduction and the multivector
    chapter): (window folder, its site, the book it was made from, that book's notebooks before)."""
    from belarus_trade.build.windows import build_window

    book, data_dir = copy_small_book(tmp_path_factory.mktemp("small-window-source"), ("chapters/multivector", "bibliography"))
    before = {p.name: p.read_bytes() for p in (book / "chapters").glob("*.ipynb")}
    window = tmp_path_factory.mktemp("small-window") / "window"
    site = build_window(window, {"start_year": 2005, "end_year": 2019}, data_dir=data_dir, book_dir=book, log=lambda message: None)
    return window, site, book, before


@slow_fixture("starts a Jupyter kernel")
def execute():
    """`execution.execute_chapter`: papermill with the book's engine, in a Jupyter kernel."""
    from belarus_trade.build.execution import execute_chapter

    return execute_chapter


@slow_fixture("starts a Jupyter kernel")
def papermill():
    """papermill itself, for a notebook made by the test."""
    import papermill

    return papermill


@slow_fixture("starts a Jupyter kernel (nbval, in a pytest of its own)")
def nbval():
    """nbval(notebook) -> the finished `pytest --nbval` run on it (strict: every output compared)."""
    def run(notebook: Path) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                   "-p", "no:xdist", "-o", "addopts=", "-q", str(notebook)]
        return subprocess.run(command, capture_output=True, text=True, cwd=notebook.parent)
    return run


@slow_fixture("runs Sphinx's gettext builder on the book", scope="session")
def page_templates(tmp_path_factory) -> Path:
    """The pages' messages as Sphinx extracts them now: one .pot per page (`make translations`' first step)."""
    from belarus_trade import BOOK_DIR
    from belarus_trade.build.translations import extract_pages

    folder = tmp_path_factory.mktemp("gettext")
    extract_pages(BOOK_DIR, folder)
    return folder


@slow_fixture("runs Sphinx")
def sphinx():
    """sphinx(arguments) -> the finished `python -m sphinx` run (a process of its own: Sphinx keeps global state)."""
    def run(arguments: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "sphinx", *arguments], capture_output=True, text=True)
    return run


# --- the site in Chromium --------------------------------------------------------------------

@slow_fixture("prints the book and every exercise sheet in both languages (about a minute)", scope="session")
def printed(built_site, browser, tmp_path_factory):
    """{language: {"pdf": the book's folder, "handouts": the sheets' folder}}, printed from the built site."""
    from belarus_trade.publish.handouts import print_handouts
    from belarus_trade.publish.pdf import print_book

    folders = {}
    for language in LANGUAGES:
        root = tmp_path_factory.mktemp(f"print-{language}")
        print_book(built_site, root / "pdf", language=language, browser=browser)
        print_handouts(built_site, root / "handouts", language=language, browser=browser)
        folders[language] = {"pdf": root / "pdf", "handouts": root / "handouts"}
    return folders


@slow_fixture("starts Chromium", scope="session")
def browser():
    from visits import CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (`make browser` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(built_site, tmp_path_factory):
    """The built site served on a local port. A copy: a build running meanwhile (`make book` in
    another shell) swaps in a new site and deletes the folder, which would pull the pages from
    under the server."""
    from visits import Site

    from belarus_trade.site.server import serve

    root = tmp_path_factory.mktemp("site") / "html"
    shutil.copytree(built_site, root)
    with serve(root) as url:
        yield Site(root, url)


@pytest.fixture
def open_page(browser, site):
    """open_page(path, theme=None, **context_options) -> Visit, in a fresh browser context, for a
    test that walks through the site itself (a click to the next page, the language switch)."""
    from visits import open_visit

    contexts = []

    def open_(path: str, theme: str | None = None, **context_options):
        context, visit = open_visit(browser, site, path, theme, **context_options)
        contexts.append(context)
        return visit

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def page_facts(browser, site):
    """page_facts(path) -> visits.PageFacts: the page's one tour, made on first use and kept for
    every test of that page (a tour that failed fails each of them with its error)."""
    from visits import tour

    known: dict[str, object] = {}

    def facts(path: str):
        if path not in known:
            try:
                known[path] = tour(browser, site, path)
            except Exception as error:  # noqa: BLE001  (kept, and raised again for each test of the page)
                known[path] = error
        if isinstance(known[path], Exception):
            raise known[path]
        return known[path]

    return facts


# --- JupyterLab ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_jupyterlab(notebook_dir: Path, home: Path, token: str):
    """`make lab`'s command line (offline) on `notebook_dir`, answering on a free local port: its address."""
    port = free_port()
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
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a loaded machine: JupyterLab's shutdown may outlast the wait
            server.kill()
            server.wait()


@slow_fixture("starts JupyterLab", scope="module", params=LANGUAGES)
def jupyterlab(request, tmp_path_factory):
    """`make lab`'s server (`make lab-ru`'s for the Russian book, on its notebooks), with every
    cell rendered at once (JupyterLab otherwise renders only the cells in view): (address, token,
    language, notebook folder)."""
    from belarus_trade.publish.notebooks import write_notebooks

    language, token = request.param, "notebooks"
    notebook_dir = PROJECT_ROOT / "book" / "chapters"
    if language != SOURCE_LANGUAGE:
        request.getfixturevalue("built_site")  # the language's run
        notebook_dir = tmp_path_factory.mktemp(f"notebooks-{language}")
        write_notebooks(language, notebook_dir)
    home = tmp_path_factory.mktemp("lab")
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with running_jupyterlab(notebook_dir, home, token) as base:
        yield base, token, language, notebook_dir


@slow_fixture("starts JupyterLab")
def jupyterlab_on_chapters(tmp_path):
    """`make lab`'s server on the chapter notebooks, as a teacher starts it: (address, token)."""
    token = "seminar"
    with running_jupyterlab(PROJECT_ROOT / "book" / "chapters", tmp_path, token) as base:
        yield base, token
