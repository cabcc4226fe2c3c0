"""Counts agree with their nouns: every plural message of the code catalogue, in every language,
run over the counts where Russian changes form (1, 2, 5, 11, 21, 22, 25), and the numbers and
missing values the chapters write.

A sentence that depends on a count is one message with plural forms (`i18n.ngettext`), and its
count is the placeholder `{count}`. For each count the form the catalogue's plural rule picks is
formatted, and the word that follows the count is checked with pymorphy3: it must be the form of
the singular form's word that agrees with the count ("1 год", "2 года", "5 лет", "из 21 года").
"""
from __future__ import annotations

import re

import pymorphy3
import pytest
from babel.messages.pofile import read_po

from belarus_trade import i18n
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE, catalogue_path, ngettext, npgettext

COUNTS = (1, 2, 5, 11, 21, 22, 25)
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
WORD_AFTER_COUNT = re.compile(r"\{count\}\s+([^\W\d_]+)")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def plural_messages(language: str) -> list:
    with open(catalogue_path(language), "rb") as stream:
        return [message for message in read_po(stream) if message.id and message.pluralizable]


def written(template: str, count: int) -> str:
    """The template with its count, every other placeholder written as X."""
    return PLACEHOLDER.sub(lambda match: str(count) if match.group(1) == "count" else "X", template)


@pytest.fixture(scope="module")
def morph():
    return pymorphy3.MorphAnalyzer(lang="ru")


def agreeing_forms(tag, count: int) -> set[tuple[str, str]]:
    """The (number, case) a word in the case of `tag` takes after `count`, by the rule of Russian
    grammar: after 1, 21, 31... the singular; in the nominative and accusative a noun takes the
    genitive singular after 2–4 (22, 23...) and the genitive plural after 5–20 (25...), an
    adjective the genitive (or, before a feminine noun, the nominative) plural after 2–4; in the
    other cases the plural of the same case. (pymorphy3's `make_agree_with_number` puts an
    adjective of an oblique case in the nominative.)"""
    if count % 10 == 1 and count % 100 != 11:
        return {("sing", tag.case)}
    if tag.case not in ("nomn", "accs"):
        return {("plur", tag.case)}
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return {("sing", "gent")} if tag.POS == "NOUN" else {("plur", "gent"), ("plur", "nomn")}
    return {("plur", "gent")}


def agrees(morph, singular_word: str, word: str, count: int) -> bool:
    """Whether `word` is a form of `singular_word` (as it follows 1) in the number and case that
    agree with `count` (any of the lexeme's variants: "лет" and "годов" are both plural genitives of "год")."""
    for parse in morph.parse(singular_word):
        if "sing" not in parse.tag or not ({"NOUN", "ADJF", "PRTF"} & parse.tag.grammemes):
            continue
        wanted = agreeing_forms(parse.tag, count)
        for candidate in morph.parse(word):
            if (candidate.normal_form == parse.normal_form and candidate.tag.POS == parse.tag.POS
                    and (candidate.tag.number, candidate.tag.case) in wanted):
                return True
    return False


def test_the_code_catalogue_has_plural_messages():
    """The sentences that count something are plural messages (a catalogue without them would
    make the agreement test below pass on nothing)."""
    for language in TRANSLATED:
        assert len(plural_messages(language)) >= 20


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_plural_form_is_written_and_keeps_its_count(language):
    for message in plural_messages(language):
        forms = message.string
        assert len(forms) == 3 and all(forms), f"{message.id[0]!r}: Russian needs three forms (1, 2, 5)"
        for form in forms:
            assert "{count}" in form or "{count}" not in message.id[1], f"{message.id[0]!r}: the form {form!r} drops the count"
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(message.id[1])), form


@pytest.mark.parametrize("language", TRANSLATED)
def test_counts_agree_with_their_nouns(language, morph):
    """Each template over 1, 2, 5, 11, 21, 22, 25: the word after the count is the form that agrees."""
    checked, faults = 0, []
    with i18n.speaking(language):
        for message in plural_messages(language):
            one = WORD_AFTER_COUNT.search(message.string[0])
            if not one or not agrees(morph, one.group(1), one.group(1), 1):
                continue  # the count is followed by a preposition or a verb ("из", "совпадает")
            for count in COUNTS:
                choose = npgettext if message.context else ngettext
                template = choose(*([message.context] if message.context else []), *message.id, count)
                word = WORD_AFTER_COUNT.search(template).group(1)
                checked += 1
                if not agrees(morph, one.group(1), word, count):
                    faults.append(f"{written(template, count)!r}")
    assert checked >= 70, "too few templates have a noun after their count to test"
    assert not faults, "counts that disagree with their nouns:\n" + "\n".join(faults)


def test_english_templates_agree_too():
    assert ngettext("{count} year", "{count} years", 1) == "{count} year"
    for count in COUNTS[1:]:
        assert ngettext("{count} year", "{count} years", count) == "{count} years"


def test_the_agreement_check_catches_a_wrong_form(morph):
    """The check above fails where a translator used one form for every count."""
    assert agrees(morph, "года", "года", 21) and agrees(morph, "года", "лет", 22)
    assert not agrees(morph, "года", "лет", 21)
    assert agrees(morph, "год", "года", 2) and not agrees(morph, "год", "лет", 2)
    assert agrees(morph, "программой", "программами", 22) and not agrees(morph, "программой", "программам", 22)


@pytest.mark.parametrize(("language", "value", "decimals", "sign", "expected"), [
    ("en", -0.04, 1, False, "0.0"),
    ("en", -0.04, 1, True, "0.0"),
    ("en", -1234.56, 1, False, "-1,234.6"),
    ("ru", -0.04, 1, False, "0,0"),
    ("ru", -1.25, 1, True, "\u22121,2"),
    ("ru", 2093.4, 0, False, "2\u202f093"),
    ("ru", 1500, 0, True, "+1\u202f500"),
    ("en", float("nan"), 1, False, "n/a"),
    ("ru", float("nan"), 1, False, "н/д"),
    ("ru", None, 1, False, "н/д"),
])
def test_numbers_are_written_the_readers_way(language, value, decimals, sign, expected):
    """No "-0,0"; the minus sign, not a hyphen, and a narrow no-break space (the character) in
    Russian; "n/a" / "н/д" for a missing value, never "nan"."""
    with i18n.speaking(language):
        assert i18n.number(value, decimals, sign=sign, group=True) == expected


def test_a_sentence_ending_in_an_abbreviation_keeps_one_full_stop():
    assert i18n.closed("максимум 62,6% в 2022\u00a0г.") == "максимум 62,6% в 2022\u00a0г."
    assert i18n.closed("highest 62.6% in 2022") == "highest 62.6% in 2022."


def test_a_data_error_an_exercise_prints_reads_in_the_chapters_language(tmp_path):
    """The validator's message for a bad cell is a message of the code catalogue (the data chapter's
    exercise prints it); the command line, in English, is unchanged."""
    from belarus_trade.data.manifest import DataError
    from belarus_trade.data.validation import validate_file

    descriptor = {"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "share_pct", "type": "number"}]}}
    (tmp_path / "t.csv").write_text('share_pct\n"35,4"\n', encoding="utf-8")
    messages = {}
    for language in ("en", "ru"):
        with i18n.speaking(language), pytest.raises(DataError) as caught:
            validate_file(tmp_path / "t.csv", descriptor)
        messages[language] = str(caught.value)
    assert "uses a comma as decimal separator; use a point" in messages["en"]
    assert "десятичный разделитель — запятая" in messages["ru"] and "share_pct" in messages["ru"]


def test_dates_and_lists_are_written_the_readers_way():
    """A retrieval date as the manifest records it (ISO) is "22.11.2026" in Russian; lists are
    Babel's ("a, b и c"), never a Python list."""
    assert i18n.date("2026-11-22") == "2026-11-22"
    with i18n.speaking("ru"):
        assert i18n.date("2026-11-22") == "22.11.2026" and i18n.date("не получено") == "не получено"
        assert i18n.listed(["программы", "кредит", "транзит"]) == "программы, кредит и транзит"
    assert i18n.listed([2, 4]) == "2 and 4"
