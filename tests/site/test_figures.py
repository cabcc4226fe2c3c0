"""A chapter's figures on the page (`belarus_trade.site.figures`): the book's figure HTML preferred
by myst-nb, and its embedded static chart served as a file. Captions and numbers on the built pages,
and the static charts a browser shows, are test_browser.py's."""
from __future__ import annotations

import base64
import hashlib

from docutils import nodes

from belarus_trade.chapters.charts import FIGURE_MIMETYPE
from belarus_trade.site.figures import FigureMimeRenderer, externalise_svgs

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"></svg>'
EMBEDDED = f'<img class="bt-chart-static" alt="A line" width="600" height="300" src="data:image/svg+xml;base64,{base64.b64encode(SVG).decode()}">'


class Data:
    def __init__(self, mime_type, string):
        self.mime_type, self.string = mime_type, string


def test_the_figure_html_is_placed_as_it_is():
    assert ("html", FIGURE_MIMETYPE, 1) in FigureMimeRenderer.mime_priority_overrides
    (raw,) = FigureMimeRenderer.handle_mime(None, Data(FIGURE_MIMETYPE, '<div class="bt-chart"></div>'), False)
    assert isinstance(raw, nodes.raw) and raw["format"] == "html" and raw.astext() == '<div class="bt-chart"></div>'
    assert FigureMimeRenderer.handle_mime(None, Data("image/svg+xml", SVG.decode()), False) is None  # myst-nb's own


def test_a_static_chart_becomes_one_lazily_loaded_file(tmp_path):
    name = f"bt-{hashlib.sha256(SVG).hexdigest()[:16]}.svg"
    body = externalise_svgs(f"<p>Text</p>{EMBEDDED}", "chapters/multivector", tmp_path)
    assert body == f'<p>Text</p><img class="bt-chart-static" alt="A line" width="600" height="300" loading="lazy" src="../_images/{name}">'
    assert (tmp_path / "_images" / name).read_bytes() == SVG
    assert externalise_svgs(EMBEDDED, "glossary", tmp_path).endswith(f'src="_images/{name}">')  # the same file
    assert [p.name for p in (tmp_path / "_images").iterdir()] == [name]
    assert externalise_svgs("<p>No chart</p>", "glossary", tmp_path) == "<p>No chart</p>"
