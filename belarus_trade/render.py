"""Sphinx render of the book, run as its own process by `build.render_html`.

A separate process keeps Sphinx's global state and its logging handlers out of the build
process, and lets its whole output go to one log file.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .i18n import LANGUAGES, SOURCE_LANGUAGE


def render(book_dir: Path, output_dir: Path, doctree_dir: Path, data_dir: Path, fingerprint: str = "",
           language: str = SOURCE_LANGUAGE, locale_dir: Path | None = None, records_dir: Path | None = None) -> int:
    """`fingerprint` (the package and environment) is a config value that invalidates the saved
    doctrees, so a change to the book's Sphinx extension re-reads every page. A translated
    `language` is rendered with the gettext catalogues of `locale_dir`; its What changed page
    compares the editions and chapters of `records_dir`, the source-language book."""
    from jupyter_book.sphinx import build_sphinx

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
            "belarus_trade_editions": edition_roots(language),
            "belarus_trade_records_dir": str(records_dir or book_dir),
        },
        warningiserror=False, keep_going=True, quiet=True,
    )


def edition_roots(language: str) -> dict[str, str]:
    """Each other language's site, relative to the top of this language's site: translations
    live in a subfolder of the source language's site."""
    up = "" if language == SOURCE_LANGUAGE else "../"
    return {other: up if other == SOURCE_LANGUAGE else f"{up}{other}/" for other in LANGUAGES if other != language}


if __name__ == "__main__":
    book, output, doctrees, data = map(Path, sys.argv[1:5])
    fingerprint, language, locales, records = sys.argv[5:9]
    sys.exit(render(book, output, doctrees, data, fingerprint, language, Path(locales), Path(records)))
