"""What the chapter "Under sanctions, 2022–2024" computes (notebook `sanction_period.ipynb`).

The combined method itself, its back-test and the rounding checker live in
`belarus_trade.analysis.combined_method`; this module adds the chapter's own frames and numbers: the
back-test window of an edition, the data behind Figures 3b and 3c and Tables 1b and 1c, the
split of the back-test error, and the article's figures for 2021–2024. Prose and chart code
are in the notebook. The article's figures for 2021–2024 are used only when the edition
reaches those years; otherwise the numbers are `NOT_IN_EDITION`, a NaN that prints as "n/a".
"""
from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass, fields

import pandas as pd

from belarus_trade.analysis import combined_method as cm
from belarus_trade.analysis import methods as m
from belarus_trade.chapters.charts import year_runs
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import MISSING, N_, number, tr

# The resources the chapter reads (ChapterContext refuses any other; the build keys the chapter on these).
READS = ("wdi", "imf_dots", "article_table1", "article_figures")

# Chart labels (legend entries and table values).
# English in the frames (the notebook looks them up); the cell that draws a chart translates a copy with `tr`.
FLOW_LABELS = {"exports_fob": N_("Exports to Russia"), "imports_cif": N_("Imports from Russia")}
ACTUAL = N_("Belarus-reported (actual)")
ESTIMATE = N_("Combined-method estimate")
ERROR = N_("Error: estimate − actual")
SERIES_ORDER = [N_("Exports to Russia"), N_("Imports from Russia"), N_("Balance")]
# The customs union of Belarus, Kazakhstan and Russia came into force in 2010.
CUSTOMS_UNION_YEAR = 2010


class Unavailable(float):
    """A number the edition's years do not reach: NaN in arithmetic, "n/a" wherever it is printed."""

    def __new__(cls):
        return super().__new__(cls, "nan")

    def __format__(self, spec: str) -> str:
        return MISSING

    def __repr__(self) -> str:
        return MISSING

    __str__ = __repr__


NOT_IN_EDITION = Unavailable()


def in_edition(years, start_year: int, end_year: int) -> bool:
    return all(start_year <= y <= end_year for y in years)


def _unavailable(cls):
    return cls(**{f.name: NOT_IN_EDITION for f in fields(cls)})


# --- the statistics gap and the back-test ------------------------------------------------------

def direct_last_year(imf_dots: pd.DataFrame, start_year: int, end_year: int) -> int | None:
    """Last year of the edition in which Belarus reported its exports to Russia to the IMF (a
    value the IMF flags as its own estimate is not a report)."""
    own = m.belarus_flows(imf_dots, "exports_fob")[cm.RUSSIA].dropna()
    own = own.loc[(own.index >= start_year) & (own.index <= end_year)]
    own = own.drop(index=list(m.russia_estimated_years(imf_dots)), errors="ignore")
    return int(own.index.max()) if len(own) else None


@dataclass(frozen=True)
class TradeSources:
    """Which source gives Belarus's trade with Russia in the years after the last report, so the
    text says what it uses: the IMF's series where a refresh brought them, else the article's."""
    imf_years: str       # years after 2020 the IMF's series cover ("none" in the offline snapshot)
    article_years: str   # years after 2020 that rest on the article's figures
    missing_years: str   # years after 2020 that neither source covers


def trade_sources(imf_dots: pd.DataFrame, article_figures: pd.DataFrame, start_year: int, end_year: int,
                  after: int = 2020) -> TradeSources:
    trade = m.belarus_russia_trade(imf_dots, article_figures)
    first = max(start_year, after + 1)
    years_of = m.trade_source_years(trade, first, end_year)
    imf = years_of[m.IMF_SOURCE] + years_of[m.IMF_ESTIMATE_SOURCE]
    article = years_of[m.ARTICLE_SOURCE]
    return TradeSources(m.year_span(imf), m.year_span(article),
                        m.year_span([y for y in range(first, end_year + 1) if y not in imf + article]))


def backtest_window(start_year: int, end_year: int) -> tuple[int, int]:
    """Years the back-test may use: both the edition and the IMF snapshot (2000–2020) cover them."""
    return max(start_year, 2000), min(end_year, 2020)


@sourced
def backtest_long(backtest: pd.DataFrame) -> pd.DataFrame:
    """Figure 3b's data: actual, estimate and error of each flow and year, one row each."""
    frames = []
    for measure, column in ((ACTUAL, "actual_bn"), (ESTIMATE, "estimate_bn"), (ERROR, "error_bn")):
        frames.append(pd.DataFrame({
            "year": backtest.year, "flow": backtest.flow.map(FLOW_LABELS), "measure": measure,
            "bn_usd": backtest[column], "error_pct": backtest.error_pct,
        }))
    return pd.concat(frames, ignore_index=True).round({"bn_usd": 3, "error_pct": 2})


def every_nth_year(years, step: int) -> list[int]:
    """Axis labels: the first year and every `step`-th year after it."""
    years = sorted({int(y) for y in years})
    return [y for y in years if (y - years[0]) % step == 0]


@sourced
def estimate_above_actual(backtest: pd.DataFrame) -> pd.Series:
    """Per flow, the number of years in which the estimate exceeds the actual value."""
    return (backtest.error_bn > 0).groupby(backtest.flow, sort=False).sum().astype(int)


def lean(years_above: int, years: int) -> str:
    """Which way an estimate errs most often: "above", "below" or "on either side of" the actual value."""
    if years_above * 2 > years:
        return N_("above")
    if years_above * 2 < years:
        return N_("below")
    return N_("on either side of")


@sourced
def error_shares(imf_dots: pd.DataFrame, first_year: int, last_year: int, flow: str = "exports_fob") -> pd.Series:
    """Each country's share of the absolute error of the estimate over the window, %, largest first.

    Subtracted partners contribute the gap between Belarus's report and their own; Turkmenistan,
    in the total but not subtracted, its whole trade with Belarus."""
    parts = cm.error_components(imf_dots, flow)
    absolute = parts.loc[(parts.index >= first_year) & (parts.index <= last_year)].abs().sum()
    return (absolute / absolute.sum() * 100).sort_values(ascending=False, kind="stable")


# The CIS countries' IMF labels as a sentence names them.
COUNTRY_NAMES = {
    "Armenia, Rep. of": N_("Armenia"), "Azerbaijan, Rep. of": N_("Azerbaijan"), "Kazakhstan, Rep. of": N_("Kazakhstan"),
    "Kyrgyz Rep.": N_("Kyrgyzstan"), "Moldova, Rep. of": N_("Moldova"), "Tajikistan, Rep. of": N_("Tajikistan"),
    cm.UKRAINE: N_("Ukraine"), "Uzbekistan, Rep. of": N_("Uzbekistan"), cm.TURKMENISTAN: N_("Turkmenistan"),
    cm.GEORGIA: N_("Georgia"), cm.RUSSIA: N_("Russia"),
}


def country_name(label: str) -> str:
    """IMF labels read as plain names, in the current language: 'Kazakhstan, Rep. of' → 'Kazakhstan'."""
    return tr(COUNTRY_NAMES.get(label, label.split(",")[0]))


@sourced
def error_by_period(backtest: pd.DataFrame, flow: str = "exports_fob", break_year: int = CUSTOMS_UNION_YEAR) -> pd.DataFrame:
    """Median absolute error before and from `break_year`: rows "before" and "from" (a row is
    missing when the window has no year on that side), columns first_year, last_year, median_abs_pct."""
    rows = backtest[backtest.flow == flow]
    periods = {}
    for name, part in (("before", rows[rows.year < break_year]), ("from", rows[rows.year >= break_year])):
        if len(part):
            periods[name] = {"first_year": int(part.year.min()), "last_year": int(part.year.max()),
                             "median_abs_pct": float(part.error_pct.abs().median())}
    return pd.DataFrame.from_dict(periods, orient="index", columns=["first_year", "last_year", "median_abs_pct"])


def largest_cis_market_years(imf_dots: pd.DataFrame, first_year: int, last_year: int, country: str = cm.UKRAINE) -> int:
    """Years of the window in which `country` was Belarus's largest CIS export market after Russia."""
    own = m.belarus_flows(imf_dots, "exports_fob").loc[first_year:last_year]
    largest = own[[c for c in cm.CIS_TOTAL if c != cm.RUSSIA]].idxmax(axis=1)
    return int((largest == country).sum())


@sourced
def mirror_reports(imf_dots: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """The eight subtracted partners' reports of their trade with Belarus in the window."""
    return imf_dots[(imf_dots.partner == cm.BELARUS) & imf_dots.reporter.isin(cm.ARTICLE_SUBTRACTED)
                    & imf_dots.year.between(first_year, last_year)]


def deficit_years(backtest: pd.DataFrame) -> int:
    """Years in which Belarus's reported exports to Russia fell short of its imports from Russia."""
    actual = backtest.pivot(index="year", columns="flow", values="actual_bn")
    return int((actual.exports_fob < actual.imports_cif).sum())


# --- Table 1b: the definition of the CIS total -------------------------------------------------

@sourced
def sensitivity_table(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """Table 1b's columns from `cm.sensitivity`."""
    return pd.DataFrame({
        tr("Definition of the CIS total and of the countries subtracted"): sensitivity.variant.map(tr),
        tr("Flow"): sensitivity.flow.map(FLOW_LABELS).map(tr),
        tr("Median |error|, %"): sensitivity.median_abs_pct.round(2),
        tr("Mean error, %"): sensitivity.mean_pct.round(2),
        tr("Worst year"): sensitivity.worst_year.astype(int),
        tr("Error in worst year, %"): sensitivity.worst_pct.round(2),
    })


@sourced
def variant_summary(sensitivity: pd.DataFrame, variant: int, flow: str = "exports_fob") -> pd.Series:
    """The back-test summary of the `variant`-th definition in `cm.SENSITIVITY_VARIANTS`."""
    name = list(cm.SENSITIVITY_VARIANTS)[variant]
    return sensitivity[(sensitivity.variant == name) & (sensitivity.flow == flow)].iloc[0]


# --- the article's figures for 2021–2024 -------------------------------------------------------

@sourced
def wdi_totals(wdi: pd.DataFrame) -> pd.DataFrame:
    """Belarus's merchandise exports and imports (World Bank, WTO-based), bn USD."""
    return pd.DataFrame({
        "exports": m.wdi_series(wdi, "BLR", "TX.VAL.MRCH.CD.WT") / 1e9,
        "imports": m.wdi_series(wdi, "BLR", "TM.VAL.MRCH.CD.WT") / 1e9,
    })


def _table1_ru(article_table1: pd.DataFrame, flow: str, year: int) -> float:
    rows = article_table1[(article_table1.flow == flow) & (article_table1.partner == "RU") & (article_table1.year == year)]
    return float(rows.share_pct.iloc[0]) if len(rows) else NOT_IN_EDITION


@dataclass(frozen=True)
class Growth2021To2023:
    """The article's levels for 2021 and 2023 (bn USD), growth, turnover, balance and Russia's shares."""

    x2021: float
    x2023: float
    m2021: float
    m2023: float
    gx_computed: float
    gx_stated: float
    gm_computed: float
    gm_stated: float
    turnover2023_computed: float
    turnover2023_stated: float
    balance2023_computed: float
    balance2023_stated: float
    share_x2021_computed: float
    share_x2021_table1: float
    share_m2021_computed: float
    share_m2021_table1: float
    share_x2023_computed: float
    share_x2023_table1: float
    share_m2023_computed: float
    share_m2023_table1: float


def growth_2021_2023(article_figures: pd.DataFrame, article_table1: pd.DataFrame, wdi: pd.DataFrame,
                     start_year: int, end_year: int) -> Growth2021To2023:
    """Levels, growth, turnover, balance and Russia's shares, 2021→2023, from the article's figures."""
    if not in_edition((2021, 2023), start_year, end_year):
        return _unavailable(Growth2021To2023)
    q = functools.partial(m.quoted, article_figures)
    x21, x23 = q("exports_to_russia_2021_bn_usd"), q("exports_to_russia_2023_bn_usd")
    m21, m23 = q("imports_from_russia_2021_bn_usd"), q("imports_from_russia_2023_bn_usd")
    totals = wdi_totals(wdi)
    shares = {}
    for year, x, mm in ((2021, x21, m21), (2023, x23, m23)):
        shares[f"share_x{year}_computed"] = x / totals.at[year, "exports"] * 100
        shares[f"share_x{year}_table1"] = _table1_ru(article_table1, "export", year)
        shares[f"share_m{year}_computed"] = mm / totals.at[year, "imports"] * 100
        shares[f"share_m{year}_table1"] = _table1_ru(article_table1, "import", year)
    return Growth2021To2023(
        x2021=x21, x2023=x23, m2021=m21, m2023=m23,
        gx_computed=cm.growth_pct(x21, x23), gx_stated=q("exports_to_russia_growth_2021_2023_pct_change"),
        gm_computed=cm.growth_pct(m21, m23), gm_stated=q("imports_from_russia_growth_2021_2023_pct_change"),
        turnover2023_computed=x23 + m23, turnover2023_stated=q("turnover_with_russia_2023_bn_usd"),
        balance2023_computed=x23 - m23, balance2023_stated=q("trade_balance_with_russia_2023_bn_usd"),
        **shares,
    )


def rounding_explains(stated: float, start: float, end: float, decimals: int = 1) -> bool:
    """Whether a stated growth rate follows from two levels within the rounding of all three."""
    values = pd.DataFrame({"id": ["s", "a", "b"], "value": [stated, start, end], "decimals": [decimals, decimals, decimals]})
    relation = cm.Relation("growth", "s", ("a", "b"), cm.growth_pct, "", 0)
    return bool(cm.check_relations(values, [relation]).verdict.iloc[0] == cm.CONSISTENT)


def share_years_close(growth: Growth2021To2023, tolerance_pp: float = 0.3) -> dict[int, bool]:
    """For 2021 and 2023: do the shares from the article's levels match Table 1 within `tolerance_pp`?"""
    g = growth.__dict__
    return {
        year: abs(g[f"share_x{year}_computed"] - g[f"share_x{year}_table1"]) <= tolerance_pp
        and abs(g[f"share_m{year}_computed"] - g[f"share_m{year}_table1"]) <= tolerance_pp
        for year in (2021, 2023)
    }


def size_against(value: float, typical_error: float) -> str:
    """How a growth rate compares with the method's typical error: "far larger than" (over three
    times), "larger than" or "within"."""
    if not m.available(value, typical_error):
        return MISSING
    if abs(value) > 3 * typical_error:
        return N_("far larger than")
    return N_("larger than") if abs(value) > typical_error else N_("within")


@dataclass(frozen=True)
class CarChannel:
    """EU passenger cars exported to Belarus, 2021→2023, against the rise in exports to Russia."""

    cars2021_musd: float
    cars2023_bn: float
    ratio_computed: float
    ratio_stated: float
    increase_bn: float
    exports_increase_bn: float
    share_of_export_rise_pct: float


def car_channel(article_figures: pd.DataFrame, start_year: int, end_year: int) -> CarChannel:
    if not in_edition((2021, 2023), start_year, end_year):
        return _unavailable(CarChannel)
    q = functools.partial(m.quoted, article_figures)
    cars21 = q("car_imports_from_eu_2021_musd_restated")
    cars23 = q("car_imports_from_eu_2023_bn_usd_restated")
    rise = q("exports_to_russia_2023_bn_usd") - q("exports_to_russia_2021_bn_usd")
    increase = cars23 - cars21 / 1000
    return CarChannel(
        cars2021_musd=cars21, cars2023_bn=cars23, ratio_computed=cars23 * 1000 / cars21,
        ratio_stated=q("car_imports_from_eu_growth_2021_2023_times"), increase_bn=increase,
        exports_increase_bn=rise, share_of_export_rise_pct=increase / rise * 100,
    )


@dataclass(frozen=True)
class Year2024:
    """2024: the article's levels against its stated growth rates, the balance, and Russia's shares."""

    t2024: float
    x2024: float
    m2024_implied: float
    gt2024_computed: float
    gt2024_stated: float
    gx2024_computed: float
    gx2024_stated: float
    t2023_base_implied: float
    x2023_base_implied: float
    balance2024_computed_bn: float
    balance2024_stated_musd: float
    balance2023_restated: float
    wdi_x2024: float
    wdi_m2024: float
    share_t2024_computed: float
    share_t2024_stated: float
    share_x2024_computed: float
    share_x2024_stated: float
    share_m2024_computed: float
    share_m2024_stated: float
    share_m2024_stated_implied_imports: float


def year_2024(article_figures: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int) -> Year2024:
    if not in_edition((2023, 2024), start_year, end_year):
        return _unavailable(Year2024)
    q = functools.partial(m.quoted, article_figures)
    t23, x23 = q("turnover_with_russia_2023_bn_usd"), q("exports_to_russia_2023_bn_usd")
    t24, x24 = q("turnover_with_russia_2024_bn_usd"), q("exports_to_russia_2024_bn_usd")
    gt, gx = q("turnover_with_russia_growth_2024_pct_change"), q("exports_to_russia_growth_2024_pct_change")
    totals = wdi_totals(wdi)
    wx, wm = float(totals.at[2024, "exports"]), float(totals.at[2024, "imports"])
    m24 = t24 - x24
    share_m_stated = q("russia_share_of_goods_imports_2024_pct")
    return Year2024(
        t2024=t24, x2024=x24, m2024_implied=m24,
        gt2024_computed=cm.growth_pct(t23, t24), gt2024_stated=gt,
        gx2024_computed=cm.growth_pct(x23, x24), gx2024_stated=gx,
        t2023_base_implied=t24 / (1 + gt / 100), x2023_base_implied=x24 / (1 + gx / 100),
        balance2024_computed_bn=x24 - m24, balance2024_stated_musd=q("trade_balance_with_russia_2024_musd"),
        balance2023_restated=q("trade_balance_with_russia_2023_bn_usd_restated"),
        wdi_x2024=wx, wdi_m2024=wm,
        share_t2024_computed=t24 / (wx + wm) * 100, share_t2024_stated=q("russia_share_of_goods_trade_2024_pct"),
        share_x2024_computed=x24 / wx * 100, share_x2024_stated=q("russia_share_of_goods_exports_2024_pct"),
        share_m2024_computed=m24 / wm * 100, share_m2024_stated=share_m_stated,
        share_m2024_stated_implied_imports=share_m_stated / 100 * wm,
    )


def shares_2024_agree(year: Year2024, tolerance_pp: float = 0.15) -> dict[str, bool]:
    """Turnover, exports, imports: does the share from the article's levels match the printed one?"""
    return {name: abs(getattr(year, f"share_{k}2024_computed") - getattr(year, f"share_{k}2024_stated")) <= tolerance_pp
            for name, k in (("turnover", "t"), ("exports", "x"), ("imports", "m"))}


def words(items, none: str = N_("none")) -> str:
    """'exports', 'turnover and exports': names joined as a sentence lists them (in the current language)."""
    items = [str(i) for i in items]
    if not items:
        return tr(none)
    return items[0] if len(items) == 1 else tr("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


# --- Figure 3c: exports, imports and balance around the break -----------------------------------

@sourced
def trade_around_break(imf_dots: pd.DataFrame, article_figures: pd.DataFrame, wdi: pd.DataFrame,
                       start_year: int, end_year: int) -> pd.DataFrame:
    """Figure 3c's data: the last six years of the edition, one row per year and series (exports,
    imports, balance), with the value's source, Russia's share of Belarus's total and the run of
    consecutive years (`segment`), so that lines break at a year without data."""
    trade = m.belarus_russia_trade(imf_dots, article_figures)
    first = max(start_year, end_year - 5)
    trade = trade.loc[[y for y in trade.index if first <= y <= end_year]]
    totals = wdi_totals(wdi)
    rows = []
    for year, row in trade.iterrows():
        source = row.source.split(";")[0]
        for series, value, total_column in ((SERIES_ORDER[0], row.exports, "exports"),
                                            (SERIES_ORDER[1], row.imports, "imports"), (SERIES_ORDER[2], row.balance, None)):
            share = value / totals.at[year, total_column] * 100 if total_column and year in totals.index else math.nan
            derived = series != SERIES_ORDER[0] and "derived" in row.source and year == 2024
            rows.append({"year": int(year), "series": series, "bn_usd": round(float(value), 3),
                         "source": m.DERIVED_SOURCE if derived else source,
                         "russia_share_pct": round(share, 1) if not math.isnan(share) else None})
    plotted = pd.DataFrame(rows)
    plotted["segment"] = year_runs(plotted)
    return plotted


# --- Table 1c: the article's own arithmetic ------------------------------------------------------

@sourced
def printed_values(article_figures: pd.DataFrame, article_table1: pd.DataFrame, wdi: pd.DataFrame, context) -> pd.DataFrame:
    """Every number a relation may use, with the decimals it was printed with.

    Article figures and Table 1 keep the decimals of their transcription (read from the files'
    text, since a loaded float forgets that '8.0' had one decimal); World Bank totals are exact.
    """
    text = _raw_values(context.path("article_figures"), "value", ["id"])
    article = article_figures[["id", "value"]].assign(
        decimals=article_figures["id"].map(lambda i: cm.printed_decimals(text[(i,)])))
    raw_table = _raw_values(context.path("article_table1"), "share_pct", ["flow", "partner", "year"])
    t1 = article_table1
    table = pd.DataFrame({
        "id": "table1_" + t1.flow + "_" + t1.partner + "_" + t1.year.astype(str),
        "value": t1.share_pct,
        "decimals": [cm.printed_decimals(raw_table[(f, p, str(y))]) for f, p, y in zip(t1.flow, t1.partner, t1.year)],
    })
    totals = wdi_totals(wdi).dropna()
    world_bank = pd.concat([
        pd.DataFrame({"id": [f"wdi_{flow}_{year}" for year in totals.index], "value": totals[flow].to_numpy(), "decimals": None})
        for flow in ("exports", "imports")
    ])
    return pd.concat([article, table, world_bank], ignore_index=True)


def _raw_values(path, value_column: str, key: list[str]) -> dict:
    """A resource's value column as printed text, keyed by its key columns.

    The file is the one the chapter's context validated when it loaded it; this reads only its text."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {tuple(row[k] for k in key): row[value_column] for row in csv.DictReader(handle)}


# Table 1c's "Checked against" column.
OWN = N_("article's own figures")
WITH_WDI = N_("article's levels, World Bank totals")
TABLE1_WDI = N_("Table 1 vs article's levels, World Bank totals")
# Table 1c's relations of Table 1's shares, one per flow and year (the year filled in).
TABLE1_RELATIONS = {"export": N_("Table 1: Russia's share of exports {year}, %"),
                    "import": N_("Table 1: Russia's share of imports {year}, %")}


def article_relations() -> list[cm.Relation]:
    """The arithmetic claims of the article's sanction-period pages (and the EU figures they rest on)."""
    R = functools.partial(cm.Relation, basis=OWN)
    relations = [
        R(N_("Exports to Russia, growth 2021→2023, %"), "exports_to_russia_growth_2021_2023_pct_change",
          ("exports_to_russia_2021_bn_usd", "exports_to_russia_2023_bn_usd"), cm.growth_pct, "({1} / {0} − 1) × 100", 2023,
          first_year=2021),
        R(N_("Imports from Russia, growth 2021→2023, %"), "imports_from_russia_growth_2021_2023_pct_change",
          ("imports_from_russia_2021_bn_usd", "imports_from_russia_2023_bn_usd"), cm.growth_pct, "({1} / {0} − 1) × 100", 2023,
          first_year=2021),
        R(N_("Turnover 2023 = exports + imports, bn USD"), "turnover_with_russia_2023_bn_usd",
          ("exports_to_russia_2023_bn_usd", "imports_from_russia_2023_bn_usd"), cm.total, "{0} + {1}", 2023),
        R(N_("Balance 2023 = exports − imports, bn USD"), "trade_balance_with_russia_2023_bn_usd",
          ("exports_to_russia_2023_bn_usd", "imports_from_russia_2023_bn_usd"), cm.difference, "{0} − {1}", 2023),
        R(N_("Turnover 2024 from 2023 level and stated growth, bn USD"), "turnover_with_russia_2024_bn_usd",
          ("turnover_with_russia_2023_bn_usd", "turnover_with_russia_growth_2024_pct_change"), cm.grown_level,
          "{0} × (1 + {1}/100)", 2024, first_year=2023),
        R(N_("Exports 2024 from 2023 level and stated growth, bn USD"), "exports_to_russia_2024_bn_usd",
          ("exports_to_russia_2023_bn_usd", "exports_to_russia_growth_2024_pct_change"), cm.grown_level,
          "{0} × (1 + {1}/100)", 2024, first_year=2023),
        R(N_("Balance 2024 = exports − implied imports, million USD"), "trade_balance_with_russia_2024_musd",
          ("exports_to_russia_2024_bn_usd", "turnover_with_russia_2024_bn_usd"), _balance_from_turnover,
          "({0} − ({1} − {0})) × 1000", 2024, scale=1000),
        R(N_("Exports to the EU, fall 2021→2023, times"), "exports_to_eu_fall_2021_2023_times",
          ("exports_to_eu_2021_bn_usd", "exports_to_eu_2023_bn_usd"), cm.ratio, "{0} / {1}", 2023, first_year=2021),
        R(N_("EU car exports to Belarus, rise 2021→2023, \"almost\" times"), "car_imports_from_eu_growth_2021_2023_times",
          ("car_imports_from_eu_2023_bn_usd_restated", "car_imports_from_eu_2021_musd_restated"), cm.ratio, "{0} × 1000 / {1}", 2023,
          scale=1000, qualifier="almost", first_year=2021),
        R(N_("Russia's share of Belarus's goods turnover 2024, %"), "russia_share_of_goods_trade_2024_pct",
          ("turnover_with_russia_2024_bn_usd", "wdi_exports_2024", "wdi_imports_2024"), _share_of_sum,
          "{0} / ({1} + {2}) × 100", 2024, basis=WITH_WDI),
        R(N_("Russia's share of Belarus's goods exports 2024, %"), "russia_share_of_goods_exports_2024_pct",
          ("exports_to_russia_2024_bn_usd", "wdi_exports_2024"), cm.share_pct, "{0} / {1} × 100", 2024, basis=WITH_WDI),
        R(N_("Russia's share of Belarus's goods imports 2024, %"), "russia_share_of_goods_imports_2024_pct",
          ("turnover_with_russia_2024_bn_usd", "exports_to_russia_2024_bn_usd", "wdi_imports_2024"), _imports_share,
          "({0} − {1}) / {2} × 100", 2024, basis=WITH_WDI),
    ]
    for year in (2021, 2023):
        relations += [
            R(TABLE1_RELATIONS["export"].format(year=year), f"table1_export_RU_{year}",
              (f"exports_to_russia_{year}_bn_usd", f"wdi_exports_{year}"), cm.share_pct, "{0} / {1} × 100", year, basis=TABLE1_WDI),
            R(TABLE1_RELATIONS["import"].format(year=year), f"table1_import_RU_{year}",
              (f"imports_from_russia_{year}_bn_usd", f"wdi_imports_{year}"), cm.share_pct, "{0} / {1} × 100", year, basis=TABLE1_WDI),
        ]
    return relations


def _balance_from_turnover(exports, turnover):
    return exports - (turnover - exports)


def _share_of_sum(part, a, b):
    return part / (a + b) * 100


def _imports_share(turnover, exports, imports_total):
    return (turnover - exports) / imports_total * 100


@sourced
def checked_relations(article_figures: pd.DataFrame, article_table1: pd.DataFrame, wdi: pd.DataFrame,
                      start_year: int, end_year: int, context) -> pd.DataFrame:
    """Every relation of `article_relations` whose years the edition covers, checked within rounding
    (`cm.check_relations`), with the stated value as printed (`stated_printed`)."""
    relations = [r for r in article_relations() if in_edition(r.years, start_year, end_year)]
    values = printed_values(article_figures, article_table1, wdi, context)
    checked = cm.check_relations(values, relations)
    decimals = values.set_index("id").decimals
    checked["stated_printed"] = [f"{value:.{int(decimals[r.stated])}f}" for value, r in zip(checked.stated, relations)]
    return checked


@sourced
def consistency_table(checked: pd.DataFrame) -> pd.DataFrame:
    """Table 1c's columns from `checked_relations`."""
    return pd.DataFrame({
        tr("Relation"): checked.relation.map(relation_name),
        tr("Computed as"): checked.formula.map(_decimal_mark),
        tr("Stated"): checked.stated_printed.map(_decimal_mark),
        tr("Implied"): checked.implied.round(2),
        tr("Difference"): checked.difference.round(2),
        tr("Rounding allows"): checked.tolerance.round(2),
        tr("Verdict"): checked.verdict.map(tr),
        tr("Checked against"): checked.basis.map(tr),
    })


def _decimal_mark(text: str) -> str:
    """Numbers printed into a text ("(8.0 / 5.2 − 1) × 100") with the current language's decimal mark."""
    mark = number(0.5, 1)[1]
    return re.sub(r"(?<=\d)\.(?=\d)", mark, text) if mark != "." else text


def relation_name(name: str) -> str:
    """A relation's English name (as `article_relations` gives it) in the current language."""
    for template in TABLE1_RELATIONS.values():
        head, tail = template.split("{year}")
        year = name[len(head):len(name) - len(tail)]
        if name.startswith(head) and name.endswith(tail) and year.isdigit():
            return tr(template).format(year=year)
    return tr(name)
