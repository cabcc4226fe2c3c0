"""The book as every citation names it (`belarus_trade.site.book_citation`): an edition only when
the pages are that edition, in the page's language."""
from __future__ import annotations

import types

from belarus_trade import i18n
from belarus_trade.site.book_citation import EDITION_SETTING, BookCitation, edition_setting, from_settings


def test_the_edition_named_is_this_builds_or_says_it_is_none():
    published = BookCitation("T", "A", edition=2, date="2026-12-07", this_build=True, copyright_year="2025")
    assert published.published and published.year == "2026" and published.edition_text() == "edition 2 of 2026-12-07"
    after = BookCitation("T", "A", edition=2, date="2026-12-07", this_build=False, copyright_year="2025")
    assert not after.published and after.year == "2025", "a build after an edition is not cited by that edition's year"
    assert after.edition_text() == "an unpublished build after edition 2 of 2026-12-07"
    assert BookCitation("T", "A").edition_text() == "not yet published"
    with i18n.speaking("ru"):
        assert BookCitation("T", "A").edition_text() == "Издание ещё не опубликовано"
        assert published.edition_text() == "Изд. 2 от 07.12.2026"


def test_the_edition_setting_carries_the_last_record_and_the_pages_snapshot():
    record = {"edition": 3, "date": "2027-01-05", "snapshot": "aaaaaa", "numbers": [], "resources": {}}
    assert edition_setting(record, True) == {"edition": 3, "date": "2027-01-05", "this_build": True, "snapshot": "aaaaaa"}
    assert edition_setting(record, False, "bbbbbb")["snapshot"] == "bbbbbb"
    assert edition_setting(None, False) == {} and edition_setting(None, False, "bbbbbb") == {"snapshot": "bbbbbb"}
    config = types.SimpleNamespace(html_title="Title", author="Authors", language="ru", html_baseurl="https://example.org/b/ru/",
                                   copyright="2026", **{EDITION_SETTING: edition_setting(record, False, "bbbbbb")})
    assert from_settings(config) == BookCitation("Title", "Authors", "ru", 3, "2027-01-05", False, "bbbbbb", "https://example.org/b/ru/", "2026")
    config = types.SimpleNamespace(html_title="Title", author="Authors", language=None, **{EDITION_SETTING: {}})
    assert from_settings(config) == BookCitation("Title", "Authors"), "no language: the source language; no address"
