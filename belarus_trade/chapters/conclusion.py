"""The conclusion's findings: the numbers behind each, computed from the data of the figure that
supports it, for the edition's years.

Each function returns a small dataclass of named numbers (and at most a short verdict word);
a number the edition's years do not reach is None. `shown` turns a finding into the text the
notebook's sentences print, with "n/a" for what an edition lacks.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import SimpleNamespace

import pandas as pd

from belarus_trade import i18n
from belarus_trade.analysis import methods as m
from belarus_trade.i18n import MISSING, N_, tr

# The resources the chapter reads (ChapterContext refuses any other; the build keys the chapter on these).
READS = ("article_table1", "imf_dots", "article_figures", "wdi", "weo_gdp")


def _number(spec: str = ""):
    """A field of a finding, with the format the prose prints it in."""
    return field(metadata={"format": spec})


@dataclass(frozen=True)
class Finding:
    @property
    def available(self) -> bool:
        """Whether the edition's years reach this finding: it has at least one number."""
        return any(isinstance(getattr(self, f.name), (int, float)) for f in fields(self))

    @classmethod
    def outside(cls, **words):
        """The finding of an edition that does not reach its years: no numbers, only its words."""
        return cls(**{f.name: words.get(f.name) for f in fields(cls)})


def shown(finding: Finding) -> SimpleNamespace:
    """Each field of a finding as the prose prints it, in the chapter's language; MISSING where
    the edition lacks it."""
    return SimpleNamespace(**{f.name: _shown(getattr(finding, f.name), f.metadata.get("format", "")) for f in fields(finding)})


def _shown(value, spec: str) -> str:
    """A number in the format `spec` ("+.1f", ".0%": decimals, sign, percent) written the language's
    way; a word translated."""
    if value is None:
        return tr(MISSING)
    if isinstance(value, str):
        return tr(value)
    if not spec:
        return str(value)
    percent = spec.endswith("%")
    decimals = int(spec.rstrip("f%").rsplit(".", 1)[1])
    text = i18n.number(value * 100 if percent else value, decimals, sign=spec.startswith("+"))
    return text + "%" if percent else text


@dataclass(frozen=True)
class Dependence(Finding):
    """Russia's share of Belarus's goods exports (Table 1, %): first and last year, and the peak."""
    first_year: int | None = _number()
    last_year: int | None = _number()
    first_share: float | None = _number(".1f")
    last_share: float | None = _number(".1f")
    peak_share: float | None = _number(".1f")
    peak_year: int | None = _number()


def russia_dependence(article_table1: pd.DataFrame, start_year: int, end_year: int) -> Dependence:
    rows = article_table1[(article_table1.flow == "export") & (article_table1.partner == "RU")]
    exports = m.within(rows, start_year, end_year).set_index("year").share_pct
    if exports.empty:
        return Dependence.outside()
    first, last = int(exports.index.min()), int(exports.index.max())
    return Dependence(first, last, float(exports[first]), float(exports[last]), float(exports.max()), int(exports.idxmax()))


def _reaches(start_year: int, end_year: int, first: int, last: int) -> bool:
    return start_year <= first and end_year >= last


@dataclass(frozen=True)
class EuMarket(Finding):
    """Exports to the EU (bn USD) in 2021 and 2023 as the article quotes them, and car imports from the EU."""
    exports_2021: float | None = _number(".1f")
    exports_2023: float | None = _number(".1f")
    level_2023: float | None = _number(".0%")  # 2023 exports as a share of 2021's
    car_imports_fold: float | None = _number(".1f")  # car imports from the EU, 2023 over 2021


def eu_market_lost(article_figures: pd.DataFrame, start_year: int, end_year: int) -> EuMarket:
    if not _reaches(start_year, end_year, 2021, 2023):
        return EuMarket.outside()
    before = m.quoted(article_figures, "exports_to_eu_2021_bn_usd")
    after = m.quoted(article_figures, "exports_to_eu_2023_bn_usd")
    cars_before = m.quoted(article_figures, "car_imports_from_eu_2021_musd") / 1000
    cars_after = m.quoted(article_figures, "car_imports_from_eu_2023_bn_usd")
    return EuMarket(before, after, after / before, cars_after / cars_before)


@dataclass(frozen=True)
class Balance(Finding):
    """Belarus's goods balance with Russia (bn USD) over the edition's years with data (Figure 3)."""
    years: int | None = _number()
    first_year: int | None = _number()
    last_year: int | None = _number()
    deficit_years: int | None = _number()
    deepest_year: int | None = _number()
    deepest_deficit: float | None = _number(".1f")  # the largest deficit, as a positive number
    surplus_years: str | None = _number()  # "2023 and 2024", or "none"
    last_balance: float | None = _number("+.1f")
    turn: str | None = _number()  # what became of the deficit: "turned into a surplus" or "persisted"


def surplus_with_russia(imf_dots: pd.DataFrame, article_figures: pd.DataFrame, start_year: int, end_year: int) -> Balance:
    trade = m.belarus_russia_trade(imf_dots, article_figures).loc[start_year:end_year]
    if trade.empty:
        return Balance.outside(turn=N_("is outside this edition's years"))
    balance = trade.balance
    deficits, surpluses = balance[balance < 0], balance[balance > 0]
    last = int(balance.index.max())
    return Balance(
        years=len(balance), first_year=int(balance.index.min()), last_year=last,
        deficit_years=len(deficits),
        deepest_year=int(deficits.idxmin()) if not deficits.empty else None,
        deepest_deficit=float(-deficits.min()) if not deficits.empty else None,
        surplus_years=m.join_years(surpluses.index) if not surpluses.empty else N_("none"),
        last_balance=float(balance[last]),
        turn=N_("turned into a surplus") if balance[last] > 0 else N_("persisted"),
    )


@dataclass(frozen=True)
class Connectedness(Finding):
    """KTES computed from the data (2021 and 2023, with the article's values) and its peak in the edition."""
    direction: str | None = _number()  # "rose" or "fell", 2021 to 2023
    computed_2021: float | None = _number(".2f")
    computed_2023: float | None = _number(".2f")
    article_2021: float | None = _number(".3f")
    article_2023: float | None = _number(".3f")
    first_year: int | None = _number()
    last_year: int | None = _number()
    peak_value: float | None = _number(".2f")
    peak_year: int | None = _number()
    record_scope: str | None = _number()  # what kind of record the 2023 value is


def connectedness(imf_dots: pd.DataFrame, article_figures: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int,
                  weo_gdp: pd.DataFrame | None = None) -> Connectedness:
    """`weo_gdp` is the IMF WEO GDP once a refresh has fetched it (None before)."""
    series = m.ktes_series(imf_dots, article_figures, wdi, weo_gdp).loc[start_year:end_year].ktes.dropna()
    if len(series) < 2:
        return Connectedness.outside(direction=N_("moved"), record_scope=N_("not in this edition"))
    peak = int(series.idxmax())
    both = {2021, 2023} <= set(series.index)
    if 2023 not in series.index:
        scope = N_("not in this edition")
    elif peak == 2023:
        scope = N_("the highest of these years")
    elif series[2023] == series.loc[2021:].max():
        scope = N_("a record only for the years since the sanctions")
    else:
        scope = N_("not a record")
    return Connectedness(
        computed_2021=float(series[2021]) if both else None,
        computed_2023=float(series[2023]) if both else None,
        article_2021=m.quoted(article_figures, "ktes_belarus_russia_2021_index") if both else None,
        article_2023=m.quoted(article_figures, "ktes_belarus_russia_2023_index") if both else None,
        direction=(N_("rose") if series[2023] > series[2021] else N_("fell")) if both else N_("moved"),
        first_year=int(series.index.min()), last_year=int(series.index.max()),
        peak_value=float(series[peak]), peak_year=peak, record_scope=scope,
    )


@dataclass(frozen=True)
class Investment(Finding):
    """Russian investment in Belarus's real sector (bn USD) and Russia's share of foreign investment, 2021 and 2023."""
    real_sector_2021: float | None = _number(".1f")
    real_sector_2023: float | None = _number(".1f")
    growth: float | None = _number("+.0%")
    share_2021: float | None = _number(".1f")
    share_2023: float | None = _number(".1f")


def investment(article_figures: pd.DataFrame, start_year: int, end_year: int) -> Investment:
    if not _reaches(start_year, end_year, 2021, 2023):
        return Investment.outside()
    before = m.quoted(article_figures, "russian_investment_real_sector_2021_bn_usd")
    after = m.quoted(article_figures, "russian_investment_real_sector_2023_bn_usd")
    return Investment(before, after, after / before - 1,
                      m.quoted(article_figures, "russia_share_of_foreign_investment_2021_pct"),
                      m.quoted(article_figures, "russia_share_of_foreign_investment_2023_pct"))


@dataclass(frozen=True)
class Diversification(Finding):
    """Belarus's overall goods balance (World Bank, bn USD) and China's shares of its trade (Table 1, %)."""
    balance_year: int | None = _number()
    balance: float | None = _number("+.1f")
    china_first_year: int | None = _number()
    china_last_year: int | None = _number()
    china_imports_first: float | None = _number(".1f")
    china_imports_last: float | None = _number(".1f")
    china_direction: str | None = _number()  # "rose" or "fell"
    china_exports_last: float | None = _number(".1f")


def diversification_failed(wdi: pd.DataFrame, article_table1: pd.DataFrame, start_year: int, end_year: int) -> Diversification:
    exports, imports = m.wdi_series(wdi, "BLR", "TX.VAL.MRCH.CD.WT"), m.wdi_series(wdi, "BLR", "TM.VAL.MRCH.CD.WT")
    balance = ((exports - imports) / 1e9).loc[start_year:end_year].dropna()
    china = m.within(article_table1[article_table1.partner == "CN"], start_year, end_year)
    china = china.pivot(index="year", columns="flow", values="share_pct")
    if balance.empty or china.empty:
        return Diversification.outside(china_direction=N_("moved"))
    last, imports_cn = int(balance.index.max()), china["import"]
    return Diversification(
        balance_year=last, balance=float(balance[last]),
        china_first_year=int(imports_cn.index[0]), china_last_year=int(imports_cn.index[-1]),
        china_imports_first=float(imports_cn.iloc[0]), china_imports_last=float(imports_cn.iloc[-1]),
        china_direction=N_("rose") if imports_cn.iloc[-1] > imports_cn.iloc[0] else N_("fell"),
        china_exports_last=float(china["export"].iloc[-1]),
    )
