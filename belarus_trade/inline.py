"""Numbers in the prose: `{eval}` expressions and the values stored for them.

A chapter's Markdown writes a computed number as an inline expression, for example
``{eval}`f"{peak_share:.1f}"` ``. `engine` evaluates each Markdown cell's expressions while the
chapter executes and stores the answers in the cell's `metadata.user_expressions`, the format
jupyterlab-myst writes and reads; the HTML book (`sphinx_ext`'s `eval` role) shows the same
stored values. This module has no papermill import, so the build and Sphinx can use it.
"""
from __future__ import annotations

import re

METADATA_KEY = "user_expressions"
# One backtick pair per role, as the chapters write it (MyST allows more; the book does not).
INLINE_EXPRESSION = re.compile(r"\{eval\}`([^`]+)`")
MAX_EXPRESSIONS_PER_CELL = 200


class InlineExpressionError(RuntimeError):
    """An `{eval}` expression could not be evaluated; the message names cell and expression."""


def inline_expressions(markdown: str) -> list[str]:
    """The distinct `{eval}` expressions of a Markdown text, in order of appearance."""
    return list(dict.fromkeys(INLINE_EXPRESSION.findall(markdown)))


def stored_results(notebook: dict) -> dict[str, dict]:
    """Every stored expression result of a notebook, by expression text."""
    results = {}
    for cell in notebook.get("cells", []):
        for entry in cell.get("metadata", {}).get(METADATA_KEY, []):
            results[entry["expression"]] = entry["result"]
    return results


def plain_text(result: dict) -> str:
    """The text a reader sees: the `text/plain` answer, without the quotes of a string's repr
    (jupyterlab-myst strips them the same way)."""
    text = result.get("data", {}).get("text/plain", "")
    match = re.fullmatch(r"(['\"])(.*)\1", text, flags=re.S)
    return match.group(2) if match else text


def stored_text(notebook: dict) -> dict[str, str]:
    """What a reader sees for each `{eval}` expression of an executed notebook, by expression."""
    return {expression: plain_text(result) for expression, result in stored_results(notebook).items()}


def value_shown(notebook: dict, name: str) -> str:
    """The text shown for variable `name`, written as ``{eval}`name` ``, as an f-string of it or as
    `i18n.number(name, ...)`."""
    pattern = re.compile(rf"""{re.escape(name)}|f(["']){{{re.escape(name)}(?::[^}}]*)?}}\1|i18n\.number\({re.escape(name)}(?:, [^)]*)?\)""")
    shown = [text for expression, text in stored_text(notebook).items() if pattern.fullmatch(expression)]
    if not shown:
        raise KeyError(f"no {{eval}} of '{name}' in the notebook")
    return shown[0]
