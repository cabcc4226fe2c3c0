"""The student kit: chapter notebooks with the solutions taken out, ready to hand out.

Exercises follow one convention (see CONTRIBUTING.md): every cell of a solution — the
`solution-start` and `solution-end` markers, its prose and its code — carries the tag
`solution`; code cells students fill in carry the tag `exercise`. The student kit drops
the `solution` cells and clears the outputs of `exercise` cells; everything else stays, so
the notebooks still run from top to bottom. A translated language's student notebooks start from
its translated notebooks (`notebooks.translated_notebook`).
"""
from __future__ import annotations

import json
from pathlib import Path

from belarus_trade import BOOK_DIR, DATA_DIR
from belarus_trade.build.book import chapters
from belarus_trade.data.manifest import read_data_file
from belarus_trade.i18n import SOURCE_LANGUAGE
from belarus_trade.publish.owned import Written, write_owned

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


def write_student_kit(output: Path, book_dir: Path = BOOK_DIR, data_dir: Path = DATA_DIR,
                          language: str = SOURCE_LANGUAGE) -> Written:
    """Student notebooks in `output/book/chapters` and a copy of the data in `output/data`: the
    same layout as the project, so each notebook's default `data_dir = "../../data"` works and
    the folder can be copied to classroom machines as it is. `output` is a folder the tool owns
    (`owned`): a teacher's own files there stop it, and a notebook the teacher changed is kept."""
    files = {}
    for chapter in chapters(book_dir):
        if language == SOURCE_LANGUAGE:
            notebook = json.loads(chapter.path.read_text(encoding="utf-8"))
        else:
            from belarus_trade.publish.notebooks import translated_notebook

            notebook = translated_notebook(chapter, language, book_dir)
        text = json.dumps(student_notebook(notebook), indent=1, ensure_ascii=False) + "\n"
        files[f"book/chapters/{chapter.path.name}"] = text.encode("utf-8")
    for path in sorted(Path(data_dir).iterdir()):
        if path.is_file() and not path.name.startswith("."):
            files[f"data/{path.name}"] = read_data_file(path)
    return write_owned(output, files, "make student")
