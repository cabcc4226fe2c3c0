"""The Russian book's terminology (book/locales/ru/terminology.csv; see EDITORIAL.md there).

Each row names an English term of the book, the Russian term the book uses for it, where the
article uses that Russian term (or "not in article; edition's term") and the variants the book
must not use, separated by "|".

- The table is well formed, and every Russian term it attributes to the article occurs in the
  article's text (skipped when the article is not next to the project: it lives in the shared
  sources, ../shared/seeds, which CI does not have; nothing of it is copied into the project).
- On the built book: no page of the Russian book uses a variant to avoid, and a page whose
  English counterpart uses an English term uses the Russian term.

Inflection. pymorphy3 is not in requirements.txt, so terms are matched by stems instead of
lemmas: each word of five letters or more loses its last two letters (Russian case endings are one
or two letters: «политика» → «полити», «многовекторности» → «многовекторнос»), a four-letter word
loses its last letter («дуга» → «дуг»), and shorter words and abbreviations (two capitals or more:
ЕАЭС, КТЭС, ЕврАзЭС) are kept whole; each stem may then be followed by any letters. A term of several words
matches its stems in order, separated by anything that is not a letter (spaces, dashes, «ёлочки»)
or by an aside in brackets («промежуточных (сырья и материалов) товаров»); Ё counts as Е.
The article check asks first for the stem of the term's first word (the rule the editorial brief
fixed) and then for the whole term, after joining the words the PDF hyphenated across lines.
Matching is case-insensitive and starts at a word boundary.
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from test_translations import SKIPPED_ELEMENTS

from belarus_trade import PROJECT_ROOT
from belarus_trade.i18n import LOCALE_DIR

TABLE = LOCALE_DIR / "ru" / "terminology.csv"
COLUMNS = ["english", "russian", "article_usage", "avoid"]
NOT_IN_ARTICLE = "not in article"
ARTICLE = Path(os.environ.get("BELARUS_TRADE_ARTICLE", PROJECT_ROOT.parent / "shared" / "seeds" / "000_cd6d8f6ca40363f8.txt"))

# Pages whose text is not the book's prose: the bibliography keeps the works' own titles, and
# "What changed" quotes the English sentences of the editions' records.
NOT_PROSE = ("bibliography.html", "what_changed.html", "genindex.html", "search.html")


def read_table() -> list[dict[str, str]]:
    with open(TABLE, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def avoided(row: dict[str, str]) -> list[str]:
    return [variant.strip() for variant in row["avoid"].split("|") if variant.strip()]


def in_article(row: dict[str, str]) -> bool:
    return not row["article_usage"].strip().lower().startswith(NOT_IN_ARTICLE)


def stem(word: str) -> str:
    if sum(letter.isupper() for letter in word) >= 2 or len(word) < 4:
        return word
    return word[:-1] if len(word) == 4 else word[:-2]


def words(term: str) -> list[str]:
    return re.findall(r"\w+", term)


def fold(text: str) -> str:
    """Ё is written as Е in much Russian print (the article's «партнерство»)."""
    return text.replace("ё", "е").replace("Ё", "Е")


SEPARATOR = r"\w*\W+(?:\([^()]*\)\W*)?"  # between the words of a term: spaces, dashes, quotes, or an aside in brackets


def term_pattern(term: str) -> re.Pattern:
    """The term with each word reduced to its stem (see the module's docstring); search `fold`ed text."""
    return re.compile(r"\b" + SEPARATOR.join(re.escape(stem(word)) for word in words(fold(term))) + r"\w*", re.I)


def english_pattern(term: str) -> re.Pattern:
    """An English term as a whole phrase, singular or plural."""
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?:s|es)?\b", re.I)


def visible_text(page_html: str) -> str:
    """A page's text as a reader sees it, without code, scripts and English-marked passages."""
    body = re.search(r"<body\b.*?</body>", page_html, re.S)
    text = re.sub(r"<!--.*?-->", " ", body.group(0) if body else page_html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", SKIPPED_ELEMENTS.sub(" ", text))
    text = re.sub(r"&nbsp;|&#160;", "\u00a0", text)
    return re.sub(r"\s+", " ", text)


def test_matching_rules():
    assert term_pattern("политика многовекторности").search("Проводит ли политику многовекторности страна")
    assert term_pattern("дальняя дуга").search("страны «дальней дуги»")
    assert term_pattern("многовекторная политика").search("многовекторной политики Минска")
    assert not term_pattern("санкционный период").search("в досанкционный период")
    assert term_pattern("промежуточные товары").search("ввоза промежуточных (сырья и материалов) товаров")
    assert term_pattern("Большое Евразийское партнёрство").search(fold("Большого Евразийского партнерства"))
    assert term_pattern("«Один пояс — один путь»").search("инициативой «Один пояс – один путь»")
    assert english_pattern("sanction period").search("The sanction period, 2022–2024")
    assert not english_pattern("sanction period").search("the pre-sanction period")
    assert visible_text('<body><p>Текст</p><code>KTES = 1</code><span lang="en">ITC Trade Map</span></body>').split() == ["Текст"]


def test_terminology_table_is_well_formed():
    with open(TABLE, encoding="utf-8", newline="") as stream:
        assert next(csv.reader(stream)) == COLUMNS
    rows = read_table()
    assert len(rows) >= 20
    seen: set[str] = set()
    for number, row in enumerate(rows, 2):
        assert None not in row and all(row[column] is not None for column in COLUMNS), f"line {number}: not {len(COLUMNS)} columns"
        assert row["english"].strip() and row["russian"].strip(), f"line {number}: empty english or russian"
        assert row["article_usage"].strip(), f"line {number}: say where the article uses the term, or {NOT_IN_ARTICLE!r}"
        key = row["english"].strip().lower()
        assert key not in seen, f"line {number}: {row['english']!r} twice"
        seen.add(key)
        for variant in avoided(row):
            assert variant.lower() != row["russian"].strip().lower(), f"line {number}: avoids its own term"
            assert not term_pattern(variant).search(fold(row["russian"])), f"line {number}: {variant!r} would flag the term itself"
    assert sum(not in_article(row) for row in rows) <= len(rows) // 5, "keep the book's own terms few"


def test_terms_attributed_to_the_article_are_in_it():
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not next to the project ({ARTICLE}; set BELARUS_TRADE_ARTICLE): CI has no ../shared")
    raw = fold(ARTICLE.read_text(encoding="utf-8"))
    # A word the PDF broke across lines: «располо-\nжение» → «расположение», or a compound «торгово-\nэкономической».
    versions = [re.sub(r"\s+", " ", re.sub(r"(\w)-\s*\n\s*(\w)", rf"\1{hyphen}\2", raw)) for hyphen in ("", "-")]
    missing = []
    for row in read_table():
        if not in_article(row):
            continue
        first = stem(words(row["russian"])[0])
        if not any(re.search(r"\b" + re.escape(fold(first)), text, re.I) for text in versions):
            missing.append(f"{row['russian']} (stem {first!r})")
        elif not any(term_pattern(row["russian"]).search(text) for text in versions):
            missing.append(f"{row['russian']} (the whole term)")
    assert not missing, "not in the article: " + "; ".join(missing)


def test_russian_pages_use_the_terms(built_site):
    rows = read_table()
    russian_pages = sorted((built_site / "ru").rglob("*.html"))
    assert russian_pages
    problems = []
    for page in russian_pages:
        name = page.relative_to(built_site / "ru").as_posix()
        if name.startswith("_") or name.endswith(("genindex.html", "search.html")):
            continue
        text = fold(visible_text(page.read_text(encoding="utf-8")))
        for row in rows:
            for variant in avoided(row):
                found = term_pattern(variant).search(text)
                if found:
                    problems.append(f"ru/{name}: {found.group(0)!r} (use {row['russian']!r})")
        english_page = built_site / name
        if name.endswith(NOT_PROSE) or not english_page.is_file():
            continue
        english = visible_text(english_page.read_text(encoding="utf-8"))
        for row in rows:
            if english_pattern(row["english"]).search(english) and not term_pattern(row["russian"]).search(text):
                problems.append(f"ru/{name}: the English page says {row['english']!r}, the Russian one lacks {row['russian']!r}")
    assert not problems, f"{len(problems)} terminology problems:\n" + "\n".join(problems)
