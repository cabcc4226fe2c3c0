"""Figure 3a and Table 3b of the pre-sanction chapter: each side's report of Belarus–Russia trade
against the other's (mirror statistics), the gaps between them and the years they explain.

Frames and numbers only; the chart code is in the notebook `book/chapters/pre_sanction.ipynb`.
"""
from __future__ import annotations

import math

import pandas as pd

from belarus_trade.analysis import methods as m
from belarus_trade.chapters.charts import year_runs
from belarus_trade.chapters.pre_sanction import (
    AGREEMENT_PCT,
    FIRST_YEAR,
    PLAUSIBLE_RATIO_PCT,
    decade_window,
)
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_, tr

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


# --- energy: Russia's reported exports of 2019 against Belarus's deficit ------------------------

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
