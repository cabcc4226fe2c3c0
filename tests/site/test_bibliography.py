"""The bibliography's styles by language and its list markup (`belarus_trade.site.bibliography`).
GOST itself is test_gost.py's; axe-core on the built bibliography is test_accessibility.py's."""
from __future__ import annotations

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from docutils.writers.html5_polyglot import HTMLTranslator, Writer

from belarus_trade.site import bibliography


def test_citations_are_list_items_of_a_list():
    document = new_document("bibliography", get_default_settings(Writer))
    first, second = nodes.citation(ids=["smith2025"]), nodes.citation(ids=["ivanov2019"])
    document += [first, second]
    translator = HTMLTranslator(document)
    bibliography._visit_citation(translator, first)
    bibliography._visit_citation(translator, second)
    html = "".join(translator.body)
    assert html.count('role="list"') == 1 and html.count('role="listitem"') == 2 and "doc-biblioentry" not in html
    assert 'id="smith2025"' in html and 'class="citation"' in html


def test_the_russian_edition_uses_gost_and_the_english_one_its_config():
    class Config:
        bibtex_default_style, bibtex_reference_style = "plain", "author_year"

    for language, styles in (("en", ("plain", "author_year")), ("ru", ("gost", "gost_author_year"))):
        config = Config()
        config.language = language
        bibliography._bibliography_style(None, config)
        assert (config.bibtex_default_style, config.bibtex_reference_style) == styles
