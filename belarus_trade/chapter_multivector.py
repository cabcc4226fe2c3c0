"""Figures, tables and numbers of the chapter "Multivector policy" (the article's first section).

Each builder takes the loaded data and the edition's year window and returns what the
notebook glues: a `ChartFigure`/`DataTable`, and a dict of numbers for the prose.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from . import methods as m
from .charts import Attribution, ChartFigure, DataTable, describe_series, styled

OPENNESS_SERIES = {
    ("BLR", "NE.EXP.GNFS.ZS"): "Belarus: exports of goods and services",
    ("BLR", "NE.IMP.GNFS.ZS"): "Belarus: imports of goods and services",
    ("BLR", "NE.TRD.GNFS.ZS"): "Belarus: trade (exports + imports)",
    ("WLD", "NE.TRD.GNFS.ZS"): "World: trade (exports + imports)",
}


ARTICLE_OPENNESS_YEAR = 2023


def openness_figure(wdi: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Fig. 1: trade openness of Belarus, % of GDP, with the world average for context.

    Also returns a sentence comparing the article's 2023 figures with the data."""
    frames = [
        m.wdi_series(wdi, iso3, indicator).rename("pct_of_gdp").reset_index().assign(series=label)
        for (iso3, indicator), label in OPENNESS_SERIES.items()
    ]
    plotted = m.within(pd.concat(frames, ignore_index=True), start_year, end_year)[["year", "series", "pct_of_gdp"]]
    plotted["pct_of_gdp"] = plotted["pct_of_gdp"].round(2)
    chart = styled(
        alt.Chart(plotted)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, values=_tick_years(plotted))),
            y=alt.Y("pct_of_gdp:Q", title="% of GDP"),
            color=alt.Color("series:N", title=None, sort=list(OPENNESS_SERIES.values()), legend=alt.Legend(columns=2)),
            strokeDash=alt.StrokeDash("series:N", sort=list(OPENNESS_SERIES.values()), legend=None),
            tooltip=["series:N", "year:O", alt.Tooltip("pct_of_gdp:Q", format=".1f", title="% of GDP")],
        )
    )
    latest = int(plotted.loc[plotted.series == OPENNESS_SERIES[("BLR", "NE.EXP.GNFS.ZS")], "year"].max())
    wide = plotted.pivot(index="year", columns="series", values="pct_of_gdp")
    world = OPENNESS_SERIES[("WLD", "NE.TRD.GNFS.ZS")]
    belarus_trade = OPENNESS_SERIES[("BLR", "NE.TRD.GNFS.ZS")]
    common = wide[[world, belarus_trade]].dropna().index.max()
    numbers = {
        "openness_first_year": int(plotted.year.min()),
        "openness_latest_year": latest,
        "exports_pct_gdp_latest": float(wide.at[latest, OPENNESS_SERIES[("BLR", "NE.EXP.GNFS.ZS")]]),
        "imports_pct_gdp_latest": float(wide.at[latest, OPENNESS_SERIES[("BLR", "NE.IMP.GNFS.ZS")]]),
        "world_trade_latest_year": int(common),
        "belarus_to_world_openness_ratio": float(wide.at[common, belarus_trade] / wide.at[common, world]),
        "trade_pct_gdp_peak": float(wide[belarus_trade].max()),
        "trade_pct_gdp_peak_year": int(wide[belarus_trade].idxmax()),
    }
    low = m.quoted(figures, "exports_imports_share_of_gdp_2023_min_pct")
    high = m.quoted(figures, "exports_imports_share_of_gdp_2023_max_pct")
    ratio = m.quoted(figures, "trade_shares_of_gdp_vs_world_average_2023_times")
    year = ARTICLE_OPENNESS_YEAR
    if year in wide.index:
        exports_then = wide.at[year, OPENNESS_SERIES[("BLR", "NE.EXP.GNFS.ZS")]]
        imports_then = wide.at[year, OPENNESS_SERIES[("BLR", "NE.IMP.GNFS.ZS")]]
        comparison = (
            f"The article puts both exports and imports at {low:.0f}–{high:.0f}% of GDP in {year}; the World Bank data in "
            f"the snapshot give {exports_then:.1f}% and {imports_then:.1f}%. It also calls this {ratio:.1f} times the world "
            f"average, a comparison the snapshot cannot repeat for {year} because its world series ends in {int(common)}."
        )
    else:
        comparison = f"The article's comparison refers to {year}, which lies outside this edition's years."
    figure = ChartFigure(
        key="fig-1-openness",
        chart=chart,
        attribution=Attribution(["wdi"], "Series NE.EXP.GNFS.ZS, NE.IMP.GNFS.ZS, NE.TRD.GNFS.ZS.", data_dir),
        description="Line chart of trade as a share of GDP, by year. " + describe_series(plotted, "year", "pct_of_gdp", "series", "%"),
    )
    return figure, numbers, comparison


def goods_trade_figure(wdi: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Fig. 2: Belarus's goods exports, imports and balance, billion USD."""
    exports = m.wdi_series(wdi, "BLR", "TX.VAL.MRCH.CD.WT") / 1e9
    imports = m.wdi_series(wdi, "BLR", "TM.VAL.MRCH.CD.WT") / 1e9
    wide = pd.DataFrame({"Exports": exports, "Imports": imports}).dropna()
    wide["Balance"] = wide.Exports - wide.Imports
    wide = wide.loc[start_year:end_year].round(3)
    plotted = wide.reset_index().melt(id_vars="year", var_name="series", value_name="bn_usd")
    base = alt.Chart(plotted).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, values=_tick_years(plotted))),
        y=alt.Y("bn_usd:Q", title="billion USD"),
        color=alt.Color("series:N", title=None, sort=["Exports", "Imports", "Balance"]),
        tooltip=["series:N", "year:O", alt.Tooltip("bn_usd:Q", format=".2f", title="bn USD")],
    )
    lines = base.mark_line(point=True).transform_filter(alt.FieldOneOfPredicate(field="series", oneOf=["Exports", "Imports"]))
    bars = base.mark_bar(opacity=0.8).transform_filter(alt.FieldEqualPredicate(field="series", equal="Balance"))
    chart = styled(alt.layer(bars, lines))
    deficit_year = int(wide.Balance.idxmin())
    numbers = {
        "goods_first_year": int(wide.index.min()),
        "goods_latest_year": int(wide.index.max()),
        "goods_exports_latest_bn": float(wide.Exports.iloc[-1]),
        "goods_imports_latest_bn": float(wide.Imports.iloc[-1]),
        "goods_balance_latest_bn": float(wide.Balance.iloc[-1]),
        "goods_largest_deficit_bn": float(-wide.Balance.min()),
        "goods_largest_deficit_year": deficit_year,
        "goods_surplus_years": int((wide.Balance > 0).sum()),
        "goods_years": int(len(wide)),
    }
    figure = ChartFigure(
        key="fig-2-goods-trade",
        chart=chart,
        attribution=Attribution(["wdi"], "Series TX.VAL.MRCH.CD.WT, TM.VAL.MRCH.CD.WT; balance = exports − imports.", data_dir),
        description="Lines of goods exports and imports and bars of the balance, billion USD, by year. "
        + describe_series(plotted, "year", "bn_usd", "series", " bn USD"),
    )
    return figure, numbers


PARTNER_LABELS = {"RU": "Russia", "CN": "China", "EU": "EU-27", "other": "Other"}
FLOW_LABELS = {"export": "Exports", "import": "Imports"}


def table1(printed: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Table 1 as printed: partners in rows, years in columns."""
    rows = m.within(printed, start_year, end_year)
    wide = rows.pivot_table(index=["flow", "partner"], columns="year", values="share_pct").reset_index()
    wide["partner"] = pd.Categorical(wide.partner, categories=list(PARTNER_LABELS))
    wide = wide.sort_values(["flow", "partner"])
    wide.insert(0, "Flow", wide.pop("flow").map(FLOW_LABELS))
    wide.insert(1, "Partner", wide.pop("partner").map(PARTNER_LABELS).astype(str))
    wide.columns = [str(c) for c in wide.columns]
    table = DataTable("table-1-geography", wide, Attribution(["article_table1"], "Shares in %, as printed in the article's Table 1.", data_dir))
    last = int(rows.year.max())
    value = lambda flow, partner, year: m.share_of(rows, flow, partner, year)
    numbers = {
        "table1_first_year": int(rows.year.min()),
        "table1_last_year": last,
        "table1_ru_export_first": value("export", "RU", int(rows.year.min())),
        "table1_ru_export_last": value("export", "RU", last),
        "table1_eu_export_first": value("export", "EU", int(rows.year.min())),
        "table1_eu_export_last": value("export", "EU", last),
        "table1_cn_import_last": value("import", "CN", last),
    }
    return table, numbers


def table1_check(printed: pd.DataFrame, dots: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Table 1 recomputed from IMF partner flows, beside the printed values, with the gap explained."""
    compared = m.within(m.compare_table1(printed, m.table1_from_imf(dots)), start_year, end_year)
    compared["explanation"] = explain_gaps(compared)
    shown = compared.assign(
        Flow=compared.flow.map(FLOW_LABELS), Partner=compared.partner.map(PARTNER_LABELS)
    )[["Flow", "Partner", "year", "share_pct_printed", "share_pct_imf", "difference_pp", "explanation"]]
    shown.columns = ["Flow", "Partner", "Year", "Printed, %", "IMF DOTS, %", "Difference, pp", "Why they differ"]
    shown = shown.round({"IMF DOTS, %": 1, "Difference, pp": 1})
    table = DataTable(
        "table-1a-imf-check",
        shown.reset_index(drop=True),
        Attribution(["article_table1", "imf_dots"], "IMF shares: Belarus-reported flows to the partner over flows to the World.", data_dir),
        highlight_column="Difference, pp",
    )
    gap = compared.difference_pp.abs()
    worst = compared.loc[gap.idxmax()]
    partner_of_worst = compared[(compared.flow == worst.flow) & (compared.year == worst.year) & (compared.partner != worst.partner)]
    offset = partner_of_worst.loc[partner_of_worst.difference_pp.abs().idxmax()]
    eu_exports = compared[(compared.flow == "export") & (compared.partner == "EU")]
    numbers = {
        "check_first_year": int(compared.year.min()),
        "check_last_year": int(compared.year.max()),
        "check_cells": int(len(compared)),
        "check_within_half_point": int((gap <= 0.5).sum()),
        "check_median_gap_pp": float(gap.median()),
        "check_max_gap_pp": float(gap.max()),
        "check_max_gap_year": int(worst.year),
        "check_max_gap_printed": float(worst.share_pct_printed),
        "check_max_gap_imf": float(worst.share_pct_imf),
        "check_offset_printed": float(offset.share_pct_printed),
        "check_offset_imf": float(offset.share_pct_imf),
        "check_eu_export_gap_median_pp": float(eu_exports.difference_pp.median()),
    }
    sentence = (
        f"The largest gap is for {_partner_phrase(worst.partner)} in {FLOW_LABELS[worst.flow].lower()} in {int(worst.year)}: "
        f"the printed table gives {worst.share_pct_printed:.1f}% where the IMF data give {worst.share_pct_imf:.1f}%, "
        f"while {_partner_phrase(offset.partner)} is printed at {offset.share_pct_printed:.1f}% against {offset.share_pct_imf:.1f}%."
    )
    return table, numbers, sentence


GAP_ROUNDING_PP = 0.2
GAP_SMALL_PP = 1.0


def explain_gaps(compared: pd.DataFrame) -> pd.Series:
    """Classify each printed-vs-IMF gap. A large gap that is offset by an opposite gap of
    another partner in the same flow and year (the printed shares still sum to 100) points to
    a misallocation in the printed table rather than to a difference between sources."""
    explanations = {}
    for (flow, year), group in compared.groupby(["flow", "year"]):
        for index, row in group.iterrows():
            gap = row.difference_pp
            others = group.drop(index)
            offsetting = others[(others.difference_pp * gap < 0) & ((others.difference_pp + gap).abs() <= GAP_SMALL_PP)]
            if abs(gap) <= GAP_ROUNDING_PP:
                text = "Same within rounding."
            elif abs(gap) <= GAP_SMALL_PP:
                text = "Small: later revisions of the statistics and rounding of the printed shares."
            elif not offsetting.empty:
                other = PARTNER_LABELS[offsetting.iloc[0].partner]
                text = (f"Offset by an opposite gap for {other} in the same year: the printed shares still add up, "
                        "so the value was most likely misallocated in the printed table.")
            else:
                text = "Different sources: the article combines Belstat, MFA and ITC Trade Map figures; the IMF series is Belarus's own report, revised later."
            explanations[index] = text
    return pd.Series(explanations).reindex(compared.index)


def export_target_figure(dots: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """The 2016–2020 programme's target (one third each to EAEU, EU, rest) against outcomes."""
    shares = m.export_target_shares(dots).loc[max(start_year, 2012) : end_year].round(2)
    plotted = shares.reset_index().melt(id_vars="year", var_name="market", value_name="share_pct")
    target = 100 / 3
    lines = alt.Chart(plotted).mark_line(point=True).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share_pct:Q", title="% of Belarus's goods exports", scale=alt.Scale(domain=[0, 70])),
        color=alt.Color("market:N", title=None, sort=["EAEU", "EU", "rest of the world"]),
        tooltip=["market:N", "year:O", alt.Tooltip("share_pct:Q", format=".1f", title="%")],
    )
    rule = alt.Chart(plotted).mark_rule(strokeDash=[6, 4], color="#444").encode(y=alt.datum(target))
    label = alt.Chart(plotted).mark_text(align="left", dx=4, dy=-8, color="#444").encode(
        x=alt.value(0), y=alt.datum(target), text=alt.value("target: one third each by 2020")
    )
    chart = styled(alt.layer(lines, rule, label))
    final = int(plotted.year.max())
    at = lambda market, year: float(shares.at[year, market])
    numbers = {
        "target_share_pct": target,
        "target_check_year": final,
        "eaeu_share_final": at("EAEU", final),
        "eu_share_final": at("EU", final),
        "rest_share_final": at("rest of the world", final),
    }
    verdict = target_verdict({m: at(m, final) for m in shares.columns}, target, final)
    figure = ChartFigure(
        key="fig-2b-export-target",
        chart=chart,
        attribution=Attribution(["imf_dots"], "EAEU = Russia, Kazakhstan, Armenia, Kyrgyzstan; EU = EU-27.", data_dir),
        description="Lines of the shares of the EAEU, the EU and the rest of the world in Belarus's goods exports, with a dashed line at one third. "
        + describe_series(plotted, "year", "share_pct", "market", "%"),
    )
    return figure, numbers, verdict


TARGET_TOLERANCE_PP = 1.0


def target_verdict(final_shares: dict[str, float], target: float, year: int) -> str:
    """A sentence on how each market group ended against the one-third target."""
    parts = []
    for market, share in final_shares.items():
        gap = share - target
        if abs(gap) <= TARGET_TOLERANCE_PP:
            parts.append(f"{market} met its third")
        elif gap > 0:
            parts.append(f"{market} overshot it by {gap:.1f} points")
        else:
            parts.append(f"{market} fell short by {-gap:.1f} points")
    met = sum(abs(v - target) <= TARGET_TOLERANCE_PP for v in final_shares.values())
    verdict = "The target was met" if met == len(final_shares) else "The target was missed"
    return f"{verdict} in {year}: " + "; ".join(parts) + "."


def eu_trade_figure(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Belarus–EU goods trade: IMF series to 2020, the article's figures for 2021–2023."""
    imf = pd.DataFrame({
        "Exports to the EU": m.belarus_flows(dots, "exports_fob")[m.EUROPEAN_UNION],
        "Imports from the EU": m.belarus_flows(dots, "imports_cif")[m.EUROPEAN_UNION],
    }) / 1000
    imf_long = imf.reset_index().melt(id_vars="year", var_name="series", value_name="bn_usd").assign(source="IMF DOTS (Belarus-reported)")
    quoted = {
        ("Exports to the EU", 2021): "exports_to_eu_2021_bn_usd",
        ("Exports to the EU", 2023): "exports_to_eu_2023_bn_usd",
        ("Imports from the EU", 2022): "imports_from_eu_2022_bn_usd",
        ("Imports from the EU", 2023): "imports_from_eu_2023_bn_usd",
    }
    article = pd.DataFrame(
        [{"year": year, "series": series, "bn_usd": m.quoted(figures, fid), "source": "Article (ITC Trade Map)"} for (series, year), fid in quoted.items()]
    )
    plotted = m.within(pd.concat([imf_long, article], ignore_index=True), max(start_year, 2000), end_year).round({"bn_usd": 3})
    chart = styled(
        alt.Chart(plotted)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, values=_tick_years(plotted))),
            y=alt.Y("bn_usd:Q", title="billion USD"),
            color=alt.Color("series:N", title=None),
            detail="source:N",
            shape=alt.Shape("source:N", title=None),
            tooltip=["series:N", "year:O", "source:N", alt.Tooltip("bn_usd:Q", format=".2f", title="bn USD")],
        )
    )
    exports_2021 = m.quoted(figures, "exports_to_eu_2021_bn_usd")
    exports_2023 = m.quoted(figures, "exports_to_eu_2023_bn_usd")
    cars_2021 = m.quoted(figures, "car_imports_from_eu_2021_musd") / 1000
    cars_2023 = m.quoted(figures, "car_imports_from_eu_2023_bn_usd")
    numbers = {
        "eu_exports_2021_bn": exports_2021,
        "eu_exports_2023_bn": exports_2023,
        "eu_exports_fall_times_computed": exports_2021 / exports_2023,
        "eu_exports_fall_times_stated": m.quoted(figures, "exports_to_eu_fall_2021_2023_times"),
        "eu_imports_2022_bn": m.quoted(figures, "imports_from_eu_2022_bn_usd"),
        "eu_imports_2023_bn": m.quoted(figures, "imports_from_eu_2023_bn_usd"),
        "car_imports_2021_musd": cars_2021 * 1000,
        "car_imports_2023_bn": cars_2023,
        "car_imports_growth_times": cars_2023 / cars_2021,
        "car_share_of_eu_imports_2023_pct": cars_2023 / m.quoted(figures, "imports_from_eu_2023_bn_usd") * 100,
        "eu_imf_last_year": int(imf.dropna().index.max()),
    }
    figure = ChartFigure(
        key="fig-2c-eu-trade",
        chart=chart,
        attribution=Attribution(["imf_dots", "article_figures"], "Circles: IMF; squares: figures the article quotes from ITC Trade Map (no offline series exists for 2021–2023).", data_dir),
        description="Belarus's goods exports to and imports from the EU, billion USD. "
        + describe_series(plotted.assign(label=plotted.series + " (" + plotted.source + ")"), "year", "bn_usd", "label", " bn USD"),
    )
    return figure, numbers


def sanctions_figure(gsdb: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Sanction cases against Belarus (GSDB v3): who imposed them, when, and with which instruments."""
    cases = gsdb[gsdb.begin <= end_year].copy()
    cases["sender"] = cases.sanctioning_state.map(_short_sender)
    cases["instruments"] = cases.apply(_instruments, axis=1)
    cases["measures"] = cases.trade.map({1: "includes trade measures", 0: "no trade measures"})
    cases["case"] = cases.sender + " (case " + cases.case_id.astype(str) + ")"
    plotted = cases[["case_id", "case", "sender", "begin", "end", "measures", "instruments"]].rename(columns={"end": "end_year"})
    plotted["end_year"] = plotted.end_year.clip(upper=end_year)
    chart = styled(
        alt.Chart(plotted)
        .mark_bar(height=8)
        .encode(
            x=alt.X("begin:Q", title=None, scale=alt.Scale(domain=[1997, max(end_year, 2022) + 1]), axis=alt.Axis(format="d")),
            x2="end_year:Q",
            y=alt.Y("case:N", title=None, sort=alt.EncodingSortField("begin", op="min"), axis=alt.Axis(labelLimit=260)),
            color=alt.Color("measures:N", title=None, sort=["includes trade measures", "no trade measures"]),
            tooltip=["sender:N", "begin:Q", "end_year:Q", "instruments:N", "measures:N"],
        )
    )
    numbers = {
        "gsdb_cases": int(len(cases)),
        "gsdb_trade_cases": int(cases.trade.sum()),
        "gsdb_cases_2020_on": int((cases.begin >= 2020).sum()),
        "gsdb_trade_cases_2022": int(((cases.begin == 2022) & (cases.trade == 1)).sum()),
        "gsdb_senders_2022": int(cases[cases.begin == 2022].sender.nunique()),
        "gsdb_first_year": int(cases.begin.min()),
        "gsdb_travel_cases": int(cases.travel.sum()),
        "castellum_sanctions_2024": m.quoted(figures, "sanctions_against_belarus_count_2024_08"),
        "castellum_rank_2024": int(m.quoted(figures, "belarus_world_rank_by_sanctions_count_2024_08")),
        "gsdb_financial_cases": int(cases.financial.sum()),
    }
    figure = ChartFigure(
        key="fig-2d-sanctions",
        chart=chart,
        attribution=Attribution(["gsdb"], "One bar per case, from its first to its last year in the database (cases coded as ongoing end in 2022).", data_dir),
        description=f"Timeline of {len(cases)} sanction cases against Belarus by sender, {int(cases.begin.min())}–{int(plotted.end_year.max())}; "
        f"{int(cases.trade.sum())} include trade measures, {int((cases.begin >= 2020).sum())} began in 2020 or later.",
    )
    return figure, numbers


def _short_sender(sender: str) -> str:
    """GSDB lists every sender of a joint case; the first one names the case well enough."""
    first = sender.split(",")[0].strip()
    if "," not in sender:
        return first
    return "EU and aligned countries" if first == "EU" else f"{first} and others"


def _instruments(case: pd.Series) -> str:
    names = ["trade", "arms", "military", "financial", "travel", "other"]
    return ", ".join(n for n in names if case[n] == 1) or "none coded"


def _tick_years(plotted: pd.DataFrame) -> list[int]:
    """Every fourth year as an axis label, so long series stay legible in print."""
    years = sorted(plotted.year.unique())
    return [int(y) for y in years if (y - years[0]) % 4 == 0]


def _partner_phrase(partner: str) -> str:
    return "all other partners" if partner == "other" else f"the {PARTNER_LABELS[partner]}" if partner == "EU" else PARTNER_LABELS[partner]
