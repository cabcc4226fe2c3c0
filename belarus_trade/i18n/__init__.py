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
import datetime
import functools
import gettext
import io
import math
import numbers
import re
from decimal import Decimal

from babel.numbers import format_decimal

from belarus_trade import BOOK_DIR

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
    one language's text must not change what later code writes)."""
    previous = _language
    use(language)
    try:
        yield
    finally:
        use(previous)


def catalogue_path(language: str):
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{CODE_DOMAIN}.po"


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    """The code catalogue of `language` as gettext translations (Babel compiles it in memory, with
    the catalogue's own plural rule); fuzzy entries and entries with an empty form do not count as
    translated, so their English shows and the translation gate names them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = catalogue_path(language)
    if not path.is_file():
        return gettext.NullTranslations()
    with open(path, "rb") as stream:
        catalogue = read_po(stream)
    for message in list(catalogue):
        forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.id and (message.fuzzy or not all(forms)):
            catalogue.delete(message.id, message.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=CODE_DOMAIN)


def _active() -> gettext.NullTranslations:
    return gettext.NullTranslations() if _language == SOURCE_LANGUAGE else _translations(_language)


def tr(message: str) -> str:
    """`message` in the current language (gettext). A missing translation shows the English text
    (and the translation gate fails the tests), so a chapter never stops for a missing string."""
    return _active().gettext(message)


def data_text(text: str) -> str:
    """A text the data carry (the manifest's titles and licences, the words of a table the book
    wrote) in the current language: `translations` extracts such texts from the data, not from the
    code, so a call on a variable is not mistaken for a message."""
    return tr(text)


def trc(context: str, message: str) -> str:
    """`message` in the current language, where the same English words need different translations
    in different sentences (gettext's msgctxt): `trc("energy_vs_deficit", "more than")`."""
    return _active().pgettext(context, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a sentence that agrees with `count`: English has two, Russian three ("1 год",
    "2 года", "5 лет"), chosen by the catalogue's plural rule. The sentence names its values
    (`{count}`, `{total}`...) and is formatted after it is chosen."""
    return _active().ngettext(singular, plural, count)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    """`ngettext` with a context: the same English sentence, another Russian case ("из 21 года")."""
    return _active().npgettext(context, singular, plural, count)


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FORMATS = {"ru": "dd.MM.yyyy"}  # GOST R 7.0.100 and Russian journals: 22.11.2026


def date(text: str) -> str:
    """An ISO date ("2026-11-22", as the manifest records it) the current language's way: kept in
    English, "22.11.2026" in Russian. Anything else (a word such as "not yet fetched") is returned as it is."""
    pattern = DATE_FORMATS.get(_language)
    if not pattern or not ISO_DATE.match(str(text)):
        return text
    from babel.dates import format_date

    return format_date(datetime.date.fromisoformat(text), format=pattern, locale=_language)


LIST_LOCALES = {"en": "en_GB"}  # the book's English is British: no comma before the last "and"


def listed(items) -> str:
    """Items as the current language lists them: "a, b and c", «a, b и c» (Babel's CLDR patterns),
    never a Python list; "" for none."""
    from babel.lists import format_list

    return format_list([str(item) for item in items], locale=LIST_LOCALES.get(_language, _language))


SENTENCE_ENDS = (".", "!", "?", "…")


def closed(text: str) -> str:
    """`text` ended with one full stop: a sentence whose last word is an abbreviation ("в 2022 г.")
    keeps the abbreviation's stop, never "г.."."""
    return text if text.endswith(SENTENCE_ENDS) else text + "."


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


MISSING = N_("n/a")  # a value the data lack, in a table's cell: "н/д" in Russian, never "nan"
MINUS_SIGNS = {"ru": "\u2212"}  # Russian typography sets negatives with the minus sign, not a hyphen


def missing(value) -> bool:
    """A value the data lack: None, NaN, or anything that is not a real number."""
    return not isinstance(value, numbers.Real) or math.isnan(value)


def number(value: float, decimals: int = 1, sign: bool = False, group: bool = False) -> str:
    """`value` rounded to `decimals` places in the current language: "1,234.5" / "1 234,5", with a
    narrow no-break space and the minus sign in Russian. `sign` writes "+" before a positive number;
    `group` separates thousands. A value that rounds to zero has no sign ("0.0", never "-0.0"); a
    missing value writes "n/a" — for a table's cell: a sentence says what is missing in its own words."""
    if missing(value):
        return tr(MISSING)
    rounded = Decimal(f"{value:.{decimals}f}")  # Python's rounding of the float, as an f-string writes it
    if rounded.is_zero():
        rounded = abs(rounded)
    digits = "#,##0" if group else "0"
    pattern = digits + ("." + "0" * decimals if decimals else "")
    if sign:
        pattern = f"+{pattern};-{pattern}" if not rounded.is_zero() else pattern
    text = format_decimal(rounded, format=pattern, locale=_language, group_separator=group)
    separator = GROUP_SEPARATORS.get(_language)
    text = text.replace("\u00a0", separator) if separator else text
    minus = MINUS_SIGNS.get(_language)
    return text.replace("-", minus) if minus else text


# d3-format and d3-time-format locales (Vega's `config.locale`) of each language but the source's.
VEGA_LOCALES = {
    "ru": {
        "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0₽"], "minus": "\u2212"},
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
