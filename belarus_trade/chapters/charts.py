"""The book's one chart policy: theme, rendering, source line, CSV download, text alternative.

Every chart and table in the book goes through `ChartFigure` or `DataTable`. Their output is
deterministic (no random element ids, no counters), so nbval can compare stored and fresh
outputs, and self-contained: the HTML holds the Vega-Lite spec, a static SVG for print and
readers without JavaScript, the source line with the data's retrieval date, and the plotted
data as a CSV download. The Vega libraries themselves are served from the book's own
`_static` folder (`site.assets` writes them there), so pages work with no network.
"""
from __future__ import annotations

import base64
import html
import json
import re
import textwrap
import urllib.parse
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from belarus_trade import i18n
from belarus_trade.data.manifest import read_manifest
from belarus_trade.i18n import N_, tr

VEGA_LITE_VERSION = "6.4"
# A figure's output carries one representation per kind of reader (see ChartFigure):
FIGURE_MIMETYPE = "application/vnd.belarus-trade.figure+html"  # the book's page (site.figures renders it)
VEGA_MIMETYPE = "application/vnd.vega.v5+json"  # JupyterLab draws it (its renderer knows Vega v5)
VEGA_SCHEMA = "https://vega.github.io/schema/vega/v5.json"
# WIDTH is a chart's whole width, axes and legends included: the column of an A4 page printed with
# 15 mm margins (`make pdf`) is 600 px, so the static image prints at its own size, never shrunk.
WIDTH, HEIGHT = 600, 300
NO_DATA_LINE_CHARS = 75  # a 14 px line of the no-data message that fits the chart width

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale print.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999"]

# Every chart is laid out to WIDTH px in all, axes and legends included ("fit-x"). On the page
# bt-charts.js draws the same spec at its column's width.
AUTOSIZE = {"type": "fit-x", "contains": "padding"}

# Two legends below a chart (colour, and the source's shape) one above the other, not side by side:
# side by side, a long label of the second ran past the image's 600 px and was cut. Vega's legend
# layout, which Vega-Lite passes on to Vega but Altair's schema does not know, so set in the spec.
LEGEND_LAYOUT = {"bottom": {"direction": "vertical", "anchor": "start"}}

# An x axis whose labels would come closer than LABEL_SEPARATION px shows every other one (Vega's
# labelOverlap), so years never run together into one string on a narrow chart or on paper.
LABEL_SEPARATION = 4

THEME = {
    "autosize": AUTOSIZE,
    "background": "white",
    "font": "sans-serif",
    "view": {"stroke": None},
    "range": {"category": PALETTE},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridColor": "#e6e6e6", "domainColor": "#888"},
    "axisX": {"grid": False, "labelOverlap": True, "labelSeparation": LABEL_SEPARATION},
    "legend": {"orient": "bottom", "labelFontSize": 12, "titleFontSize": 12, "labelLimit": 320},
    "title": {"fontSize": 14, "anchor": "start"},
    "line": {"strokeWidth": 2.5},
    "point": {"size": 40, "filled": True},
}


def theme() -> dict:
    """The book's chart config, with the current language's number and date conventions."""
    locale = i18n.vega_locale()
    return {**THEME, "locale": locale} if locale else THEME


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the book's size and theme; every chart builder ends with this."""
    return chart.properties(width=WIDTH, height=HEIGHT).configure(**theme())


def source_line(resource_names: list[str], data_dir=None) -> tuple[str, str]:
    """The publishers and series behind a chart, and the latest retrieval date of its data: the
    manifest's words in the current language (its titles and licences are in the code catalogue)."""
    resources = {r["name"]: r for r in read_manifest(data_dir)["resources"]}
    parts, dates = [], []
    for name in resource_names:
        resource = resources[name]
        src = resource["sources"][0]
        licence = resource["licenses"][0].get("title", resource["licenses"][0]["name"])
        parts.append(tr("{source} ({licence})").format(source=i18n.data_text(src["title"]), licence=i18n.data_text(licence)))
        dates.append(resource.get("retrieved", ""))
    return "; ".join(parts), max(dates)


def untranslated(text: str) -> str:
    """` lang="en"` for a text a translated page shows in English (a source's name the catalogue
    does not translate), so a reader's voice pronounces it right; nothing otherwise."""
    return ' lang="en"' if i18n.current() != i18n.SOURCE_LANGUAGE and text.isascii() and any(c.isalpha() for c in text) else ""


def script_safe_json(value) -> str:
    """JSON for a `<script>` element: with `<`, `>` and `&` as JSON escapes, no text from the data
    can close the element or open a comment in it; JSON readers get the same characters back."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV download opened in a spreadsheet: a text cell starting like a formula gets a leading
    apostrophe (OWASP's advice against formula injection); numbers stay numbers. The file ends its
    lines with CRLF (RFC 4180), so a line break inside a value is quoted, not a new row."""
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if not text_columns:
        return frame
    safe = frame.copy()
    for column in text_columns:
        safe[column] = safe[column].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return safe


@dataclass
class Attribution:
    """Where the data of a chart or table comes from, shown beneath it."""

    resources: list[str]
    note: str = ""
    data_dir: object = None

    def html(self, key: str, frame: pd.DataFrame) -> str:
        sources, retrieved = source_line(self.resources, self.data_dir)
        note = f" {html.escape(self.note)}" if self.note else ""
        csv_href = "data:text/csv;charset=utf-8," + urllib.parse.quote(spreadsheet_safe(frame).to_csv(index=False, lineterminator="\r\n"))
        source, updated, download = (html.escape(tr(text)) for text in (N_("Source:"), N_("Data retrieved:"), N_("Download the data (CSV)")))
        return (
            f'<p class="bt-meta"><span class="bt-source">{source} <span{untranslated(sources)}>{html.escape(sources)}</span>.{note}</span> '
            f'<span class="bt-updated">{updated} {html.escape(i18n.date(retrieved))}.</span> '
            f'<a class="bt-csv" download="{html.escape(key)}.csv" href="{csv_href}">{download}</a></p>'
        )


@dataclass
class ChartFigure:
    """An Altair chart packaged for the book: interactive HTML, static SVG, source, CSV, alt text."""

    key: str
    chart: alt.TopLevelMixin
    attribution: Attribution
    description: str
    plotted: pd.DataFrame = field(init=False)
    _spec: dict = field(init=False, repr=False)
    _svg: str | None = field(init=False, repr=False, default=None)

    def __post_init__(self):
        if not isinstance(self.chart.data, pd.DataFrame):
            raise TypeError(f"chart '{self.key}' must carry its data as one DataFrame, so the CSV download is exactly what is plotted")
        self.plotted = self.chart.data
        self._spec = self.chart.to_dict()  # validated once; every output below reuses it
        self._spec.setdefault("config", {}).setdefault("legend", {}).setdefault("layout", LEGEND_LAYOUT)

    def spec(self) -> dict:
        return self._spec

    def static_svg(self) -> str:
        import vl_convert

        if self._svg is None:
            self._svg = vl_convert.vegalite_to_svg(self.spec(), vl_version=VEGA_LITE_VERSION)
        return self._svg

    def static_size(self) -> tuple[int, int]:
        """The static image's own width and height in px (its root element's attributes)."""
        root = re.search(r"<svg\b[^>]*>", self.static_svg()).group(0)
        width, height = (re.search(rf'\b{name}="([0-9.]+)"', root) for name in ("width", "height"))
        return (round(float(width.group(1))) if width else WIDTH, round(float(height.group(1))) if height else HEIGHT)

    def html(self) -> str:
        spec = self.spec()
        spec_json = script_safe_json(spec)
        svg = base64.b64encode(self.static_svg().encode("utf-8")).decode("ascii")
        width, height = self.static_size()
        alt_text = html.escape(self.description)
        summary = html.escape(tr("Text description"))
        return (
            f'<div class="bt-chart" id="bt-{html.escape(self.key)}">'
            f'<div class="bt-chart-live" role="img" aria-label="{alt_text}"></div>'
            f'<img class="bt-chart-static" alt="{alt_text}" width="{width}" height="{height}" src="data:image/svg+xml;base64,{svg}">'
            f'<script type="application/json" class="bt-chart-spec">{spec_json}</script>'
            "<noscript><style>.bt-chart-static{display:block}</style></noscript>"
            f"{self.attribution.html(self.key, self.plotted)}"
            f'<details class="bt-description"><summary>{summary}</summary><p>{alt_text}</p></details>'
            "</div>"
        )

    def vega_spec(self) -> dict:
        """The chart compiled to Vega, labelled v5: JupyterLab 4 renders Vega v5 and Vega-Lite up
        to v5 only, while Altair 6 writes Vega-Lite v6; the compiled spec uses nothing newer."""
        import vl_convert

        spec = vl_convert.vegalite_to_vega(self.spec(), vl_version=VEGA_LITE_VERSION)
        spec["$schema"] = VEGA_SCHEMA
        return spec

    def _repr_mimebundle_(self, include=None, exclude=None):
        """What every reader of the notebook sees: the book's HTML (its own MIME type, so no
        other viewer prefers it), a Vega chart JupyterLab draws, and the static SVG that
        viewers without JavaScript (nbconvert, code-hosting sites) show."""
        return {
            FIGURE_MIMETYPE: self.html(),
            VEGA_MIMETYPE: self.vega_spec(),
            "image/svg+xml": self.static_svg(),
            "text/plain": f"<Figure {self.key}: {self.description[:80]}>",
        }


def figure(key: str, chart: alt.TopLevelMixin, sources: list[str], description: str, note: str = "",
           data_dir=None) -> ChartFigure:
    """The one way a chapter cell finishes a chart: the book's theme and default size (a size the
    cell set itself is kept), its source line and CSV, and its text alternative. The cell's last
    line, so the chart is the cell's output in every notebook viewer and in the book."""
    if chart.config is alt.Undefined:
        sized = {dimension: default for dimension, default in (("width", WIDTH), ("height", HEIGHT))
                 if getattr(chart, dimension, alt.Undefined) is alt.Undefined}
        chart = (chart.properties(**sized) if sized and not _is_compound(chart) else chart).configure(**theme())
    return ChartFigure(key=key, chart=chart, attribution=Attribution(sources, note, data_dir), description=description)


def table(key: str, frame: pd.DataFrame, sources: list[str], note: str = "", data_dir=None,
          decimals: int = 1, highlight_column: str | None = None, english_columns=()) -> DataTable:
    """The one way a chapter cell shows a table: sortable HTML with its source line and CSV.
    `english_columns` hold names a translated page may show in English (marked lang="en" where it does)."""
    return DataTable(key=key, frame=frame, attribution=Attribution(sources, note, data_dir),
                     decimals=decimals, highlight_column=highlight_column, english_columns=tuple(english_columns))


def _is_compound(chart) -> bool:
    """Concatenated and faceted charts size their parts, not themselves."""
    return isinstance(chart, (alt.ConcatChart, alt.HConcatChart, alt.VConcatChart, alt.FacetChart))


SPEC_IN_HTML = re.compile(r'<div class="bt-chart" id="bt-([^"]+)">.*?<script type="application/json" class="bt-chart-spec">(.*?)</script>', re.S)


def stored_figures(notebook: dict) -> dict[str, dict]:
    """The Vega-Lite spec of every figure a chapter notebook stores, by figure key."""
    specs = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            page = output.get("data", {}).get(FIGURE_MIMETYPE)
            for key, spec in SPEC_IN_HTML.findall("".join(page) if isinstance(page, list) else page or ""):
                specs[html.unescape(key)] = json.loads(spec)  # JSON reads "\\u003c" back as "<"
    return specs


def no_data_figure(key: str, message: str, resources: list[str], note: str = "", data_dir=None) -> ChartFigure:
    """The figure for an edition whose years hold none of its data: it says so and shows nothing else."""
    frame = pd.DataFrame({"message": [message]})
    lines = textwrap.wrap(message, NO_DATA_LINE_CHARS)
    chart = styled(alt.Chart(frame).mark_text(fontSize=14, color="#444", lineBreak="\n").encode(
        text=alt.value("\n".join(lines)))).properties(height=30 + 20 * len(lines))
    return ChartFigure(key=key, chart=chart, attribution=Attribution(resources, note, data_dir), description=message)


@dataclass
class DataTable:
    """A table for the book: sortable in HTML (`bt-charts.js` turns each column header into a
    button and sets aria-sort), scrolling sideways in its own region, with source and CSV download."""

    key: str
    frame: pd.DataFrame
    attribution: Attribution
    decimals: int = 1
    highlight_column: str | None = None
    # Columns whose cells may be names in English on a translated page (a publisher's name the
    # catalogue leaves in English): such a cell is marked lang="en", as the source line is.
    english_columns: tuple = ()

    def html(self) -> str:
        header = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in self.frame.columns)
        table_word, scrolls = html.escape(tr("Table")), html.escape(tr("(scrolls sideways)"))
        rows = []
        for record in self.frame.itertuples(index=False):
            cells = []
            for column, value in zip(self.frame.columns, record):
                css = ' class="bt-highlight"' if column == self.highlight_column else ""
                css += untranslated(str(value)) if column in self.english_columns else ""
                cells.append(f"<td{css}{_sort_value(value)}>{html.escape(self._format(value))}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f'<div class="bt-table" id="bt-{html.escape(self.key)}"><div class="bt-table-frame" '
            f'data-table="{table_word}" data-scrolls="{scrolls}">'
            # A region that scrolls sideways when the table is wider than the column; bt-charts.js
            # names it after the caption, and drops role and tab stop when the table fits.
            f'<div class="bt-table-scroll" role="region" tabindex="0" aria-label="{table_word} {scrolls}">'
            f'<table class="bt-sortable"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></div>'
            f"{self.attribution.html(self.key, self.frame)}</div>"
        )

    def _format(self, value) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "–"
        if isinstance(value, float):
            return i18n.number(value, self.decimals, group=True)
        return str(value)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), "text/plain": self.frame.to_string(index=False)}


def _sort_value(value) -> str:
    return f' data-sort="{value!r}"' if isinstance(value, (int, float)) and not pd.isna(value) else ""


def describe_series(frame: pd.DataFrame, x: str, y: str, series: str, unit: str, decimals: int = 1) -> str:
    """A text alternative computed from the plotted data: range and end points of each series."""
    parts = []
    for name, group in frame.dropna(subset=[y]).groupby(series, sort=False):
        group = group.sort_values(x)
        first, last = group.iloc[0], group.iloc[-1]
        peak = group.loc[group[y].idxmax()]
        first_value, last_value, peak_value = (i18n.number(row[y], decimals, group=True) + unit for row in (first, last, peak))
        parts.append(tr("{name}: {first_value} in {first_year}, {last_value} in {last_year}, highest {peak_value} in {peak_year}").format(
            name=name, first_value=first_value, first_year=first[x], last_value=last_value, last_year=last[x],
            peak_value=peak_value, peak_year=peak[x]))
    return i18n.closed("; ".join(parts))


def year_runs(frame: pd.DataFrame, by: list[str] | None = None, year: str = "year") -> pd.Series:
    """Label each row with its run of consecutive years ("2019–2021"), within each group of `by`.

    Line charts use it as `detail`, so that a line breaks at a missing year instead of bridging it.
    Several rows may share a year; labels are prefixed with the group ("Exports / IMF: 2000–2020").
    """
    def runs(years: pd.Series) -> pd.Series:
        unique = pd.Series(sorted(set(years)))
        run = unique.diff().ne(1).cumsum()
        first, last = unique.groupby(run).transform("min"), unique.groupby(run).transform("max")
        return years.map(dict(zip(unique, first.astype(str) + "–" + last.astype(str))))

    if not by:
        return runs(frame[year].astype(int))
    prefix = frame[by].astype(str).agg(" / ".join, axis=1) + ": "
    return prefix + frame.groupby(by, sort=False)[year].transform(lambda years: runs(years.astype(int)))

