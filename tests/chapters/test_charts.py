"""The chart policy: deterministic, self-contained, escaped outputs with source and CSV."""
from __future__ import annotations

import base64
import html
import json
import re
import urllib.parse

import altair as alt
import nbformat
import pandas as pd
import pytest

from belarus_trade import i18n
from belarus_trade.chapters import charts
from belarus_trade.chapters.charts import (
    FIGURE_MIMETYPE,
    NO_DATA_LINE_CHARS,
    VEGA_MIMETYPE,
    Attribution,
    ChartFigure,
    DataTable,
    describe_series,
    no_data_figure,
    styled,
)
from belarus_trade.data.manifest import resource_descriptor

FRAME = pd.DataFrame({"year": [2020, 2021, 2020, 2021], "series": ["A", "A", "<b>B</b>", "<b>B</b>"], "value": [1.0, 2.5, 3.0, 0.5]})


def figure(frame=FRAME, key="fig-test") -> ChartFigure:
    chart = styled(alt.Chart(frame).mark_line().encode(x="year:O", y="value:Q", color="series:N"))
    return ChartFigure(key, chart, Attribution(["wdi"], "A note & more."), describe_series(frame, "year", "value", "series", "%"))


def csv_of(markup: str) -> pd.DataFrame:
    href = re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', markup).group(1)
    from io import StringIO

    return pd.read_csv(StringIO(urllib.parse.unquote(html.unescape(href))))


def test_output_is_deterministic_and_has_no_random_ids():
    first, second = figure()._repr_mimebundle_(), figure()._repr_mimebundle_()
    assert first == second
    assert "altair-viz" not in first[FIGURE_MIMETYPE]
    assert 'id="bt-fig-test"' in first[FIGURE_MIMETYPE]


def test_bundle_serves_the_book_jupyterlab_and_viewers_without_javascript():
    bundle = figure()._repr_mimebundle_()
    markup = bundle[FIGURE_MIMETYPE]
    spec = json.loads(re.search(r'class="bt-chart-spec">(.*?)</script>', markup, re.S).group(1))
    assert spec["mark"]["type"] == "line" and spec == figure().spec()
    svg = base64.b64decode(re.search(r'data:image/svg\+xml;base64,([^"]+)"', markup).group(1)).decode()
    assert svg.startswith("<svg") and "2021" in svg and svg == bundle["image/svg+xml"]
    # JupyterLab 4 draws Vega v5: the spec is compiled Vega, labelled v5, with the plotted rows.
    vega = bundle[VEGA_MIMETYPE]
    assert vega["$schema"].endswith("/vega/v5.json") and "marks" in vega
    assert any(row.get("value") == 2.5 for data in vega["data"] for row in data.get("values", []))
    # No other viewer prefers the book's own MIME type, so none shows its HTML instead of the chart.
    assert "text/html" not in bundle


def test_figure_output_is_valid_nbformat():
    output = nbformat.v4.new_output("display_data", data=figure()._repr_mimebundle_())
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("figure", outputs=[output])])
    nbformat.validate(notebook)


def test_figure_helper_themes_and_sizes_a_chart_but_keeps_its_own_size():
    plain = charts.figure("fig-x", alt.Chart(FRAME).mark_line().encode(x="year:O", y="value:Q"), ["wdi"], "desc")
    assert plain.spec()["width"] == charts.WIDTH and plain.spec()["config"]["range"]["category"] == charts.PALETTE
    tall = charts.figure("fig-y", alt.Chart(FRAME).mark_bar().encode(x="year:O", y="value:Q").properties(height=500), ["wdi"], "d")
    assert tall.spec()["height"] == 500 and tall.spec()["width"] == charts.WIDTH
    assert 'id="bt-fig-y"' in tall.html() and 'Source: <span>World Bank' in tall.html()


def test_stored_figures_reads_each_figure_spec_back_from_a_notebook():
    output = nbformat.v4.new_output("display_data", data=figure(key="fig-<1>")._repr_mimebundle_())
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("figure", outputs=[output])])
    assert charts.stored_figures(notebook) == {"fig-<1>": figure().spec()}


def test_csv_download_is_exactly_the_plotted_data():
    downloaded = csv_of(figure().html())
    pd.testing.assert_frame_equal(downloaded, FRAME)


def test_source_line_names_publisher_licence_and_retrieval_date():
    """The source line is the manifest's words (its source's title and licence), in the reader's language."""
    wdi = resource_descriptor("wdi")
    title, licence = wdi["sources"][0]["title"], wdi["licenses"][0]["title"]
    markup = figure().html()
    assert f"Source: <span>{html.escape(title)} ({html.escape(licence)})</span>." in markup
    with i18n.speaking("ru"):  # the manifest's words from the catalogue: the source line reads in Russian
        russian = figure().html()
        russian_title = i18n.data_text(title)
        translated = f"Источник: <span>{html.escape(russian_title)} ({html.escape(i18n.data_text(licence))})</span>."
    assert translated in russian and russian_title != title, "the Russian page names the source in Russian"
    assert re.search(r"Data retrieved: \d{4}-\d{2}-\d{2}\.", markup)
    assert "A note &amp; more." in markup


def test_labels_from_data_are_escaped():
    markup = figure().html()
    before_spec = markup.split('class="bt-chart-spec"')[0]
    assert "<b>B</b>" not in before_spec
    assert "&lt;b&gt;B&lt;/b&gt;" in before_spec  # in the text alternative
    table = DataTable("t", FRAME, Attribution(["wdi"])).html()
    assert "<b>B</b>" not in table and "&lt;b&gt;B&lt;/b&gt;" in table


def test_spec_cannot_close_its_script_element():
    frame = FRAME.assign(series=["</script><script>alert(1)</script>"] * 4)
    markup = figure(frame).html()
    spec_block = re.search(r'class="bt-chart-spec">(.*?)</script>', markup, re.S).group(1)
    assert "<" not in spec_block and "\\u003c/script\\u003e" in spec_block
    assert json.loads(spec_block)["datasets"]  # still JSON, the value unchanged for its readers
    (rows,) = json.loads(spec_block)["datasets"].values()
    assert rows[0]["series"] == "</script><script>alert(1)</script>"


def test_chart_must_carry_its_data_as_one_frame():
    chart = alt.Chart("data.csv").mark_line().encode(x="year:O", y="value:Q")
    with pytest.raises(TypeError, match="one DataFrame"):
        ChartFigure("fig-x", chart, Attribution(["wdi"]), "text")


def test_description_is_computed_from_the_data():
    text = describe_series(FRAME, "year", "value", "series", "%")
    assert text == "A: 1.0% in 2020, 2.5% in 2021, highest 2.5% in 2021; <b>B</b>: 3.0% in 2020, 0.5% in 2021, highest 3.0% in 2020."


def test_table_cells_carry_sort_values_and_formats():
    table = DataTable("t", pd.DataFrame({"Partner": ["EU"], "2021": [17.1], "missing": [float("nan")]}), Attribution(["article_table1"]))
    assert 'lang="en"' not in table.html().split("<tbody>")[1].split("</tbody>")[0]
    named = DataTable("t", pd.DataFrame({"Publisher": ["World Bank"], "Rows": [3]}), Attribution(["wdi"]), english_columns=("Publisher",))
    assert '<td>World Bank</td>' in named.html() and '<td data-sort="3">3</td>' in named.html()
    with i18n.speaking("ru"):  # a name the catalogue leaves in English is marked so on a Russian page
        assert '<td lang="en">World Bank</td>' in named.html()
        assert '<td lang="en">' not in DataTable("t", pd.DataFrame({"Publisher": ["Всемирный банк"]}), Attribution(["wdi"]),
                                                 english_columns=("Publisher",)).html()
    markup = table.html()
    assert '<td data-sort="17.1">17.1</td>' in markup
    assert "<td>–</td>" in markup


def test_no_data_message_is_wrapped_to_the_chart_width():
    message = ("Not drawn (the article's chart covers 2000–2023): UNCTAD's export concentration index is not in the "
               "snapshot yet (make refresh fetches UNCTADstat's bulk file when online).")
    figure = no_data_figure("fig-x", message, ["wdi"])
    spec = figure.spec()
    lines = spec["encoding"]["text"]["value"].split("\n")
    assert len(lines) > 1 and all(len(line) <= NO_DATA_LINE_CHARS for line in lines)
    assert " ".join(lines) == message and spec["mark"]["lineBreak"] == "\n"
    assert spec["height"] == 30 + 20 * len(lines)
    assert figure.plotted.message.tolist() == [message] and figure.description == message



def test_charts_are_laid_out_to_the_policy_width_with_their_axes_and_legends():
    """`fit-x`: the static image is WIDTH px wide in all, however long its labels, so it prints at
    its own size; the img element carries that size (no layout shift, no stretching)."""
    frame = pd.DataFrame({"label": ["A label long enough to push a fixed-width plot past the column's edge", "B"],
                          "value": [1.0, 2.0]})
    wide = charts.figure("fig-wide", alt.Chart(frame).mark_bar().encode(
        x="value:Q", y=alt.Y("label:N", axis=alt.Axis(labelLimit=400)), color="label:N"), ["wdi"], "Bars, 2020.")
    assert wide.spec()["config"]["autosize"] == {"type": "fit-x", "contains": "padding"}
    width, height = wide.static_size()
    assert width == charts.WIDTH and height > charts.HEIGHT
    assert re.search(rf'<svg[^>]*\bwidth="{charts.WIDTH}"', wide.static_svg())
    assert f'class="bt-chart-static" alt="Bars, 2020." width="{width}" height="{height}"' in wide.html()


def test_table_scrolls_in_a_named_region_and_its_headers_wait_for_the_script():
    """Without JavaScript a wide table still scrolls by keyboard (a focusable, named region);
    bt-charts.js turns each header into a sort button, so the HTML has no tab stop on a th."""
    markup = DataTable("t", FRAME, Attribution(["wdi"])).html()
    assert '<div class="bt-table-scroll" role="region" tabindex="0" aria-label="Table (scrolls sideways)"><table class="bt-sortable">' in markup
    assert re.findall(r"<th\b[^>]*>", markup) == ['<th scope="col">'] * len(FRAME.columns)


def test_russian_charts_write_russian_text_and_numbers():
    """In the Russian book the chart's own words come from the code catalogue and its numbers
    use the decimal comma, in the text alternative, the table and the chart's Vega locale."""
    from belarus_trade import i18n

    with i18n.speaking("ru"):
        markup = figure().html()
        table_markup = DataTable("table-x", pd.DataFrame({"value": [1234.5]}), Attribution(["wdi"])).html()
        assert "Источник:" in markup and "Скачать данные (CSV)" in markup and "Текстовое описание" in markup
        assert "1,0% в 2020\u00a0г." in markup and "г.." not in markup
        assert "1\u202f234,5" in table_markup
        assert figure().spec()["config"]["locale"]["number"]["decimal"] == ","
