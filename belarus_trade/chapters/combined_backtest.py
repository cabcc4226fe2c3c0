"""Figure 3b and Table 1b of the sanction-period chapter: the statistics gap after 2021 and the
back-test of the article's combined method over the years both sides still published, with the
CIS definitions it is sensitive to.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from belarus_trade.analysis import combined_method as cm
from belarus_trade.analysis import methods as m
from belarus_trade.chapters.sanction_period import ACTUAL, CUSTOMS_UNION_YEAR, ERROR, ESTIMATE, FLOW_LABELS
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_, tr

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
