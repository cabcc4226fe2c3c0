"""What the chapter "Before the sanctions: trade with Russia to 2021" computes.

The article's pre-sanction part (Fig. 3-6) is rebuilt from the IMF's partner data, the figures
the article quotes, World Bank GDP and, once a refresh has fetched them, UN Comtrade's SITC
sections and UNCTAD's concentration index. The notebook `book/chapters/pre_sanction.ipynb`
holds the prose and the chart code; these functions return frames and numbers only. A value
outside the edition's window, or absent from every source (2022, Russia's missing mirror
years), is missing: NaN or None, never interpolated.
"""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from belarus_trade.analysis import methods as m
from belarus_trade.chapters.charts import WIDTH, year_runs
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_, number, tr

# The resources the chapter reads (ChapterContext refuses any other; the build keys the chapter on these).
READS = ("imf_dots", "article_figures", "wdi", "comtrade_sitc", "unctad_concentration")

# The article's pre-sanction decade: from the Single Economic Space (2012) to the last year before 2022.
DECADE = (2012, 2021)
FIRST_YEAR = 2000  # the article's figures start in 2000
LAST_YEAR = 2024  # and end in 2024
GDP = "NY.GDP.MKTP.CD"

# The IMF converts one side's report into the other's with a standard CIF/FOB factor of 1.06
# (IMF, Direction of Trade Statistics Yearbook 2017, introduction): importer's CIF value
# = exporter's FOB value x 1.06 when the importer does not report.
IMF_CIF_FOB_FACTOR = 1.06
# An importer's figure below half or above twice the exporter's is no valuation difference:
# such years are flagged as probably incomplete reports and left out of the summary.
PLAUSIBLE_RATIO_PCT = (50.0, 200.0)
# Two reports "agree" when they differ by less than this, in %.
AGREEMENT_PCT = 3.0
# "About 6% of GDP", read as the interval that rounds to 6.
ABOUT_SIX_PCT = (5.5, 6.5)
# A display for a value the snapshot or the edition does not hold.
NOT_HELD = N_("not in this snapshot")

# Frames keep these English labels (the notebook looks them up); a chart's cell translates its copy with `tr`.
SOURCE_LABELS = {
    m.IMF_SOURCE: N_("IMF DOTS, Belarus-reported"),
    m.IMF_ESTIMATE_SOURCE: N_("IMF, estimated by the IMF"),
    m.ARTICLE_SOURCE: N_("Article's figures"),
    m.DERIVED_SOURCE: N_("Article, derived (turnover − exports)"),
}
SOURCE_SHAPES = dict(zip(SOURCE_LABELS.values(), ["circle", "diamond", "square", "triangle-up"]))  # Figure 3's markers
SERIES = [N_("Exports to Russia"), N_("Imports from Russia"), N_("Balance")]


# --- small helpers the cells share ----------------------------------------------------------------

def year_axis(first: int, last: int, step: int = 4) -> alt.X:
    """A quantitative year axis, so a missing year shows as a gap rather than disappearing."""
    ticks = list(range(first, last + 1, step))
    return alt.X(
        "year:Q", title=None,
        scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False, zero=False),
        axis=alt.Axis(format="d", values=ticks, labelAngle=0, grid=False),
    )


def join_words(words) -> str:
    """"a", "a and b", "a, b and c"; "" for none."""
    words = [str(w) for w in words]
    return tr("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1]) if len(words) > 1 else "".join(words)


def decade_window(start_year: int, end_year: int) -> tuple[int, int]:
    """The article's decade intersected with the edition's years (first > last when they miss)."""
    return max(DECADE[0], start_year), min(DECADE[1], end_year)


class NotHeld:
    """A number the snapshot does not hold (a series only a refresh brings): formatted with any
    format spec, and written by ``{eval}`i18n.number(value, 1)` ``, it reads `NOT_HELD` instead of failing."""

    def __format__(self, spec: str) -> str:
        return NOT_HELD

    def __repr__(self) -> str:
        return NOT_HELD

    def __bool__(self) -> bool:
        return False


NOT_HELD_VALUE = NotHeld()


def held(value):
    """`value` itself, or `NOT_HELD_VALUE` for None or NaN, so the prose can format it either way."""
    return value if value is not None and m.available(value) else NOT_HELD_VALUE


# --- Figure 3: goods trade with Russia ------------------------------------------------------------

@sourced
def russia_trade(dots: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The Belarus-Russia series in long form: one row per year and series, with its own source.

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


@sourced
def russia_trade_plotted(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Figure 3's rows within the edition: `russia_trade` plus a `segment` that breaks the lines
    at a missing year and at a change of source (IMF to the article's figures)."""
    plotted = m.within(russia_trade(dots, figures), max(start_year, FIRST_YEAR), end_year).reset_index(drop=True)
    if plotted.empty:
        return plotted.assign(segment=pd.Series(dtype=object))
    family = np.where(plotted.source.isin([SOURCE_LABELS[m.IMF_SOURCE], SOURCE_LABELS[m.IMF_ESTIMATE_SOURCE]]), "IMF", "article")
    plotted["segment"] = year_runs(plotted.assign(source_family=family), ["series", "source_family"])
    return plotted.round({"bn_usd": 3})


def missing_years(years, first: int, last: int) -> list[int]:
    """The years of first..last that `years` lacks."""
    held = {int(y) for y in years}
    return [y for y in range(first, last + 1) if y not in held]


# --- Table 3a: the ranges the article gives for 2012-2021 -----------------------------------------

RANGE_MEASURES = {
    "deficit_min": (N_("Smallest yearly deficit"), "trade_deficit_with_russia_min_bn_usd"),
    "deficit_max": (N_("Largest yearly deficit"), "trade_deficit_with_russia_max_bn_usd"),
    "turnover_min": (N_("Lowest yearly turnover"), "turnover_with_russia_min_bn_usd"),
    "turnover_max": (N_("Highest yearly turnover"), "turnover_with_russia_max_bn_usd"),
}
# The article gives its ranges to one decimal: a difference up to this is rounding.
ROUNDING_BN = 0.05


def _source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, SOURCE_LABELS[m.ARTICLE_SOURCE] if source.startswith(m.ARTICLE_SOURCE) else source)


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
        result.update({f"{key}_bn": float(value), f"{key}_year": int(year), f"{key}_source": _source_label(rows.source.at[year])})
    return result


@sourced
def ranges_frame(trade: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Table 3a: each range the article gives beside the value `decade_ranges` recomputes from `trade`."""
    ranges = decade_ranges(trade, start_year, end_year)
    rows = []
    for key, (label, figure_id) in RANGE_MEASURES.items():
        stated, computed = m.quoted(figures, figure_id), ranges[f"{key}_bn"]
        rows.append({
            tr("Measure"): tr(label),
            tr("Article, bn USD"): stated,
            tr("Computed, bn USD"): round(computed, 2) if m.available(computed) else math.nan,
            tr("Difference, bn USD"): round(computed - stated, 2) if m.available(computed) else math.nan,
            tr("Year"): str(ranges[f"{key}_year"]) if m.available(ranges[f"{key}_year"]) else "–",
            tr("Source of the computed value"): tr(ranges[f"{key}_source"]) if ranges[f"{key}_source"] else tr("not in this edition"),
        })
    return pd.DataFrame(rows)


def largest_range_difference(ranges: dict, figures: pd.DataFrame) -> float:
    """The largest absolute difference between a recomputed extreme and the article's (NaN outside the decade)."""
    differences = [abs(ranges[f"{key}_bn"] - m.quoted(figures, figure_id)) for key, (_, figure_id) in RANGE_MEASURES.items()]
    return max(differences) if m.available(*differences) else math.nan


# --- stagnation: exports to Russia, 2021 against 2012 -------------------------------------------

def stagnation(trade: pd.DataFrame, start_year: int, end_year: int) -> dict:
    """Exports to Russia at the end of the decade (within the edition) against 2012, the peak of
    mutual trade, and the decade's low; NaN when the edition lacks 2012 or a later year of it."""
    first, last = decade_window(start_year, end_year)
    rows = trade.loc[(trade.index >= first) & (trade.index <= last)]
    numbers = {"exports_2012_bn": math.nan, "exports_end_bn": math.nan, "exports_end_year": math.nan,
               "exports_end_source": "", "exports_change_pct": math.nan,
               "exports_decade_low_bn": math.nan, "exports_decade_low_year": math.nan}
    if DECADE[0] not in rows.index or len(rows) < 2:
        return numbers
    end = int(rows.index.max())
    base, latest = float(rows.at[DECADE[0], "exports"]), float(rows.at[end, "exports"])
    numbers.update(exports_2012_bn=base, exports_end_bn=latest, exports_end_year=end,
                   exports_end_source=_source_label(rows.at[end, "source"]),
                   exports_change_pct=(latest / base - 1) * 100,
                   exports_decade_low_bn=float(rows.exports.min()), exports_decade_low_year=int(rows.exports.idxmin()))
    return numbers


# --- Figure 3a and Table 3b: mirror statistics ----------------------------------------------------

@sourced
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


SHORT = {m.BELARUS: N_("Belarus"), m.RUSSIA: N_("Russia")}
DIRECTION_LABELS = {
    f"{m.BELARUS} -> {m.RUSSIA}": N_("Belarus → Russia"),
    f"{m.RUSSIA} -> {m.BELARUS}": N_("Russia → Belarus"),
}
MIRROR_SERIES = {
    ("Belarus → Russia", "exporter"): N_("Belarus's exports to Russia (Belarus-reported, FOB)"),
    ("Belarus → Russia", "importer"): N_("Russia's imports from Belarus (Russia-reported, CIF)"),
    ("Russia → Belarus", "importer"): N_("Belarus's imports from Russia (Belarus-reported, CIF)"),
    ("Russia → Belarus", "exporter"): N_("Russia's exports to Belarus (Russia-reported, FOB)"),
}
IMPLAUSIBLE = N_("implausible gap (incomplete report?)")
REPORT_MISSING = {"Belarus": N_("Belarus's report missing"), "Russia": N_("Russia's report missing")}


def _flag(row) -> str:
    if not m.available(row.exporter_reported):
        return REPORT_MISSING[SHORT[row.exporter]]
    if not m.available(row.importer_reported):
        return REPORT_MISSING[SHORT[row.importer]]
    low, high = PLAUSIBLE_RATIO_PCT
    return IMPLAUSIBLE if row.ratio_pct < low or row.ratio_pct > high else ""


@sourced
def belarus_russia_mirror(dots: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """`mirror_gap` for Belarus and Russia within the edition's years (from 2000), with readable labels and a flag."""
    gaps = m.within(mirror_gap(dots, m.BELARUS, m.RUSSIA), max(start_year, FIRST_YEAR), end_year)
    gaps["direction"] = gaps.direction.map(DIRECTION_LABELS)
    gaps["flag"] = pd.Series([_flag(row) for row in gaps.itertuples()], index=gaps.index, dtype=object)
    return gaps


@sourced
def mirror_plotted(gaps: pd.DataFrame) -> pd.DataFrame:
    """Figure 3a's rows: one per reported value (bn USD), labelled by direction and reporter."""
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
    if not plotted.empty:
        plotted["segment"] = year_runs(plotted, ["series"])
    return plotted


@sourced
def ratio_frame(gaps: pd.DataFrame) -> pd.DataFrame:
    """Table 3b: both reports of each direction by year, and the importer's figure as a % of the exporter's."""
    wide = gaps.pivot(index="year", columns="direction", values=["exporter_reported", "importer_reported", "ratio_pct"])
    notes = gaps.groupby("year").flag.agg(lambda f: next((x for x in f if x), ""))
    by_ru, ru_by = "Belarus → Russia", "Russia → Belarus"

    def column(value, direction):
        return wide[(value, direction)] if (value, direction) in wide.columns else pd.Series(math.nan, index=wide.index)

    def header(direction, text):
        return tr("{direction}: {column}").format(direction=tr(direction), column=tr(text))

    return pd.DataFrame({
        tr("Year"): wide.index.astype(int),
        header(by_ru, "Belarus's report, bn USD"): (column("exporter_reported", by_ru) / 1000).round(3).values,
        header(by_ru, "Russia's report, bn USD"): (column("importer_reported", by_ru) / 1000).round(3).values,
        header(by_ru, "importer ÷ exporter, %"): column("ratio_pct", by_ru).round(2).values,
        header(ru_by, "Russia's report, bn USD"): (column("exporter_reported", ru_by) / 1000).round(3).values,
        header(ru_by, "Belarus's report, bn USD"): (column("importer_reported", ru_by) / 1000).round(3).values,
        header(ru_by, "importer ÷ exporter, %"): column("ratio_pct", ru_by).round(2).values,
        tr("Note"): [tr(note) if note else "" for note in notes.reindex(wide.index).fillna("")],
    }).reset_index(drop=True)


# Table 3b's column words (its headers are "{direction}: {column}").
RATIO_COLUMNS = (N_("Belarus's report, bn USD"), N_("Russia's report, bn USD"), N_("importer ÷ exporter, %"))


def mirror_summary(gaps: pd.DataFrame, start_year: int, end_year: int) -> dict:
    """The gaps over the decade (years both sides report plausibly, within the edition), per direction
    (`by_ru` = Belarus → Russia, `ru_by` = Russia → Belarus), and the years that are missing,
    implausible, or in which both reports agree within `AGREEMENT_PCT` in both directions."""
    first, last = decade_window(start_year, end_year)
    decade = gaps[(gaps.year >= first) & (gaps.year <= last) & gaps.ratio_pct.notna() & (gaps.flag == "")]
    agree = gaps[gaps.ratio_pct.notna()].groupby("year").ratio_pct.apply(lambda r: bool((r - 100).abs().max() < AGREEMENT_PCT))
    flags = gaps.flag.astype(str)
    numbers = {
        "first_year": int(decade.year.min()) if len(decade) else math.nan,
        "last_year": int(decade.year.max()) if len(decade) else math.nan,
        "russia_missing_years": sorted({int(y) for y in gaps.loc[flags == REPORT_MISSING["Russia"], "year"]}),
        "belarus_missing_years": sorted({int(y) for y in gaps.loc[flags == REPORT_MISSING["Belarus"], "year"]}),
        "implausible_years": sorted({int(y) for y in gaps.loc[flags == IMPLAUSIBLE, "year"]}),
        "agree_years": [int(y) for y, ok in agree.items() if ok],
    }
    for direction, key in (("Belarus → Russia", "by_ru"), ("Russia → Belarus", "ru_by")):
        rows = decade[decade.direction == direction]
        numbers.update({
            f"{key}_median_ratio_pct": float(rows.ratio_pct.median()) if len(rows) else math.nan,
            f"{key}_min_ratio_pct": float(rows.ratio_pct.min()) if len(rows) else math.nan,
            f"{key}_max_ratio_pct": float(rows.ratio_pct.max()) if len(rows) else math.nan,
            f"{key}_mean_gap_bn": float(rows.gap.mean() / 1000) if len(rows) else math.nan,
            f"{key}_years": int(len(rows)),
        })
    return numbers


# --- energy and transit -------------------------------------------------------------------------

ENERGY_YEAR = 2019


def energy_numbers(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> dict:
    """Crude oil and gas in Russia's exports to Belarus (2019, the article's shares), applied to
    the exports Russia reported to the IMF that year and set against Belarus's 2019 deficit."""
    oil = m.quoted_in_window(figures, "crude_oil_share_of_russia_exports_to_belarus_2019_pct", start_year, end_year)
    gas = m.quoted_in_window(figures, "natural_gas_share_of_russia_exports_to_belarus_2019_pct", start_year, end_year)
    numbers = {"oil_share_2019_pct": oil, "gas_share_2019_pct": gas, "energy_share_2019_pct": oil + gas,
               "russia_exports_2019_bn": math.nan, "energy_2019_bn": math.nan, "deficit_2019_bn": math.nan,
               "energy_to_deficit": math.nan}
    if not m.available(oil, gas):
        return numbers
    gaps = mirror_gap(dots, m.RUSSIA, m.BELARUS)
    exports = gaps.loc[(gaps.direction == f"{m.RUSSIA} -> {m.BELARUS}") & (gaps.year == ENERGY_YEAR), "exporter_reported"]
    trade = m.belarus_russia_trade(dots, figures)
    if exports.empty or not m.available(float(exports.iloc[0])) or ENERGY_YEAR not in trade.index:
        return numbers
    russia_exports = float(exports.iloc[0]) / 1000
    deficit = float(-trade.at[ENERGY_YEAR, "balance"])
    energy = russia_exports * (oil + gas) / 100
    numbers.update(russia_exports_2019_bn=russia_exports, energy_2019_bn=energy, deficit_2019_bn=deficit,
                   energy_to_deficit=energy / deficit if deficit > 0 else math.nan)
    return numbers


@sourced
def transit_frame(wdi: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Table 3c: the article's transport-services exports (4.0 bn USD) as a share of each year's GDP
    over the decade within the edition, and whether it rounds to the article's "about 6%"."""
    transit = m.quoted(figures, "transport_services_exports_max_bn_usd")
    first, last = decade_window(start_year, end_year)
    gdp = m.wdi_series(wdi, "BLR", GDP) / 1e9
    gdp = gdp.loc[(gdp.index >= first) & (gdp.index <= last)]
    share = transit / gdp * 100
    shown = pd.DataFrame({tr("Year"): gdp.index.astype(int), tr("GDP, bn USD (WDI)"): gdp.round(2).values,
                          transit_column(transit): share.round(2).values})
    shown[tr("Rounds to the article's ~6%")] = np.where(share.between(*ABOUT_SIX_PCT, inclusive="left").values, tr("yes"), tr("no"))
    return shown.reset_index(drop=True)


def transit_column(transit_bn: float) -> str:
    """Table 3c's column of the article's transit figure as a share of GDP (its highlighted column)."""
    return tr("{value} bn USD as % of GDP").format(value=number(transit_bn, 1))


def transit_numbers(wdi: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> dict:
    """The article's transit figure against GDP over the decade within the edition: the range of
    the share, its 2019 and 2021 values, the years it rounds to ~6%, and GDP's own range.
    NaN when the figure's period (2012-2021) lies outside the edition."""
    transit = m.quoted(figures, "transport_services_exports_max_bn_usd")
    in_window = m.available(m.quoted_in_window(figures, "transport_services_exports_max_bn_usd", start_year, end_year, overlap=True))
    first, last = decade_window(start_year, end_year)
    gdp = m.wdi_series(wdi, "BLR", GDP) / 1e9
    gdp = gdp.loc[(gdp.index >= first) & (gdp.index <= last)]
    share = transit / gdp * 100
    about_six = [int(y) for y in share.index[share.between(*ABOUT_SIX_PCT, inclusive="left")]]
    numbers = {"transit_bn": math.nan, "stated_pct": math.nan, "first_year": math.nan, "last_year": math.nan,
               "min_pct": math.nan, "min_year": math.nan, "max_pct": math.nan, "max_year": math.nan,
               "pct_2019": math.nan, "pct_2021": math.nan, "years_about_six": [],
               "gdp_min_bn": math.nan, "gdp_min_year": math.nan, "gdp_max_bn": math.nan, "gdp_max_year": math.nan}
    if share.empty or not in_window:
        return numbers
    numbers.update(transit_bn=transit, stated_pct=m.quoted(figures, "transport_services_exports_share_of_gdp_pct"),
                   first_year=int(share.index.min()), last_year=int(share.index.max()),
                   min_pct=float(share.min()), min_year=int(share.idxmin()), max_pct=float(share.max()), max_year=int(share.idxmax()),
                   years_about_six=about_six, gdp_min_bn=float(gdp.min()), gdp_min_year=int(gdp.idxmin()),
                   gdp_max_bn=float(gdp.max()), gdp_max_year=int(gdp.idxmax()))
    for year in (2019, 2021):
        if year in share.index:
            numbers[f"pct_{year}"] = float(share.at[year])
    return numbers


# --- Figures 4 and 5: the commodity structure -----------------------------------------------------
#
# With UN Comtrade in the snapshot (a refresh fetches it when online) the figures show every SITC
# section for 2012 and 2021 from Belarus's own reports, with the article's quoted shares as marks
# beside them. Without it they show only the shares the article quotes, and say so.

# Labels of Figures 4 and 5 (English in the frames; the chart's cell translates its copy).
FUELS = N_("Mineral fuels (SITC 3)")
MACHINERY = N_("Machinery, transport eq. (SITC 7)")
FOOD = N_("Food products")
CRUDE = N_("Crude oil (2019, ITC)")
GAS = N_("Natural gas (2019, ITC)")
OTHER = N_("All other sections")
UNCTAD_BASIS = N_("UNCTAD, author's calculation")
ITC_BASIS = N_("ITC Trade Map 2019, author's calculation")
NOT_OFFLINE = N_("not in the snapshot; UN Comtrade fills it after a refresh")

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
        "notes": [(FUELS, 2021, N_("level not quoted; share fell by almost half, 2012 → 2021"))],
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
    "0": N_("0 Food and live animals"), "1": N_("1 Beverages and tobacco"), "2": N_("2 Crude materials, exc. fuels"),
    "3": N_("3 Mineral fuels"), "4": N_("4 Animal and vegetable oils"), "5": N_("5 Chemicals"),
    "6": N_("6 Manufactured goods by material"), "7": N_("7 Machinery and transport eq."),
    "8": N_("8 Miscellaneous manufactures"), "9": N_("9 Not classified elsewhere"),
}
# The section each quoted share is set beside. The article's "food products" is probably UNCTAD's
# food group (SITC 0, 1, 4 and 22), so beside section 0 alone it is an approximate comparison.
QUOTED_SECTION = {MACHINERY: "7", FOOD: "0"}
PERIOD_COLOURS = {"2012": "#999999", "2019": "#E69F00", "2021": "#0072B2"}
STRUCTURE_WIDTH = WIDTH  # the policy width, group labels included (charts are laid out "fit-x")


@sourced
def structure_frame(figures: pd.DataFrame, flow: str, start_year: int, end_year: int) -> pd.DataFrame:
    """The quoted shares of one flow as rows (a bar each), plus text rows for what is not drawn.

    A text row has no share: the fuel-share fall the article gives without levels, and the
    sections no offline source covers. Nothing else is filled in.
    """
    spec = STRUCTURE[flow]
    rows = []
    for group, year, figure_id, basis in spec["bars"]:
        value = m.quoted(figures, MACHINERY_VALUES[year]) if flow == "exports" and group == MACHINERY else math.nan
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


@sourced
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


@sourced
def quoted_marks(figures: pd.DataFrame, flow: str, years: list[int]) -> pd.DataFrame:
    """The article's quoted shares for SITC sections, placed on the section they describe."""
    rows = []
    for group, year, figure_id, _ in STRUCTURE[flow]["bars"]:
        if group in QUOTED_SECTION and year in years:
            rows.append({"year": year, "period": str(year), "section": SITC_SECTIONS[QUOTED_SECTION[group]],
                         "quoted_share_pct": m.quoted(figures, figure_id), "quoted_as": group})
    return pd.DataFrame(rows, columns=["year", "period", "section", "quoted_share_pct", "quoted_as"])


@sourced
def comtrade_structure_frame(comtrade: pd.DataFrame, figures: pd.DataFrame, flow: str, years: list[int]) -> pd.DataFrame:
    """Every section's share from UN Comtrade (`comtrade_shares`) with the article's quoted share
    beside the section it describes (`quoted_share_pct`, `quoted_as`; empty elsewhere)."""
    shares = comtrade_shares(comtrade, flow, years).assign(period=lambda f: f.year.astype(str))
    plotted = shares.merge(quoted_marks(figures, flow, years), on=["year", "period", "section"], how="left")
    plotted["quoted_as"] = plotted.quoted_as.fillna("")
    return plotted


def structure_numbers(trade: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> dict:
    """The shares the article quotes for 2012 and 2021 and the export totals they imply; NaN
    outside the edition's years."""
    def q(figure_id):
        return m.quoted_in_window(figures, figure_id, start_year, end_year)

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
    n["exports_imf_2012_bn"] = float(trade.at[2012, "exports"]) if 2012 in trade.index and start_year <= 2012 <= end_year else math.nan
    return n


def comtrade_structure_numbers(comtrade: pd.DataFrame | None, start_year: int, end_year: int) -> dict:
    """Shares of fuels, machinery and food in 2012 and 2021 recomputed from UN Comtrade, the fall of
    the fuel share, and the concentration index over the ten sections; None where not held."""
    years = {flow: comtrade_years(comtrade, flow, start_year, end_year) for flow in ("imports", "exports")}
    n = {}
    for flow, short in (("imports", "import"), ("exports", "export")):
        shares = (comtrade_shares(comtrade, flow, years[flow]).set_index(["sitc_section", "year"]).share_pct
                  if years[flow] else pd.Series(dtype=float))
        for section, name in (("3", "fuel"), ("7", "machinery"), ("0", "food")):
            for year in DECADE:
                value = shares.get((section, year))
                n[f"comtrade_{name}_{short}_share_{year}_pct"] = None if value is None else float(value)
        for year in DECADE:
            if year in years[flow]:
                values = comtrade[(comtrade.flow == flow) & (comtrade.year == year)]
                n[f"comtrade_{short}_section_concentration_{year}"] = concentration_index(
                    values.set_index("sitc_section").value_usd.reindex(list(SITC_SECTIONS), fill_value=0))
            else:
                n[f"comtrade_{short}_section_concentration_{year}"] = None
    before, after = n["comtrade_fuel_import_share_2012_pct"], n["comtrade_fuel_import_share_2021_pct"]
    n["comtrade_fuel_import_share_fall_times"] = before / after if before is not None and after else None
    n["comtrade_years"] = sorted(set(years["imports"]) | set(years["exports"]))
    return n


# --- Figure 6: the export concentration index -----------------------------------------------------

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


BELARUS_M49 = str(m.BELARUS_M49)  # UNCTAD economy codes are text


@sourced
def concentration_plotted(concentration: pd.DataFrame | None, start_year: int, end_year: int) -> pd.DataFrame | None:
    """Figure 6's rows within the edition, with `is_belarus`; None when there is no value for Belarus."""
    if concentration is None:
        return None
    window = m.within(concentration, max(start_year, FIRST_YEAR), end_year)
    if BELARUS_M49 not in set(window.economy_code):
        return None
    return window.assign(is_belarus=window.economy_code == BELARUS_M49).reset_index(drop=True)


def concentration_numbers(plotted: pd.DataFrame | None) -> dict:
    """The article's three readings of Figure 6, as numbers: Belarus's index in 2012 and in its last
    year, in how many year-on-year steps since 2012 it fell, and the last-year values of the
    economies the article compares it with (`close` to Belarus, well `above` it); None where not held."""
    n = {"blr_last_year": None, "blr_last": None, "blr_2012": None, "blr_falls": None, "blr_steps": None,
         "close": {}, "above": {}}
    if plotted is None:
        return n
    belarus = plotted[plotted.is_belarus].set_index("year").concentration_index.sort_index()
    last = int(belarus.index.max())
    n.update(blr_last_year=last, blr_last=float(belarus[last]))
    since = belarus.loc[DECADE[0]:]
    if DECADE[0] in belarus.index and len(since) > 1:
        steps = since.diff().dropna()
        n.update(blr_2012=float(belarus[DECADE[0]]), blr_falls=int((steps < 0).sum()), blr_steps=int(len(steps)))
    others = plotted[~plotted.is_belarus & (plotted.year == last)].set_index("economy_code").concentration_index
    for key, group in (("close", m.CONCENTRATION_CLOSE), ("above", m.CONCENTRATION_ABOVE)):
        n[key] = {name: float(others[code]) for code, name in group.items() if code in others.index}
    return n
