"""What a page holds of a figure, for its "Cite or download" panel (`belarus_trade.site.figure_parts`):
the chart policy's HTML read back, the caption's number and title in each language, and the files
written from them."""
from __future__ import annotations

import json
import struct

import altair as alt
import pandas as pd
import pytest
from docutils import nodes

from belarus_trade import i18n
from belarus_trade.chapters.charts import Attribution, ChartFigure, DataTable, spreadsheet_safe, styled
from belarus_trade.data.manifest import read_manifest
from belarus_trade.site.figure_parts import caption_label, caption_title, figure_files, read_stored_figure, title_span

FRAME = pd.DataFrame({"year": [2020, 2021], "series": ["<b>A</b>", "=1+1"], "value": [1.0, 2.5]})
RETRIEVED = {r["name"]: r["retrieved"] for r in read_manifest()["resources"]}["wdi"]


@pytest.fixture
def russian():
    with i18n.speaking("ru"):
        yield


def chart_figure(key="fig-9z-test") -> ChartFigure:
    chart = styled(alt.Chart(FRAME).mark_line().encode(x="year:O", y=alt.Y("value:Q", title="Value, %"), color="series:N"))
    return ChartFigure(key, chart, Attribution(["wdi"]), "A line.")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return spreadsheet_safe(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


# --- what the chart policy stored ---------------------------------------------------------------

@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_a_chart_is_read_back_as_the_chart_policy_wrote_it(language):
    with i18n.speaking(language):
        figure = chart_figure()
        stored = read_stored_figure(f"<p>before</p>{figure.html()}")
        assert stored.retrieved == i18n.date(RETRIEVED)  # the source line's date, in the page's language
    assert (stored.kind, stored.key) == ("chart", "fig-9z-test")
    assert stored.spec == figure.spec() and stored.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert stored.svg == figure.static_svg().encode("utf-8")
    assert stored.csv == csv_bytes(FRAME)  # "<b>A</b>" and the defused "'=1+1" as the CSV link holds them


def test_a_table_is_read_back_with_no_image_or_spec():
    table = DataTable("table-9z", FRAME, Attribution(["wdi"]))
    stored = read_stored_figure(table.html())
    assert (stored.kind, stored.key, stored.spec, stored.svg) == ("table", "table-9z", None, None)
    assert stored.csv == csv_bytes(FRAME) and stored.retrieved == RETRIEVED


def test_other_html_is_no_figure():
    assert read_stored_figure("<p>A paragraph</p>") is None
    assert read_stored_figure('<div class="bt-chart" id="bt-x"><p>no data link</p></div>') is None


# --- the caption --------------------------------------------------------------------------------

def caption(lead: str, *rest: nodes.Node | str) -> nodes.caption:
    return nodes.caption("", "", nodes.strong(lead, lead), *(nodes.Text(part) if isinstance(part, str) else part for part in rest))


def test_the_label_is_the_captions_number_in_english_words():
    assert caption_label(caption("Figure 3c", " (added by the book). Trade.")) == "Figure 3c"
    assert caption_label(caption("Figure 1.", " Trade openness.")) == "Figure 1"
    assert caption_label(caption("Table B", " (added by the book). Files.")) == "Table B"
    assert caption_label(caption("Note", " Not a figure.")) is None
    assert caption_label(nodes.caption("", "", nodes.Text("Figure 1. Not bold."))) is None


def test_a_translated_captions_label_is_read_in_its_words(russian):
    assert caption_label(caption("Рисунок 2b", " (добавлен в книге). Цель.")) == "Figure 2b"
    assert caption_label(caption("Таблица 1.", " Структура.")) == "Table 1"


# Captions as the built book writes them (after the bold lead): the title is the first sentence.
@pytest.mark.parametrize("after_lead, title", [
    (" (added by the book). Shares of Russia, the EU and China in Belarus’s goods exports and imports, from the article’s "
     "Table 1. Click a legend entry to highlight a partner.",
     "Shares of Russia, the EU and China in Belarus’s goods exports and imports, from the article’s Table 1"),
    (" Belarus’s goods exports, imports and balance, billion USD (article’s Fig. 2).",
     "Belarus’s goods exports, imports and balance, billion USD (article’s Fig. 2)"),
    (" (добавлен в книге). Цель по экспорту на 2016–2020 годы. Щелчок по легенде.", "Цель по экспорту на 2016–2020 годы"),
    (" Товарный экспорт, импорт и сальдо Беларуси, млрд долл. США (рис. 2 статьи).",
     "Товарный экспорт, импорт и сальдо Беларуси, млрд долл. США (рис. 2 статьи)"),
    (" (added by the book). The documents as the U. S. lists them. More.", "The documents as the U. S. lists them"),
    (" (added by the book).", ""),
])
def test_the_title_is_the_first_sentence_after_the_lead(after_lead, title):
    text = "Figure 2" + after_lead
    start, end = title_span(text, len("Figure 2"))
    assert text[start:end] == title


def test_the_title_keeps_the_captions_marks_and_stops_inside_them():
    english = nodes.inline("Global Sanctions Data Base", "Global Sanctions Data Base", classes=["language-en"])
    title = caption_title(caption("Рисунок 2d", " (добавлен в книге). Случаи в ", english, " по периодам. Ещё."))
    paragraph = nodes.paragraph("", "", *title)
    assert paragraph.astext() == "Случаи в Global Sanctions Data Base по периодам"
    assert [node["classes"] for node in paragraph.findall(nodes.inline)] == [["language-en"]]
    cut = caption_title(caption("Figure 1.", " ", nodes.emphasis("", "Trade. Openness"), " rest."))
    assert nodes.paragraph("", "", *cut).astext() == "Trade" and isinstance(cut[0], nodes.emphasis)


# --- the files ----------------------------------------------------------------------------------

def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_a_charts_files_are_written_once_and_the_png_is_drawn_once(tmp_path, monkeypatch):
    figure = chart_figure()
    stored = read_stored_figure(figure.html())
    site, cache = tmp_path / "site", tmp_path / "cache"
    files = figure_files(stored, site, cache)
    assert sorted(files) == ["csv", "png", "spec", "svg"]
    assert (site / files["csv"]).read_bytes() == csv_bytes(FRAME)
    assert (site / files["svg"]).read_bytes() == figure.static_svg().encode("utf-8")
    assert json.loads((site / files["spec"]).read_text(encoding="utf-8")) == figure.spec()
    assert files["png"].startswith("_images/") and files["spec"].startswith("_downloads/")
    width, height = figure.static_size()
    assert png_size((site / files["png"]).read_bytes()) == (2 * width, 2 * height)  # as drawn, at twice its size

    import vl_convert

    def no_second_drawing(*args, **kwargs):
        raise AssertionError("the PNG was drawn again")

    monkeypatch.setattr(vl_convert, "vegalite_to_png", no_second_drawing)
    assert figure_files(stored, tmp_path / "another site", cache) == files  # from the build folder's copy


def test_a_tables_only_file_is_its_csv(tmp_path):
    stored = read_stored_figure(DataTable("table-9z", FRAME, Attribution(["wdi"])).html())
    assert list(figure_files(stored, tmp_path, tmp_path / "cache")) == ["csv"]
