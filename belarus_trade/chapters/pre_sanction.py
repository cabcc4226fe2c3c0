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

from belarus_trade import i18n
from belarus_trade.analysis import methods as m
from belarus_trade.chapters.charts import year_runs
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
    return i18n.listed(words)


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


# --- transit ------------------------------------------------------------------------------------

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
