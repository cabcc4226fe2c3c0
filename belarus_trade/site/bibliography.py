"""The bibliography's styles and markup: the Russian book lists and cites its sources in GOST
R 7.0.100–2018 (`gost`, issue 20) while the English one keeps `_config.yml`'s styles, and every
list of sources is a list with valid ARIA roles (issue 11)."""
from __future__ import annotations

from docutils import nodes

# A language's bibliography styles (pybtex formatting, sphinxcontrib-bibtex referencing), registered as
# entry points in pyproject.toml; a language not listed keeps _config.yml's (the English book's).
BIBLIOGRAPHY_STYLES = {"ru": ("gost", "gost_author_year")}


def _bibliography_style(app, config) -> None:
    """A Russian journal's bibliography in the Russian book: GOST R 7.0.100–2018 entries and labels."""
    if config.language in BIBLIOGRAPHY_STYLES:
        config.bibtex_default_style, config.bibtex_reference_style = BIBLIOGRAPHY_STYLES[config.language]


def _visit_citation(self, node) -> None:
    """The translator's own citation, as a list item: docutils marks a citation list role="list"
    and its entries role="doc-biblioentry", which a list may not own (and DPUB-ARIA 1.1 deprecates)."""
    start = len(self.body)
    type(self).visit_citation(self, node)
    self.body[start:] = [part.replace('role="doc-biblioentry"', 'role="listitem"') for part in self.body[start:]]


def register(app) -> None:
    app.connect("config-inited", _bibliography_style)
    app.add_node(nodes.citation, override=True, html=(_visit_citation, None))  # the translator's own depart
