"""What the chapter "Multivector policy" computes (the article's first section).

The notebook `book/chapters/multivector.ipynb` holds the prose and the chart code; these
functions return the frames and named numbers its cells plot and quote, clipped to an
edition's years where they take `start_year`/`end_year`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from belarus_trade.analysis import methods as m
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_, tr

# The resources the chapter reads (ChapterContext refuses any other; the build keys the chapter on these).
READS = ("wdi", "imf_dots", "article_table1", "article_figures", "gsdb")

# Figure 1's series: (country, WDI indicator) → legend label (English in the frames the
# functions return; the notebook translates a copy for the chart, so lookups stay English).
OPENNESS_SERIES = {
    ("BLR", "NE.EXP.GNFS.ZS"): N_("Belarus: exports of goods and services"),
    ("BLR", "NE.IMP.GNFS.ZS"): N_("Belarus: imports of goods and services"),
    ("BLR", "NE.TRD.GNFS.ZS"): N_("Belarus: trade (exports + imports)"),
    ("WLD", "NE.TRD.GNFS.ZS"): N_("World: trade (exports + imports)"),
}
EXPORTS, IMPORTS, TRADE, WORLD_TRADE = OPENNESS_SERIES.values()
ARTICLE_OPENNESS_YEAR = 2023  # the year of the article's openness figures

PARTNER_LABELS = {"RU": N_("Russia"), "CN": N_("China"), "EU": N_("EU-27"), "other": N_("Other")}
FLOW_LABELS = {"export": N_("Exports"), "import": N_("Imports")}

# The 2016–2020 programme: one third of exports each to the EAEU, the EU and the rest, by 2020.
TARGET_SHARE_PCT = 100 / 3
TARGET_YEAR = 2020
TARGET_TOLERANCE_PP = 1.0  # a share this close to one third counts as on target
IMF_TABLE1_FIRST_YEAR = 2012  # Table 1's first year; the target chart starts there too

# Printed-vs-IMF gaps (Table 1a): up to GAP_ROUNDING_PP is rounding, up to GAP_SMALL_PP revisions.
GAP_ROUNDING_PP = 0.2
GAP_SMALL_PP = 1.0

# Figure 2c: the article's figures (ITC Trade Map) for years the IMF series does not reach.
ARTICLE_EU_FIGURES = {
    (N_("Exports to the EU"), 2021): "exports_to_eu_2021_bn_usd",
    (N_("Exports to the EU"), 2023): "exports_to_eu_2023_bn_usd",
    (N_("Imports from the EU"), 2022): "imports_from_eu_2022_bn_usd",
    (N_("Imports from the EU"), 2023): "imports_from_eu_2023_bn_usd",
}
IMF_EU_SOURCE = N_("IMF DOTS (Belarus-reported)")
ARTICLE_EU_SOURCE = N_("Article (ITC Trade Map)")

# GSDB's instrument columns; their names are also the words a case's instruments are listed with.
SANCTION_INSTRUMENTS = [N_("trade"), N_("arms"), N_("military"), N_("financial"), N_("travel"), N_("other")]


@sourced
def openness(wdi: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Figure 1's data: trade of Belarus and of the world, % of GDP; columns year, series, pct_of_gdp."""
    frames = [
        m.wdi_series(wdi, iso3, indicator).rename("pct_of_gdp").reset_index().assign(series=label)
        for (iso3, indicator), label in OPENNESS_SERIES.items()
    ]
    plotted = m.within(pd.concat(frames, ignore_index=True), start_year, end_year)[["year", "series", "pct_of_gdp"]]
    plotted["pct_of_gdp"] = plotted["pct_of_gdp"].round(2)
    return plotted


@sourced
def openness_wide(plotted: pd.DataFrame) -> pd.DataFrame:
    """Figure 1's data with one column per series, one row per year."""
    return plotted.pivot(index="year", columns="series", values="pct_of_gdp")


def world_comparison_year(wide: pd.DataFrame) -> int:
    """The last year in which both Belarus's and the world's trade openness are known."""
    return int(wide[[WORLD_TRADE, TRADE]].dropna().index.max())


@sourced
def goods_trade(wdi: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Figure 2's data: goods exports, imports and balance, billion USD, one row per year."""
    exports = m.wdi_series(wdi, "BLR", "TX.VAL.MRCH.CD.WT") / 1e9
    imports = m.wdi_series(wdi, "BLR", "TM.VAL.MRCH.CD.WT") / 1e9
    wide = pd.DataFrame({N_("Exports"): exports, N_("Imports"): imports}).dropna()
    wide[N_("Balance")] = wide.Exports - wide.Imports
    return wide.loc[start_year:end_year].round(3)


def tick_years(years) -> list[int]:
    """Every fourth year as an axis label, so long series stay legible in print."""
    years = sorted(set(years))
    return [int(y) for y in years if (y - years[0]) % 4 == 0]


@sourced
def table1(article_table1: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Table 1 as printed: one row per flow and partner, one column per year (column names are text),
    its words in the current language."""
    rows = m.within(article_table1, start_year, end_year)
    wide = rows.pivot_table(index=["flow", "partner"], columns="year", values="share_pct").reset_index()
    wide["partner"] = pd.Categorical(wide.partner, categories=list(PARTNER_LABELS))
    wide = wide.sort_values(["flow", "partner"])
    wide.insert(0, tr("Flow"), wide.pop("flow").map(FLOW_LABELS).map(tr))
    wide.insert(1, tr("Partner"), wide.pop("partner").map(PARTNER_LABELS).astype(str).map(tr))
    wide.columns = [str(c) for c in wide.columns]
    return wide


@sourced
def table1_check(article_table1: pd.DataFrame, imf_dots: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Table 1 as printed beside the same shares recomputed from IMF partner flows, for the years
    both cover: flow, partner, year, share_pct_printed, share_pct_imf, difference_pp, explanation."""
    compared = m.within(m.compare_table1(article_table1, m.table1_from_imf(imf_dots)), start_year, end_year)
    compared["explanation"] = explain_gaps(compared)
    return compared


@sourced
def explain_gaps(compared: pd.DataFrame) -> pd.Series:
    """Classify each printed-vs-IMF gap. A large gap that is offset by an opposite gap of
    another partner in the same flow and year (the printed shares still sum to 100) points to
    a misallocation in the printed table rather than to a difference between sources. The
    explanations are in the current language."""
    explanations = {}
    for _, group in compared.groupby(["flow", "year"]):
        for index, row in group.iterrows():
            gap = row.difference_pp
            others = group.drop(index)
            offsetting = others[(others.difference_pp * gap < 0) & ((others.difference_pp + gap).abs() <= GAP_SMALL_PP)]
            if abs(gap) <= GAP_ROUNDING_PP:
                text = tr("Same within rounding.")
            elif abs(gap) <= GAP_SMALL_PP:
                text = tr("Small: later revisions of the statistics and rounding of the printed shares.")
            elif not offsetting.empty:
                other = tr(PARTNER_LABELS[offsetting.iloc[0].partner])
                text = tr("Offset by an opposite gap for {other} in the same year: the printed shares still add up, "
                          "so the value was most likely misallocated in the printed table.").format(other=other)
            else:
                text = tr("Different sources: the article combines Belstat, MFA and ITC Trade Map figures; "
                          "the IMF series is Belarus's own report, revised later.")
            explanations[index] = text
    return pd.Series(explanations, dtype=object).reindex(compared.index)


@dataclass(frozen=True)
class LargestGap:
    """The largest printed-vs-IMF gap of Table 1a and the largest opposite gap beside it
    (another partner, same flow and year)."""

    flow: str
    partner: str
    year: int
    printed: float
    imf: float
    offset_partner: str
    offset_printed: float
    offset_imf: float


def largest_gap(compared: pd.DataFrame) -> LargestGap:
    worst = compared.loc[compared.difference_pp.abs().idxmax()]
    beside = compared[(compared.flow == worst.flow) & (compared.year == worst.year) & (compared.partner != worst.partner)]
    offset = beside.loc[beside.difference_pp.abs().idxmax()]
    return LargestGap(
        flow=worst.flow, partner=worst.partner, year=int(worst.year),
        printed=float(worst.share_pct_printed), imf=float(worst.share_pct_imf),
        offset_partner=offset.partner, offset_printed=float(offset.share_pct_printed), offset_imf=float(offset.share_pct_imf),
    )


def partner_name(partner: str) -> str:
    """A Table 1 partner as a sentence names it ("Russia", "the EU-27", "all other partners"), in the current language."""
    if partner == "other":
        return tr("all other partners")
    return tr("the EU-27") if partner == "EU" else tr(PARTNER_LABELS[partner])


@sourced
def export_target_shares(imf_dots: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Figure 2b's data: shares (%) of the EAEU, the EU and the rest of the world in Belarus's
    goods exports, from Table 1's first year on, one row per year."""
    return m.export_target_shares(imf_dots).loc[max(start_year, IMF_TABLE1_FIRST_YEAR):end_year].round(2)


@sourced
def target_outcome(shares: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each market group against the one-third target in `year`: share_pct, gap_pp (share − target)
    and verdict ("met", "overshot" or "fell short of", in English: the notebook translates it), indexed by market."""
    final = shares.loc[year].astype(float)
    gap = final - TARGET_SHARE_PCT
    verdict = gap.map(lambda g: N_("met") if abs(g) <= TARGET_TOLERANCE_PP else N_("overshot") if g > 0 else N_("fell short of"))
    return pd.DataFrame({"share_pct": final, "gap_pp": gap, "verdict": verdict}).rename_axis("market")


@sourced
def eu_trade(imf_dots: pd.DataFrame, article_figures: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Figure 2c's data: Belarus's goods trade with the EU-27, billion USD, from the IMF series and
    from the article's figures for later years; columns year, series, bn_usd, source."""
    imf = imf_eu_trade(imf_dots)
    imf_long = imf.reset_index().melt(id_vars="year", var_name="series", value_name="bn_usd").assign(source=IMF_EU_SOURCE)
    article = pd.DataFrame([
        {"year": year, "series": series, "bn_usd": m.quoted(article_figures, figure_id), "source": ARTICLE_EU_SOURCE}
        for (series, year), figure_id in ARTICLE_EU_FIGURES.items()
    ])
    return m.within(pd.concat([imf_long, article], ignore_index=True), max(start_year, 2000), end_year).round({"bn_usd": 3})


@sourced
def imf_eu_trade(imf_dots: pd.DataFrame) -> pd.DataFrame:
    """Belarus-reported goods exports to and imports from the EU-27, billion USD, by year."""
    return pd.DataFrame({
        "Exports to the EU": m.belarus_flows(imf_dots, "exports_fob")[m.EUROPEAN_UNION],
        "Imports from the EU": m.belarus_flows(imf_dots, "imports_cif")[m.EUROPEAN_UNION],
    }) / 1000


@sourced
def sanction_cases(gsdb: pd.DataFrame, end_year: int) -> pd.DataFrame:
    """Sanction cases against Belarus that began by `end_year`, with a short sender name, a case
    label, the instruments used and whether trade measures are included (words in the current language)."""
    cases = gsdb[gsdb.begin <= end_year].copy()
    cases["sender"] = cases.sanctioning_state.map(short_sender)
    cases["instruments"] = cases.apply(instruments, axis=1)
    cases["measures"] = cases.trade.map({1: tr("includes trade measures"), 0: tr("no trade measures")})
    cases["case"] = [tr("{sender} (case {number})").format(sender=sender, number=number)
                     for sender, number in zip(cases.sender, cases.case_id)]
    return cases


# The first senders of GSDB's cases against Belarus, as the chart names them (translated with `tr`).
SENDER_NAMES = [N_("Australia"), N_("Belgium"), N_("Canada"), N_("EU"), N_("Japan"), N_("Korea"), N_("Lithuania"),
                N_("Russia"), N_("Switzerland"), N_("United Kingdom"), N_("United States")]


def short_sender(sender: str) -> str:
    """GSDB lists every sender of a joint case; the first one names the case well enough."""
    first = tr(sender.split(",")[0].strip())
    if "," not in sender:
        return first
    return tr("EU and aligned countries") if first == tr("EU") else tr("{first} and others").format(first=first)


def instruments(case: pd.Series) -> str:
    """The instruments a GSDB case codes, e.g. "trade, financial"."""
    return ", ".join(tr(name) for name in SANCTION_INSTRUMENTS if case[name] == 1) or tr("none coded")
