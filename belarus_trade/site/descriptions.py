"""Every page has its own meta description (issue 11), which search engines and link previews
show: the page's first paragraph of prose, or what a page without prose is. A page's front
matter may set its own (`html_meta`). `templates/layout.html` writes the tag."""
from __future__ import annotations

import re

from docutils import nodes

from belarus_trade.i18n import N_, tr

DESCRIPTION_MAX = 160  # characters; search engines cut longer descriptions
MIN_PARAGRAPH = 40  # characters: a shorter paragraph (a date line, "Sources:") does not describe a page
CITATION = re.compile(r"\s*\[[^\[\]]*\b(?:1[89]|20)\d\d[a-z]?\]")  # "[Author, 2025]" in a paragraph's text
GENERATED_PAGE_DESCRIPTIONS = {"genindex": N_("Index of the terms used in {}."), "search": N_("Search the text of {}.")}
# What is not the page's own prose: notes, figures, tables, sources, footnotes, notebook cells.
NOT_PROSE = (nodes.Admonition, nodes.figure, nodes.table, nodes.citation, nodes.footnote,
             nodes.caption, nodes.sidebar, nodes.topic, nodes.field_list, nodes.raw)


def description(pagename: str, doctree, book_title: str, page_title: str = "") -> str:
    """The page's first paragraph of prose, shortened at a word to DESCRIPTION_MAX characters;
    for pages without prose (the index, the search page) what the page is."""
    text = tr(GENERATED_PAGE_DESCRIPTIONS[pagename]).format(book_title) if pagename in GENERATED_PAGE_DESCRIPTIONS else ""
    for paragraph in doctree.findall(nodes.paragraph) if doctree is not None else ():
        if not _in_prose(paragraph):
            continue
        text = CITATION.sub("", " ".join(paragraph.astext().split()))
        if len(text) >= MIN_PARAGRAPH:
            break
    if not text:
        text = f"{page_title}: {book_title}" if page_title else book_title
    if len(text) > DESCRIPTION_MAX:  # whole sentences if they make a description, else cut at a word
        head = text[:DESCRIPTION_MAX]
        sentences = head.rsplit(". ", 1)[0] + "." if ". " in head else ""
        words = text[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-") + "…"
        text = sentences if len(sentences) >= DESCRIPTION_MAX // 2 else words
    return text


def _in_prose(node) -> bool:
    """Not inside an admonition, a figure, a table, a citation, a footnote or a notebook cell."""
    node = node.parent
    while node is not None:
        if isinstance(node, NOT_PROSE) or (isinstance(node, nodes.container) and "cell" in node.get("classes", [])):
            return False
        node = node.parent
    return True


def has_own_description(doctree) -> bool:
    """The page's front matter sets its description (`myst: html_meta: description:`)."""
    return doctree is not None and any(meta.get("name") == "description" for meta in doctree.findall(nodes.meta))


def _description_in_context(app, pagename, templatename, context, doctree) -> None:
    if has_own_description(doctree):
        context["bt_description"] = ""
        return
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else context.get("title") or ""
    context["bt_description"] = description(pagename, doctree, app.config.html_title or "", title)


def register(app) -> None:
    app.connect("html-page-context", _description_in_context)
