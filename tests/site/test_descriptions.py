"""A page's meta description (`belarus_trade.site.descriptions`, issue 11): its first paragraph of
prose, without citations, shortened to whole sentences or at a word. That every built page has
one, and that they differ, is test_accessibility.py's."""
from __future__ import annotations

from docutils import nodes
from docutils.core import publish_doctree

from belarus_trade.site.descriptions import DESCRIPTION_MAX, description, has_own_description

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
