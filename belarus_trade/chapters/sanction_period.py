"""What the chapter "Under sanctions, 2022–2024" computes (notebook `sanction_period.ipynb`).

The combined method itself, its back-test and the rounding checker live in
`belarus_trade.analysis.combined_method`; this module adds the chapter's own frames and numbers: the
back-test window of an edition, the data behind Figures 3b and 3c and Tables 1b and 1c, the
split of the back-test error, and the article's figures for 2021–2024. Prose and chart code
are in the notebook. The article's figures for 2021–2024 are used only when the edition
reaches those years; otherwise the numbers are `NOT_IN_EDITION`, a NaN that prints as "n/a".
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields

import pandas as pd

from belarus_trade import i18n
from belarus_trade.analysis import combined_method as cm
from belarus_trade.analysis import methods as m
from belarus_trade.chapters.charts import year_runs
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import MISSING, N_, tr

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
    items = list(items)
    return i18n.listed(items) if items else tr(none)


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
