"""The same page in the book's other languages (`belarus_trade.site.language_links`, issue 13):
the pages the switch and the `hreflang` alternates name. That every built page links to a built
page of the other language, and that the switch works in a browser, is test_browser.py's."""
from __future__ import annotations

from belarus_trade.site.language_links import LANGUAGE_NAMES, other_languages
from belarus_trade.site.render import language_roots


def test_each_other_language_names_the_same_page_relative_to_this_one():
    assert other_languages(language_roots("en"), "chapters/multivector") == [("ru", "Русский", "../ru/chapters/multivector.html")]
    assert other_languages(language_roots("ru"), "chapters/multivector") == [("en", "English", "../../chapters/multivector.html")]
    assert other_languages(language_roots("ru"), "search") == [("en", "English", "../search.html")]
    assert other_languages({}, "glossary") == []
    assert set(LANGUAGE_NAMES) >= set(language_roots("en")) | set(language_roots("ru"))
