"""Each figure's "Cite or download" panel (`belarus_trade.site.citation_panel`): the citation in each
language, the edition it names, and the panel's HTML. What it reads of a figure is
test_figure_parts.py's; the panels on the built pages, opened in a browser, are test_browser.py's."""
from __future__ import annotations

import html.parser

import pytest
from docutils import nodes
from docutils.core import publish_from_doctree
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from docutils.writers.html5_polyglot import HTMLTranslator, Writer

from belarus_trade import i18n
from belarus_trade.site import citation_panel
from belarus_trade.site.book_citation import BookCitation
from belarus_trade.site.citation_panel import PanelPlace, citation, panel
from belarus_trade.site.figure_parts import StoredFigure

BOOK = BookCitation("A living book", "The contributors", edition=2, date="2026-12-07", this_build=True)


@pytest.fixture
def russian():
    with i18n.speaking("ru"):
        yield


# --- the citation -------------------------------------------------------------------------------

def test_a_citation_in_english():
    title = [nodes.Text("Trade, billion USD")]
    text = nodes.paragraph("", "", *citation(BOOK, "Figure 3c", title, "2026-11-22")).astext()
    assert text == "The contributors. A living book, edition 2 of 2026-12-07. Figure 3c: Trade, billion USD. Data retrieved 2026-11-22."
    untitled = nodes.paragraph("", "", *citation(BOOK, "Table 1", [], "2026-11-22")).astext()
    assert untitled == "The contributors. A living book, edition 2 of 2026-12-07. Table 1. Data retrieved 2026-11-22."


def test_a_citation_in_russian_is_ordered_as_gost_orders_it(russian):
    title = [nodes.Text("Торговля, млрд долл. США")]
    text = nodes.paragraph("", "", *citation(BOOK, "Figure 3c", title, "22.11.2026")).astext()
    assert text == ("A living book / The contributors. – Изд. 2 от 07.12.2026. – Рис.\u00a03c. Торговля, млрд долл. США. "
                    "– Данные получены 22.11.2026.")


# --- the panel's HTML ---------------------------------------------------------------------------

def html_of(node: nodes.Node) -> str:
    """The node as an HTML writer with the panel's visitors writes it (the book's is Sphinx's, whose
    `starttag` and text escaping are docutils')."""
    class Translator(HTMLTranslator):
        pass

    for node_class, (visit, depart) in citation_panel.VISITORS.items():
        setattr(Translator, f"visit_{node_class.__name__}", visit)
        setattr(Translator, f"depart_{node_class.__name__}", depart)
    writer = Writer()
    writer.translator_class = Translator
    document = new_document("test", get_default_settings(Writer))
    document += node
    publish_from_doctree(document, writer=writer)
    return writer.parts["body"]


def downloads(markup: str) -> list[tuple[str, str]]:
    """(file name, href) of each download link, in order."""
    class Links(html.parser.HTMLParser):
        found: list = []

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "a" and "download" in attributes:
                self.found.append((attributes["download"], attributes["href"]))

    links = Links()
    links.found = []
    links.feed(markup)
    return links.found


FILES = {"csv": "_downloads/bt-1.csv", "svg": "_images/bt-2.svg", "png": "_images/bt-3.png", "spec": "_downloads/bt-4.vl.json"}
PLACE = PanelPlace("chapters/union_state", "union_state.html", "_sources/chapters/union_state.ipynb", "union_state")


def stored(key="fig-6c-ktes") -> StoredFigure:
    return StoredFigure("chart", key, b"a\r\n", "2026-11-22", {"$schema": "x"}, b"<svg/>")


def test_the_panel_is_a_closed_details_with_the_permalink_citation_and_files():
    markup = html_of(panel(stored(), "Figure 6c", [nodes.Text("KTES")], BOOK, FILES, PLACE))
    assert markup.startswith('<details class="bt-cite">') and "open" not in markup.split(">")[0]
    assert "<summary>Cite or download Figure 6c</summary>" in markup
    assert 'href="#bt-fig-6c-ktes">union_state.html#bt-fig-6c-ktes</a>' in markup
    assert "Figure 6c: KTES. Data retrieved 2026-11-22." in markup
    assert downloads(markup) == [
        ("fig-6c-ktes.csv", "../_downloads/bt-1.csv"), ("fig-6c-ktes.svg", "../_images/bt-2.svg"),
        ("fig-6c-ktes.png", "../_images/bt-3.png"), ("fig-6c-ktes.vl.json", "../_downloads/bt-4.vl.json"),
        ("union_state.ipynb", "../_sources/chapters/union_state.ipynb")]


def test_a_translated_panel_names_its_notebook_for_what_it_is(russian):
    markup = html_of(panel(stored(), "Figure 6c", [], BOOK, {"csv": FILES["csv"]}, PLACE))
    assert "<summary>Цитировать и скачать рис.\u00a06c</summary>" in markup
    assert downloads(markup) == [("fig-6c-ktes.csv", "../_downloads/bt-1.csv"), ("union_state.ru.ipynb", "../_sources/chapters/union_state.ipynb")]
    assert "Блокнот главы (Jupyter, .ipynb)" in markup, "the notebook is the chapter in Russian (publish.notebooks), no warning"
    assert "SVG" not in markup and "PNG" not in markup


def test_text_from_the_chapters_is_escaped_where_it_lands():
    hostile = stored(key='x"><script>alert(1)</script>')
    markup = html_of(panel(hostile, "Figure 1", [nodes.Text("<img src=x onerror=alert(1)>")], BOOK, FILES, PLACE))
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup and 'download="x&quot;&gt;&lt;script&gt;' in markup
