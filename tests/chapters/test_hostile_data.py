"""Data is untrusted input: whatever text a data file holds reaches the page as text. Generated
strings go through the chart and table HTML (fast, property-based); a corpus of markup of every
kind the pipeline parses goes through validation → chapter → Sphinx → HTML (slow)."""
from __future__ import annotations

import csv
import io
import json
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import pandas as pd
from bs4 import BeautifulSoup
from hostile import HOSTILE
from hypothesis import given, settings
from hypothesis import strategies as st

from belarus_trade.build.pipeline import build
from belarus_trade.chapters import charts
from belarus_trade.chapters.charts import stored_figures
from belarus_trade.data.snapshot import record

CSV_PREFIX = "data:text/csv;charset=utf-8,"


class Elements(HTMLParser):
    """Every start tag of a fragment, and the text of each <td>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "td":
            self._in_cell, self.cells = True, [*self.cells, ""]

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.cells[-1] += data


def parsed(fragment: str) -> Elements:
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def csv_rows(fragment: str) -> list[list[str]]:
    href = BeautifulSoup(fragment, "html.parser").select_one("a.bt-csv")["href"]
    assert href.startswith(CSV_PREFIX)
    return list(csv.reader(io.StringIO(urllib.parse.unquote(href[len(CSV_PREFIX):]), newline="")))


any_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=60)


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_a_table_cell_shows_any_text_as_text(value):
    fragment = charts.table("t", pd.DataFrame({"Document": [value]}), sources=["union_state_agreements"]).html()
    elements = parsed(fragment)
    assert elements.tags == ["div", "div", "div", "table", "thead", "tr", "th", "tbody", "tr", "td", "p", "span", "span", "span", "a"]
    assert elements.cells == [value.replace("\r\n", "\n").replace("\r", "\n")] or elements.cells == [value]
    shown = csv_rows(fragment)[1][0]
    assert shown == value or (shown == "'" + value and value.startswith(charts.FORMULA_START))


@settings(max_examples=25, deadline=None)
@given(any_text)
def test_a_chart_label_stays_inside_its_spec(value):
    frame = pd.DataFrame({"label": [value], "x": [1.0]})
    figure = charts.figure("f", alt.Chart(frame).mark_point().encode(x="x:Q", tooltip="label:N"),
                           sources=["union_state_agreements"], description=value)
    fragment = figure.html()
    assert parsed(fragment).tags.count("script") == 1  # the spec; nothing in the data opened another
    script = fragment.split('class="bt-chart-spec">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script
    (rows,) = stored_figures({"cells": [{"outputs": [{"data": {charts.FIGURE_MIMETYPE: fragment}}]}]})["f"]["datasets"].values()
    assert rows[0]["label"] == value


def test_formula_like_text_is_defused_in_the_csv_download_only():
    frame = pd.DataFrame({"text": ["=1+1", "+7", "-x", "@SUM(A1)", "plain"], "number": [-1.5, 2, 3, 4, 5]})
    fragment = charts.table("t", frame, sources=["union_state_agreements"]).html()
    assert [row[0] for row in csv_rows(fragment)[1:]] == ["'=1+1", "'+7", "'-x", "'@SUM(A1)", "plain"]
    assert [row[1] for row in csv_rows(fragment)[1:]] == ["-1.5", "2.0", "3.0", "4.0", "5.0"]
    assert parsed(fragment).cells[0] == "=1+1"  # the page shows the value as it is


# --- the whole pipeline -------------------------------------------------------------------------



def test_hostile_text_in_a_data_file_reaches_the_page_as_text(small_book):
    book, data_dir = small_book("chapters/union_state", "bibliography")
    path = data_dir / "union_state_agreements.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    planted = {}
    for index, value in enumerate(HOSTILE):
        row, column = index % len(frame), ("summary", "agreement")[index // len(frame) % 2]
        frame.loc[row, column] = value
        planted[value] = column
    frame.to_csv(path, index=False)
    record(path.name, data_dir)
    build(book, data_dir, log=lambda message: None)

    site = book / "_build" / "html"
    page = BeautifulSoup((site / "chapters" / "union_state.html").read_text(encoding="utf-8"), "html.parser")
    cells = {td.get_text() for td in page.select("#bt-table-6a-documents td")}
    assert set(HOSTILE) <= cells, "every planted string is shown, as written, in the documents table"
    assert page.select('img[src^="http"], a[href^="javascript:"], iframe, object, embed') == []
    assert [s.get("src") for s in page.select("script[src]") if "://" in s["src"]] == []
    built = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".txt"})
    assert "root:x:0:0" not in built, "a local file's content reached the site"
    assert not list(site.rglob("passwd"))
    assert not list(book.parent.rglob("PWNED")) and not Path("PWNED").exists()

    notebook = json.loads((book / "chapters" / "union_state.ipynb").read_text(encoding="utf-8"))
    (rows,) = stored_figures(notebook)["fig-6a-agreements"]["datasets"].values()
    for value, column in planted.items():
        assert value in {row[column] for row in rows}, "the chart's data holds the string unchanged"
    download = page.select_one("#bt-table-6a-documents a.bt-csv")["href"]
    table_csv = list(csv.reader(io.StringIO(urllib.parse.unquote(download[len(CSV_PREFIX):]), newline="")))
    assert any(cell.startswith("'=HYPERLINK") for row in table_csv for cell in row)
