"""The book as the build reads it: the table of contents, its chapters, their notebooks, and where
a chapter executed in each language is kept.

Every other step (keys, execution, rendering, the publish stage) asks these functions rather
than reading `_toc.yml` or guessing paths, so a chapter is the same chapter everywhere.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from belarus_trade import BOOK_DIR
from belarus_trade.i18n import SOURCE_LANGUAGE

METADATA_KEY = "belarus_trade"  # notebook metadata: what the last run read, ran with and was keyed on
INJECTED_TAG = "injected-parameters"  # papermill's cell: a run's parameters, with a local path


@dataclass
class Chapter:
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem


def pages(book_dir: Path = BOOK_DIR) -> list[str]:
    """Every page of the book (its source without the suffix, as Sphinx names it), in table-of-contents order."""
    import yaml

    toc = yaml.safe_load((book_dir / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", [])]
    return files + [entry["file"] for entry in toc.get("chapters", [])]


def chapters(book_dir: Path = BOOK_DIR) -> list[Chapter]:
    """Executable chapters, in table-of-contents order."""
    paths = [book_dir / f"{page}.ipynb" for page in pages(book_dir)]
    return [Chapter(p) for p in paths if p.exists()]


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def stored_state(notebook: dict) -> dict:
    """What the build stored in an executed notebook: `reads`, `parameters`, `input_key`."""
    return notebook.get("metadata", {}).get(METADATA_KEY, {})


def translated_source(book_dir: Path, language: str) -> Path:
    """The book as Sphinx reads it in a translated `language`: the same sources, its chapters
    executed in that language."""
    return book_dir / "_build" / f"{language}-source"


def executed_copy(chapter: Chapter, book_dir: Path, language: str) -> Path:
    """Where a chapter executed in `language` is kept: the committed notebook for the source language."""
    if language == SOURCE_LANGUAGE:
        return chapter.path
    return translated_source(book_dir, language) / chapter.path.relative_to(book_dir)


def in_language(parameters: dict, language: str) -> dict:
    """The parameters a chapter runs with in `language` (the source language is the notebook's default)."""
    return parameters if language == SOURCE_LANGUAGE else {**parameters, "language": language}
