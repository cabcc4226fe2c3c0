"""Hand a chapter's results to the page: charts and tables as glued outputs, numbers for the prose.

Numbers are glued as plain Python numbers (numpy scalars would reach the page as
`np.float64(...)`), and the prose formats them with `{glue:text}` so no number is typed.
"""
from __future__ import annotations

import numbers as _numbers

from myst_nb import glue


def publish(output=None, values: dict | None = None) -> None:
    if output is not None:
        glue(output.key, output, display=False)
    for name, value in (values or {}).items():
        glue(name, _plain(name, value), display=False)


def _plain(name: str, value):
    if isinstance(value, bool) or not isinstance(value, _numbers.Number):
        raise TypeError(f"glued value '{name}' must be a number, got {type(value).__name__}")
    return int(value) if isinstance(value, _numbers.Integral) else float(value)


def publish_markdown(name: str, text: str) -> None:
    """A sentence whose wording depends on the data (placed with `{glue:md}`)."""
    from IPython.display import Markdown

    glue(name, Markdown(text), display=False)


def publish_sentences(sentences: dict[str, str]) -> None:
    """Glue several data-dependent sentences at once (each placed with `{glue:md}`)."""
    for name, text in sentences.items():
        publish_markdown(name, text)
