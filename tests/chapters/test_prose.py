"""Numbers in the prose: `{eval}` expressions found, evaluated by the engine, stored and read back."""
from __future__ import annotations

import json

import nbformat
import pytest

from belarus_trade.chapters.prose import TRANSLATION_KEY, InlineExpressionError, inline_expressions, plain_text, stored_text, value_shown


def test_inline_expressions_are_found_once_each_in_order():
    text = 'From {eval}`first` to {eval}`f"{last:.1f}"`, again {eval}`first`; `{eval}` alone is no role.'
    assert inline_expressions(text) == ["first", 'f"{last:.1f}"']


@pytest.mark.parametrize("shown, text", [("'35.4'", "35.4"), ('"it\'s"', "it's"), ("2012", "2012"), ("None", "None")])
def test_plain_text_drops_only_the_quotes_of_a_string(shown, text):
    assert plain_text({"status": "ok", "data": {"text/plain": shown}}) == text


def test_value_shown_finds_a_variable_written_bare_or_formatted():
    cell = nbformat.v4.new_markdown_cell("x", metadata={"user_expressions": [
        {"expression": "first_year", "result": {"status": "ok", "data": {"text/plain": "2012"}, "metadata": {}}},
        {"expression": 'f"{share:.1f}"', "result": {"status": "ok", "data": {"text/plain": "'35.4'"}, "metadata": {}}},
        {"expression": "i18n.number(gap, 1, sign=True)", "result": {"status": "ok", "data": {"text/plain": "'+1.5'"}, "metadata": {}}},
    ]})
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert value_shown(notebook, "first_year") == "2012" and value_shown(notebook, "share") == "35.4"
    assert value_shown(notebook, "gap") == "+1.5"
    with pytest.raises(KeyError):
        value_shown(notebook, "share_pct")


@pytest.fixture
def run(tmp_path, papermill):
    """run(cells) -> the notebook of these cells as papermill's `belarus_trade` engine executed it."""
    def execute(cells, metadata=None):
        source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
        kernel = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}
        notebook = nbformat.v4.new_notebook(cells=cells, metadata={**kernel, **(metadata or {})})
        source.write_text(json.dumps(notebook))
        papermill.execute_notebook(str(source), str(target), engine_name="belarus_trade", progress_bar=False,
                                   kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        return json.loads(target.read_text())
    return execute


def test_engine_evaluates_each_cell_after_the_code_above_it(run):
    executed = run([
        nbformat.v4.new_code_cell("share = 35.44\nyear = 2012"),
        nbformat.v4.new_markdown_cell('In {eval}`year` the share was {eval}`f"{share:.1f}"`%.'),
        nbformat.v4.new_code_cell("year = 2024"),
        nbformat.v4.new_markdown_cell("By {eval}`year`, <b>{eval}`'<script>'`</b>."),
        nbformat.v4.new_markdown_cell("No numbers here."),
    ])
    first, second, plain = (cell["metadata"] for cell in executed["cells"] if cell["cell_type"] == "markdown")
    assert [e["expression"] for e in first["user_expressions"]] == ["year", 'f"{share:.1f}"']
    assert first["user_expressions"][0]["result"]["data"]["text/plain"] == "2012"
    assert second["user_expressions"][0]["result"]["data"]["text/plain"] == "2024"
    assert "user_expressions" not in plain
    assert stored_text(executed)['f"{share:.1f}"'] == "35.4"
    assert stored_text(executed)["'<script>'"] == "<script>"  # stored as text; both readers escape it


def test_a_failing_expression_stops_the_run_and_names_cell_and_expression(run):
    with pytest.raises(InlineExpressionError, match=r"markdown cell 1: \{eval\}`missing_name` failed with NameError"):
        run([nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("Value {eval}`missing_name`.")])


def test_a_translated_notebook_evaluates_only_the_english_texts_expressions(run, tmp_path):
    """A translated notebook (`notebooks.translated_notebook`) lists the expressions of the English
    text it was made from; any other `{eval}` in it (a translation's) stops the run before it is evaluated."""
    english = {TRANSLATION_KEY: {"expressions": ["year"]}}
    executed = run([nbformat.v4.new_code_cell("year = 2024"), nbformat.v4.new_markdown_cell("В {eval}`year` году.")], english)
    assert stored_text(executed) == {"year": "2024"}
    marker = tmp_path / "ran"
    with pytest.raises(InlineExpressionError, match=r"markdown cell 1: \{eval\}`open\(.*` is not in the English text"):
        run([nbformat.v4.new_code_cell("year = 2024"), nbformat.v4.new_markdown_cell(f"В {{eval}}`open({str(marker)!r}, 'w')` году.")], english)
    assert not marker.exists()
