"""The article's methods, as tested functions: shares by partner group, KTES, year windows.

Partner groups use the IMF's own country labels (as in the snapshot). The EU is the EU-27
(the IMF's "European Union" aggregate, which the snapshot shows to exclude the United
Kingdom in every year); "other" is the world total less the named groups, as in Table 1.
"""
from __future__ import annotations

import math

import pandas as pd

from belarus_trade import i18n
from belarus_trade.data.economies import BELARUS_M49 as BELARUS_M49  # the chapters read the M49 codes here too
from belarus_trade.data.economies import CHINA_M49, GERMANY_M49, KAZAKHSTAN_M49, RUSSIA_M49
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_, tr

BELARUS = "Belarus, Rep. of"
RUSSIA = "Russian Federation"
CHINA = "China, P.R.: Mainland"
WORLD = "World"
EUROPEAN_UNION = "European Union"
# The Eurasian Economic Union without Belarus itself (Armenia and Kyrgyzstan joined in 2015;
# the membership is applied to every year so the series is comparable over time).
EAEU_PARTNERS = [RUSSIA, "Kazakhstan, Rep. of", "Armenia, Rep. of", "Kyrgyz Rep."]

TABLE1_PARTNERS = {"RU": [RUSSIA], "CN": [CHINA], "EU": [EUROPEAN_UNION]}
FLOW_OF_TABLE1 = {"export": "exports_fob", "import": "imports_cif"}


class ParameterError(ValueError):
    """Chapter parameters that cannot describe an edition (e.g. end year before start year)."""


def check_years(start_year: int, end_year: int, earliest: int = 1990, latest: int = 2100) -> None:
    for name, value in (("start_year", start_year), ("end_year", end_year)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ParameterError(f"parameter {name}: {value!r} is not a whole year")
        if not earliest <= value <= latest:
            raise ParameterError(f"parameter {name}: {value} is outside {earliest}–{latest}")
    if end_year < start_year:
        raise ParameterError(f"parameter end_year: {end_year} is before start_year {start_year}")


@sourced
def within(frame: pd.DataFrame, start_year: int, end_year: int, column: str = "year") -> pd.DataFrame:
    return frame[frame[column].between(start_year, end_year)].reset_index(drop=True)


def share_of(shares: pd.DataFrame, flow: str, partner: str, year: int) -> float:
    """One partner's share (`share_pct`) of one flow in one year, from a long frame of shares."""
    row = shares[(shares.flow == flow) & (shares.partner == partner) & (shares.year == year)]
    if row.empty:
        raise KeyError(f"no share for {flow}, {partner}, {year}")
    return float(row.share_pct.iloc[0])


@sourced
def belarus_flows(dots: pd.DataFrame, flow: str) -> pd.DataFrame:
    """Belarus-reported values of one flow, one column per partner, one row per year."""
    rows = dots[(dots.reporter == BELARUS) & (dots.flow == flow)]
    return rows.pivot_table(index="year", columns="partner", values="value_musd", aggfunc="sum")


@sourced
def group_shares(dots: pd.DataFrame, flow: str, groups: dict[str, list[str]]) -> pd.DataFrame:
    """Shares (%) of partner groups in Belarus's world total, plus 'other' = the remainder.

    Years lacking the world total or any group's partners are dropped rather than guessed.
    """
    wide = belarus_flows(dots, flow)
    needed = [WORLD] + [p for members in groups.values() for p in members]
    wide = wide.dropna(subset=[p for p in needed if p in wide.columns])
    missing = [p for p in needed if p not in wide.columns]
    if missing:
        raise KeyError(f"no {flow} data for partners {missing}")
    shares = pd.DataFrame({name: wide[members].sum(axis=1) / wide[WORLD] * 100 for name, members in groups.items()})
    shares["other"] = 100 - shares.sum(axis=1)
    return shares


@sourced
def table1_from_imf(dots: pd.DataFrame) -> pd.DataFrame:
    """Table 1 recomputed from Belarus-reported IMF flows, in Table 1's tidy layout."""
    frames = []
    for flow, imf_flow in FLOW_OF_TABLE1.items():
        shares = group_shares(dots, imf_flow, TABLE1_PARTNERS)
        long = shares.reset_index().melt(id_vars="year", var_name="partner", value_name="share_pct")
        long.insert(0, "flow", flow)
        frames.append(long)
    return pd.concat(frames, ignore_index=True)


@sourced
def compare_table1(printed: pd.DataFrame, recomputed: pd.DataFrame) -> pd.DataFrame:
    """Printed and recomputed shares side by side, for the years both cover."""
    merged = printed.merge(recomputed, on=["flow", "partner", "year"], suffixes=("_printed", "_imf"))
    merged["difference_pp"] = merged.share_pct_printed - merged.share_pct_imf
    return merged.sort_values(["flow", "partner", "year"]).reset_index(drop=True)


@sourced
def export_target_shares(dots: pd.DataFrame) -> pd.DataFrame:
    """Shares of the 2016–2020 programme's three market groups: EAEU, EU, and all the rest."""
    return group_shares(dots, "exports_fob", {"EAEU": EAEU_PARTNERS, "EU": [EUROPEAN_UNION]}).rename(
        columns={"other": "rest of the world"}
    )


def ktes(mutual_trade_usd: float, gdp_a_usd: float, gdp_b_usd: float) -> float:
    """Trade-economic connectedness (KTES): mutual goods trade / sum of the two GDPs × 100."""
    return mutual_trade_usd / (gdp_a_usd + gdp_b_usd) * 100


GDP_INDICATOR = "NY.GDP.MKTP.CD"


@sourced
def wdi_series(wdi: pd.DataFrame, iso3: str, indicator: str) -> pd.Series:
    rows = wdi[(wdi.iso3 == iso3) & (wdi.indicator == indicator)]
    return rows.set_index("year")["value"].sort_index()


def quoted(figures: pd.DataFrame, figure_id: str) -> float:
    """A figure the article quotes, by its id in the quoted-figures table."""
    match = figures.loc[figures["id"] == figure_id, "value"]
    if match.empty:
        raise KeyError(f"the article's quoted figures have no id '{figure_id}'")
    return float(match.iloc[0])


def period_years(period: str) -> tuple[int, int]:
    """First and last year of a period as the quoted-figures table writes it: '2019', '2024-08', '2012-2021'."""
    parts = str(period).split("-")
    first = int(parts[0])
    if len(parts) == 2 and len(parts[1]) == 4:
        return first, int(parts[1])
    return first, first


def quoted_in_window(figures: pd.DataFrame, figure_id: str, start_year: int, end_year: int, overlap: bool = False) -> float:
    """The article's figure if its period lies inside the edition's years (or, with `overlap`, meets them), else NaN."""
    period = figures.loc[figures["id"] == figure_id, "period"]
    if period.empty:
        raise KeyError(f"the article's quoted figures have no id '{figure_id}'")
    first, last = period_years(period.iloc[0])
    inside = (first <= end_year and last >= start_year) if overlap else (start_year <= first and last <= end_year)
    return quoted(figures, figure_id) if inside else math.nan


def available(*values) -> bool:
    """True when every value is a number that exists (not None, not NaN): an edition may lack it."""
    return all(value is not None and not (isinstance(value, float) and math.isnan(value)) for value in values)


def join_years(years) -> str:
    """'2021', '2021 and 2023', '2021, 2023 and 2024' — years as the prose lists them."""
    return i18n.listed(int(year) for year in years)


def year_span(years) -> str:
    """Years as runs, "2000–2020, 2023", or "none"."""
    years = sorted(set(int(y) for y in years))
    if not years:
        return tr("none")
    runs, start, previous = [], years[0], years[0]
    for year in years[1:] + [None]:
        if year is None or year != previous + 1:
            runs.append(str(start) if start == previous else f"{start}–{previous}")
            start = year
        previous = year
    return ", ".join(runs)


def years_outside(start_year: int, end_year: int, first: int, last: int) -> str:
    """The years a chapter's text discusses (`first`–`last`) that an edition's window leaves out,
    as the edition note prints them: "none", "2000–2011" or "2000–2004 and 2023–2024"."""
    spans = []
    if first < start_year:
        spans.append((first, min(last, start_year - 1)))
    if last > end_year:
        spans.append((max(first, end_year + 1), last))
    if not spans:
        return tr("none")
    return i18n.listed(str(a) if a == b else f"{a}–{b}" for a, b in spans)


# Belarus's goods trade with Russia: IMF (Belarus-reported) to 2020, the article's figures after.
ARTICLE_RUSSIA_FIGURES = {
    ("exports", 2021): "exports_to_russia_2021_bn_usd",
    ("imports", 2021): "imports_from_russia_2021_bn_usd",
    ("exports", 2023): "exports_to_russia_2023_bn_usd",
    ("imports", 2023): "imports_from_russia_2023_bn_usd",
    ("exports", 2024): "exports_to_russia_2024_bn_usd",
}
# The source of each value (English in the frames; a chart translates its copy with `tr`).
IMF_SOURCE = N_("IMF DOTS, Belarus-reported")
IMF_ESTIMATE_SOURCE = N_("IMF, estimated by the IMF")  # a year the IMF flags as its own estimate (either flow)
ARTICLE_SOURCE = N_("Article's figures")
DERIVED_SOURCE = N_("Article, derived (turnover − exports)")
ARTICLE_2024_SOURCE = N_("Article's figures; imports: Article, derived (turnover − exports)")


def russia_estimated_years(dots: pd.DataFrame) -> set[int]:
    """Years in which the IMF flags Belarus's exports to or imports from Russia as estimated."""
    rows = dots[(dots.reporter == BELARUS) & (dots.partner == RUSSIA) & dots.estimated]
    return {int(year) for year in rows.year}


TRADE_SOURCE_NAMES = {IMF_SOURCE: N_("Belarus's reports to the IMF"), IMF_ESTIMATE_SOURCE: N_("the IMF's own estimates"),
                      ARTICLE_SOURCE: N_("the article's figures")}


def trade_source_years(trade: pd.DataFrame, start_year: int, end_year: int) -> dict[str, list[int]]:
    """The years of `belarus_russia_trade` within the window, by source (IMF_SOURCE,
    IMF_ESTIMATE_SOURCE, ARTICLE_SOURCE) and, under DERIVED_SOURCE, the years whose imports are
    derived: the text and source lines say what they use from this, so a refresh changes them too."""
    years_of = {source: [] for source in (*TRADE_SOURCE_NAMES, DERIVED_SOURCE)}
    for year, source in trade.source.items():
        if start_year <= year <= end_year:
            years_of[ARTICLE_SOURCE if source.startswith(ARTICLE_SOURCE) else source].append(int(year))
            if DERIVED_SOURCE in source:
                years_of[DERIVED_SOURCE].append(int(year))
    return years_of


def trade_sources_note(trade: pd.DataFrame, start_year: int, end_year: int) -> str:
    """Which source gives which years of `belarus_russia_trade` within the window, for a chart's source line."""
    years_of = trade_source_years(trade, start_year, end_year)
    parts = [tr("{source} for {years}").format(source=tr(name), years=year_span(years_of[source]))
             for source, name in TRADE_SOURCE_NAMES.items() if years_of[source]]
    note = (tr("Trade with Russia: {sources}.").format(sources="; ".join(parts)) if parts
            else tr("No figures for trade with Russia in this edition."))
    if years_of[DERIVED_SOURCE]:
        note += " " + tr("Imports for {years} are the article's turnover minus its exports.").format(
            years=year_span(years_of[DERIVED_SOURCE]))
    return note


@sourced
def belarus_russia_trade(dots: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Exports, imports, balance and turnover (bn USD) by year, with the source of each value.

    The IMF's series win wherever they exist, so a refresh that brings official years after 2020
    replaces the article's figures for those years. A year the IMF flags as estimated is labelled
    so: it is not what Belarus reported. Years with no source (2022, and any IMF gap) are simply
    absent: they are shown as missing, never interpolated. Imports for 2024 follow from the
    article's turnover and exports.
    """
    imf = pd.DataFrame({
        "exports": belarus_flows(dots, "exports_fob")[RUSSIA],
        "imports": belarus_flows(dots, "imports_cif")[RUSSIA],
    }).dropna() / 1000
    estimated = russia_estimated_years(dots)
    imf["source"] = [IMF_ESTIMATE_SOURCE if year in estimated else IMF_SOURCE for year in imf.index]
    article = {}
    for (flow, year), figure_id in ARTICLE_RUSSIA_FIGURES.items():
        article.setdefault(year, {"source": ARTICLE_SOURCE})[flow] = quoted(figures, figure_id)
    article[2024]["imports"] = quoted(figures, "turnover_with_russia_2024_bn_usd") - article[2024]["exports"]
    article[2024]["source"] = ARTICLE_2024_SOURCE  # f"{ARTICLE_SOURCE}; imports: {DERIVED_SOURCE}"
    frame = pd.concat([imf, pd.DataFrame.from_dict(article, orient="index")])
    frame = frame[~frame.index.duplicated(keep="first")].sort_index()
    frame.index.name = "year"
    frame["balance"] = frame.exports - frame.imports
    frame["turnover"] = frame.exports + frame.imports
    return frame[["exports", "imports", "balance", "turnover", "source"]]


# The economies of the article's Figure 6 besides Belarus (UNCTAD's codes are text), by the article's
# reading of them: China and Germany close to Belarus, Kazakhstan and Russia well above it.
CONCENTRATION_CLOSE = {str(CHINA_M49): N_("China"), str(GERMANY_M49): N_("Germany")}
CONCENTRATION_ABOVE = {str(KAZAKHSTAN_M49): N_("Kazakhstan"), str(RUSSIA_M49): N_("Russia")}

WORLD_BANK_GDP = N_("World Bank WDI")
WEO_GDP = N_("IMF WEO")


@sourced
def gdp_pairs(wdi: pd.DataFrame, weo: pd.DataFrame | None = None) -> pd.DataFrame:
    """GDP of Belarus and Russia (current USD) by year: the World Bank's where it has both, else the IMF WEO's.

    The two countries of one year always come from one source, named in `gdp_source`; the WEO
    (fetched only when online) fills the latest years the World Bank has not yet published.
    """
    gdp = pd.DataFrame({"gdp_blr": wdi_series(wdi, "BLR", GDP_INDICATOR), "gdp_rus": wdi_series(wdi, "RUS", GDP_INDICATOR)}).dropna()
    gdp["gdp_source"] = WORLD_BANK_GDP
    if weo is not None:
        imf = weo.pivot(index="year", columns="iso3", values="gdp_usd").rename(columns={"BLR": "gdp_blr", "RUS": "gdp_rus"})
        imf = imf.reindex(columns=["gdp_blr", "gdp_rus"]).dropna()
        imf = imf.loc[~imf.index.isin(gdp.index)].assign(gdp_source=WEO_GDP)
        gdp = pd.concat([gdp, imf]).sort_index()
    gdp.index.name = "year"
    return gdp


@sourced
def ktes_series(dots: pd.DataFrame, figures: pd.DataFrame, wdi: pd.DataFrame, weo: pd.DataFrame | None = None) -> pd.DataFrame:
    """KTES by year from mutual goods trade (IMF to 2020, the article's figures after) and GDP (`gdp_pairs`).

    One row per year that has trade or GDP from the first year with both; KTES is missing
    (never interpolated) where either is missing, and `missing` says which.
    """
    trade = belarus_russia_trade(dots, figures)
    return ktes_table(trade[["turnover", "source"]], gdp_pairs(wdi, weo))


@sourced
def ktes_table(trade: pd.DataFrame, gdp: pd.DataFrame) -> pd.DataFrame:
    """KTES from a trade frame (turnover in bn USD, source) and a GDP frame (gdp_blr, gdp_rus in USD, any other columns kept)."""
    both = trade.join(gdp, how="outer")
    complete = both.turnover.notna() & both.gdp_blr.notna() & both.gdp_rus.notna()
    if not complete.any():
        raise ValueError("no year has both mutual trade and the two GDPs")
    both = both.loc[both.index >= both.index[complete].min()].copy()
    both["ktes"] = [
        ktes(t * 1e9, a, b) if ok else math.nan
        for t, a, b, ok in zip(both.turnover, both.gdp_blr, both.gdp_rus, complete.loc[both.index])
    ]
    both["gdp_sum_bn"] = (both.gdp_blr + both.gdp_rus) / 1e9
    both["missing"] = [
        "" if ok else N_("mutual trade not in the snapshot") if pd.isna(t) else N_("GDP not in the snapshot")
        for t, ok in zip(both.turnover, complete.loc[both.index])
    ]
    both.index.name = "year"
    return both
