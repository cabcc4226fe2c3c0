"""Every page has its own meta description (issue 11), which search engines and link previews
show: the page's first paragraph of prose, or what a page without prose is. A page's front
matter may set its own (`html_meta`). The same title and description make the page's Open Graph
and Twitter card (issue 23), so a link shared in a message or a post previews the page it leads
to. `templates/layout.html` writes the tags."""
from __future__ import annotations

import re
import urllib.parse

from docutils import nodes

from belarus_trade.i18n import N_, SOURCE_LANGUAGE, tr
from belarus_trade.site.citation_panel import LEAD_IMAGES

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


OPEN_GRAPH_LOCALES = {"en": "en_GB", "ru": "ru_RU"}  # the book's English is British


def social_tags(title: str, text: str, book_title: str, language: str, page_url: str = "",
                image_url: str = "", image_alt: str = "") -> list[tuple[str, str]]:
    """The page's Open Graph properties and Twitter card: what a link preview shows. The page's
    address and its lead chart's image only when the site has an address (`html.baseurl`): a
    preview needs absolute URLs."""
    tags = [("og:title", title or book_title), ("og:description", text), ("og:type", "article"),
            ("og:site_name", book_title), ("og:locale", OPEN_GRAPH_LOCALES.get(language, language))]
    tags += [("og:url", page_url)] if page_url else []
    tags += [("og:image", image_url), ("og:image:alt", image_alt)] if image_url else []
    tags += [("twitter:card", "summary_large_image" if image_url else "summary"), ("twitter:title", title or book_title),
             ("twitter:description", text)]
    tags += [("twitter:image", image_url), ("twitter:image:alt", image_alt)] if image_url else []
    return tags


def _description_in_context(app, pagename, templatename, context, doctree) -> None:
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else context.get("title") or ""
    own = next((meta["content"] for meta in doctree.findall(nodes.meta) if meta.get("name") == "description"), "") \
        if has_own_description(doctree) else ""
    text = own or description(pagename, doctree, app.config.html_title or "", title)
    context["bt_description"] = "" if own else text  # a front matter's description is written by Sphinx itself
    page_url, image_url, image_alt = context.get("pageurl") or "", "", ""
    if page_url and pagename in LEAD_IMAGES:
        image, image_alt = LEAD_IMAGES[pagename]
        image_url = urllib.parse.urljoin(app.config.html_baseurl, image)
    context["bt_social"] = social_tags(title, text, app.config.html_title or "", app.config.language or "en",
                                       page_url, image_url, image_alt)


def _translated_pages_describe_themselves(app, doctree) -> None:
    """A front matter's description is English and no catalogue holds it: a translated page drops
    it and is described by its own first paragraph, in its language."""
    if (app.config.language or SOURCE_LANGUAGE) != SOURCE_LANGUAGE:
        for meta in list(doctree.findall(nodes.meta)):
            if meta.get("name") == "description":
                meta.parent.remove(meta)


def register(app) -> None:
    app.connect("doctree-read", _translated_pages_describe_themselves)
    app.connect("html-page-context", _description_in_context)
