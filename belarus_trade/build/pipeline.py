"""One command from data to book: validate, re-execute what changed, render, swap in atomically.

`build` holds the book's lock, validates the data and the parameters, executes the chapters
whose input key changed (`keys`) in every language (`execution`), renders every language into a
fresh folder (`rendering`) and swaps it in with one symlink replace (`files`), so a failed run
never leaves a half-built book. It records the inputs' signature for the next no-op
(`unchanged`) only when all of it succeeded.
"""
from __future__ import annotations

from pathlib import Path

from belarus_trade import BOOK_DIR
from belarus_trade.build import BuildError, unchanged
from belarus_trade.build.book import Chapter, chapters
from belarus_trade.build.catalogues import check_catalogues
from belarus_trade.build.execution import execute_all
from belarus_trade.build.files import swap_in
from belarus_trade.build.keys import environment_fingerprint, package_fingerprint, site_stamp, stale_chapters
from belarus_trade.build.lock import one_build_at_a_time
from belarus_trade.build.parameters import check_parameters
from belarus_trade.build.rendering import Renders
from belarus_trade.i18n import LANGUAGES


def build(book_dir: Path = BOOK_DIR, data_dir: Path | None = None, parameters: dict | None = None,
          jobs: int = 2, force: bool = False, log=print) -> dict:
    """Validate data, execute stale chapters, render and swap the site in. Returns what it did."""
    from belarus_trade.data.manifest import DataError, resolve_data_dir
    from belarus_trade.data.validation import validate_package

    if jobs < 1:
        raise BuildError(f"jobs {jobs}: at least one chapter must run at a time")
    data_dir = resolve_data_dir(data_dir)
    parameters = parameters or {}
    build_dir = book_dir / "_build"
    with one_build_at_a_time(build_dir):
        unchanged.forget(book_dir)
        try:
            validate_package(data_dir)
        except DataError as error:
            raise BuildError(f"data: {error}") from None
        chapter_list = chapters(book_dir)
        check_parameters(chapter_list, parameters, data_dir)
        report = _build_locked(book_dir, build_dir, data_dir, parameters, chapter_list, jobs, force, log)
        unchanged.record(book_dir, data_dir, {"parameters": parameters})
        return report


def _build_locked(book_dir: Path, build_dir: Path, data_dir: Path, parameters: dict, chapter_list: list[Chapter],
                  jobs: int, force: bool, log) -> dict:
    fingerprint, package = environment_fingerprint(), package_fingerprint()
    stale = {language: chapter_list if force else stale_chapters(chapter_list, data_dir, parameters, fingerprint, language, book_dir)
             for language in LANGUAGES}
    report = {"executed": [], "rendered": False}
    renders = None
    try:
        if any(stale.values()):
            check_catalogues(book_dir)
            for language, waiting in stale.items():
                if waiting:
                    log(f"executing {len(waiting)} of {len(chapter_list)} chapters ({language}): {', '.join(c.name for c in waiting)}")
            # The renders start first and prepare (import Sphinx, write the Vega bundle) beside the
            # chapters; started later, their Popen would race the pool's forks (`execute_all`).
            renders = Renders(book_dir, build_dir, data_dir, package)
            report["executed"] = execute_all(stale, parameters, data_dir, fingerprint, book_dir, jobs)
        stamp = site_stamp(book_dir, data_dir, package)
        stamp_file = build_dir / "site.stamp"
        if not force and (build_dir / "html").exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
            log("book is up to date")
            return report
        if not report["executed"]:
            check_catalogues(book_dir)
        log("rendering HTML")
        site = (renders or Renders(book_dir, build_dir, data_dir, package)).finish()
        renders = None  # finished: the site is swapped in below
        swap_in(site, build_dir)
    finally:
        if renders is not None:
            renders.stop()
    stamp_file.write_text(stamp)
    report["rendered"] = True
    log(f"book ready: {build_dir / 'html' / 'index.html'}")
    return report
