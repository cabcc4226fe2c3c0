"""The translation gate (issue 13): every English message has its translation, and no English
sentence reaches a translated page.

- Each catalogue of `book/locales/<language>/LC_MESSAGES` is complete: no empty and no fuzzy
  entry (what `msgfmt --statistics` reports), and each translation keeps the MyST roles of its
  message (`{eval}`, `{ref}`, `{cite}`…) verbatim, since they carry the numbers and links
  (`{sub}` and `{sup}` only set type, and a formula's indices are translated).
- The catalogues are current: the text the code marks (`tr`, `N_`) and, in the slow test, the
  pages' prose as Sphinx extracts it now, are all in the catalogues. An English sentence added
  without `make translations` and its translation turns these tests red.
- The built translated pages hold no Latin-script sentence outside code, citations, the
  bibliography and text marked as English (`lang="en"`: proper names of sources, the link to
  the English book).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from belarus_trade import BOOK_DIR
from belarus_trade.build.translations import catalogue_states, code_entries
from belarus_trade.checks.audit import site_pages
from belarus_trade.i18n import CODE_DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

TRANSLATIONS = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
CATALOGUES = sorted(path for language in TRANSLATIONS for path in (LOCALE_DIR / language / "LC_MESSAGES").rglob("*.po"))
ROLE = re.compile(r"\{(?!sub\}|sup\})[a-z:-]+\}`[^`]*`")


def _messages(path: Path) -> dict[str, str]:
    """Message → translation; each form of a plural message is held to its singular message."""
    with open(path, "rb") as stream:
        messages = {}
        for m in read_po(stream):
            if m.pluralizable:
                messages.update({f"{m.id[0]} [{number}]": form for number, form in enumerate(m.string)})
            elif m.id:
                messages[m.id] = m.string
        return messages


def _catalogue_id(path: Path) -> str:
    return path.relative_to(LOCALE_DIR).as_posix()


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_page_and_the_code_have_a_catalogue(language):
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    assert (folder / f"{CODE_DOMAIN}.po").is_file()
    for page in [*BOOK_DIR.glob("*.md"), *(BOOK_DIR / "chapters").glob("*.ipynb")]:
        assert (folder / page.relative_to(BOOK_DIR).with_suffix(".po")).is_file(), f"{page.name}: run `make translations`"


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_catalogue_is_fully_translated(path):
    state = next(s for s in catalogue_states(path.relative_to(LOCALE_DIR).parts[0]) if s.path == path)
    assert not state.untranslated, f"{len(state.untranslated)} untranslated, first: {state.untranslated[0][:120]!r}"
    assert not state.fuzzy, f"{len(state.fuzzy)} fuzzy (the English changed), first: {state.fuzzy[0][:120]!r}"


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_translations_keep_the_roles_of_their_message(path):
    for message, translation in _messages(path).items():
        if translation:
            assert sorted(ROLE.findall(translation)) == sorted(ROLE.findall(message)), message[:120]


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_code_catalogue_holds_every_marked_string(language):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / f"{CODE_DOMAIN}.po", "rb") as stream:
        held = {(m.context, m.id) for m in read_po(stream) if m.id}
    missing = set(code_entries(BOOK_DIR)) - held
    assert not missing, f"not in the catalogue (run `make translations`): {sorted(missing)[:5]}"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_page_catalogues_hold_every_message_of_the_pages(language, page_templates):
    for template in sorted(page_templates.rglob("*.pot")):
        catalogue = LOCALE_DIR / language / "LC_MESSAGES" / template.relative_to(page_templates).with_suffix(".po")
        missing = set(_messages(template)) - set(_messages(catalogue) if catalogue.exists() else {})
        assert not missing, f"{catalogue.name}: {len(missing)} messages not in the catalogue, first: {sorted(missing)[0][:120]!r}"


# --- no English sentence on a translated page ----------------------------------------------

# Three Latin-script words in a row (a name of two words passes, a sentence does not).
LATIN_RUN = re.compile(r"\b[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){2,}")
SKIPPED_ELEMENTS = re.compile(
    r"<(script|style|pre|code|svg|math|noscript)\b.*?</\1>"
    r"|<(\w+)\b[^>]*\blang=\"en\"[^>]*>.*?</\2>"
    r'|<(div|dl|span)\b[^>]*\bclass="[^"]*\b(citation|bibtex-citation|highlight|cell_input|bt-chart-spec)\b[^"]*"[^>]*>.*?</\3>',
    re.S)
CITATION = re.compile(r"\[[^\[\]]*\b(?:1[89]|20)\d\d[a-z]?\s*\]")  # "[Author et al., 2025]" in the text


READ_ALOUD = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')  # words a reader meets outside the text


def latin_sentences(page_html: str) -> list[str]:
    """Runs of Latin-script words a reader meets on a page (its text, the theme's around it, and
    titles, labels and placeholders), outside code, citations and English-marked text."""
    body = re.search(r"<body\b.*?</body>", page_html, re.S)
    text = re.sub(r"<!--.*?-->", " ", body.group(0) if body else page_html, flags=re.S)
    text = SKIPPED_ELEMENTS.sub(" ", text)
    spoken = " | ".join(READ_ALOUD.findall(text))
    text = re.sub(r"<[^>]+>", " ", text) + " | " + spoken
    text = CITATION.sub(" ", re.sub(r"&\w+;|&#\d+;", " ", text))
    return LATIN_RUN.findall(text)


def test_latin_sentence_detector():
    assert latin_sentences("<body><p>Доля России выросла. This sentence is English.</p></body>")
    assert latin_sentences('<body><button title="Toggle primary sidebar">≡</button></body>')
    assert not latin_sentences('<body><p>По данным <span lang="en">World Bank Open Data</span> [Smith et al., 2020].</p>'
                               "<pre>print('hello world again')</pre><code>make book now</code>"
                               "<!-- a comment in the theme --></body>")


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translated_pages_have_no_english_sentence(built_site, language):
    pages = sorted((built_site / language).rglob("*.html"))
    assert pages
    found = {page.relative_to(built_site).as_posix(): latin_sentences(page.read_text(encoding="utf-8")) for page in pages}
    found = {page: runs for page, runs in found.items() if runs and "bibliography" not in page and "genindex" not in page}
    assert not found, "; ".join(f"{page}: {runs[:3]}" for page, runs in found.items())


# --- a translated language's notebooks (JupyterLab, the student kit) ------------------------------

MARKDOWN = """## Trade with Russia

The share rose: see {ref}`Figure 3 <fig-3>`. {ref}`Table 1 <table-1>` gives
the years, in `methods.shares`.

- first point, which
  runs on
- second point

Term
: its definition

| Year | Share |
|---|---|
| 2020 | high |

:::{exercise} A short title
:label: x-ex-1

Do it.
:::

```python
print("not prose")
```

```{code-block} python
print("not prose either")
```
"""
RUSSIAN = {
    "Trade with Russia": "Торговля с Россией",
    "The share rose: see {ref}`Figure 3 <fig-3>`. {ref}`Table 1 <table-1>` gives the years, in `methods.shares`.":
        "Доля выросла: см. {ref}`Figure 3 <fig-3>`. {ref}`Table 1 <table-1>` даёт годы, в `methods.shares`.",
    "first point, which runs on": "первый пункт, который продолжается",
    "second point": "второй пункт",
    "Term": "Термин", "its definition": "его определение",
    "Year": "Год", "Share": "Доля", "2020": "2020", "high": "высокая",
    "A short title": "Короткое название", "Do it.": "Сделайте это.",
}


def test_markdown_is_translated_in_place_keeping_its_markup():
    from belarus_trade import i18n
    from belarus_trade.publish.notebooks import translate_markdown

    with i18n.speaking("ru"):
        text, missing = translate_markdown(MARKDOWN, RUSSIAN)
    assert not missing
    assert text.startswith("## Торговля с Россией\n\nДоля выросла: см. {ref}`рис.\u00a03 <fig-3>`. "
                           "{ref}`Табл.\u00a01 <table-1>` даёт годы, в `methods.shares`.\n\n")
    assert "- первый пункт, который продолжается\n- второй пункт\n" in text
    assert "Термин\n: его определение" in text
    assert "| Год | Доля |\n|---|---|\n| 2020 | высокая |" in text
    assert ":::{exercise} Короткое название\n:label: x-ex-1\n\nСделайте это.\n:::" in text
    assert '```python\nprint("not prose")\n```' in text
    assert '```{code-block} python\nprint("not prose either")\n```' in text


def test_markdown_without_a_translation_is_named():
    from belarus_trade.publish.notebooks import translate_markdown

    text, missing = translate_markdown(MARKDOWN, {k: v for k, v in RUSSIAN.items() if k != "second point"})
    assert missing == ["second point"] and "- second point" in text


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translated_notebooks_have_no_english_prose(built_site, language):
    """Every chapter as a translated notebook (what `make lab-ru` opens): all its Markdown in the
    language (a missing translation raises), the same code and outputs as the language's run."""
    from belarus_trade.build.book import chapters, executed_copy
    from belarus_trade.publish.notebooks import translated_notebook

    for chapter in chapters():
        notebook = translated_notebook(chapter, language)
        executed = json.loads(executed_copy(chapter, BOOK_DIR, language).read_text(encoding="utf-8"))
        assert [c["outputs"] for c in notebook["cells"] if c["cell_type"] == "code"] == \
            [c["outputs"] for c in executed["cells"] if c["cell_type"] == "code"]
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                prose = re.sub(r"\{[a-z:-]+\}`[^`]*`|`[^`]*`|\[[^\]]*\]\{\.language-en\}|^:[\w-]+:.*$", " ",
                               "".join(cell["source"]), flags=re.M)
                assert not LATIN_RUN.findall(prose), f"{chapter.name}: {LATIN_RUN.findall(prose)[:3]}"


# --- what a reader in either language never sees (issue 20) ------------------------------------

NEVER_SHOWN = {
    "an escape instead of a character": re.compile(r"\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}"),
    "nan for a missing value": re.compile(r"\bnan\b", re.IGNORECASE),
    "a negative zero": re.compile(r"[-\u2212]0(?:[.,]0+)?(?![\d.,])"),
    "a doubled full stop (\"в 2022 г..\")": re.compile(r"(?<!\.)\.\.(?!\.)"),
    "the theme's calque «Копирайт»": re.compile("Копирайт"),
}
SERIES_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:[._][A-Z0-9]+)+\b|\b[A-Z]{2,}\b")  # NE.TRD.GNFS.ZS, DOTS, IMTS


def reader_text(page_html: str, drop: str = "script, style, pre, code, .cell_input, div.highlight", part: str = "main") -> str:
    """The text a reader sees in `part` of a page (its main column, or the whole body), code aside."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    main = soup.find(part) or soup
    for element in main.select(drop):
        element.decompose()
    return " ".join(main.get_text(" ").split())


def cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if "а" <= c.lower() <= "я" or c.lower() == "ё") / max(len(letters), 1)


def test_no_page_shows_an_escape_nan_or_a_negative_zero(built_site):
    """Every page of both languages, as a reader sees its text (code excluded)."""
    pages = [built_site / name for name in site_pages(built_site)]
    assert len(pages) > 20
    found = []
    for page in pages:
        text = reader_text(page.read_text(encoding="utf-8"), part="body")  # navigation and footer too
        found += [f"{page.relative_to(built_site)}: {what}: …{text[max(0, m.start() - 40):m.end() + 20]}…"
                  for what, pattern in NEVER_SHOWN.items() for m in pattern.finditer(text)]
    assert not found, "\n".join(found[:10])


@pytest.mark.parametrize("language", [language for language in TRANSLATIONS if language == "ru"])
def test_russian_chapters_read_in_russian(built_site, language):
    """The chapter pages, the appendix included, are at least 85 % Cyrillic among their letters
    (code aside), and every source line under a chart or table is Russian apart from proper names
    and series codes."""
    chapters = sorted((built_site / language / "chapters").glob("*.html"))
    assert len(chapters) >= 7
    sources = 0
    for page in chapters:
        page_html = page.read_text(encoding="utf-8")
        share = cyrillic_share(reader_text(page_html))
        assert share >= 0.85, f"{page.name}: {share:.0%} Cyrillic"
        for line in re.findall(r'<span class="bt-source">(.*?)</span>\.', page_html, re.S):
            text = SERIES_CODE.sub(" ", reader_text(line, drop="script"))
            sources += 1
            assert text.startswith("Источник:") and cyrillic_share(text) >= 0.6, f"{page.name}: {text[:160]}"
    assert sources >= 20
