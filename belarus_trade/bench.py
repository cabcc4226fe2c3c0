"""`make bench`: how fast and how heavy the book is, as medians and ratios (machines are noisy).

- clean build: a copy of book and data with no build folder, every chapter executed;
- no-op rebuild: the same build again, nothing changed; and `python -m belarus_trade build` on
  the book as built, which stops at the inputs' signature (`unchanged`), against a bare
  `python -c "import pandas"` (issue 21: at most 1.5 times);
- bare execution: each chapter's code cells run in one fresh process, summed serially — the
  cost of the analysis itself, without kernels, papermill or Sphinx. Measured two ways: in an
  IPython shell, which also computes the outputs the code displays (charts' HTML and static
  SVG, Vega spec for JupyterLab) — the chapter's real work and the baseline of the ratio — and as plain
  Python, where `display` computes nothing (shown for reference);
- page weight: each chapter page's HTML plus the assets it loads on screen, with and
  without the shared Vega bundle.
"""
from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .build import build, chapters
from .paths import BOOK_DIR, DATA_DIR
from .sphinx_ext import BUNDLE_NAME

RUNS = 3
# What a page loads on screen: scripts, stylesheets and eagerly loaded images (the static
# chart images are lazy and hidden, so a screen reader of the page never fetches them).
ASSET = re.compile(r'<script[^>]+src="([^"#?]+)|<link[^>]+rel="stylesheet"[^>]+href="([^"#?]+)|<img(?![^>]*loading="lazy")[^>]+src="([^"#?]+)')


IPYTHON_RUNNER = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
for cell in json.load(open(sys.argv[1]))["cells"]:
    if cell["cell_type"] == "code" and not shell.run_cell("".join(cell["source"])).success:
        sys.exit(1)
"""


def bare_execution_seconds(notebook: Path, with_outputs: bool = True) -> float:
    """Run a chapter's code cells in a fresh interpreter, from the chapter's folder."""
    if with_outputs:
        command = [sys.executable, "-c", IPYTHON_RUNNER, str(notebook)]
    else:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        command = [sys.executable, "-c", "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")]
    started = time.perf_counter()
    subprocess.run(command, cwd=notebook.parent, check=True, capture_output=True)
    return time.perf_counter() - started


def timed_build(book: Path, data: Path, **options) -> float:
    started = time.perf_counter()
    build(book, data, log=lambda message: None, **options)
    return time.perf_counter() - started


def command_seconds(*command: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def cli_no_op_seconds(runs: int) -> tuple[float, float]:
    """Medians of a no-op `python -m belarus_trade build` on the book itself (after one build that
    brings it up to date) and of a bare `python -c "import pandas"`."""
    command_seconds(sys.executable, "-m", "belarus_trade", "build")
    no_op = [command_seconds(sys.executable, "-m", "belarus_trade", "build") for _ in range(max(runs, 5))]
    pandas = [command_seconds(sys.executable, "-c", "import pandas") for _ in range(max(runs, 5))]
    return statistics.median(no_op), statistics.median(pandas)


def page_weight(site: Path, page: Path) -> dict:
    """Bytes a browser loads for the page on screen (lazy static chart images are not loaded)."""
    html = page.read_text(encoding="utf-8")
    assets = set()
    for groups in ASSET.findall(html):
        reference = next(g for g in groups if g)
        if reference.startswith(("http:", "https:", "data:")):
            continue
        path = (page.parent / reference).resolve()
        if path.is_file() and site in path.parents:
            assets.add(path)
    bundle = sum(p.stat().st_size for p in assets if p.name == BUNDLE_NAME)
    total = len(html.encode()) + sum(p.stat().st_size for p in assets)
    return {"html": len(html.encode()), "with_assets": total, "bundle": bundle, "beyond_bundle": total - bundle}


def main(runs: int = RUNS) -> None:
    chapter_list = chapters()
    bare = [sum(bare_execution_seconds(c.path) for c in chapter_list) for _ in range(runs)]
    plain = [sum(bare_execution_seconds(c.path, with_outputs=False) for c in chapter_list) for _ in range(runs)]
    clean, noop = [], []
    with tempfile.TemporaryDirectory(prefix="belarus-trade-bench-") as scratch:
        for run in range(runs):
            book, data = Path(scratch) / f"run{run}" / "book", Path(scratch) / f"run{run}" / "data"
            shutil.copytree(BOOK_DIR, book, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
            shutil.copytree(DATA_DIR, data)
            clean.append(timed_build(book, data, force=True))
            noop.append(timed_build(book, data))
        site = (book / "_build" / "html").resolve()
        weights = {p.name: page_weight(site, p) for p in sorted((site / "chapters").glob("*.html"))}
    serial, clean_median = statistics.median(bare), statistics.median(clean)
    print(f"chapters: {len(chapter_list)}; runs: {runs} (medians)")
    plain_median = statistics.median(plain)
    print(f"bare execution, serial sum: {serial:6.2f} s   (IPython shell, outputs computed; plain Python without outputs: {plain_median:.2f} s)")
    print(f"clean build:                {clean_median:6.2f} s   ratio to serial sum: {clean_median / serial:.2f} (target <= 1.0; "
          f"{clean_median / plain_median:.2f} against plain Python)")
    print(f"no-op rebuild:              {statistics.median(noop):6.2f} s   (target <= 2 s)")
    cli_no_op, bare_pandas = cli_no_op_seconds(runs)
    print(f"no-op `python -m belarus_trade build`: {cli_no_op:6.3f} s   ratio to `python -c \"import pandas\"` "
          f"({bare_pandas:.3f} s): {cli_no_op / bare_pandas:.2f} (target <= 1.5)")
    for name, weight in weights.items():
        print(
            f"page {name}: own HTML {weight['html'] / 1024:.0f} KB (target <= 200 KB); with every asset it loads "
            f"{weight['with_assets'] / 1024:.0f} KB, of which the shared Vega bundle {weight['bundle'] / 1024:.0f} KB "
            f"and shared theme assets {(weight['beyond_bundle'] - weight['html']) / 1024:.0f} KB"
        )
