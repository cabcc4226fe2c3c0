"""`make audit` (and the end of `make bench`): what every page of the built book costs a reader,
beside a stock Jupyter Book, against the budgets in the README.

First the bytes each page transfers (Chromium at a phone's width, text gzipped as the local
server sends it) before the reader moves, and in all once every chart is drawn. Then
Lighthouse (pinned in package.json, installed by `npm ci`), which drives Debian's chromium
headless against the local server: nothing leaves the machine. Every page is audited with
Lighthouse's mobile preset (its default: a mid-range phone, simulated slow 4G and a 4x slower
CPU) and its desktop preset, `RUNS` times each; the table shows the median score of each of the
four categories (performance, accessibility, best practices, SEO), 0-100.

The same runs on a stock Jupyter Book — `jupyter-book create`'s template built with the same
jupyter-book in a temporary folder — show what the theme alone scores on this machine. Its
notebooks are not executed: the template's plotting cell needs matplotlib, which the project
does not install, and the audit is about pages, not about execution.

Performance is measured on a shared 2-core machine: read it as a comparison between the two
books on the same run, not as an absolute. Nothing here is asserted; the tests assert what a
page loads and when (tests/site/test_accessibility.py, tests/site/test_browser.py).
"""
from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from belarus_trade import BUILD_DIR, PROJECT_ROOT
from belarus_trade.site.past_editions import SITE_FOLDER
from belarus_trade.site.server import serve

LIGHTHOUSE = PROJECT_ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = [  # as in the browser tests, headless
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}
PRESETS = ("mobile", "desktop")
RUNS = 3
RUN_TIMEOUT_SECONDS = 240
ATTEMPTS = 3  # a run that Lighthouse itself gives up on (a DevTools time-out on a busy machine) is tried again


class AuditError(RuntimeError):
    pass


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, the landing page first: the book's own, not the theme's
    templates in `_static/` nor the earlier editions' pages kept under `editions/` (as published)."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if "_static" not in p.parts and p.relative_to(site).parts[0] != SITE_FOLDER)
    return sorted(pages, key=lambda page: page != "index.html")


def lighthouse(url: str, preset: str, scratch: Path) -> dict:
    """One Lighthouse run: {category: score 0-100} and the ids of the audits that failed."""
    report = scratch / "report.json"
    command = [
        str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={report}",
        "--quiet", "--no-enable-error-reporting", "--max-wait-for-load=60000", "--disable-full-page-screenshot",
    ] + (["--preset=desktop"] if preset == "desktop" else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)
    if done.returncode != 0 or not report.is_file():
        raise AuditError(f"lighthouse failed on {url} ({preset}): {(done.stderr or done.stdout).strip()[-400:]}")
    result = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    if result.get("runtimeError"):
        raise AuditError(f"lighthouse could not audit {url} ({preset}): {result['runtimeError'].get('message')}")
    scores = {c: None if result["categories"][c]["score"] is None else round(100 * result["categories"][c]["score"])
              for c in CATEGORIES}
    failed = {}
    for category in CATEGORIES[1:]:  # which audits cost points, for every category but performance
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                failed.setdefault(category, []).append(ref["id"])
    metrics = {key: result["audits"][key].get("numericValue") for key in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")
               if key in result["audits"]}
    return {"scores": scores, "failed": failed, "metrics": metrics}


def audit_site(name: str, site: Path, runs: int, pages: list[str] | None = None, log=print) -> dict:
    """{page: {preset: {"scores": medians, "failed": audits failed in any run, "metrics": medians}}}"""
    results: dict = {}
    with serve(site) as url, tempfile.TemporaryDirectory(prefix="belarus-trade-audit-") as scratch:
        for page in pages or site_pages(site):
            for preset in PRESETS:
                found = []
                for run in range(runs):
                    log(f"{name}: {page} ({preset}) run {run + 1}/{runs}")
                    found.append(_attempts(url + page, preset, Path(scratch), log))
                results.setdefault(page, {})[preset] = {
                    "scores": {c: _median([r["scores"][c] for r in found]) for c in CATEGORIES},
                    "failed": {c: sorted({a for r in found for a in r["failed"].get(c, [])}) for c in CATEGORIES[1:]},
                    "metrics": {m: _median([r["metrics"].get(m) for r in found]) for m in found[0]["metrics"]},
                }
    return results


def _attempts(url: str, preset: str, scratch: Path, log) -> dict:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return lighthouse(url, preset, scratch)
        except (AuditError, subprocess.TimeoutExpired) as error:
            if attempt == ATTEMPTS:
                raise AuditError(f"{error} (tried {ATTEMPTS} times)") from None
            log(f"  tried again: {str(error).splitlines()[0][:200]}")
    raise AssertionError("unreachable")


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# What a page may cost a reader (README, "Budgets"): the scores of the issue that set them, and
# bytes over the wire (gzip, as the local server sends text), both languages.
BUDGETS = {
    ("mobile", "performance"): 90, ("desktop", "performance"): 98,
    ("mobile", "accessibility"): 100, ("desktop", "accessibility"): 100,
    ("mobile", "best-practices"): 100, ("desktop", "best-practices"): 100,
}
BYTES_BEFORE_INTERACTION = 250 * 1024  # the page, its styles and scripts, the images of its first screens
BYTES_IN_TOTAL = 700 * 1024            # and, once the reader moves, the Vega bundle and the charts drawn
TRANSFER_TIMEOUT_MS = 30_000
# Every chart of the page drawn live or fallen back to its static image (bt-charts.js's classes).
CHARTS_SETTLED_JS = ("() => [...document.querySelectorAll('.bt-chart')]"
                     ".every(c => c.classList.contains('bt-live') || c.classList.contains('bt-failed'))")


def transferred(site: Path, pages: list[str], log=print, browser=None) -> dict:
    """{page: {"before": bytes, "total": bytes}}: what Chromium receives for each page (bodies as
    sent, i.e. compressed, plus headers) as loaded, and in all once the reader has moved the mouse
    and every chart is drawn. Measured at a phone's width (390 px), a fresh browser cache per page;
    in `browser` (Playwright's) if given, else in a Chromium of its own."""
    from playwright.sync_api import sync_playwright

    if browser is None:
        with sync_playwright() as playwright:
            own = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                return transferred(site, pages, log, own)
            finally:
                own.close()
    results = {}
    with serve(site) as url:
        for page_name in pages:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page, received = context.new_page(), []
            page.on("requestfinished", functools.partial(_record, received))  # Playwright wants a function it can tag
            page.goto(url + page_name, wait_until="networkidle")
            before = sum(_bytes(request) for request in received)
            page.mouse.move(5, 5)
            page.wait_for_function(CHARTS_SETTLED_JS, timeout=TRANSFER_TIMEOUT_MS)
            page.wait_for_load_state("networkidle")
            results[page_name] = {"before": before, "total": sum(_bytes(request) for request in received)}
            context.close()
            log(f"bytes: {page_name}")
    return results


def _record(received: list, request) -> None:
    received.append(request)


def _bytes(request) -> int:
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


def stock_book(scratch: Path, log=print) -> Path:
    """`jupyter-book create`'s template, built with this environment's jupyter-book (offline)."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    book = scratch / "stock"
    subprocess.run([str(jupyter_book), "create", str(book)], check=True, capture_output=True, text=True)
    config = book / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("execute_notebooks: force", "execute_notebooks: 'off'"),
                      encoding="utf-8")
    log("building the stock Jupyter Book")
    done = subprocess.run([str(jupyter_book), "build", "--quiet", str(book)], capture_output=True, text=True)
    site = book / "_build" / "html"
    if done.returncode != 0 or not (site / "index.html").is_file():
        raise AuditError(f"the stock Jupyter Book did not build: {(done.stderr or done.stdout).strip()[-400:]}")
    return site


def table(ours: dict, stock: dict) -> str:
    """Medians per page and preset, then each book's lowest and median page score per preset."""
    header = f"{'book':6} {'page':32} {'preset':8} " + " ".join(f"{SHORT[c]:>5}" for c in CATEGORIES)
    lines = [header, "-" * len(header)]

    def row(book, page, preset, scores):
        cells = " ".join(f"{'-' if scores[c] is None else f'{scores[c]:.0f}':>5}" for c in CATEGORIES)
        return f"{book:6} {page:32} {preset:8} {cells}"

    for book, results in (("ours", ours), ("stock", stock)):
        for page, presets in results.items():
            for preset in PRESETS:
                lines.append(row(book, page, preset, presets[preset]["scores"]))
        lines.append("")
    lines.append("summary over pages (lowest / median)")
    for preset in PRESETS:
        for book, results in (("ours", ours), ("stock", stock)):
            if not results:
                continue
            cells = []
            for c in CATEGORIES:
                values = [p[preset]["scores"][c] for p in results.values() if p[preset]["scores"][c] is not None]
                cells.append(f"{min(values):.0f}/{statistics.median(values):.0f}" if values else "-")
            lines.append(f"{book:6} {'all ' + str(len(results)) + ' pages':32} {preset:8} " + " ".join(f"{c:>7}" for c in cells))
    return "\n".join(lines)


def weight_table(weights: dict, stock: dict) -> str:
    """Bytes over the wire per page, before the reader moves and in all, against the budgets."""
    header = f"{'book':6} {'page':40} {'before move':>12} {'in total':>10}"
    lines = [header, "-" * len(header)]
    for book, results in (("ours", weights), ("stock", stock)):
        for page, sizes in results.items():
            over = sizes["before"] > BYTES_BEFORE_INTERACTION or sizes["total"] > BYTES_IN_TOTAL
            mark = "  over budget" if book == "ours" and over else ""
            lines.append(f"{book:6} {page:40} {sizes['before'] / 1024:9.0f} KB {sizes['total'] / 1024:7.0f} KB{mark}")
    return "\n".join(lines)


def budget_summary(ours: dict, weights: dict) -> str:
    """Each budget, its worst page and how many pages keep it."""
    lines = []
    for (preset, category), floor in BUDGETS.items():
        scores = {page: presets[preset]["scores"][category] for page, presets in ours.items()}
        kept = [page for page, score in scores.items() if score is not None and score >= floor]
        worst = min(scores, key=lambda page: -1 if scores[page] is None else scores[page])
        lines.append(f"  {category} ({preset}) >= {floor}: {len(kept)}/{len(scores)} pages; lowest {scores[worst]} ({worst})")
    for key, limit, label in (("before", BYTES_BEFORE_INTERACTION, "before the reader moves"), ("total", BYTES_IN_TOTAL, "in total")):
        kept = [page for page, sizes in weights.items() if sizes[key] <= limit]
        heaviest = max(weights, key=lambda page: weights[page][key])
        lines.append(f"  bytes {label} <= {limit // 1024} KB: {len(kept)}/{len(weights)} pages; "
                     f"heaviest {weights[heaviest][key] / 1024:.0f} KB ({heaviest})")
    return "\n".join(lines)


def shortfalls(results: dict) -> str:
    """The audits that cost our pages points in accessibility, best practices and SEO."""
    lines = []
    for page, presets in results.items():
        for preset in PRESETS:
            failed = presets[preset]["failed"]
            text = "; ".join(f"{SHORT[c]}: {', '.join(ids)}" for c, ids in failed.items() if ids)
            if text:
                lines.append(f"  {page} ({preset}): {text}")
    return "\n".join(lines) or "  none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m belarus_trade.checks.audit", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Lighthouse runs per page and preset (default {RUNS})")
    parser.add_argument("--page", action="append", help="audit only this page of the book (repeatable)")
    parser.add_argument("--no-stock", action="store_true", help="skip the stock Jupyter Book")
    parser.add_argument("--site", type=Path, default=BUILD_DIR / "html", help="the built book (default book/_build/html)")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("error: Lighthouse is not installed: run `npm ci --no-audit --no-fund` (make audit does)", file=sys.stderr)
        return 1
    if not shutil.which(CHROMIUM):
        print(f"error: {CHROMIUM} not found (`make browser` installs it)", file=sys.stderr)
        return 1
    site = args.site.resolve()
    if not (site / "index.html").is_file():
        print(f"error: no built book in {site} (`make book` builds it)", file=sys.stderr)
        return 1
    log = functools.partial(print, file=sys.stderr, flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="belarus-trade-stock-") as scratch:
            # A copy, so a build finishing meanwhile cannot swap the pages from under the server.
            ours_site = Path(scratch) / "ours"
            shutil.copytree(site, ours_site)
            pages = args.page or site_pages(ours_site)
            weights = transferred(ours_site, pages, log)
            ours = audit_site("ours", ours_site, args.runs, pages, log)
            stock, stock_weights = {}, {}
            if not args.no_stock:
                stock_site = stock_book(Path(scratch), log)
                stock_weights = transferred(stock_site, site_pages(stock_site), log)
                stock = audit_site("stock", stock_site, args.runs, None, log)
    except (AuditError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    summary = BUILD_DIR / "audit.json"
    summary.write_text(json.dumps({"runs": args.runs, "ours": ours, "stock": stock, "bytes": weights, "stock_bytes": stock_weights},
                                  indent=1), encoding="utf-8")
    print("Bytes over the wire (gzip, as the local server sends text), a phone's width, a fresh cache per page\n")
    print(weight_table(weights, stock_weights))
    print(f"\nLighthouse {_lighthouse_version()}, medians of {args.runs} runs per page and preset (scores 0-100)\n")
    print(table(ours, stock))
    print("\nbudgets (README), both languages:")
    print(budget_summary(ours, weights))
    print("\naudits that cost our pages points (any run):")
    print(shortfalls(ours))
    print(f"\nfull medians, metrics included: {summary}")
    return 0


def _lighthouse_version() -> str:
    package = PROJECT_ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


if __name__ == "__main__":
    sys.exit(main())
