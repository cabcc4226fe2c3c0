"""Numbers in the prose: `{eval}` expressions and the values stored for them.

A chapter's Markdown writes a computed number as an inline expression, for example
``{eval}`f"{peak_share:.1f}"` ``. `engine` evaluates each Markdown cell's expressions while the
chapter executes and stores the answers in the cell's `metadata.user_expressions`, the format
jupyterlab-myst writes and reads; the HTML book (`site.stored_numbers`'s `eval` role) shows the same
stored values. This module has no papermill import, so the build and Sphinx can use it.
"""
from __future__ import annotations

import ast
import functools
import re

METADATA_KEY = "user_expressions"
# One backtick pair per role, as the chapters write it (MyST allows more; the book does not):
# how `editions` finds an expression's place in a sentence of the English text.
INLINE_EXPRESSION = re.compile(r"\{eval\}`([^`]+)`")
MAX_EXPRESSIONS_PER_CELL = 200
# A translated notebook's metadata: the expressions of the English text it was made from, the only
# ones the engine evaluates in it.
TRANSLATION_KEY = "belarus_trade_translation"
DIRECTIVE = re.compile(r"^\{([\w:-]+)\}")  # a fence's info naming a directive: "{exercise} Title"
CODE_DIRECTIVES = {"code-cell", "code-block", "code", "sourcecode", "literalinclude"}
OPTION_LINE = re.compile(r"^\s*:[\w-]+:")


class InlineExpressionError(RuntimeError):
    """An `{eval}` expression could not be evaluated; the message names cell and expression."""


@functools.cache
def markdown_parser():
    """MyST's own Markdown parser, with the extensions the book enables (`_config.yml`)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist", "attrs_inline"}), RendererHTML)


def inline_expressions(markdown: str) -> list[str]:
    """The distinct `{eval}` expressions of a Markdown text, in order, as MyST reads the text: roles
    of its paragraphs, headings, lists, tables and directive bodies, never text in a code span or
    a code block that only looks like one."""
    return list(dict.fromkeys(_roles(markdown_parser().parse(markdown), "eval")))


def _roles(tokens, name: str):
    for token in tokens:
        if token.type == "myst_role" and token.meta.get("name") == name:
            yield token.content
        elif token.children:
            yield from _roles(token.children, name)
        elif token.type in ("fence", "colon_fence"):
            directive = DIRECTIVE.match(token.info.strip())
            if directive and directive.group(1) not in CODE_DIRECTIVES:  # a directive's body is Markdown
                body = token.content.split("\n")
                while body and OPTION_LINE.match(body[0]):
                    body.pop(0)
                yield from _roles(markdown_parser().parse("\n".join(body)), name)


def stored_results(notebook: dict) -> dict[str, dict]:
    """Every stored expression result of a notebook, by expression text."""
    results = {}
    for cell in notebook.get("cells", []):
        for entry in cell.get("metadata", {}).get(METADATA_KEY, []):
            results[entry["expression"]] = entry["result"]
    return results


def plain_text(result: dict) -> str:
    """The text a reader sees: the `text/plain` answer; a string's repr (as a kernel answers for a
    string: quoted, with its non-printing characters such as the narrow no-break space escaped)
    is read back into the string itself."""
    return readable(result.get("data", {}).get("text/plain", ""))


def readable(text: str) -> str:
    """`text`, or the string it is the repr of: "'1\\u202f500'" is "1\u202f500", never the escape."""
    if re.fullmatch(r"(['\"]).*\1", text, flags=re.S):
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(value, str):
            return value
    return text


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
