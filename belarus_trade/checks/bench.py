"""`make bench`: how fast and how heavy the book is, as medians and ratios (machines are noisy).

- clean build: a copy of book and data with no build folder, every chapter executed in each
  language and both rendered, against one stock `jupyter-book build` of the same
  chapters (issue 21: at most 1.2 times): a copy of the book whose `_config.yml` is Jupyter
  Book's own (`STOCK_CONFIG`: title, author, the bibliography, `execute_notebooks: force`, none
  of the book's extensions), built by the `jupyter-book` command, which executes each chapter
  once with its default parameters (English) and renders one language;
- no-op rebuild: the same build again, nothing changed; and `python -m belarus_trade build` on
  a copy of the project (package, book as built, data), which stops at the inputs' signature
  (`unchanged`), against a bare `python -c "import pandas"` (issue 21: at most 1.5 times);
- bare execution: each chapter's code cells run in one fresh process, summed serially — the
  cost of the analysis itself, without kernels, papermill or Sphinx. Measured two ways: in an
  IPython shell, which also computes the outputs the code displays (charts' HTML and static
  SVG, Vega spec for JupyterLab) — the chapter's real work and the baseline of the ratio — and as plain
  Python, where `display` computes nothing (shown for reference);
- page weight: each chapter page's own HTML, as written and gzipped (what a page loads in
  all, before and after the reader moves, is `make audit`'s, which `make bench` runs next).

Every build is made in a temporary folder: nothing of the project's own `book/_build` (or its
notebooks) is read or written.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from belarus_trade import BOOK_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.build.book import chapters
from belarus_trade.build.pipeline import build
from belarus_trade.i18n import LANGUAGES

RUNS = 3
STOCK_RATIO_TARGET = 1.2
# The stock configuration: what `jupyter-book create` writes that concerns building (no logo,
# repository or LaTeX settings), the book's title and bibliography so that citations resolve,
# execution forced. No extension, no parse or Sphinx options of the book's own.
STOCK_SETTINGS = ("title", "author", "bibtex_bibfiles")


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


def stock_config(book: Path) -> str:
    """A stock `_config.yml` for the book in `book` (see `STOCK_SETTINGS`)."""
    import yaml

    ours = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    settings = {name: ours[name] for name in STOCK_SETTINGS if name in ours}
    return yaml.safe_dump({**settings, "execute": {"execute_notebooks": "force"}}, allow_unicode=True, sort_keys=False)


def stock_build_seconds(folder: Path) -> float:
    """One stock `jupyter-book build` of the chapters in `folder`: a copy of the book with the stock
    configuration, and of the data where the chapters' default `data_dir` finds it."""
    book = folder / "book"
    shutil.copytree(BOOK_DIR, book, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    shutil.copytree(DATA_DIR, folder / "data")
    (book / "_config.yml").write_text(stock_config(BOOK_DIR), encoding="utf-8")
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", "--quiet", str(book)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or not (book / "_build" / "html" / "index.html").is_file():
        raise RuntimeError(f"the stock Jupyter Book build failed: {(done.stderr or done.stdout).strip()[-400:]}")
    return elapsed


def command_seconds(*command: str, cwd: Path | None = None, env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd, env=env)
    return time.perf_counter() - started


def project_copy(folder: Path, book: Path, data: Path) -> Path:
    """The project as `python -m belarus_trade build` sees it (package, pins, book, data), in
    `folder`, with the book as built in `book`: its commands build the copy, not the project."""
    folder.mkdir(parents=True)
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy2(PROJECT_ROOT / name, folder / name)
    shutil.copytree(PROJECT_ROOT / "belarus_trade", folder / "belarus_trade", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(book, folder / "book", symlinks=True)
    shutil.copytree(data, folder / "data")
    return folder


def cli_no_op_seconds(runs: int, project: Path) -> tuple[float, float]:
    """Medians of a no-op `python -m belarus_trade build` on a `project_copy` (after one build that
    records its signature) and of a bare `python -c "import pandas"`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(project), os.environ.get("PYTHONPATH"))))}
    command = (sys.executable, "-m", "belarus_trade", "build")
    command_seconds(*command, cwd=project, env=env)
    no_op = [command_seconds(*command, cwd=project, env=env) for _ in range(max(runs, 5))]
    pandas = [command_seconds(sys.executable, "-c", "import pandas") for _ in range(max(runs, 5))]
    return statistics.median(no_op), statistics.median(pandas)


def page_weight(page: Path) -> dict:
    """A page's own HTML: bytes as written, and gzipped as the book's hosts send it."""
    html = page.read_bytes()
    return {"html": len(html), "gzip": len(gzip.compress(html, compresslevel=6))}


def main(runs: int = RUNS) -> None:
    chapter_list = chapters()
    bare = [sum(bare_execution_seconds(c.path) for c in chapter_list) for _ in range(runs)]
    plain = [sum(bare_execution_seconds(c.path, with_outputs=False) for c in chapter_list) for _ in range(runs)]
    clean, noop, stock = [], [], []
    with tempfile.TemporaryDirectory(prefix="belarus-trade-bench-") as scratch:
        scratch = Path(scratch)
        for run in range(runs):  # alternated, so that a noisy minute weighs on both builds
            book, data = scratch / f"run{run}" / "book", scratch / f"run{run}" / "data"
            shutil.copytree(BOOK_DIR, book, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
            shutil.copytree(DATA_DIR, data)
            clean.append(timed_build(book, data, force=True))
            noop.append(timed_build(book, data))
            stock.append(stock_build_seconds(scratch / f"stock{run}"))
        site = (book / "_build" / "html").resolve()
        weights = {p.relative_to(site).as_posix(): page_weight(p) for p in sorted(site.glob("**/chapters/*.html"))}
        cli_no_op, bare_pandas = cli_no_op_seconds(runs, project_copy((scratch / "project"), book, data))
    serial, clean_median, stock_median = statistics.median(bare), statistics.median(clean), statistics.median(stock)
    print(f"chapters: {len(chapter_list)}; runs: {runs} (medians)")
    plain_median = statistics.median(plain)
    print(f"bare execution, serial sum: {serial:6.2f} s   (IPython shell, outputs computed; plain Python without outputs: {plain_median:.2f} s)")
    print(f"clean build:                {clean_median:6.2f} s   ratio to serial sum: {clean_median / serial:.2f} (target <= 1.0; "
          f"{clean_median / plain_median:.2f} against plain Python)")
    print(f"stock `jupyter-book build`: {stock_median:6.2f} s   (the same chapters executed once, one language, "
          "Jupyter Book's own configuration)")
    print(f"clean build of both languages against one stock build: {clean_median / stock_median:.2f} "
          f"(target <= {STOCK_RATIO_TARGET}); per language {clean_median / stock_median / len(LANGUAGES):.2f}")
    print(f"no-op rebuild:              {statistics.median(noop):6.2f} s   (target <= 2 s)")
    print(f"no-op `python -m belarus_trade build`: {cli_no_op:6.3f} s   ratio to `python -c \"import pandas\"` "
          f"({bare_pandas:.3f} s): {cli_no_op / bare_pandas:.2f} (target <= 1.5)")
    for name, weight in weights.items():
        print(f"page {name}: own HTML {weight['html'] / 1024:.0f} KB (target <= 200 KB), {weight['gzip'] / 1024:.0f} KB gzipped")
