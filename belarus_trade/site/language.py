"""A render's language (issue 13): the words Sphinx and other extensions write for the book come
from the book's catalogues, in the language of the edition, where those extensions leave them in
English or out of the translation.

- The book's title, author, search prompt and myst-nb's folded-cell labels, from `i18n`'s code
  catalogue; the text this extension writes follows the same language.
- The sidebar's part titles (toctree captions), which sphinx-external-toc adds after Sphinx has
  translated the page.
- A link's "Figure 3c", which a translation keeps verbatim with its role.
- The label of a folded cell's toggle, which myst-nb writes in English.
"""
from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from belarus_trade import i18n
from belarus_trade.i18n import N_, tr

# myst-nb's labels of a folded cell (it fills in {type}: the book folds only sources, "hide-input").
CODE_PROMPTS = {"nb_code_prompt_show": N_("Show code cell {type}"), "nb_code_prompt_hide": N_("Hide code cell {type}")}
SEARCH_PROMPT = N_("Search this book...")  # Jupyter Book's default search_bar_text
TOGGLE_LABEL = N_("Toggle hidden content")  # the aria-label of myst-nb's toggle of a folded cell


def _use_language(app, config) -> None:
    """The render's language for the text this extension writes, and the book's title, author, search
    prompt and myst-nb's folded-cell labels in it (myst-nb reads its settings later, when the builder
    starts); a translated site's address, when the book has one, is its folder of the source site's."""
    i18n.use(config.language or i18n.SOURCE_LANGUAGE)
    for name in ("html_title", "project", "author"):
        if getattr(config, name, None):
            setattr(config, name, tr(getattr(config, name)))
    if getattr(config, "html_baseurl", ""):  # ends in "/", or Sphinx's urljoin would drop its last folder from every page's address
        translated = i18n.current() != i18n.SOURCE_LANGUAGE
        config.html_baseurl = config.html_baseurl.rstrip("/") + "/" + (f"{i18n.current()}/" if translated else "")
    if i18n.current() != i18n.SOURCE_LANGUAGE:
        for name, label in CODE_PROMPTS.items():
            setattr(config, name, tr(label))
        config.html_theme_options = {**config.html_theme_options, "search_bar_text": tr(SEARCH_PROMPT)}


def _translate_toc_captions(app, doctree) -> None:
    """sphinx-external-toc inserts the root page's toctrees (their captions are the sidebar's part
    titles) after Sphinx's Locale transform: translate their captions from the page's catalogue."""
    from sphinx import locale
    from sphinx.util.i18n import docname_to_domain

    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    catalogue, _ = locale.init([str(Path(app.srcdir) / folder) for folder in app.config.locale_dirs], app.config.language, domain)
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = catalogue.gettext(toctree["caption"])


class ReferenceWordsInLanguage(SphinxTransform):
    """A translation keeps a link's role verbatim (the gate checks it, since the role carries the
    target), so "Figure 3c" would stay English in a translated sentence: `i18n.cross_reference`
    gives the language's form."""

    default_priority = 400  # after Sphinx's Locale transform (20), which brings the translated links

    def apply(self, **kwargs):
        if i18n.current() == i18n.SOURCE_LANGUAGE:
            return
        for reference in list(self.document.findall(addnodes.pending_xref)):
            if reference.get("reftype") != "ref" or not reference.get("refexplicit"):
                continue
            text = next(reference.findall(nodes.Text))
            localised = i18n.cross_reference(reference.astext(), _text_before(reference))
            text.parent.replace(text, nodes.Text(localised))


def _text_before(node) -> str:
    """The text that precedes `node` in its paragraph (or title, caption)."""
    block = node.parent
    while not isinstance(block, (nodes.paragraph, nodes.title, nodes.caption)) and block.parent is not None:
        block = block.parent
    before = []
    for text in block.findall(nodes.Text):
        if node in _ancestors(text):
            break
        before.append(text.astext())
    return "".join(before)


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def _visit_folded_cell(self, node) -> None:
    """myst-nb's visitor of a folded cell, with its toggle's label in the page's language (myst-nb
    writes the English label into the `<summary>` tag itself; no setting names it)."""
    from myst_nb.sphinx_ import visit_HideCellInput

    start = len(self.body)
    visit_HideCellInput(self, node)
    label = f'aria-label="{TOGGLE_LABEL}"'
    self.body[start:] = [part.replace(label, f'aria-label="{html.escape(tr(TOGGLE_LABEL))}"') for part in self.body[start:]]


def register(app) -> None:
    """After myst-nb's setup: the folded cell's visitor replaces myst-nb's."""
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

    app.connect("config-inited", _use_language)
    app.connect("doctree-read", _translate_toc_captions, priority=600)  # after sphinx-external-toc's (500)
    app.add_transform(ReferenceWordsInLanguage)
    app.add_node(HideCodeCellNode, override=True, html=(_visit_folded_cell, depart_HideCellInput))
