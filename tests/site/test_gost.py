"""The Russian book's bibliography in GOST R 7.0.100–2018 (`belarus_trade.site.gost`, issue 20).

The style is tested through pybtex alone, on the book's own .bib entries and on small made-up ones:
exact descriptions for a journal article, an online source with a date, a Russian source in
Cyrillic and a work without an author, dates as DD.MM.YYYY, and the in-text labels. One test reads
the built site: the Russian page is GOST, the English page is as it was.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from pybtex.database import BibliographyData, parse_file, parse_string
from pybtex.plugin import find_plugin

from belarus_trade import BOOK_DIR
from belarus_trade.site import gost

BOOK = BOOK_DIR


@pytest.fixture(scope="module")
def book_entries():
    """Every entry of the book's .bib files, by key."""
    entries = {}
    for path in [BOOK / "references.bib", *sorted((BOOK / "bib").glob("*.bib"))]:
        entries.update(parse_file(str(path)).entries)
    return entries


def entry(source: str):
    """The one entry of a .bib text."""
    (only,) = parse_string(source, "bibtex").entries.values()
    return only


def rendered(bib_entry) -> str:
    """The entry as the registered "gost" pybtex style writes it, in plain text."""
    style = find_plugin("pybtex.style.formatting", "gost")()
    (formatted,) = style.format_entries([bib_entry])
    return formatted.text.render_as("text")


def test_the_style_is_registered_as_plugins():
    from sphinxcontrib.bibtex.plugin import find_plugin as find_referencing

    assert find_plugin("pybtex.style.formatting", "gost") is gost.GostStyle
    assert find_referencing("sphinxcontrib.bibtex.style.referencing", "gost_author_year") is gost.GostReferenceStyle


def test_a_journal_article_in_english():
    article = entry("""@article{a, author = {Anderson, James E. and van Wincoop, Eric},
        title = {{Gravity with Gravitas: A Solution to the Border Puzzle}}, journal = {American Economic Review},
        volume = {93}, number = {1}, pages = {170--192}, year = {2003}}""")
    assert rendered(article) == ("Anderson, J. E. Gravity with Gravitas: A Solution to the Border Puzzle / J. E. Anderson, "
                                 "E. van Wincoop // American Economic Review. – 2003. – Vol. 93, No. 1. – P. 170–192.")


def test_a_russian_article_with_its_author():
    article = entry("""@article{a, author = {Ivanov, I. I.}, author_ru = {Иванов, Иван Иванович}, langid = {russian},
        title = {{Заглавие статьи [The article's title]}}, journal = {Vestnik}, journal_ru = {Вестник},
        number = {2}, pages = {185--200}, year = {2025}}""")
    assert rendered(article) == "Иванов, И. И. Заглавие статьи / И. И. Иванов // Вестник. – 2025. – № 2. – С. 185–200."


def test_the_article_without_an_author_starts_with_its_title(book_entries):
    assert rendered(book_entries["article2025"]) == (
        "Контуры торгового взаимодействия России и Беларуси в новой геоэкономической реальности"
        " // Вестник Института экономики Российской академии наук. – 2025. – № 2. – С. 185–200.")


def test_a_russian_newspaper_online_in_cyrillic_with_its_date(book_entries):
    assert rendered(book_entries["union_state_rg2024"]) == (
        "Гайва, Е. Дмитрий Вольвач: Предложения по бренду «товар Союзного государства» представят к середине"
        " 2025 года / Е. Гайва. – Текст : электронный // Российская газета. – 20.11.2024. – URL: "
        "https://rg.ru/2024/11/18/v-minekonomrazvitiia-rasskazali-o-podgotovke-brenda-tovar-soiuznogo-gosudarstva.html.")


def test_an_online_source_with_an_access_date():
    page = entry("""@misc{a, author = {{World Bank}}, title = {{World Development Indicators}}, year = {2024},
        url = {https://datatopics.worldbank.org/world-development-indicators/}, urldate = {2024-11-13}}""")
    assert rendered(page) == ("World Development Indicators / World Bank. – 2024. – URL: "
                              "https://datatopics.worldbank.org/world-development-indicators/ (дата обращения: 13.11.2024)."
                              " – Текст : электронный.")


def test_an_online_source_without_an_access_date_gets_none_invented(book_entries):
    assert rendered(book_entries["itc_trademap"]) == (
        "Trade Map / International Trade Centre. – 2024. – URL: https://www.trademap.org/. – Текст : электронный.")


def test_a_decree_and_a_book_in_their_russian_published_form(book_entries):
    assert rendered(book_entries["belarus_programme_2016"]) == (
        "Об утверждении Программы социально-экономического развития Республики Беларусь на 2016–2020 годы"
        " : Указ Президента Республики Беларусь от 15 декабря 2016 г. № 466. – 2016.")
    assert rendered(book_entries["belstat2022"]) == (
        "Внешняя торговля Республики Беларусь. – Минск : Национальный статистический комитет Республики Беларусь, 2022.")


def test_a_url_is_not_read_as_latex(book_entries):
    # `--` in a punycode host stays two hyphens; the Russian book gives the address as the article prints it
    assert "URL: https://посткомсг.рф/docs/item/238636/." in rendered(book_entries["union_state_basic_directions2024"])
    assert "xn--p1ai" in rendered(entry("@misc{a, title = {T}, year = {2024}, url = {https://xn--c1anggbdpdf.xn--p1ai/}}"))


@pytest.mark.parametrize(("iso", "gost_date"), [("2024-11-20", "20.11.2024"), ("2023-05-11", "11.05.2023"), ("2024-01-02", "02.01.2024")])
def test_dates_read_day_month_year(iso, gost_date):
    assert gost.date(iso) == gost_date
    page = entry(f"@online{{a, title = {{T}}, journal = {{J}}, year = {{2000}}, date = {{{iso}}}, url = {{https://e.org/}}, urldate = {{{iso}}}}}")
    assert rendered(page) == f"T. – Текст : электронный // J. – {gost_date}. – URL: https://e.org/ (дата обращения: {gost_date})."


def test_five_authors_are_three_and_others(book_entries):
    assert rendered(book_entries["gsdb2020"]) == (
        "The Global Sanctions Data Base / G. Felbermayr, A. Kirilakha, C. Syropoulos [et al.]"
        " // European Economic Review. – 2020. – Vol. 129. – P. 103561.")


def test_no_english_placeholder_or_note_in_any_russian_description(book_entries):
    for key, bib_entry in book_entries.items():
        text = rendered(bib_entry)
        assert "Vestnik IE RAN article" not in text and "Cited in the article" not in text, key
        assert re.search(r"\. – ", text), key
        if bib_entry.fields.get("langid") == "russian":
            assert not re.search(r"\[[A-Z][^\]]*\]", text), f"{key} keeps its English translation: {text}"


def test_the_list_puts_cyrillic_first_then_latin_alphabetically(book_entries):
    style = gost.GostStyle()
    order = [formatted.text.render_as("text") for formatted in style.format_entries(book_entries.values())]
    cyrillic = [bool(gost.CYRILLIC.match(text)) for text in order]
    assert cyrillic == sorted(cyrillic, reverse=True) and cyrillic[0] and not cyrillic[-1]
    assert order.index(rendered(book_entries["union_state_rg2024"])) < order.index(rendered(book_entries["union_state_vedomosti2024"]))


@pytest.mark.parametrize(("key", "label"), [
    ("article2025", "Контуры торгового взаимодействия…"),
    ("union_state_rg2024", "Гайва"),
    ("union_state_vedomosti2024", "Кулагин"),
    ("union_state_belstat2024", "Статистический ежегодник Республики Беларусь"),
    ("union_state_anderson2003", "Anderson, van Wincoop"),
    ("gsdb2020", "Felbermayr et al."),
    ("pre_sanction_eec_mutual_trade_2018", "Decision of the Board…"),
])
def test_in_text_labels_name_what_the_entry_starts_with(book_entries, key, label):
    assert gost.label(book_entries[key]) == label


def test_a_reference_is_label_and_year_once(book_entries):
    """The referencing style as sphinxcontrib-bibtex calls it: «[Гайва, 2024]», not a doubled year."""
    from pybtex.backends.plaintext import Backend
    from sphinxcontrib.bibtex.style.referencing import format_references
    from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

    style = gost.GostReferenceStyle()
    info = SphinxReferenceInfo(builder=None, fromdocname="", todocname="", citation_id="", title=None, pre_text="", post_text="")
    keys = ["union_state_rg2024", "article2025"]
    references = [(book_entries[key], None, info) for key in keys]
    # plain text: render the reference's own text (no Sphinx builder to make a link with)
    text = format_references(style, "p", references)
    assert _plain(text, Backend()) == "[Гайва, 2024; Контуры торгового взаимодействия…, 2025]"


def _plain(text, backend) -> str:
    from sphinxcontrib.bibtex.richtext import BaseReferenceText

    if isinstance(text, BaseReferenceText):
        return "".join(_plain(part, backend) for part in text.parts)
    if hasattr(text, "parts"):
        return "".join(_plain(part, backend) for part in text.parts)
    return str(text)


def test_the_english_styles_are_untouched_by_the_russian_fields(book_entries):
    """`plain` reads none of the Russian fields: an entry renders the same with and without them."""
    plain = find_plugin("pybtex.style.formatting", "plain")()
    for key, bib_entry in book_entries.items():
        stripped = BibliographyData()
        stripped.add_entry(key, bib_entry.__class__(bib_entry.type, persons=bib_entry.persons, fields={
            name: value for name, value in bib_entry.fields.items()
            if not name.lower().endswith("_ru") and name.lower() not in ("langid", "date")}))
        (with_ru,) = plain.format_entries([bib_entry])
        (without,) = plain.format_entries(stripped.entries.values())
        assert with_ru.text.render_as("text") == without.text.render_as("text"), key


def _entries_of(page: Path) -> list[str]:
    """The bibliography list's entries as a reader reads them."""
    text = page.read_text(encoding="utf-8")
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", block)).split())
            for block in re.findall(r'<div class="citation"[\s\S]*?</div>', text)]


def test_the_built_bibliographies(built_site):
    russian, english = _entries_of(built_site / "ru" / "bibliography.html"), _entries_of(built_site / "bibliography.html")
    assert len(russian) == len(english) > 20
    assert all(" – " in entry for entry in russian)
    assert "[1] Беларусь и сотрудничество с Россией в экономической сфере. – Текст : электронный" in russian[0]
    assert not any("Vestnik IE RAN article" in entry or "Rossiyskaya Gazeta" in entry for entry in russian)
    assert any(entry.endswith("Контуры торгового взаимодействия России и Беларуси в новой геоэкономической реальности"
                              " // Вестник Института экономики Российской академии наук. – 2025. – № 2. – С. 185–200.")
               for entry in russian)
    # the English page as it was before the Russian book had its own style
    assert "[26] Vestnik IE RAN article. Контуры торгового взаимодействия России и Беларуси в новой геоэкономической" \
           " реальности [Contours of Russia–Belarus trade interaction in the new geoeconomic reality]. Vestnik Instituta" \
           " Ekonomiki Rossiiskoi Akademii Nauk [Bulletin of the Institute of Economics of the Russian Academy of Sciences]," \
           " pages 185–200, 2025." in " ".join(english)
    assert any("E. Gaiva. Дмитрий Вольвач" in entry and "Rossiyskaya Gazeta, 20 November 2024, 2024." in entry for entry in english)
    assert not any(" – Текст : электронный" in entry for entry in english)
    union_state = (built_site / "ru" / "chapters" / "union_state.html").read_text(encoding="utf-8")
    labels = {html.unescape(label) for label in re.findall(r'class="reference internal"[^>]*>([^<]*)</a>\]', union_state)}
    assert {"Гайва, 2024", "Кулагин, 2024"} <= labels and not any("Gaiva" in label for label in labels)
