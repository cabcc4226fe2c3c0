"""The prose's numbers in the book: the `eval` role shows, as escaped text, the value that the
papermill engine (`build.engine`) stored beside the Markdown cell when the chapter executed, so
the book and JupyterLab (jupyterlab-myst reads the same store) show the same number. A missing
value is a build error, never a blank."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from belarus_trade.chapters.prose import plain_text, stored_results


@functools.lru_cache(maxsize=8)
def _page_results(path: str) -> dict:
    """The stored `{eval}` results of a notebook page (none for a Markdown page)."""
    return stored_results(json.loads(Path(path).read_text(encoding="utf-8"))) if path.endswith(".ipynb") else {}


class StoredExpressionRole(SphinxRole):
    """`{eval}`expr``: the value stored for `expr` when the chapter executed (see `engine`)."""

    def run(self):
        renderer = self.inliner.document.get("nb_renderer")
        if renderer is not None:
            results = stored_results(renderer.renderer.nb_client.notebook)
        else:  # a translated message, which Sphinx's Locale transform parses as a document of its own
            results = _page_results(str(self.env.doc2path(self.env.docname)))
        if self.text not in results:
            message = self.inliner.reporter.error(
                f"no stored value for {{eval}}`{self.text}`: re-execute the chapter with `make book`",
                line=self.lineno)
            return [], [message]
        return [nodes.inline(text=plain_text(results[self.text]), classes=["bt-number"])], []


def register(app) -> None:
    """After myst-nb's setup: the book's `eval` replaces myst-nb's role of that name."""
    app.add_role("eval", StoredExpressionRole(), override=True)
