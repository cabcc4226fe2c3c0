"""The conclusion's findings, each computed from the data behind the figure that supports it.

Every finding is a sentence whose numbers (and, where the edition's years do not reach the
evidence, whose wording) come from the data; the notebook places each one next to a link to
its figure or table.
"""
from __future__ import annotations

import pandas as pd

from . import methods as m

def _outside(what: str, start_year: int, end_year: int) -> str:
    return f"This edition ({start_year}–{end_year}) does not reach the years of this finding ({what})."


def russia_dependence(printed: pd.DataFrame, start_year: int, end_year: int) -> str:
    exports = m.within(printed[(printed.flow == "export") & (printed.partner == "RU")], start_year, end_year).set_index("year").share_pct
    if exports.empty:
        return _outside("Table 1 covers 2012–2024", start_year, end_year)
    first, last = int(exports.index.min()), int(exports.index.max())
    return (f"Russia took {exports[last]:.1f}% of Belarus's goods exports in {last}, against {exports[first]:.1f}% in {first}; "
            f"its highest share in these years was {exports.max():.1f}% ({int(exports.idxmax())}).")


def eu_market_lost(figures: pd.DataFrame, start_year: int, end_year: int) -> str:
    if not (start_year <= 2021 and end_year >= 2023):
        return _outside("2021–2023", start_year, end_year)
    before, after = m.quoted(figures, "exports_to_eu_2021_bn_usd"), m.quoted(figures, "exports_to_eu_2023_bn_usd")
    cars_before = m.quoted(figures, "car_imports_from_eu_2021_musd") / 1000
    cars_after = m.quoted(figures, "car_imports_from_eu_2023_bn_usd")
    return (f"Exports to the EU fell from {before:.1f} bn USD in 2021 to {after:.1f} bn in 2023 "
            f"(to {after / before:.0%} of their 2021 level), while imports of cars from the EU rose "
            f"{cars_after / cars_before:.1f}-fold, largely for re-export to Russia.")


def surplus_with_russia(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> str:
    trade = m.belarus_russia_trade(dots, figures).loc[start_year:end_year]
    if trade.empty:
        return _outside("2000–2024", start_year, end_year)
    deficits = trade[trade.balance < 0]
    surpluses = trade[trade.balance > 0]
    text = (f"Belarus ran a deficit in its goods trade with Russia in {len(deficits)} of the {len(trade)} years with data "
            f"({int(trade.index.min())}–{int(trade.index.max())}), largest in {int(trade.balance.idxmin())} at {-trade.balance.min():.1f} bn USD")
    if surpluses.empty:
        return text + "; there is no surplus year in this edition."
    years = ", ".join(str(y) for y in surpluses.index)
    return text + f"; it turned to a surplus in {years} ({surpluses.balance.iloc[-1]:.1f} bn USD in {int(surpluses.index[-1])}, on the article's figures)."


def connectedness(dots: pd.DataFrame, figures: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int,
                  weo: pd.DataFrame | None = None) -> str:
    series = m.ktes_series(dots, figures, wdi, weo).loc[start_year:end_year].ktes.dropna()
    if len(series) < 2:
        return _outside("trade and GDP in at least two years", start_year, end_year)
    values = series.to_dict()
    peak = int(series.idxmax())
    text = ""
    if {2021, 2023} <= set(values):
        text = (f"The trade-economic connectedness coefficient (KTES) computed from the data rose from {values[2021]:.2f} in 2021 "
                f"to {values[2023]:.2f} in 2023 (the article: {m.quoted(figures, 'ktes_belarus_russia_2021_index'):.3f} and "
                f"{m.quoted(figures, 'ktes_belarus_russia_2023_index'):.3f}). ")
    return text + (f"Over {int(series.index.min())}–{int(series.index.max())} the highest value the data give is {values[peak]:.2f} in {peak}"
                   + (", so the 2023 value is a record only for the years since the sanctions." if peak < 2021 else "."))


def investment(figures: pd.DataFrame, start_year: int, end_year: int) -> str:
    if not (start_year <= 2021 and end_year >= 2023):
        return _outside("2021–2023", start_year, end_year)
    before, after = m.quoted(figures, "russian_investment_real_sector_2021_bn_usd"), m.quoted(figures, "russian_investment_real_sector_2023_bn_usd")
    share_before, share_after = m.quoted(figures, "russia_share_of_foreign_investment_2021_pct"), m.quoted(figures, "russia_share_of_foreign_investment_2023_pct")
    return (f"Russian investment in Belarus's real sector grew from {before:.1f} to {after:.1f} bn USD between 2021 and 2023 "
            f"(+{(after / before - 1):.0%}), and Russia's share of the foreign investment Belarus received from {share_before:.1f}% to {share_after:.1f}%.")


def diversification_failed(wdi: pd.DataFrame, printed: pd.DataFrame, start_year: int, end_year: int) -> str:
    exports, imports = m.wdi_series(wdi, "BLR", "TX.VAL.MRCH.CD.WT"), m.wdi_series(wdi, "BLR", "TM.VAL.MRCH.CD.WT")
    balance = ((exports - imports) / 1e9).loc[start_year:end_year].dropna()
    china = m.within(printed[(printed.flow == "import") & (printed.partner == "CN")], start_year, end_year).set_index("year").share_pct
    if balance.empty or china.empty:
        return _outside("Table 1 and the World Bank goods balance", start_year, end_year)
    last = int(balance.index.max())
    return (f"Belarus's overall goods balance was {balance[last]:+.1f} bn USD in {last}, and China's share of its imports rose "
            f"from {china.iloc[0]:.1f}% ({int(china.index[0])}) to {china.iloc[-1]:.1f}% ({int(china.index[-1])}), while its share of "
            "exports stayed small: growth outside the CIS came on the import side.")


def findings(printed, dots, figures, wdi, start_year: int, end_year: int, weo=None) -> dict[str, str]:
    """All findings by name, ready for `publish_markdown`; `weo` is the IMF WEO GDP once a refresh has fetched it."""
    return {
        "finding_dependence": russia_dependence(printed, start_year, end_year),
        "finding_eu": eu_market_lost(figures, start_year, end_year),
        "finding_surplus": surplus_with_russia(dots, figures, start_year, end_year),
        "finding_ktes": connectedness(dots, figures, wdi, start_year, end_year, weo),
        "finding_investment": investment(figures, start_year, end_year),
        "finding_diversification": diversification_failed(wdi, printed, start_year, end_year),
    }
