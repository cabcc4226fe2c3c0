"""Sphinx render of the book, run as its own process by `build.rendering.Renders`.

A separate process keeps Sphinx's global state and its logging handlers out of the build
process, and lets its whole output go to one log file.

With `--wait` (`build` starts every language's render before the chapters execute), the process
first imports Sphinx and the book's extensions (and writes the Vega bundle, in the source
language), then reads a line from its standard input: "go" when the sources are ready; anything
else (the build failed, or was killed and the pipe closed) ends it without reading the book. So
that preparation runs beside the chapters' execution instead of after it, and the bundle is
written once, not by every language at once.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE

GO = "go"
# What Sphinx imports to render the book (`jupyter_book.sphinx` brings Sphinx and Jupyter Book's
# own extensions; then the themes and extensions `_config.yml` adds): about 1.5 s of a render.
EXTENSIONS = ("jupyter_book.sphinx", "sphinx.builders.html", "sphinx_book_theme", "sphinxcontrib.bibtex", "sphinx_exercise",
              "belarus_trade.site.extension", "belarus_trade.publish.what_changed", "belarus_trade.publish.citation",
              "belarus_trade.publish.notebooks", "belarus_trade.site.gost")


def render(book_dir: Path, output_dir: Path, doctree_dir: Path, data_dir: Path, fingerprint: str = "",
           language: str = SOURCE_LANGUAGE, locale_dir: Path | None = None, records_dir: Path | None = None) -> int:
    """`fingerprint` (the package and environment) is a config value that invalidates the saved
    doctrees, so a change to the book's Sphinx extension re-reads every page. A translated
    `language` is rendered with the gettext catalogues of `locale_dir`; its What changed page
    compares the editions and chapters of `records_dir`, the source-language book."""
    from jupyter_book.sphinx import build_sphinx

    prepare(records_dir or book_dir)
    return build_sphinx(
        str(book_dir), str(output_dir), doctreedir=str(doctree_dir),
        path_config=str(book_dir / "_config.yml"), use_external_toc=True, noconfig=True,
        confoverrides={
            "external_toc_path": (book_dir / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "belarus_trade_data_dir": str(data_dir),
            "belarus_trade_fingerprint": fingerprint,
            "language": language,
            "locale_dirs": [str(locale_dir or book_dir / "locales")],
            "belarus_trade_languages": language_roots(language),
            "belarus_trade_records_dir": str(records_dir or book_dir),
            # The Vega bundle and the theme's overridden files are cached in the build folder of
            # the book being built (the source-language book's), not the project's: a book copied
            # elsewhere (an edition, `make bench`, a test) writes nothing into `book/_build`.
            "belarus_trade_build_dir": str(Path(records_dir or book_dir) / "_build"),
        },
        warningiserror=False, keep_going=True, quiet=True,
    )


def prepare(book_dir: Path, language: str | None = None) -> None:
    """Everything a render does before it reads the book: import Sphinx and the extensions and, for
    the source `language`, write the Vega bundle into `book_dir`'s build folder."""
    for module in EXTENSIONS:
        importlib.import_module(module)
    from belarus_trade.site import assets

    if language == SOURCE_LANGUAGE:  # one render writes it; the others find it when they start
        assets.vega_bundle_dir(Path(book_dir) / "_build")
    look_up_entry_points_once()


def look_up_entry_points_once() -> None:
    """pybtex and sphinxcontrib-bibtex look a style or backend up among the installed packages'
    entry points each time a citation is resolved or a bibliography formatted; each lookup reads
    the metadata of every installed package (about 15 ms, some 60 times a language: 0.6-1 s of a
    render). The installed packages do not change during a render, so each lookup is made once."""
    import functools
    import importlib.metadata

    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin

    lookup = functools.lru_cache(maxsize=None)(importlib.metadata.entry_points)
    pybtex.plugin.entry_points = lookup
    sphinxcontrib.bibtex.plugin.entry_points = lookup


def language_roots(language: str) -> dict[str, str]:
    """Each other language's site, relative to the top of this language's site: translations
    live in a subfolder of the source language's site."""
    up = "" if language == SOURCE_LANGUAGE else "../"
    return {other: up if other == SOURCE_LANGUAGE else f"{up}{other}/" for other in LANGUAGES if other != language}


if __name__ == "__main__":
    book, output, doctrees, data = map(Path, sys.argv[1:5])
    fingerprint, language, locales, records = sys.argv[5:9]
    if "--wait" in sys.argv[9:]:
        prepare(Path(records), language)
        if sys.stdin.readline().strip() != GO:
            sys.exit(3)  # the build stopped before the sources were ready: nothing to render
    sys.exit(render(book, output, doctrees, data, fingerprint, language, Path(locales), Path(records)))
