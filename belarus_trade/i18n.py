"""The book's languages: text the chapters' code writes, and numbers written the reader's way.

Prose is translated by Sphinx from the gettext catalogues in `book/locales/<language>/LC_MESSAGES`
(one per page). What a chapter's *code* writes — chart titles, axis labels, legends, tooltips,
text alternatives, source lines, table headers, the words a sentence takes from the data — is
marked in the code with `tr("...")` (or `N_("...")` where it is defined before a language is
chosen) and translated from one more catalogue of the same folder, `code.po`. Both kinds are
extracted together (`python -m belarus_trade translations`), so a new English string shows up
as an untranslated entry, never as silent English on a Russian page.

A chapter runs in one language: its `language` parameter, passed to `use()` by its setup cell.
Numbers go through `number()`, which writes them with the language's decimal mark, digit
grouping and minus, and charts get the same conventions through `vega_locale()`.
"""
from __future__ import annotations

import contextlib
import functools
import math
import numbers
import re
from decimal import Decimal

from babel.numbers import format_decimal

from .paths import BOOK_DIR

LANGUAGES = ("en", "ru")  # the source language first
SOURCE_LANGUAGE = LANGUAGES[0]
LOCALE_DIR = BOOK_DIR / "locales"
CODE_DOMAIN = "code"
# Russian typography groups thousands with a narrow no-break space (CLDR gives a no-break space).
GROUP_SEPARATORS = {"ru": "\u202f"}

_language = SOURCE_LANGUAGE


class LanguageError(ValueError):
    """A language the book has no catalogue for."""


def use(language: str) -> None:
    """The language of everything the chapter's code writes from here on."""
    global _language
    if language not in LANGUAGES:
        raise LanguageError(f"language {language!r}: the book is written in {', '.join(LANGUAGES)}")
    _language = language


def current() -> str:
    return _language


@contextlib.contextmanager
def speaking(language: str):
    """`use(language)` for a block, then back to the language before it (a caller that writes
    one edition's text must not change what later code writes)."""
    previous = _language
    use(language)
    try:
        yield
    finally:
        use(previous)


def catalogue_path(language: str):
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{CODE_DOMAIN}.po"


@functools.cache
def _catalogue(language: str) -> dict:
    """msgid (or (msgctxt, msgid)) → msgstr of the code catalogue; fuzzy and empty entries do not count as translated."""
    from babel.messages.pofile import read_po

    path = catalogue_path(language)
    if not path.is_file():
        return {}
    with open(path, "rb") as stream:
        catalogue = read_po(stream)
    return {(m.context, m.id) if m.context else m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}


def tr(message: str) -> str:
    """`message` in the current language. A missing translation shows the English text (and
    the translation gate fails the tests), so a chapter never stops for a missing string."""
    if _language == SOURCE_LANGUAGE:
        return message
    return _catalogue(_language).get(message, message)


def trc(context: str, message: str) -> str:
    """`message` in the current language, where the same English words need different translations
    in different sentences (gettext's msgctxt): `trc("energy_vs_deficit", "more than")`."""
    if _language == SOURCE_LANGUAGE:
        return message
    return _catalogue(_language).get((context, message), message)


REFERENCE_TEXT = re.compile(r"^(Figure|Table) (\S+)$")  # a link's text naming a figure or table
ABBREVIATION = re.compile(r"\b[^\W\d_]{1,3}\.$")  # "см.", "г.", "e.g." ends no sentence


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    if not text or text[-1] in "!?":
        return True
    if not text.endswith("."):
        return False
    abbreviation = ABBREVIATION.search(text)
    return not (abbreviation and abbreviation.group(0).islower())


def cross_reference(text: str, text_before: str) -> str:
    """A link's text "Figure 3c" in the current language's form for a cross-reference ("рис. 3c":
    one form for every grammatical case), capitalised where it starts a sentence (`text_before`
    is what precedes it in its paragraph). Other text is returned as it is."""
    match = REFERENCE_TEXT.match(text)
    if not match or _language == SOURCE_LANGUAGE:
        return text
    word = {"Figure": trc("cross-reference", "Figure"), "Table": trc("cross-reference", "Table")}[match.group(1)]
    if _ends_sentence(text_before):
        word = word[:1].upper() + word[1:]
    return f"{word}\u00a0{match.group(2)}"


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated with `tr` where used."""
    return message


def number(value: float, decimals: int = 1, sign: bool = False, group: bool = False) -> str:
    """`value` rounded to `decimals` places in the current language: "1,234.5" / "1 234,5".
    `sign` writes "+" before a positive number; `group` separates thousands."""
    if not isinstance(value, numbers.Real) or math.isnan(value):
        return tr(format(value, ""))  # a number the data lack writes its own words ("n/a")
    rounded = Decimal(f"{value:.{decimals}f}")  # Python's rounding of the float, as an f-string writes it
    digits = "#,##0" if group else "0"
    pattern = digits + ("." + "0" * decimals if decimals else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    text = format_decimal(rounded, format=pattern, locale=_language, group_separator=group)
    separator = GROUP_SEPARATORS.get(_language)
    return text.replace("\u00a0", separator) if separator else text


# d3-format and d3-time-format locales (Vega's `config.locale`) of each language but the source's.
VEGA_LOCALES = {
    "ru": {
        "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0₽"]},
        "time": {
            "dateTime": "%A, %e %B %Y г. %X", "date": "%d.%m.%Y", "time": "%H:%M:%S", "periods": ["", ""],
            "days": ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"],
            "shortDays": ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
            "months": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                       "октября", "ноября", "декабря"],
            "shortMonths": ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
        },
    },
}


def vega_locale() -> dict | None:
    """The current language's number and date conventions for a chart's config (None in English,
    Vega's default)."""
    return VEGA_LOCALES.get(_language)
