"""The seminar kit: exercises with executed solutions, the student kit, JupyterLab offline (the PDFs: test_pdf.py)."""
from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from belarus_trade.build.book import chapters
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE
from belarus_trade.publish.student import SOLUTION_TAG, student_notebook, write_student_kit

CHAPTERS = chapters()


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def source(cell) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_each_chapter_ends_with_exercises_solutions_and_discussion(chapter):
    notebook = json.loads(chapter.path.read_text())
    exercises = re.findall(r":label: (\S+)", "".join(source(c) for c in notebook["cells"] if c["cell_type"] == "markdown" and "{exercise}" in source(c)))
    assert len(exercises) >= 3, "at least three exercises"
    for label in exercises:
        start = [i for i, c in enumerate(notebook["cells"]) if f"{{solution-start}} {label}" in source(c)]
        assert len(start) == 1, f"one solution for {label}"
        solution_code = [c for c in notebook["cells"][start[0]:] if c["cell_type"] == "code"][0]
        assert SOLUTION_TAG in tags(solution_code) and "assert" in source(solution_code)
        assert solution_code["outputs"], f"the solution of {label} is executed and prints its answer"
        assert not any(o.get("output_type") == "error" for o in solution_code["outputs"])
    discussion = next(c for c in notebook["cells"] if source(c).startswith("## Discussion"))
    assert len(re.findall(r"^\d+\. ", source(discussion), re.M)) >= 2, "at least two discussion questions"


def test_student_notebook_drops_solutions_and_clears_exercise_outputs():
    notebook = {"metadata": {"belarus_trade": {"input_key": "x"}}, "nbformat": 4, "nbformat_minor": 5, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "task"},
        {"cell_type": "code", "metadata": {"tags": ["exercise"]}, "source": "x = 1",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}], "execution_count": 3},
        {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "secret = 42", "outputs": [], "execution_count": 4},
    ]}
    student = student_notebook(notebook)
    assert [c["source"] for c in student["cells"]] == ["task", "x = 1"]
    assert student["cells"][1]["outputs"] == [] and student["cells"][1]["execution_count"] is None
    assert "belarus_trade" not in student["metadata"]


@pytest.fixture(scope="module")
def student_kit(tmp_path_factory):
    output = tmp_path_factory.mktemp("student")
    return output, notebooks_written(write_student_kit(output))


def notebooks_written(written) -> list[Path]:
    return [path for path in written.written if path.suffix == ".ipynb"]


def code_lines(notebook: dict, solutions: bool) -> set[str]:
    """The distinctive code lines of the solution cells, or of all other code cells."""
    return {
        line.strip() for cell in notebook["cells"] if (SOLUTION_TAG in tags(cell)) == solutions and cell["cell_type"] == "code"
        for line in source(cell).splitlines() if len(line.strip()) > 25
    }


def test_student_kit_has_no_solution_text(student_kit):
    output, written = student_kit
    assert sorted(p.name for p in written) == sorted(c.path.name for c in CHAPTERS)
    for chapter in CHAPTERS:
        original = json.loads(chapter.path.read_text())
        solution_lines = code_lines(original, solutions=True) - code_lines(original, solutions=False)  # the chapter's own code stays
        assert solution_lines, chapter.name
        student_text = (output / "book" / "chapters" / chapter.path.name).read_text()
        leaked = [line for line in solution_lines if json.dumps(line)[1:-1] in student_text]
        assert not leaked, f"{chapter.name}: solution text in the student kit: {leaked[:2]}"
        assert "solution-start" not in student_text and "solution-end" not in student_text


def test_student_notebooks_still_run(student_kit, tmp_path, execute):
    output, written = student_kit
    for notebook in written:
        execute(notebook, tmp_path / notebook.name, {}, output / "data", "student", tmp_path / "failed")
        executed = json.loads((tmp_path / notebook.name).read_text())
        assert all(o.get("output_type") != "error" for c in executed["cells"] for o in c.get("outputs", []))


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != SOURCE_LANGUAGE])
def test_translated_student_kit_is_in_its_language_and_runs(built_site, tmp_path, execute, language):
    """The Russian student kit: the Russian notebooks without solutions, each chapter's title
    in Russian, and a chapter that runs from top to bottom on the kit's own copy of the data."""
    output = tmp_path / language
    written = notebooks_written(write_student_kit(output, language=language))
    assert sorted(p.name for p in written) == sorted(c.path.name for c in CHAPTERS)
    for notebook_path in written:
        notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
        assert not any(SOLUTION_TAG in tags(cell) for cell in notebook["cells"])
        title = next(source(c) for c in notebook["cells"] if c["cell_type"] == "markdown").splitlines()[0]
        assert re.search("[А-Яа-я]", title) and not re.search("[A-Za-z]{4,}", title), title
    chapter = output / "book" / "chapters" / "multivector.ipynb"
    execute(chapter, tmp_path / "run.ipynb", {}, output / "data", "student", tmp_path / "failed")
    executed = json.loads((tmp_path / "run.ipynb").read_text(encoding="utf-8"))
    assert all(o.get("output_type") != "error" for c in executed["cells"] for o in c.get("outputs", []))
    assert "Источник:" in json.dumps(executed, ensure_ascii=False)  # the charts it drew speak Russian


def test_jupyterlab_starts_offline_with_the_project_kernel(jupyterlab_on_chapters):
    """`make lab`'s command line: the server answers, serves the lab page and offers the project's kernel."""
    base, token = jupyterlab_on_chapters
    specs = json.load(urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}", timeout=5))
    assert "python3" in specs["kernelspecs"]
    page = urllib.request.urlopen(f"{base}/lab?token={token}", timeout=5).read().decode()
    assert "jupyter-config-data" in page and "cdn.jsdelivr" not in page
    contents = json.load(urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=5))
    assert {c.path.name for c in CHAPTERS} <= {item["name"] for item in contents["content"]}


def test_the_lab_notebooks_keep_a_notebook_the_teacher_changed(built_site, tmp_path):
    """`make lab-ru` once rewrote the notebooks a teacher had just edited in JupyterLab."""
    from belarus_trade import BUILD_DIR, PROJECT_ROOT
    from belarus_trade.publish.notebooks import notebooks_dir, write_notebooks

    assert notebooks_dir("ru") == PROJECT_ROOT / "notebooks" / "ru" and BUILD_DIR not in notebooks_dir("ru").parents
    folder = tmp_path / "ru"
    first = write_notebooks("ru", folder)
    edited = folder / "multivector.ipynb"
    notebook = json.loads(edited.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["Заметка преподавателя к семинару 3."]})
    edited.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    mine = edited.read_bytes()
    again = write_notebooks("ru", folder)
    assert again.kept == [edited] and edited.read_bytes() == mine
    assert sorted(again.written) == sorted(p for p in first.written if p != edited)
