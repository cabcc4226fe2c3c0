"""The student edition: chapter notebooks with the solutions taken out, ready to hand out.

Exercises follow one convention (see CONTRIBUTING.md): every cell of a solution — the
`solution-start` and `solution-end` markers, its prose and its code — carries the tag
`solution`; code cells students fill in carry the tag `exercise`. The student edition drops
the `solution` cells and clears the outputs of `exercise` cells; everything else stays, so
the notebooks still run from top to bottom. A translated edition's student notebooks start from
its translated notebooks (`notebooks.translated_notebook`).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .build import chapters
from .i18n import SOURCE_LANGUAGE
from .paths import BOOK_DIR, DATA_DIR

SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"


def student_notebook(notebook: dict) -> dict:
    cells = []
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            continue
        if EXERCISE_TAG in tags and cell["cell_type"] == "code":
            cell = {**cell, "outputs": [], "execution_count": None}
        cells.append(cell)
    metadata = {k: v for k, v in notebook["metadata"].items() if k != "belarus_trade"}
    return {**notebook, "cells": cells, "metadata": metadata}


def write_student_edition(output: Path, book_dir: Path = BOOK_DIR, data_dir: Path = DATA_DIR,
                          language: str = SOURCE_LANGUAGE) -> list[Path]:
    """Student notebooks in `output/book/chapters` and a copy of the data in `output/data`: the
    same layout as the project, so each notebook's default `data_dir = "../../data"` works and
    the folder can be copied to classroom machines as it is."""
    notebooks = {}
    for chapter in chapters(book_dir):
        if language == SOURCE_LANGUAGE:
            notebook = json.loads(chapter.path.read_text(encoding="utf-8"))
        else:
            from .notebooks import translated_notebook

            notebook = translated_notebook(chapter, language, book_dir)
        notebooks[chapter.path.name] = student_notebook(notebook)
    chapters_out, data_out = output / "book" / "chapters", output / "data"
    if output.exists():
        shutil.rmtree(output)
    chapters_out.mkdir(parents=True)
    shutil.copytree(data_dir, data_out)
    written = []
    for name, notebook in notebooks.items():
        target = chapters_out / name
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written
