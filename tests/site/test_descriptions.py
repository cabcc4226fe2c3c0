"""A page's meta description and link preview (`belarus_trade.site.descriptions`, issues 11 and 23): its first paragraph of
prose, without citations, shortened to whole sentences or at a word. That every built page has
one, and that they differ, is test_accessibility.py's."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup
from docutils import nodes
from docutils.core import publish_doctree

from belarus_trade.checks.audit import site_pages
from belarus_trade.site.descriptions import DESCRIPTION_MAX, OPEN_GRAPH_LOCALES, description, has_own_description, social_tags

BOOK = "Belarus–Russia trade"


def doctree(text: str):
    return publish_doctree(text, settings_overrides={"report_level": 5})


def test_the_first_paragraph_of_prose_without_its_citations():
    page = doctree("""
Title
=====

.. note::

   A note is not the page's prose, however long its sentence may be in the end.

Short line.

Russia's share of Belarus's exports rose [Smith, 2025] and then fell again [Ivanov and Petrova, 2019a].
""")
    assert description("chapters/x", page, BOOK) == "Russia's share of Belarus's exports rose and then fell again."


def test_a_long_paragraph_is_cut_at_a_sentence_or_a_word():
    sentence = "The article reads the trade of Belarus with Russia through the shares of its partners."
    assert DESCRIPTION_MAX // 2 <= len(sentence) < DESCRIPTION_MAX < 2 * len(sentence)
    assert description("p", doctree(f"{sentence} {sentence} {sentence}"), BOOK) == sentence  # whole sentences
    short = "Belarus trades."  # too short a sentence to stand for the page: cut at a word instead
    cut = description("p", doctree(short + " word" * 60), BOOK)
    assert cut == (short + " word" * 60)[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…" and len(cut) <= DESCRIPTION_MAX


def test_pages_without_prose_say_what_they_are():
    assert description("genindex", None, BOOK) == f"Index of the terms used in {BOOK}."
    assert description("search", None, BOOK) == f"Search the text of {BOOK}."
    assert description("bibliography", doctree("Title\n=====\n"), BOOK, "Bibliography") == f"Bibliography: {BOOK}"
    assert description("other", None, BOOK) == BOOK


def test_front_matter_sets_its_own():
    page = doctree("Some prose of the page, long enough to be a description of it.")
    assert not has_own_description(page) and not has_own_description(None)
    page.insert(0, nodes.meta(name="description", content="The page's own words."))
    assert has_own_description(page)


def test_social_tags_preview_the_page():
    tags = dict(social_tags("A chapter", "Its first paragraph.", "The book", "ru"))
    assert tags["og:title"] == tags["twitter:title"] == "A chapter" and tags["og:site_name"] == "The book"
    assert tags["og:description"] == tags["twitter:description"] == "Its first paragraph." and tags["og:locale"] == "ru_RU"
    assert dict(social_tags("", "Text.", "The book", "en"))["og:title"] == "The book"
    assert tags["twitter:card"] == "summary" and "og:image" not in tags and "og:url" not in tags, "no address: no image, no URL"
    shown = dict(social_tags("A chapter", "Text.", "The book", "en", "https://example.org/b/chapters/a.html",
                             "https://example.org/b/_images/bt-1.png", "Figure 1. Trade"))
    assert shown["og:url"] == "https://example.org/b/chapters/a.html" and shown["twitter:card"] == "summary_large_image"
    assert shown["og:image"] == shown["twitter:image"] == "https://example.org/b/_images/bt-1.png"
    assert shown["og:image:alt"] == shown["twitter:image:alt"] == "Figure 1. Trade"


def test_every_built_page_previews_itself_in_its_language(built_site):
    """A link shared from any page previews that page: its title and description, in the page's
    language (a translated page does not keep an English front-matter description)."""
    for page in (built_site / name for name in site_pages(built_site)):
        if "_static" in page.parts or "_sources" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        language = soup.html.get("lang", "en")[:2]
        described = [meta["content"] for meta in soup.select('head meta[name="description"]')]
        social = {meta["property"]: meta["content"] for meta in soup.select("head meta[property]")}
        assert len(described) == 1 and social["og:description"] == described[0], page
        assert social["og:locale"] == OPEN_GRAPH_LOCALES[language] and social["og:title"], page
        if language == "ru":
            assert re.search("[а-яё]", described[0], re.I), f"{page}: an English description on a Russian page"
