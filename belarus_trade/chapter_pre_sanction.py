"""Figures, tables and numbers of the chapter "Before the sanctions: trade with Russia to 2021".

The article's pre-sanction part (Fig. 3-6) is rebuilt from the IMF's partner data, the figures
the article quotes and World Bank GDP. Each builder takes the loaded frames and the edition's
year window and returns what the notebook glues: a `ChartFigure` or `DataTable`, a dict of
numbers, and a dict of Markdown sentences whose wording depends on the data and the window
(published with `publish_sentences`; glued Markdown does not resolve roles such as
{cite}, so citations stay in the notebook's own prose). A value outside the window, or absent from every source
(2022, Russia's missing mirror years), is missing: never interpolated, and the sentences say so.
"""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from . import methods as m
from .charts import PALETTE, WIDTH, Attribution, ChartFigure, DataTable, describe_series, no_data_figure, styled, year_runs
from .publish import publish_sentences  # noqa: F401  (the notebook calls chapter.publish_sentences)

# The article's pre-sanction decade: from the Single Economic Space (2012) to the last year before 2022.
DECADE = (2012, 2021)
FIRST_YEAR = 2000  # the article's figures start in 2000
GDP = "NY.GDP.MKTP.CD"

# The IMF converts one side's report into the other's with a standard CIF/FOB factor of 1.06
# (IMF, Direction of Trade Statistics Yearbook 2017, introduction): importer's CIF value
# = exporter's FOB value x 1.06 when the importer does not report.
IMF_CIF_FOB_FACTOR = 1.06
# An importer's figure below half or above twice the exporter's is no valuation difference:
# such years are flagged as probably incomplete reports and left out of the ratio chart.
PLAUSIBLE_RATIO_PCT = (50.0, 200.0)
# "About 6% of GDP", read as the interval that rounds to 6.
ABOUT_SIX_PCT = (5.5, 6.5)

SOURCE_LABELS = {
    m.IMF_SOURCE: "IMF DOTS, Belarus-reported",
    m.ARTICLE_SOURCE: "Article's figures",
    m.DERIVED_SOURCE: "Article, derived (turnover − exports)",
}
SERIES = ["Exports to Russia", "Imports from Russia", "Balance"]


# --- helpers -------------------------------------------------------------------------------

def _year_axis(first: int, last: int, step: int = 4) -> alt.X:
    """A quantitative year axis, so a missing year shows as a gap rather than disappearing."""
    ticks = list(range(first, last + 1, step))
    return alt.X(
        "year:Q", title=None,
        scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False, zero=False),
        axis=alt.Axis(format="d", values=ticks, labelAngle=0, grid=False),
    )



def russia_trade(dots: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The shared Belarus-Russia series in long form: one row per year and series, with its own source.

    In 2024 only exports are the article's own figure; imports (and so the balance) are derived
    from its turnover, and say so.
    """
    wide = m.belarus_russia_trade(dots, figures)
    rows = []
    for year, row in wide.iterrows():
        derived = m.DERIVED_SOURCE in row.source
        base = m.ARTICLE_SOURCE if row.source.startswith(m.ARTICLE_SOURCE) else row.source
        sources = {
            "Exports to Russia": base,
            "Imports from Russia": m.DERIVED_SOURCE if derived else base,
            "Balance": m.DERIVED_SOURCE if derived else base,
        }
        values = {"Exports to Russia": row.exports, "Imports from Russia": row.imports, "Balance": row.balance}
        for series in SERIES:
            rows.append({"year": int(year), "series": series, "bn_usd": float(values[series]), "source": SOURCE_LABELS[sources[series]]})
    return pd.DataFrame(rows)


# --- Figure 3: goods trade with Russia ------------------------------------------------------

def russia_trade_figure(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Fig. 3: exports to and imports from Russia and the balance, bn USD, with each value's source."""
    long = russia_trade(dots, figures)
    plotted = m.within(long, max(start_year, FIRST_YEAR), end_year)
    numbers = {"fig3_first_year": math.nan, "fig3_last_year": math.nan, "fig3_imf_last_year": math.nan, "fig3_years": 0}
    note = ("Circles: IMF Direction of Trade Statistics as reported by Belarus (to 2020); squares: the article's own figures "
            "(2021, 2023, 2024); triangles: 2024 imports derived from the article's turnover. No source gives 2022, "
            "which is left empty; lines are not drawn across a missing year or a change of source.")
    if plotted.empty:
        message = f"The series starts in {FIRST_YEAR}; this edition ({start_year}–{end_year}) has no year of it."
        sentences = {"fig3_coverage": message}
        return no_data_figure("fig-3-russia-trade", message, ["imf_dots", "article_figures"], note, data_dir), numbers, sentences
    plotted["source_family"] = np.where(plotted.source == SOURCE_LABELS[m.IMF_SOURCE], "IMF", "article")
    plotted["segment"] = year_runs(plotted, ["series", "source_family"])
    plotted = plotted.drop(columns="source_family").round({"bn_usd": 3})
    first, last = int(plotted.year.min()), int(plotted.year.max())
    years = sorted(plotted.year.unique())
    missing = [y for y in range(first, last + 1) if y not in years]
    imf_years = plotted.loc[plotted.source == SOURCE_LABELS[m.IMF_SOURCE], "year"]
    numbers.update(
        fig3_first_year=first, fig3_last_year=last, fig3_years=len(years),
        fig3_imf_last_year=int(imf_years.max()) if len(imf_years) else math.nan,
    )

    pick = alt.selection_point(name="pick_series", fields=["series"], bind="legend")
    highlight = alt.condition(pick, alt.value(1.0), alt.value(0.15))
    x = _year_axis(first, last)
    color = alt.Color("series:N", title="Series", sort=SERIES, legend=alt.Legend(columns=1))
    shape = alt.Shape("source:N", title="Source", sort=list(SOURCE_LABELS.values()), legend=alt.Legend(columns=1),
                      scale=alt.Scale(domain=list(SOURCE_LABELS.values()), range=["circle", "square", "triangle-up"]))
    tooltip = [alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:Q", format="d", title="Year"),
               alt.Tooltip("bn_usd:Q", format=".2f", title="bn USD"), alt.Tooltip("source:N", title="Source")]
    base = alt.Chart(plotted).encode(x=x, y=alt.Y("bn_usd:Q", title="billion USD"), color=color, tooltip=tooltip)
    flows = alt.FieldOneOfPredicate(field="series", oneOf=SERIES[:2])
    bar_size = max(4, int(WIDTH / (last - first + 1) * 0.55))
    bars = base.mark_bar(size=bar_size, opacity=0.55).encode(opacity=alt.condition(pick, alt.value(0.55), alt.value(0.1))).transform_filter(
        alt.FieldEqualPredicate(field="series", equal="Balance"))
    lines = base.mark_line().encode(detail="segment:N", opacity=highlight).transform_filter(flows)
    points = base.mark_point(filled=True, size=55).encode(shape=shape, opacity=highlight).add_params(pick)
    layers = [bars, lines, points.properties(name="fig3_points")]
    decade_first, decade_last = max(DECADE[0], first), min(DECADE[1], last)
    if decade_first <= decade_last:
        shade = alt.Chart(plotted).transform_aggregate(rows="count()").mark_rect(color="#999", opacity=0.12).encode(
            x=alt.datum(decade_first - 0.5), x2=alt.datum(decade_last + 0.5))
        label = alt.Chart(plotted).transform_aggregate(rows="count()").mark_text(
            align="left", baseline="top", dx=4, dy=4, color="#555", fontSize=11).encode(
            x=alt.datum(decade_first - 0.5), y=alt.value(0), text=alt.value(f"the article's decade {DECADE[0]}–{DECADE[1]}"))
        layers = [shade, label] + layers
    chart = styled(alt.layer(*layers))
    gap_text = f" No value exists for {m.join_years(missing)}; the chart leaves {'it' if len(missing) == 1 else 'them'} empty." if missing else ""
    description = (
        f"Belarus's goods trade with Russia, billion USD, {first}–{last}: lines of exports and imports and bars of the balance. "
        + describe_series(plotted, "year", "bn_usd", "series", " bn USD") + gap_text
        + " Sources: " + "; ".join(f"{s} ({_year_span(plotted.loc[plotted.source == s, 'year'])})" for s in dict.fromkeys(plotted.source)) + "."
    )
    sentences = {"fig3_coverage": _fig3_coverage_text(plotted, missing, numbers)}
    figure = ChartFigure("fig-3-russia-trade", chart, Attribution(["imf_dots", "article_figures"], note, data_dir), description)
    return figure, numbers, sentences


def _year_span(years: pd.Series) -> str:
    """Years as runs: 2000–2020, 2023."""
    years = sorted(set(int(y) for y in years))
    runs, start, previous = [], years[0], years[0]
    for year in years[1:] + [None]:
        if year is None or year != previous + 1:
            runs.append(str(start) if start == previous else f"{start}–{previous}")
            start = year
        previous = year
    return ", ".join(runs)


def _fig3_coverage_text(plotted: pd.DataFrame, missing: list[int], numbers: dict) -> str:
    imf = SOURCE_LABELS[m.IMF_SOURCE]
    article_years = sorted(set(plotted.loc[plotted.source != imf, "year"]))
    parts = []
    if m.available(numbers["fig3_imf_last_year"]):
        parts.append(f"Up to {numbers['fig3_imf_last_year']} the values are Belarus's own reports to the IMF")
    if article_years:
        parts.append(f"for {m.join_years(article_years)} they are the figures the article gives, with 2024 imports derived from its turnover"
                     if 2024 in article_years else f"for {m.join_years(article_years)} they are the figures the article gives")
    text = "; ".join(parts) + "." if parts else ""
    text = text[:1].upper() + text[1:]
    if missing:
        text += (f" No source in this book gives {m.join_years(missing)}, so the chart leaves "
                 f"{'that year' if len(missing) == 1 else 'those years'} empty rather than joining the neighbours with a line.")
    return text.strip()


# --- Table 3a: the ranges the article gives for 2012-2021 ------------------------------------

RANGE_MEASURES = {
    "deficit_min": ("Smallest yearly deficit", "trade_deficit_with_russia_min_bn_usd"),
    "deficit_max": ("Largest yearly deficit", "trade_deficit_with_russia_max_bn_usd"),
    "turnover_min": ("Lowest yearly turnover", "turnover_with_russia_min_bn_usd"),
    "turnover_max": ("Highest yearly turnover", "turnover_with_russia_max_bn_usd"),
}


def decade_ranges(trade: pd.DataFrame, start_year: int, end_year: int, window: tuple[int, int] = DECADE) -> dict:
    """Smallest and largest deficit and turnover within the window, their years and sources.

    `trade` is `methods.belarus_russia_trade` (bn USD, indexed by year, with a `source` column).
    The window is the article's decade intersected with the edition's years; with no year in
    it every value is NaN. The deficit is minus the balance (a surplus year gives a negative deficit).
    """
    first, last = max(window[0], start_year), min(window[1], end_year)
    rows = trade.loc[(trade.index >= first) & (trade.index <= last)]
    result = {"window_first": math.nan, "window_last": math.nan, "window_years": int(len(rows))}
    for key in RANGE_MEASURES:
        result.update({f"{key}_bn": math.nan, f"{key}_year": math.nan, f"{key}_source": ""})
    if rows.empty:
        return result
    result.update(window_first=int(rows.index.min()), window_last=int(rows.index.max()))
    deficit = -rows.balance
    picks = {
        "deficit_min": deficit.idxmin(), "deficit_max": deficit.idxmax(),
        "turnover_min": rows.turnover.idxmin(), "turnover_max": rows.turnover.idxmax(),
    }
    for key, year in picks.items():
        value = deficit.at[year] if key.startswith("deficit") else rows.turnover.at[year]
        source = rows.source.at[year]
        result.update({f"{key}_bn": float(value), f"{key}_year": int(year),
                       f"{key}_source": SOURCE_LABELS.get(source, SOURCE_LABELS[m.ARTICLE_SOURCE] if source.startswith(m.ARTICLE_SOURCE) else source)})
    return result


def ranges_table(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Table 3a: the deficit and turnover ranges the article gives for 2012-2021, recomputed."""
    ranges = decade_ranges(m.belarus_russia_trade(dots, figures), start_year, end_year)
    rows, numbers = [], {"range_first_year": ranges["window_first"], "range_last_year": ranges["window_last"],
                         "range_years": ranges["window_years"]}
    for key, (label, figure_id) in RANGE_MEASURES.items():
        stated = m.quoted(figures, figure_id)
        computed = ranges[f"{key}_bn"]
        numbers.update({f"article_{key}_bn": stated, f"{key}_bn": computed, f"{key}_year": ranges[f"{key}_year"],
                        f"{key}_diff_bn": computed - stated})
        rows.append({
            "Measure": label,
            "Article, bn USD": stated,
            "Computed, bn USD": round(computed, 2) if m.available(computed) else math.nan,
            "Difference, bn USD": round(computed - stated, 2) if m.available(computed) else math.nan,
            "Year": ranges[f"{key}_year"] if m.available(ranges[f"{key}_year"]) else "–",
            "Source of the computed value": ranges[f"{key}_source"] or "not in this edition",
        })
    shown = pd.DataFrame(rows)
    shown["Year"] = shown["Year"].astype(str)
    table = DataTable(
        "table-3a-ranges", shown,
        Attribution(["imf_dots", "article_figures"],
                    f"Computed over {_window_label(ranges)} from the series of Figure 3; deficit = imports − exports.", data_dir),
        number_format="{:.2f}", highlight_column="Difference, bn USD",
    )
    return table, numbers, {"ranges_sentence": _ranges_text(ranges, numbers, end_year)}


def _window_label(ranges: dict) -> str:
    if not m.available(ranges["window_first"]):
        return "no year (the edition lies outside 2012–2021)"
    return f"{ranges['window_first']}–{ranges['window_last']}"


def _ranges_text(ranges: dict, n: dict, end_year: int) -> str:
    if not m.available(ranges["window_first"]):
        return (f"This edition's years lie outside the article's decade {DECADE[0]}–{DECADE[1]}, so the ranges it quotes "
                "cannot be checked here.")
    window = f"{ranges['window_first']}–{ranges['window_last']}"
    partial = ""
    if (ranges["window_first"], ranges["window_last"]) != DECADE:
        partial = (f" This edition covers only {window} of the article's decade {DECADE[0]}–{DECADE[1]}, "
                   "so its extremes may differ from the article's for that reason alone.")

    sources = {ranges[f"{key}_source"] for key in RANGE_MEASURES}
    one_source = len(sources) == 1

    def end(key: str) -> str:
        where = "" if one_source else f" ({ranges[f'{key}_source']})"
        return f"{n[f'{key}_bn']:.2f} bn USD in {n[f'{key}_year']}{where}"

    largest = max(abs(n[f"{k}_diff_bn"]) for k in RANGE_MEASURES)
    verdict = ("no more than the rounding of the article's one-decimal figures" if largest <= 0.05 + 1e-9
               else "more than rounding: the article's sources (Belstat, the MFA, ITC Trade Map) differ from the IMF's series")
    source_note = f" All four extremes fall in years of one source: {next(iter(sources))}." if one_source else ""
    return (
        f"Over {window} the deficit ran from {end('deficit_min')} to {end('deficit_max')}, against the article's "
        f"{n['article_deficit_min_bn']:.1f}–{n['article_deficit_max_bn']:.1f} bn; turnover ran from "
        f"{end('turnover_min')} to {end('turnover_max')}, against {n['article_turnover_min_bn']:.1f}–"
        f"{n['article_turnover_max_bn']:.1f} bn.{source_note} The largest of the four differences is "
        f"{largest:.2f} bn USD, {verdict}.{partial}"
    )


# --- stagnation: exports to Russia, 2021 against 2012 -----------------------------------------

def stagnation(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> tuple[dict, dict]:
    """Exports to Russia at the end of the decade against 2012, the peak of mutual trade."""
    trade = m.belarus_russia_trade(dots, figures)
    first, last = max(DECADE[0], start_year), min(DECADE[1], end_year)
    rows = trade.loc[(trade.index >= first) & (trade.index <= last)]
    numbers = {"exports_2012_bn": math.nan, "exports_end_bn": math.nan, "exports_end_year": math.nan,
               "exports_change_pct": math.nan, "exports_decade_low_bn": math.nan, "exports_decade_low_year": math.nan}
    if DECADE[0] not in rows.index or len(rows) < 2:
        text = (f"The article compares exports to Russia in {DECADE[1]} with {DECADE[0]}; this edition "
                f"({start_year}–{end_year}) does not contain {DECADE[0]} and a later year of the decade, so the comparison is left out.")
        return numbers, {"stagnation_sentence": text}
    end = int(rows.index.max())
    base, latest = float(rows.at[DECADE[0], "exports"]), float(rows.at[end, "exports"])
    low_year = int(rows.exports.idxmin())
    numbers.update(exports_2012_bn=base, exports_end_bn=latest, exports_end_year=end,
                   exports_change_pct=(latest / base - 1) * 100,
                   exports_decade_low_bn=float(rows.exports.min()), exports_decade_low_year=low_year)
    change = numbers["exports_change_pct"]
    verdict = "essentially the same level" if abs(change) < 5 else ("well above" if change > 0 else "well below")
    source_end = "the article's estimate" if rows.at[end, "source"].startswith(m.ARTICLE_SOURCE) else "Belarus's report to the IMF"
    text = (
        f"Exports to Russia were {base:.1f} bn USD in {DECADE[0]} (Belarus's report to the IMF) and {latest:.1f} bn "
        f"in {end} ({source_end}): {abs(change):.1f}% {'more' if change >= 0 else 'less'}, {verdict}"
        + (", as the article says." if end == DECADE[1] and abs(change) < 5 else ".")
        + f" In between they fell as low as {numbers['exports_decade_low_bn']:.1f} bn in {low_year}."
    )
    if end != DECADE[1]:
        text += f" The article's comparison year, {DECADE[1]}, lies outside this edition."
    return numbers, {"stagnation_sentence": text}


# --- Figures 3a and 3b: mirror statistics ------------------------------------------------------

def mirror_gap(dots: pd.DataFrame, reporter: str, partner: str) -> pd.DataFrame:
    """Each direction of trade between two countries as the exporter and as the importer report it.

    For the direction A -> B the exporter's figure is A's exports (FOB) to B and the importer's is
    B's imports (CIF) from A; likewise for B -> A. One row per direction and year in which either
    side reports; a side that does not report is NaN (never estimated). Columns: `direction`
    ("A -> B"), `exporter`, `importer`, `year`, `exporter_reported`, `importer_reported` (the
    frame's units), `gap` (importer − exporter), `gap_pct` (gap over the exporter's figure, %),
    and `ratio_pct` (importer over exporter, %; 106 = the IMF's standard CIF/FOB margin).
    """
    def flow(country, other, kind):
        rows = dots[(dots.reporter == country) & (dots.partner == other) & (dots.flow == kind)]
        return rows.groupby("year")["value_musd"].sum(min_count=1)

    frames = []
    for exporter, importer in ((reporter, partner), (partner, reporter)):
        both = pd.DataFrame({
            "exporter_reported": flow(exporter, importer, "exports_fob"),
            "importer_reported": flow(importer, exporter, "imports_cif"),
        })
        both.index = both.index.astype(int)
        both = both.sort_index().rename_axis("year").reset_index()
        both.insert(0, "direction", f"{exporter} -> {importer}")
        both.insert(1, "exporter", exporter)
        both.insert(2, "importer", importer)
        frames.append(both)
    gaps = pd.concat(frames, ignore_index=True)
    gaps["exporter_reported"] = gaps.exporter_reported.astype(float)
    gaps["importer_reported"] = gaps.importer_reported.astype(float)
    gaps["gap"] = gaps.importer_reported - gaps.exporter_reported
    gaps["gap_pct"] = gaps.gap / gaps.exporter_reported * 100
    gaps["ratio_pct"] = gaps.importer_reported / gaps.exporter_reported * 100
    return gaps


SHORT = {m.BELARUS: "Belarus", m.RUSSIA: "Russia"}
DIRECTION_LABELS = {
    f"{m.BELARUS} -> {m.RUSSIA}": "Belarus → Russia",
    f"{m.RUSSIA} -> {m.BELARUS}": "Russia → Belarus",
}
MIRROR_SERIES = {
    ("Belarus → Russia", "exporter"): "Belarus's exports to Russia (Belarus-reported, FOB)",
    ("Belarus → Russia", "importer"): "Russia's imports from Belarus (Russia-reported, CIF)",
    ("Russia → Belarus", "importer"): "Belarus's imports from Russia (Belarus-reported, CIF)",
    ("Russia → Belarus", "exporter"): "Russia's exports to Belarus (Russia-reported, FOB)",
}


def _flag(ratio: float) -> str:
    if not m.available(ratio):
        return "a report is missing"
    low, high = PLAUSIBLE_RATIO_PCT
    if ratio < low or ratio > high:
        return "implausible gap (incomplete report?)"
    return ""


def belarus_russia_mirror(dots: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """`mirror_gap` for Belarus and Russia within the edition's years (from 2000), with readable labels and a flag."""
    gaps = mirror_gap(dots, m.BELARUS, m.RUSSIA)
    gaps = m.within(gaps, max(start_year, FIRST_YEAR), end_year)
    gaps["direction"] = gaps.direction.map(DIRECTION_LABELS)
    flags = []
    for row in gaps.itertuples():
        if not m.available(row.exporter_reported):
            flags.append(f"{SHORT[row.exporter]}'s report missing")
        elif not m.available(row.importer_reported):
            flags.append(f"{SHORT[row.importer]}'s report missing")
        else:
            flags.append(_flag(row.ratio_pct))
    gaps["flag"] = pd.Series(flags, index=gaps.index, dtype=object)
    return gaps


def mirror_figure(dots: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Figure 3a: each flow as Belarus and as Russia report it, bn USD; Russia's missing years left empty."""
    gaps = belarus_russia_mirror(dots, start_year, end_year)
    rows = []
    for _, g in gaps.iterrows():
        for side, column in (("exporter", "exporter_reported"), ("importer", "importer_reported")):
            if m.available(g[column]):
                reporter = g.exporter if side == "exporter" else g.importer
                rows.append({"year": int(g.year), "direction": g.direction, "reported_by": SHORT[reporter],
                             "series": MIRROR_SERIES[(g.direction, side)], "bn_usd": round(g[column] / 1000, 3),
                             "importer_pct_of_exporter": round(g.ratio_pct, 2) if m.available(g.ratio_pct) else math.nan,
                             "flag": g.flag})
    plotted = pd.DataFrame(rows, columns=["year", "direction", "reported_by", "series", "bn_usd", "importer_pct_of_exporter", "flag"])
    note = ("Belarus's reports and Russia's mirror reports to the IMF, million USD converted to billions. "
            "Years in which Russia's report is missing are left empty; lines are not drawn across them.")
    numbers, sentences = _mirror_numbers(gaps, start_year, end_year)
    if plotted.empty:
        message = f"The IMF series in this book start before {FIRST_YEAR} and end in 2020; this edition ({start_year}–{end_year}) has none of them."
        return no_data_figure("fig-3a-mirror", message, ["imf_dots"], note, data_dir), numbers, sentences
    plotted["segment"] = year_runs(plotted, ["series"])
    first, last = int(plotted.year.min()), int(plotted.year.max())
    pick = alt.selection_point(name="pick_direction", fields=["direction"], bind="legend")
    highlight = alt.condition(pick, alt.value(1.0), alt.value(0.15))
    base = alt.Chart(plotted).encode(
        x=_year_axis(first, last),
        y=alt.Y("bn_usd:Q", title="billion USD"),
        color=alt.Color("direction:N", title="Goods flowing", sort=list(DIRECTION_LABELS.values())),
        strokeDash=alt.StrokeDash("reported_by:N", title="Reported by", sort=["Belarus", "Russia"],
                                  scale=alt.Scale(domain=["Belarus", "Russia"], range=[[1, 0], [5, 3]])),
        opacity=highlight,
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("bn_usd:Q", format=".2f", title="bn USD"),
                 alt.Tooltip("importer_pct_of_exporter:Q", format=".1f", title="importer's figure, % of exporter's"),
                 alt.Tooltip("flag:N", title="Note")],
    )
    lines = base.mark_line(strokeWidth=2).encode(detail="segment:N")
    points = base.mark_point(size=45, filled=True).encode(
        shape=alt.Shape("reported_by:N", title="Reported by", sort=["Belarus", "Russia"],
                        scale=alt.Scale(domain=["Belarus", "Russia"], range=["circle", "square"]))
    ).add_params(pick).properties(name="fig3a_points")
    chart = styled(alt.layer(lines, points))
    missing = sorted(set(gaps.loc[gaps.importer_reported.isna() | gaps.exporter_reported.isna(), "year"]))
    flagged = sorted(set(gaps.loc[gaps.flag.astype(str).str.startswith("implausible"), "year"]))
    description = (
        f"Belarus–Russia goods flows as each side reports them, billion USD, {first}–{last}. "
        + describe_series(plotted, "year", "bn_usd", "series", " bn USD")
        + (f" Russia's report is missing for {m.join_years(missing)}." if missing else "")
        + (f" In {m.join_years(flagged)} Russia's figures are a fraction of Belarus's (probably incomplete reports)." if flagged else "")
    )
    figure = ChartFigure("fig-3a-mirror", chart, Attribution(["imf_dots"], note, data_dir), description)
    return figure, numbers, sentences


def ratio_table(dots: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Table 3b: both reports of each direction by year, and the importer's figure as a % of the exporter's."""
    gaps = belarus_russia_mirror(dots, start_year, end_year)
    wide = gaps.pivot(index="year", columns="direction", values=["exporter_reported", "importer_reported", "ratio_pct"])
    notes = gaps.groupby("year").flag.agg(lambda f: next((x for x in f if x), ""))
    by_ru, ru_by = "Belarus → Russia", "Russia → Belarus"
    column = lambda value, direction: wide[(value, direction)] if (value, direction) in wide.columns else pd.Series(math.nan, index=wide.index)
    shown = pd.DataFrame({
        "Year": wide.index.astype(int),
        f"{by_ru}: Belarus's report, bn USD": (column("exporter_reported", by_ru) / 1000).round(3).values,
        f"{by_ru}: Russia's report, bn USD": (column("importer_reported", by_ru) / 1000).round(3).values,
        f"{by_ru}: importer ÷ exporter, %": column("ratio_pct", by_ru).round(2).values,
        f"{ru_by}: Russia's report, bn USD": (column("exporter_reported", ru_by) / 1000).round(3).values,
        f"{ru_by}: Belarus's report, bn USD": (column("importer_reported", ru_by) / 1000).round(3).values,
        f"{ru_by}: importer ÷ exporter, %": column("ratio_pct", ru_by).round(2).values,
        "Note": notes.reindex(wide.index).fillna("").values,
    })
    note = (f"Exporters report FOB values, importers CIF values; the IMF's standard CIF/FOB factor is "
            f"{IMF_CIF_FOB_FACTOR * 100:.0f}%, so with no other differences the importer's figure would be about that % of the exporter's. "
            "A dash: that side's report is missing.")
    table = DataTable("table-3b-mirror-ratio", shown.reset_index(drop=True), Attribution(["imf_dots"], note, data_dir),
                      number_format="{:.1f}")
    return table, {"mirror_table_rows": int(len(shown))}, {}


def _mirror_numbers(gaps: pd.DataFrame, start_year: int, end_year: int) -> tuple[dict, dict]:
    """Summary of the gaps over the decade (the years both sides report, within the edition)."""
    first, last = max(DECADE[0], start_year), min(DECADE[1], end_year)
    decade = gaps[(gaps.year >= first) & (gaps.year <= last) & gaps.ratio_pct.notna() & (gaps.flag == "")]
    numbers = {"cif_fob_factor_pct": IMF_CIF_FOB_FACTOR * 100, "mirror_first_year": math.nan, "mirror_last_year": math.nan}
    keys = {"Belarus → Russia": "by_ru", "Russia → Belarus": "ru_by"}
    for key in keys.values():
        numbers.update({f"mirror_{key}_median_ratio_pct": math.nan, f"mirror_{key}_min_ratio_pct": math.nan,
                        f"mirror_{key}_max_ratio_pct": math.nan, f"mirror_{key}_mean_gap_bn": math.nan,
                        f"mirror_{key}_years": 0})
    all_missing = sorted(set(gaps.loc[gaps.importer_reported.isna() | gaps.exporter_reported.isna(), "year"]))
    flagged = sorted(set(gaps.loc[gaps.flag.astype(str).str.startswith("implausible"), "year"]))
    agree = gaps[gaps.ratio_pct.notna()].groupby("year").ratio_pct.apply(lambda r: bool((r - 100).abs().max() < 3))
    agree_years = [int(y) for y, ok in agree.items() if ok]
    sentences = {}
    gap_parts = []
    missing_flags = gaps.flag.astype(str).str.endswith("report missing")
    for flag, years in gaps[missing_flags].groupby("flag").year:
        gap_parts.append(f"{flag.replace(' report missing', ' report')} is missing for {m.join_years(sorted(set(years)))}")
    if flagged:
        low, high = PLAUSIBLE_RATIO_PCT
        gap_parts.append(f"in {m.join_years(flagged)} the two reports are far apart (the importer's figure is below {low:.0f}% "
                         f"or above {high:.0f}% of the exporter's), which points to incomplete reports rather than to any real "
                         "difference; those years are flagged and left out of the summary below")
    if gap_parts:
        text = "; ".join(gap_parts) + "."
        sentences["mirror_gaps_sentence"] = text[0].upper() + text[1:]
    else:
        sentences["mirror_gaps_sentence"] = "Both sides report every year of this edition that the IMF series covers."
    if len(agree_years) >= 2:
        agree_text = (f"In {m.join_years(agree_years)} the two reports differ by less than 3% in both directions, closer than "
                      "independently compiled trade statistics usually come, which suggests that the two offices reconciled their "
                      "figures or drew on shared records.")
    elif agree_years:
        agree_text = f"Only in {agree_years[0]} do the two reports agree within 3% in both directions."
    else:
        agree_text = "In no year of this edition do the two reports agree within 3% in both directions."
    sentences["mirror_agree_sentence"] = agree_text
    if decade.empty:
        sentences["mirror_decade_sentence"] = (
            f"No year of {DECADE[0]}–{DECADE[1]} within this edition has both reports, so the gaps of the pre-sanction decade cannot be measured here.")
        sentences["mirror_direction_sentence"] = "Whether the gaps of the pre-sanction decade follow this prediction cannot be seen in this edition."
        return numbers, sentences
    numbers.update(mirror_first_year=int(decade.year.min()), mirror_last_year=int(decade.year.max()))
    for direction, key in keys.items():
        rows = decade[decade.direction == direction]
        if rows.empty:
            continue
        numbers.update({
            f"mirror_{key}_median_ratio_pct": float(rows.ratio_pct.median()),
            f"mirror_{key}_min_ratio_pct": float(rows.ratio_pct.min()),
            f"mirror_{key}_max_ratio_pct": float(rows.ratio_pct.max()),
            f"mirror_{key}_mean_gap_bn": float(rows.gap.mean() / 1000),
            f"mirror_{key}_years": int(len(rows)),
        })
    n = numbers
    sentences["mirror_direction_sentence"] = _direction_text(n)
    sentences["mirror_decade_sentence"] = (
        f"Over {n['mirror_first_year']}–{n['mirror_last_year']}, Russia recorded imports from Belarus worth "
        f"{n['mirror_by_ru_min_ratio_pct']:.0f}–{n['mirror_by_ru_max_ratio_pct']:.0f}% of what Belarus recorded as exports to Russia "
        f"(median {n['mirror_by_ru_median_ratio_pct']:.0f}%, on average {abs(n['mirror_by_ru_mean_gap_bn']):.1f} bn USD a year "
        f"{'less' if n['mirror_by_ru_mean_gap_bn'] < 0 else 'more'}), while Belarus recorded imports from Russia worth "
        f"{n['mirror_ru_by_min_ratio_pct']:.0f}–{n['mirror_ru_by_max_ratio_pct']:.0f}% of Russia's recorded exports "
        f"(median {n['mirror_ru_by_median_ratio_pct']:.0f}%, on average {abs(n['mirror_ru_by_mean_gap_bn']):.1f} bn USD a year "
        f"{'more' if n['mirror_ru_by_mean_gap_bn'] > 0 else 'less'})."
    )
    return numbers, sentences


def _direction_text(n: dict) -> str:
    """Does each direction's median gap point the way the CIF/FOB margin predicts (importer above exporter)?"""
    window = f"{n['mirror_first_year']}–{n['mirror_last_year']}"
    parts = []
    for key, importer, exporter in (("ru_by", "Belarus's imports from Russia", "Russia's exports"),
                                    ("by_ru", "Russia's imports from Belarus", "Belarus's exports")):
        median = n[f"mirror_{key}_median_ratio_pct"]
        if not m.available(median):
            continue
        if median >= 100:
            fit = "roughly as the margin predicts" if median <= 100 + 2 * (IMF_CIF_FOB_FACTOR * 100 - 100) else "by more than freight can explain"
            parts.append(f"{importer} exceed {exporter} over {window} (median {median:.0f}%), {fit}")
        else:
            parts.append(f"{importer} fall short of {exporter} over {window} (median {median:.0f}%), the opposite of the margin's "
                         "prediction, so in that direction something other than freight is at work")
    if not parts:
        return ""
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


# --- energy and transit ------------------------------------------------------------------------

def energy_numbers(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> tuple[dict, dict]:
    """Crude oil and gas in Russia's exports to Belarus (2019, the article's shares), set against the 2019 deficit."""
    year = 2019
    oil = m.quoted_in_window(figures, "crude_oil_share_of_russia_exports_to_belarus_2019_pct", start_year, end_year)
    gas = m.quoted_in_window(figures, "natural_gas_share_of_russia_exports_to_belarus_2019_pct", start_year, end_year)
    numbers = {"oil_share_2019_pct": oil, "gas_share_2019_pct": gas, "energy_share_2019_pct": oil + gas,
               "russia_exports_2019_bn": math.nan, "energy_2019_bn": math.nan, "deficit_2019_bn": math.nan}
    if not m.available(oil, gas):
        text = (f"The article's shares of oil and gas in Russia's exports to Belarus refer to {year}, outside this edition "
                f"({start_year}–{end_year}), so they are not used here.")
        return numbers, {"energy_sentence": text}
    shares = (f"On the author's calculation from ITC Trade Map for {year}, crude oil made up "
              f"{oil:.0f}% of Russia's goods exports to Belarus and natural gas {gas:.0f}%, together {oil + gas:.0f}%; "
              "passenger cars, ferrous scrap, coal and flat-rolled steel followed. ")
    gaps = mirror_gap(dots, m.RUSSIA, m.BELARUS)
    exports = gaps.loc[(gaps.direction == f"{m.RUSSIA} -> {m.BELARUS}") & (gaps.year == year), "exporter_reported"]
    trade = m.belarus_russia_trade(dots, figures)
    if exports.empty or not m.available(float(exports.iloc[0])) or year not in trade.index:
        return numbers, {"energy_sentence": shares + f"Russia's report of its exports to Belarus for {year} is not in the snapshot."}
    russia_exports = float(exports.iloc[0]) / 1000
    numbers.update(russia_exports_2019_bn=russia_exports, energy_2019_bn=russia_exports * (oil + gas) / 100,
                   deficit_2019_bn=float(-trade.at[year, "balance"]))
    n = numbers
    ratio = n["energy_2019_bn"] / n["deficit_2019_bn"] if n["deficit_2019_bn"] > 0 else math.nan
    if not m.available(ratio):
        compared = "while Belarus had no deficit with Russia that year"
    elif 0.85 <= ratio <= 1.15:
        compared = "about as much as Belarus's whole deficit with Russia that year"
    else:
        compared = f"{'more' if ratio > 1 else 'less'} than Belarus's whole deficit with Russia that year"
    text = shares + (
        f"Applied to the {n['russia_exports_2019_bn']:.1f} bn USD of exports to Belarus that Russia reported to the IMF for {year}, "
        f"the two shares come to roughly {n['energy_2019_bn']:.1f} bn USD of oil and gas, {compared} "
        f"({n['deficit_2019_bn']:.1f} bn by Belarus's own report). This is only an order of "
        "magnitude, since the shares come from another database (ITC Trade Map) than the total."
    )
    return numbers, {"energy_sentence": text}


def transit_table(wdi: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Table 3c: the article's 4.0 bn USD of transport-services exports as a share of each year's GDP."""
    transit = m.quoted(figures, "transport_services_exports_max_bn_usd")
    stated_pct = m.quoted(figures, "transport_services_exports_share_of_gdp_pct")
    in_window = m.available(m.quoted_in_window(figures, "transport_services_exports_max_bn_usd", start_year, end_year, overlap=True))
    gdp = m.wdi_series(wdi, "BLR", GDP) / 1e9
    first, last = max(DECADE[0], start_year), min(DECADE[1], end_year)
    gdp = gdp.loc[(gdp.index >= first) & (gdp.index <= last)]
    share = transit / gdp * 100
    shown = pd.DataFrame({"Year": gdp.index.astype(int), "GDP, bn USD (WDI)": gdp.round(2).values,
                          f"{transit:.1f} bn USD as % of GDP": share.round(2).values})
    shown["Rounds to the article's ~6%"] = np.where(share.between(*ABOUT_SIX_PCT, inclusive="left").values, "yes", "no")
    numbers = {"transit_bn": transit if in_window else math.nan, "transit_stated_pct": stated_pct if in_window else math.nan,
               "transit_min_pct": math.nan, "transit_min_year": math.nan,
               "transit_max_pct": math.nan, "transit_max_year": math.nan, "transit_pct_2019": math.nan, "transit_pct_2021": math.nan,
               "transit_years_about_six": 0}
    about_six = [int(y) for y in share.index[share.between(*ABOUT_SIX_PCT, inclusive="left")]]
    if not share.empty and in_window:
        numbers.update(transit_min_pct=float(share.min()), transit_min_year=int(share.idxmin()),
                       transit_max_pct=float(share.max()), transit_max_year=int(share.idxmax()),
                       transit_years_about_six=len(about_six))
        for year in (2019, 2021):
            if year in share.index:
                numbers[f"transit_pct_{year}"] = float(share.at[year])
    table = DataTable(
        "table-3c-transit", shown.reset_index(drop=True),
        Attribution(["wdi", "article_figures"],
                    f"The article's {transit:.1f} bn USD (its highest yearly value of transport-services exports before the sanctions) "
                    "divided by World Bank GDP in current USD; the actual yearly exports of transport services are not in the snapshot.",
                    data_dir),
        number_format="{:.1f}", highlight_column=f"{transit:.1f} bn USD as % of GDP",
    )
    return table, numbers, {"transit_sentence": _transit_text(numbers, about_six, gdp, first, last, start_year, end_year)}


def _transit_text(n: dict, about_six: list[int], gdp: pd.Series, first: int, last: int, start_year: int, end_year: int) -> str:
    if not m.available(n["transit_min_pct"], n["transit_bn"]):
        return (f"No year of {DECADE[0]}–{DECADE[1]} with World Bank GDP falls within this edition ({start_year}–{end_year}), "
                "so the article's transit figures are not checked here.")
    fits = (f"it rounds to the article's {n['transit_stated_pct']:.0f}% in {m.join_years(about_six)}"
            if about_six else f"it rounds to the article's {n['transit_stated_pct']:.0f}% in no year")
    swing = ""
    if len(gdp) > 1:
        swing = (f" Measured in dollars, GDP moved with the exchange rate, between {gdp.min():.1f} bn USD ({int(gdp.idxmin())}) and "
                 f"{gdp.max():.1f} bn ({int(gdp.idxmax())}) in these years, so the same dollar amount weighs very differently from year to year.")
    return (
        f"The article puts Belarus's exports of transport services, earned largely on transit, at up to {n['transit_bn']:.1f} bn USD "
        f"a year, about {n['transit_stated_pct']:.0f}% of GDP, without naming the year. Against World Bank GDP, "
        f"{n['transit_bn']:.1f} bn USD would be between {n['transit_min_pct']:.1f}% of GDP "
        f"({n['transit_min_year']}) and {n['transit_max_pct']:.1f}% ({n['transit_max_year']}) over {first}–{last}; {fits}.{swing}"
    )


# --- Figures 4 and 5: the commodity structure ------------------------------------------------------
#
# With UN Comtrade in the snapshot (a refresh fetches it when online) the figures show every SITC
# section for 2012 and 2021 from Belarus's own reports, with the article's quoted shares as marks
# beside them. Without it they show only the shares the article quotes, and say so.

FUELS = "Mineral fuels (SITC 3)"
MACHINERY = "Machinery, transport eq. (SITC 7)"
FOOD = "Food products"
CRUDE = "Crude oil (2019, ITC)"
GAS = "Natural gas (2019, ITC)"
OTHER = "All other sections"
UNCTAD_BASIS = "UNCTAD, author's calculation"
ITC_BASIS = "ITC Trade Map 2019, author's calculation"
COMTRADE_BASIS = "UN Comtrade, Belarus's reports"
NOT_OFFLINE = "not in the snapshot; UN Comtrade fills it after a refresh"

STRUCTURE = {
    "imports": {
        "key": "fig-4-imports-structure",
        "title": "imports from Russia",
        "bars": [
            (MACHINERY, 2012, "machinery_share_of_imports_from_russia_2012_pct", UNCTAD_BASIS),
            (MACHINERY, 2021, "machinery_share_of_imports_from_russia_2021_pct", UNCTAD_BASIS),
            (CRUDE, 2019, "crude_oil_share_of_russia_exports_to_belarus_2019_pct", ITC_BASIS),
            (GAS, 2019, "natural_gas_share_of_russia_exports_to_belarus_2019_pct", ITC_BASIS),
        ],
        "notes": [(FUELS, 2021, "level not quoted; share fell by almost half, 2012 → 2021")],
        "groups": [FUELS, CRUDE, GAS, MACHINERY, OTHER],
    },
    "exports": {
        "key": "fig-5-exports-structure",
        "title": "exports to Russia",
        "bars": [
            (FOOD, 2012, "food_share_of_exports_to_russia_2012_pct", UNCTAD_BASIS),
            (FOOD, 2021, "food_share_of_exports_to_russia_2021_pct", UNCTAD_BASIS),
            (MACHINERY, 2012, "machinery_share_of_exports_to_russia_2012_pct", UNCTAD_BASIS),
            (MACHINERY, 2021, "machinery_share_of_exports_to_russia_2021_pct", UNCTAD_BASIS),
        ],
        "notes": [],
        "groups": [FOOD, MACHINERY, OTHER],
    },
}
MACHINERY_VALUES = {2012: "machinery_exports_to_russia_2012_bn_usd", 2021: "machinery_exports_to_russia_2021_bn_usd"}

# SITC Rev. 3 sections, as the figures label them.
SITC_SECTIONS = {
    "0": "0 Food and live animals", "1": "1 Beverages and tobacco", "2": "2 Crude materials, exc. fuels",
    "3": "3 Mineral fuels", "4": "4 Animal and vegetable oils", "5": "5 Chemicals",
    "6": "6 Manufactured goods by material", "7": "7 Machinery and transport eq.",
    "8": "8 Miscellaneous manufactures", "9": "9 Not classified elsewhere",
}
# The section each quoted share is set beside. The article's "food products" is probably UNCTAD's
# food group (SITC 0, 1, 4 and 22), so beside section 0 alone it is an approximate comparison.
QUOTED_SECTION = {MACHINERY: "7", FOOD: "0"}

STRUCTURE_WIDTH = 440  # narrower than the policy width: the group labels take the rest of the line


def structure_frame(figures: pd.DataFrame, flow: str, start_year: int, end_year: int) -> pd.DataFrame:
    """The quoted shares of one flow as rows (a bar each), plus text rows for what is not drawn.

    A text row has no share: the fuel-share fall the article gives without levels, and the
    sections no offline source covers. Nothing else is filled in.
    """
    spec = STRUCTURE[flow]
    rows = []
    for group, year, figure_id, basis in spec["bars"]:
        value = math.nan
        if flow == "exports" and group == MACHINERY:
            value = m.quoted(figures, MACHINERY_VALUES[year])
        rows.append({"group": group, "year": year, "period": str(year), "share_pct": m.quoted(figures, figure_id),
                     "value_bn_usd": value, "basis": basis, "note": ""})
    for group, year, note in spec["notes"]:
        rows.append({"group": group, "year": year, "period": "2012 → 2021", "share_pct": math.nan, "value_bn_usd": math.nan,
                     "basis": UNCTAD_BASIS, "note": note})
    frame = m.within(pd.DataFrame(rows), start_year, end_year)
    if not frame.empty:
        frame = pd.concat([frame, pd.DataFrame([{
            "group": OTHER, "year": int(frame.year.max()), "period": "–", "share_pct": math.nan, "value_bn_usd": math.nan,
            "basis": "", "note": NOT_OFFLINE}])], ignore_index=True)
    return frame


def comtrade_shares(comtrade: pd.DataFrame, flow: str, years) -> pd.DataFrame:
    """Each SITC section's share of Belarus's trade with Russia in one flow, for the given years.

    Shares are of the sum over the ten sections (which is the total the publisher reports).
    Returns `year, sitc_section, section, value_bn_usd, share_pct`, one row per section and year.
    """
    rows = comtrade[(comtrade.flow == flow) & comtrade.year.isin(list(years))].copy()
    rows["share_pct"] = rows.value_usd / rows.groupby("year").value_usd.transform("sum") * 100
    rows["value_bn_usd"] = rows.value_usd / 1e9
    rows["section"] = rows.sitc_section.map(SITC_SECTIONS)
    return rows[["year", "sitc_section", "section", "value_bn_usd", "share_pct"]].sort_values(
        ["year", "sitc_section"], ignore_index=True)


def comtrade_years(comtrade: pd.DataFrame | None, flow: str, start_year: int, end_year: int) -> list[int]:
    """The article's comparison years (2012, 2021) that the Comtrade data hold within the edition."""
    if comtrade is None:
        return []
    held = set(comtrade.loc[comtrade.flow == flow, "year"])
    return [year for year in DECADE if year in held and start_year <= year <= end_year]


def structure_figure(figures: pd.DataFrame, flow: str, start_year: int, end_year: int, data_dir=None,
                     comtrade: pd.DataFrame | None = None):
    """Figures 4 and 5: every SITC section from UN Comtrade when the snapshot holds it, else the quoted shares."""
    years = comtrade_years(comtrade, flow, start_year, end_year)
    if years:
        return _comtrade_structure_figure(comtrade, figures, flow, years, data_dir)
    spec = STRUCTURE[flow]
    plotted = structure_frame(figures, flow, start_year, end_year)
    note = ("Only the shares the article quotes in its text (UNCTAD, SITC sections; crude oil and gas from ITC Trade Map for 2019). "
            "The article's figure shows the full structure; the other sections are " + NOT_OFFLINE + ".")
    if plotted.empty:
        message = f"The article's shares refer to 2012, 2019 and 2021; none falls within this edition ({start_year}–{end_year})."
        return no_data_figure(spec["key"], message, ["article_figures"], note, data_dir)
    groups = [g for g in spec["groups"] if g in set(plotted.group)]
    periods = [p for p in ("2012", "2019", "2021") if p in set(plotted.period)]
    y = alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=300))
    x = alt.X("share_pct:Q", title=f"% of Belarus's {spec['title']}", scale=alt.Scale(domain=[0, 40]), axis=alt.Axis(tickCount=8))
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("period:N", title="Year"),
               alt.Tooltip("share_pct:Q", format=".1f", title="share, %"), alt.Tooltip("basis:N", title="Source")]
    if flow == "exports":
        tooltip.append(alt.Tooltip("value_bn_usd:Q", format=".1f", title="value, bn USD"))
    has_share = alt.FieldValidPredicate(field="share_pct", valid=True)
    no_share = alt.FieldValidPredicate(field="share_pct", valid=False)
    bars = alt.Chart(plotted).mark_bar().encode(
        x=x, y=y, yOffset=alt.YOffset("period:N", sort=periods),
        color=alt.Color("period:N", title=None, sort=periods, scale=alt.Scale(domain=periods, range=_period_colours(periods))),
        tooltip=tooltip,
    ).transform_filter(has_share)
    values = alt.Chart(plotted).mark_text(align="left", dx=3, fontSize=11, color="#222").encode(
        x=x, y=y, yOffset=alt.YOffset("period:N", sort=periods), text=alt.Text("share_pct:Q", format=".1f"),
    ).transform_filter(has_share)
    notes = alt.Chart(plotted).mark_text(align="left", dx=3, fontSize=11, color="#555", fontStyle="italic").encode(
        x=alt.datum(0), y=y, text="note:N", tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("note:N", title="Note")],
    ).transform_filter(no_share)
    chart = styled(alt.layer(bars, values, notes)).properties(width=STRUCTURE_WIDTH, height=max(140, 55 * len(groups)))
    drawn = plotted.dropna(subset=["share_pct"])
    description = (
        f"Bars of the shares the article quotes for Belarus's {spec['title']}, % : "
        + "; ".join(f"{r.group}, {r.period}: {r.share_pct:.1f}%" for r in drawn.itertuples())
        + ". " + " ".join(f"{r.group}: {r.note}." for r in plotted[plotted.share_pct.isna()].itertuples())
    )
    return ChartFigure(spec["key"], chart, Attribution(["article_figures"], note, data_dir), description)


def _quoted_marks(figures: pd.DataFrame, flow: str, years: list[int]) -> pd.DataFrame:
    """The article's quoted shares for SITC sections, placed on the section they describe."""
    rows = []
    for group, year, figure_id, _ in STRUCTURE[flow]["bars"]:
        if group in QUOTED_SECTION and year in years:
            section = QUOTED_SECTION[group]
            rows.append({"year": year, "period": str(year), "section": SITC_SECTIONS[section],
                         "quoted_share_pct": m.quoted(figures, figure_id), "quoted_as": group})
    return pd.DataFrame(rows, columns=["year", "period", "section", "quoted_share_pct", "quoted_as"])


def _comtrade_structure_figure(comtrade: pd.DataFrame, figures: pd.DataFrame, flow: str, years: list[int], data_dir):
    spec = STRUCTURE[flow]
    shares = comtrade_shares(comtrade, flow, years).assign(period=lambda f: f.year.astype(str))
    marks = _quoted_marks(figures, flow, years)
    plotted = shares.merge(marks, on=["year", "period", "section"], how="left")
    plotted["quoted_as"] = plotted.quoted_as.fillna("")
    periods = [str(year) for year in years]
    sections = list(SITC_SECTIONS.values())
    y = alt.Y("section:N", title=None, sort=sections, axis=alt.Axis(labelLimit=300))
    x = alt.X("share_pct:Q", title=f"% of Belarus's {spec['title']}")
    y_offset = alt.YOffset("period:N", sort=periods)
    bars = alt.Chart(plotted).mark_bar().encode(
        x=x, y=y, yOffset=y_offset,
        color=alt.Color("period:N", title=None, sort=periods, scale=alt.Scale(domain=periods, range=_period_colours(periods))),
        tooltip=[alt.Tooltip("section:N", title="SITC section"), alt.Tooltip("period:N", title="Year"),
                 alt.Tooltip("share_pct:Q", format=".1f", title="share, % (UN Comtrade)"),
                 alt.Tooltip("value_bn_usd:Q", format=".2f", title="value, bn USD"),
                 alt.Tooltip("quoted_share_pct:Q", format=".1f", title="the article's share, %"),
                 alt.Tooltip("quoted_as:N", title="the article's group")],
    )
    values = alt.Chart(plotted).mark_text(align="left", dx=3, fontSize=11, color="#222").encode(
        x=x, y=y, yOffset=y_offset, text=alt.Text("share_pct:Q", format=".1f"))
    quoted = alt.Chart(plotted).mark_tick(color="#000", thickness=3, size=16).encode(
        x=alt.X("quoted_share_pct:Q"), y=y, yOffset=y_offset,
        tooltip=[alt.Tooltip("quoted_as:N", title="the article's group"), alt.Tooltip("period:N", title="Year"),
                 alt.Tooltip("quoted_share_pct:Q", format=".1f", title="the article's share, %")],
    ).transform_filter(alt.FieldValidPredicate(field="quoted_share_pct", valid=True))
    chart = styled(alt.layer(bars, values, quoted)).properties(width=STRUCTURE_WIDTH, height=18 * len(sections) * len(years) + 40)
    note = ("Shares of the sum over the ten SITC Rev. 3 sections, from Belarus's own reports to UN Comtrade (reporter 112, "
            "partner 643). Black ticks mark the shares the article quotes (UNCTAD, author's calculation); its "
            "\"food products\" is set beside section 0, which is narrower than UNCTAD's food group.")
    description = (
        f"Bars of each SITC section's share of Belarus's {spec['title']} in {m.join_years(years)}, %: "
        + "; ".join(f"{r.section}, {r.period}: {r.share_pct:.1f}%" for r in plotted.itertuples())
        + (". The article's shares: " + "; ".join(f"{r.quoted_as}, {r.period}: {r.quoted_share_pct:.1f}%" for r in marks.itertuples())
           if len(marks) else "") + "."
    )
    return ChartFigure(spec["key"], chart, Attribution(["comtrade_sitc", "article_figures"], note, data_dir), description)


def _period_colours(periods: list[str]) -> list[str]:
    colours = {"2012": "#999999", "2019": "#E69F00", "2021": "#0072B2"}
    return [colours[p] for p in periods]


def structure_numbers(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int,
                      comtrade: pd.DataFrame | None = None) -> tuple[dict, dict]:
    """The shares the article quotes for 2012 and 2021 and what they imply; NaN outside the edition's years.

    With UN Comtrade in the snapshot, the same shares recomputed from Belarus's reports as well.
    """
    q = lambda figure_id: m.quoted_in_window(figures, figure_id, start_year, end_year)
    n = {
        "fuel_share_fall_times": q("mineral_fuel_share_of_imports_from_russia_fall_2012_2021_times"),
        "machinery_import_share_2012_pct": q("machinery_share_of_imports_from_russia_2012_pct"),
        "machinery_import_share_2021_pct": q("machinery_share_of_imports_from_russia_2021_pct"),
        "food_export_share_2012_pct": q("food_share_of_exports_to_russia_2012_pct"),
        "food_export_share_2021_pct": q("food_share_of_exports_to_russia_2021_pct"),
        "machinery_export_share_2012_pct": q("machinery_share_of_exports_to_russia_2012_pct"),
        "machinery_export_share_2021_pct": q("machinery_share_of_exports_to_russia_2021_pct"),
        "machinery_exports_2012_bn": q("machinery_exports_to_russia_2012_bn_usd"),
        "machinery_exports_2021_bn": q("machinery_exports_to_russia_2021_bn_usd"),
        "exports_article_2021_bn": q("exports_to_russia_2021_bn_usd"),
    }
    n["implied_exports_2012_bn"] = n["machinery_exports_2012_bn"] / n["machinery_export_share_2012_pct"] * 100
    n["implied_exports_2021_bn"] = n["machinery_exports_2021_bn"] / n["machinery_export_share_2021_pct"] * 100
    n["machinery_exports_change_pct"] = (n["machinery_exports_2021_bn"] / n["machinery_exports_2012_bn"] - 1) * 100
    trade = m.belarus_russia_trade(dots, figures)
    n["exports_imf_2012_bn"] = float(trade.at[2012, "exports"]) if 2012 in trade.index and start_year <= 2012 <= end_year else math.nan
    comtrade_numbers, comtrade_sentence = _comtrade_structure_numbers(comtrade, n, start_year, end_year)
    n.update(comtrade_numbers)
    sentences = {"structure_data_sentence": comtrade_sentence}
    both = start_year <= 2012 and 2021 <= end_year
    if not both:
        missing = " and ".join(str(y) for y in (2012, 2021) if not start_year <= y <= end_year)
        text = (f"The article compares the structure of 2012 with that of 2021; this edition ({start_year}–{end_year}) lacks "
                f"{missing}, so the comparison and its consistency check are left out, and the figures below show only the "
                "quoted shares of the years it contains.")
        return n, {**sentences, "structure_sentence": text,
                   "structure_check_sentence": "With only one of the two years, the machinery check below is not possible in this edition."}
    imports = (
        f"Between 2012 and 2021 the share of mineral fuels in what Russia sold to Belarus fell by almost half (the article says "
        f"almost {n['fuel_share_fall_times']:.0f}-fold, without the levels), while every other large group gained: machinery and "
        f"transport equipment went from {n['machinery_import_share_2012_pct']:.1f}% to {n['machinery_import_share_2021_pct']:.1f}% "
        "of the total."
    )
    exports = (
        f"In Belarus's exports to Russia, food products rose from {n['food_export_share_2012_pct']:.1f}% to "
        f"{n['food_export_share_2021_pct']:.1f}%, while machinery and transport equipment fell from "
        f"{n['machinery_export_share_2012_pct']:.1f}% to {n['machinery_export_share_2021_pct']:.1f}%, and in value from "
        f"{n['machinery_exports_2012_bn']:.1f} to {n['machinery_exports_2021_bn']:.1f} bn USD "
        f"({'down' if n['machinery_exports_change_pct'] < 0 else 'up'} {abs(n['machinery_exports_change_pct']):.0f}%)."
    )
    higher = n["implied_exports_2012_bn"] > n["exports_imf_2012_bn"] and n["implied_exports_2021_bn"] > n["exports_article_2021_bn"]
    check = (
        f"The machinery figures carry a check: {n['machinery_exports_2012_bn']:.1f} bn USD at {n['machinery_export_share_2012_pct']:.1f}% "
        f"implies total exports to Russia of about {n['implied_exports_2012_bn']:.1f} bn USD in 2012, and "
        f"{n['machinery_exports_2021_bn']:.1f} bn at {n['machinery_export_share_2021_pct']:.1f}% about {n['implied_exports_2021_bn']:.1f} bn "
        f"in 2021, against {n['exports_imf_2012_bn']:.1f} bn in Belarus's report to the IMF for 2012 and "
        f"{n['exports_article_2021_bn']:.1f} bn in the article's own estimate for 2021. "
        + ("Both implied totals are higher: the UNCTAD data behind Figures 4 and 5 measure exports to Russia on another basis, "
           "so their shares should not be multiplied by the totals of Figure 3."
           if higher else "The totals are of the same order, though from different sources.")
    )
    return n, {**sentences, "structure_sentence": imports + " " + exports, "structure_check_sentence": check}


def _comtrade_structure_numbers(comtrade: pd.DataFrame | None, quoted: dict, start_year: int, end_year: int) -> tuple[dict, str]:
    """Shares of fuels, machinery and food from UN Comtrade beside the article's, and a sentence on what the figures show."""
    years = {flow: comtrade_years(comtrade, flow, start_year, end_year) for flow in ("imports", "exports")}
    if not (years["imports"] or years["exports"]):
        held = "" if comtrade is None else " for 2012 or 2021 within this edition"
        return {}, (f"The snapshot holds no UN Comtrade data{held}, so Figures 4 and 5 draw only the shares the article "
                    "quotes and leave every other section out; `make refresh` fetches Belarus's reports by SITC section "
                    "when online, and the figures then show the whole structure.")
    n = {}
    for flow, short in (("imports", "import"), ("exports", "export")):
        shares = comtrade_shares(comtrade, flow, years[flow]).set_index(["sitc_section", "year"]).share_pct
        for section, name in (("3", "fuel"), ("7", "machinery"), ("0", "food")):
            for year in DECADE:
                n[f"comtrade_{name}_{short}_share_{year}_pct"] = float(shares.get((section, year), math.nan))
        values = comtrade[(comtrade.flow == flow)]
        for year in years[flow]:
            n[f"comtrade_{short}_section_concentration_{year}"] = concentration_index(
                values[values.year == year].set_index("sitc_section").value_usd.reindex(list(SITC_SECTIONS), fill_value=0))
    parts = []
    if m.available(n["comtrade_fuel_import_share_2012_pct"], n["comtrade_fuel_import_share_2021_pct"]):
        fall = n["comtrade_fuel_import_share_2012_pct"] / n["comtrade_fuel_import_share_2021_pct"]
        n["comtrade_fuel_import_share_fall_times"] = fall
        parts.append(
            f"mineral fuels went from {n['comtrade_fuel_import_share_2012_pct']:.1f}% to "
            f"{n['comtrade_fuel_import_share_2021_pct']:.1f}% of Belarus's imports from Russia, a fall of {fall:.1f} times "
            f"(the article: almost {quoted['fuel_share_fall_times']:.0f}-fold)")
    for name, short, flow_text, article_key in (("machinery", "import", "imports from Russia", "machinery_import_share"),
                                                 ("machinery", "export", "exports to Russia", "machinery_export_share"),
                                                 ("food", "export", "exports to Russia", "food_export_share")):
        ours = [n[f"comtrade_{name}_{short}_share_{year}_pct"] for year in DECADE]
        theirs = [quoted[f"{article_key}_{year}_pct"] for year in DECADE]
        if m.available(*ours, *theirs):
            label = "section 0, food and live animals," if name == "food" else "machinery and transport equipment"
            parts.append(f"{label} went from {ours[0]:.1f}% to {ours[1]:.1f}% of {flow_text} "
                         f"(the article: {theirs[0]:.1f}% to {theirs[1]:.1f}%)")
    lead = (f"Figures 4 and 5 draw every SITC section from Belarus's own reports to UN Comtrade for "
            f"{m.join_years(sorted(set(years['imports']) | set(years['exports'])))}, with the article's quoted shares as black ticks.")
    if not parts:
        return n, lead
    return n, lead + " On these data " + "; ".join(parts) + "."


# --- Figure 6: the export concentration index ---------------------------------------------------

def concentration_index(values) -> float:
    """UNCTAD's product concentration index: a Herfindahl-Hirschman index normalised to 0-1.

    `values` are a country's exports by product (UNCTAD uses the SITC Rev. 3 three-digit
    products); with n products and shares s_i, H = (sqrt(sum s_i^2) - sqrt(1/n)) / (1 - sqrt(1/n)).
    0 means exports spread evenly over all products, 1 a single product. Figure 6 plots UNCTAD's
    published values; the book applies the formula to the SITC sections of trade with Russia.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) < 2 or (x < 0).any() or x.sum() <= 0:
        raise ValueError("need at least two non-negative product values with a positive total")
    shares = x / x.sum()
    floor = math.sqrt(1 / len(x))
    return float((math.sqrt((shares ** 2).sum()) - floor) / (1 - floor))


FIGURE_6_KEY = "fig-6-concentration"
BELARUS_M49 = str(m.BELARUS_M49)  # UNCTAD economy codes are text


def concentration_figure(concentration: pd.DataFrame | None, start_year: int, end_year: int, data_dir=None):
    """Figure 6: UNCTAD's export concentration index by economy, when a refresh has fetched it.

    Returns the figure, its numbers and the sentences that describe it, which test the article's
    three readings: a steady fall for Belarus from 2012, a level like China's and Germany's, and
    one well below Kazakhstan's and Russia's.
    """
    window = None if concentration is None else m.within(concentration, max(start_year, FIRST_YEAR), end_year)
    if window is None or BELARUS_M49 not in set(window.economy_code):
        held = ("is not in the snapshot yet (`make refresh` fetches UNCTADstat's bulk file when online)" if concentration is None
                else f"has no value for Belarus within this edition ({start_year}–{end_year})")
        figure = no_data_figure(FIGURE_6_KEY, f"Not drawn (the article's chart covers 2000–2023): UNCTAD's export "
                                f"concentration index {held.replace('`', '')}.",
                                ["article_figures"], data_dir=data_dir)
        return figure, {}, {"concentration_sentence": (
            f"**Figure 6 is not reproduced:** UNCTAD's export concentration index {held}. The article's reading of the "
            "chart is summarised above; the book does not redraw a chart it has no values for.")}
    plotted = window.assign(is_belarus=window.economy_code == BELARUS_M49)
    economies = [BELARUS_M49] + sorted(set(plotted.economy_code) - {BELARUS_M49})
    labels = plotted.drop_duplicates("economy_code").set_index("economy_code").economy
    order = [labels[code] for code in economies]
    chart = styled(alt.Chart(plotted).mark_line(point=True).encode(
        x=_year_axis(int(plotted.year.min()), int(plotted.year.max())),
        y=alt.Y("concentration_index:Q", title="Concentration index of exports (0–1)", scale=alt.Scale(zero=True)),
        color=alt.Color("economy:N", title=None, sort=order, scale=alt.Scale(domain=order, range=PALETTE[:len(order)])),
        strokeWidth=alt.condition(alt.datum.is_belarus, alt.value(4), alt.value(1.5)),
        detail="economy_code:N",
        tooltip=[alt.Tooltip("economy:N", title="Economy"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("concentration_index:Q", format=".3f", title="Concentration index")],
    ))
    numbers, sentence = _concentration_numbers(plotted)
    note = ("UNCTAD's product concentration index of merchandise exports (normalised Herfindahl-Hirschman index over "
            "three-digit SITC Rev. 3 products; 0 = evenly spread, 1 = a single product). Belarus drawn thicker.")
    description = ("Lines of the export concentration index by economy. "
                   + describe_series(plotted.sort_values("year"), "year", "concentration_index", "economy", "", decimals=3))
    figure = ChartFigure(FIGURE_6_KEY, chart, Attribution(["unctad_concentration"], note, data_dir), description)
    return figure, numbers, {"concentration_sentence": sentence}


def _concentration_numbers(plotted: pd.DataFrame) -> tuple[dict, str]:
    belarus = plotted[plotted.is_belarus].set_index("year").concentration_index.sort_index()
    last = int(belarus.index.max())
    n = {"concentration_blr_last_year": last, "concentration_blr_last": float(belarus[last])}
    parts = []
    since = belarus.loc[DECADE[0]:]
    if DECADE[0] in belarus.index and len(since) > 1:
        steps = since.diff().dropna()
        n.update(concentration_blr_2012=float(belarus[DECADE[0]]), concentration_blr_falls=int((steps < 0).sum()),
                 concentration_blr_steps=int(len(steps)))
        direction = "fell" if belarus[last] < belarus[DECADE[0]] else "did not fall"
        parts.append(
            f"Belarus's index {direction} from {belarus[DECADE[0]]:.3f} in {DECADE[0]} to {belarus[last]:.3f} in {last}, "
            f"declining in {n['concentration_blr_falls']} of the {n['concentration_blr_steps']} year-on-year steps "
            f"({'a steady fall, as the article reads it' if n['concentration_blr_falls'] == n['concentration_blr_steps'] else 'so not in every year'})")
    else:
        parts.append(f"Belarus's index was {belarus[last]:.3f} in {last}; the data within this edition do not reach back to "
                     f"{DECADE[0]}, where the article dates the start of the fall")
    others = plotted[~plotted.is_belarus & (plotted.year == last)].set_index("economy_code").concentration_index
    for group, reading in ((m.CONCENTRATION_CLOSE, "close to"), (m.CONCENTRATION_ABOVE, "well below")):
        present = [code for code in group if code in others.index]
        if not present:
            continue
        for code in present:
            n[f"concentration_{group[code].lower()}_last"] = float(others[code])
        values = " and ".join(f"{others[code]:.3f} for {group[code]}" for code in present)
        if reading == "well below":
            holds = all(others[code] > belarus[last] for code in present)
            verdict = "both above Belarus, as the article says" if holds and len(present) > 1 else (
                "above Belarus, as the article says" if holds else "not all above Belarus, against the article's reading")
        else:
            verdict = "the article sees Belarus close to them"
        parts.append(f"in {last} the index stood at {values} ({verdict})")
    return n, "On UNCTAD's data, " + "; ".join(parts) + "."
