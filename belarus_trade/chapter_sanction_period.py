"""Figures, tables and numbers of the chapter "Under sanctions, 2022–2024" (the article's third part).

Each builder takes the loaded data and the edition's year window and returns what the notebook
glues: a `ChartFigure`/`DataTable` (or None), a dict of numbers, and — where a sentence depends
on which years the edition covers — a dict of Markdown sentences for `publish_markdown`.
Figures the article states for 2021–2024 are used only when the edition reaches those years;
otherwise their numbers are NaN and the sentences say that the years lie outside the edition.
"""
from __future__ import annotations

import csv
import functools
import math

import altair as alt
import pandas as pd

from . import combined_method as cm
from . import data
from . import methods as m
from .charts import Attribution, ChartFigure, DataTable, describe_series, styled, year_runs

NAN = float("nan")
FLOW_LABELS = {"exports_fob": "Exports to Russia", "imports_cif": "Imports from Russia"}
ACTUAL = "Belarus-reported (actual)"
ESTIMATE = "Combined-method estimate"
ERROR = "Error: estimate − actual"


# --- edition windows ----------------------------------------------------------------------------

def in_edition(years, start_year: int, end_year: int) -> bool:
    return all(start_year <= y <= end_year for y in years)


def outside_sentence(years, start_year: int, end_year: int, what: str) -> str:
    span = f"{min(years)}–{max(years)}" if min(years) != max(years) else f"{min(years)}"
    return (
        f"{what} refer to {span}, outside this edition of the book, which covers {start_year}–{end_year}; "
        "run the chapter with a later `end_year` to see them."
    )


# --- the statistics gap and the back-test ------------------------------------------------------

def statistics_gap(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int):
    """Last year of direct Belarus-reported trade with Russia, and the size of the method's partner set."""
    own = m.belarus_flows(dots, "exports_fob")[cm.RUSSIA].dropna()
    own = own.loc[(own.index >= start_year) & (own.index <= end_year)]
    numbers = {
        "direct_last_year": int(own.index.max()) if len(own) else NAN,
        "method_partner_count": int(m.quoted(figures, "cis_partners_in_combined_method_count")),
        "method_partner_count_book": len(cm.ARTICLE_SUBTRACTED),
        "cis_total_count_book": len(cm.CIS_TOTAL),
        "crude_oil_share_2019_pct": m.quoted(figures, "crude_oil_share_of_russia_exports_to_belarus_2019_pct"),
    }
    return None, numbers


def backtest_window(start_year: int, end_year: int) -> tuple[int, int]:
    """Years the back-test may use: both the edition and the IMF snapshot (2000–2020) cover them."""
    return max(start_year, 2000), min(end_year, 2020)


def backtest_figure(dots: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Fig. 3b: the combined method against Belarus's own reports of its trade with Russia."""
    first, last = backtest_window(start_year, end_year)
    result = cm.backtest(dots, first, last)
    summary = cm.backtest_summary(result)
    plotted = _backtest_long(result)
    pick = alt.selection_point(name="pick_flow", fields=["flow"], bind="legend")
    highlight = alt.condition(pick, alt.value(1.0), alt.value(0.2))
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, values=_every(plotted, 4)))
    tooltip = [
        "flow:N", "year:O", "measure:N", alt.Tooltip("bn_usd:Q", format=".2f", title="bn USD"),
        alt.Tooltip("error_pct:Q", format="+.1f", title="error, % of actual"),
    ]
    bars = (
        alt.Chart(plotted)
        .mark_bar()
        .encode(x=x, xOffset=alt.XOffset("flow:N", sort=list(FLOW_LABELS.values())), y=alt.Y("bn_usd:Q", title="billion USD"),
                color=alt.Color("flow:N", title=None, sort=list(FLOW_LABELS.values())), opacity=highlight, tooltip=tooltip)
        .transform_filter(alt.FieldEqualPredicate(field="measure", equal=ERROR))
    )
    lines = (
        alt.Chart(plotted)
        .mark_line(point=True)
        .encode(
            x=x, y="bn_usd:Q",
            color=alt.Color("flow:N", title=None, sort=list(FLOW_LABELS.values())),
            strokeDash=alt.StrokeDash("measure:N", title=None, sort=[ACTUAL, ESTIMATE],
                                      scale=alt.Scale(domain=[ACTUAL, ESTIMATE], range=[[1, 0], [6, 3]])),
            detail="measure:N", opacity=highlight, tooltip=tooltip,
        )
        .transform_filter(alt.FieldOneOfPredicate(field="measure", oneOf=[ACTUAL, ESTIMATE]))
        .add_params(pick)
        .properties(name="backtest_lines")
    )
    chart = styled(alt.layer(bars, lines))
    exports, imports = summary.loc["exports_fob"], summary.loc["imports_cif"]
    gaps = cm.growth_gaps(result, span=2)
    parts = cm.error_components(dots, "exports_fob")
    parts = parts.loc[(parts.index >= first) & (parts.index <= last)]
    absolute = parts.abs().sum()
    top = absolute.idxmax()
    balance = (result.pivot(index="year", columns="flow", values="actual_bn"))
    numbers = {
        "bt_first_year": int(exports.first_year),
        "bt_last_year": int(exports.last_year),
        "bt_years": int(exports.years),
        "bt_exports_median_abs_pct": float(exports.median_abs_pct),
        "bt_imports_median_abs_pct": float(imports.median_abs_pct),
        "bt_exports_mean_pct": float(exports.mean_pct),
        "bt_imports_mean_pct": float(imports.mean_pct),
        "bt_exports_worst_year": int(exports.worst_year),
        "bt_exports_worst_pct": float(exports.worst_pct),
        "bt_exports_worst_bn": float(exports.worst_bn),
        "bt_imports_worst_year": int(imports.worst_year),
        "bt_imports_worst_pct": float(imports.worst_pct),
        "bt_imports_worst_bn": float(imports.worst_bn),
        "bt_exports_overestimated_years": int((result[result.flow == "exports_fob"].error_bn > 0).sum()),
        "bt_imports_overestimated_years": int((result[result.flow == "imports_cif"].error_bn > 0).sum()),
        "bt_growth_gap_median_pp": float(gaps.gap_pp.abs().median()),
        "bt_growth_gap_max_pp": float(gaps.gap_pp.abs().max()),
        "bt_growth_windows": int(len(gaps)),
        "bt_top_country_share_pct": float(absolute[top] / absolute.sum() * 100),
        "bt_turkmenistan_share_pct": float(absolute.get(cm.TURKMENISTAN, 0.0) / absolute.sum() * 100),
        "bt_deficit_years": int((balance.exports_fob < balance.imports_cif).sum()),
    }
    last_row = result[(result.flow == "exports_fob") & (result.year == last)].iloc[0]
    numbers.update(
        bt_last_exports_estimate_bn=float(last_row.estimate_bn),
        bt_last_exports_actual_bn=float(last_row.actual_bn),
        bt_last_exports_error_pct=float(last_row.error_pct),
    )
    mirrors = dots[(dots.partner == cm.BELARUS) & dots.reporter.isin(cm.ARTICLE_SUBTRACTED) & dots.year.between(first, last)]
    numbers.update(
        bt_mirror_values=int(len(mirrors)),
        bt_mirror_estimated=int(mirrors.estimated.sum()),
    )
    own_exports = m.belarus_flows(dots, "exports_fob").loc[first:last]
    sentences = {
        "bt_customs_union_md": _customs_union_sentence(result),
        "bt_ukraine_md": _ukraine_sentence(parts, own_exports, result, int(exports.worst_year)),
        "bt_components_md": _components_sentence(absolute),
        "bt_bias_md": _bias_sentence(numbers),
    }
    figure = ChartFigure(
        key="fig-3b-combined-backtest",
        chart=chart,
        attribution=Attribution(
            ["imf_dots"],
            "Estimate = Belarus's reported trade with 10 CIS countries minus what 8 of them report about their trade with Belarus; "
            "actual = Belarus's reported trade with Russia. Bars: error of the estimate.",
            data_dir,
        ),
        description="Lines of Belarus's exports to and imports from Russia as Belarus reports them (solid) and as the combined method "
        "estimates them (dashed), billion USD, with bars for the error. "
        + describe_series(plotted[plotted.measure != ERROR].assign(label=plotted.flow + ", " + plotted.measure), "year", "bn_usd", "label", " bn USD")
        + f" Median absolute error: exports {exports.median_abs_pct:.1f}%, imports {imports.median_abs_pct:.1f}%; "
        f"largest for exports in {int(exports.worst_year)} ({exports.worst_pct:+.1f}%).",
    )
    return figure, numbers, sentences


def _components_sentence(absolute: pd.Series) -> str:
    """Which country's records account for most of the export error over the window."""
    shares = absolute / absolute.sum() * 100
    top = shares.idxmax()
    text = f"{_country(top)} accounts for {shares[top]:.0f}% of the absolute error"
    if top == cm.TURKMENISTAN:
        partner = shares.drop(cm.TURKMENISTAN).idxmax()
        return text + (f", more than any subtracted partner, since its trade stays in the estimate; the largest subtracted "
                       f"contributor is {_country(partner)}, with {shares[partner]:.0f}%")
    return text + f", and Turkmenistan, whose trade stays in the estimate, for {shares.get(cm.TURKMENISTAN, 0.0):.0f}%"


def _bias_sentence(n: dict) -> str:
    """Which way the estimate leans, flow by flow, and whether that is what valuation alone predicts."""
    years = n["bt_years"]
    parts = []
    for flow, key, expected in (("exports", "bt_exports_overestimated_years", "down"), ("imports", "bt_imports_overestimated_years", "up")):
        over = n[key]
        if over > years / 2:
            lean = "up"
        elif over < years / 2:
            lean = "down"
        else:
            lean = "neither way"
        verb = {"up": "above", "down": "below"}.get(lean)
        count = over if lean == "up" else years - over
        text = f"for {flow} the estimate lies {verb} the actual value in {count} of {years} years" if verb else f"for {flow} the estimate errs equally often either way"
        text += ", as CIF/FOB valuation predicts" if lean == expected else (", against what CIF/FOB valuation alone predicts" if verb else "")
        parts.append(text)
    return (parts[0][0].upper() + parts[0][1:]) + "; " + parts[1] + "."


def _customs_union_sentence(result: pd.DataFrame) -> str:
    """Export error before and after the customs union of 2010, where the window has both."""
    exports = result[result.flow == "exports_fob"]
    before, after = exports[exports.year < 2010], exports[exports.year >= 2010]
    if before.empty or after.empty:
        return ("the customs union of Belarus, Kazakhstan and Russia, in force from 2010, changed how trade among its members "
                "is recorded")
    return (
        f"the median export error is {before.error_pct.abs().median():.1f}% in {int(before.year.min())}–{int(before.year.max())} "
        f"and {after.error_pct.abs().median():.1f}% in {int(after.year.min())}–{int(after.year.max())}: the break comes in 2010, "
        "when the customs union of Belarus, Kazakhstan and Russia came into force"
    )


def _ukraine_sentence(parts: pd.DataFrame, own_exports: pd.DataFrame, result: pd.DataFrame, worst_year: int) -> str:
    """Ukraine's part in the export error of the worst year, and its rank among Belarus's CIS partners."""
    others = own_exports[[c for c in cm.CIS_TOTAL if c != cm.RUSSIA]]
    largest = others.idxmax(axis=1)
    always = bool((largest == cm.UKRAINE).all())
    error = float(result[(result.flow == "exports_fob") & (result.year == worst_year)].error_bn.iloc[0])
    ukraine = float(parts.at[worst_year, cm.UKRAINE]) / 1000 if worst_year in parts.index else NAN
    rank = ("Ukraine was Belarus's largest CIS export market after Russia in every year of the test"
            if always else f"Ukraine was Belarus's largest CIS export market after Russia in {int((largest == cm.UKRAINE).sum())} of {len(largest)} years")
    return (
        f"{rank}, so its records weigh most. In {worst_year}, the worst year, Belarus recorded {ukraine:.2f} bn USD more exports to "
        f"Ukraine than Ukraine recorded imports from Belarus, out of a total error of {error:.2f} bn"
    )


def after_2021(backtest_numbers: dict, growth_numbers: dict) -> dict:
    """Sentences that need both the back-test and the article's 2021–2023 figures."""
    sentences = precision_vs_growth(backtest_numbers, growth_numbers)
    deficit = _deficit_sentence(backtest_numbers)
    balance = growth_numbers["balance2023_computed"]
    if math.isnan(balance):
        sentences["surplus_md"] = deficit + "."
    elif balance > 0:
        sentences["surplus_md"] = (
            f"The 2023 balance, {balance:+.1f} bn USD on the rounded levels ({growth_numbers['balance2023_stated']:+.1f} bn in the "
            f"article), is a surplus, and a new one: {deficit[0].lower() + deficit[1:]}."
        )
    else:
        sentences["surplus_md"] = f"The 2023 balance is {balance:+.1f} bn USD, a deficit as before: {deficit[0].lower() + deficit[1:]}."
    return sentences


def findings(backtest_numbers: dict, checked: pd.DataFrame) -> dict:
    """The chapter's conclusion, from the back-test and the consistency check."""
    text = (
        f"Tested on {backtest_numbers['bt_first_year']}–{backtest_numbers['bt_last_year']}, the combined method misses the level of "
        f"Belarus's exports to Russia by a median of {backtest_numbers['bt_exports_median_abs_pct']:.1f}% and their two-year growth "
        f"rate by a median of "
        f"{backtest_numbers['bt_growth_gap_median_pp']:.1f} percentage points."
    )
    own = checked[checked.basis == OWN]
    if own.empty:
        return {"findings_md": text}
    failed = own[own.verdict != cm.CONSISTENT]
    if failed.empty:
        text += f" All {len(own)} relations among the article's own figures hold within rounding."
    else:
        text += (
            f" Of the {len(own)} relations among the article's own figures, {len(own) - len(failed)} hold within rounding; "
            f"those that do not are: {'; '.join(failed.relation)}."
        )
    return {"findings_md": text}


def _deficit_sentence(n: dict) -> str:
    years, deficits = n["bt_years"], n["bt_deficit_years"]
    span = f"{n['bt_first_year']}–{n['bt_last_year']}"
    if deficits == years:
        return f"In Belarus's own reports to the IMF its trade with Russia was in deficit in every year of {span}"
    return f"In Belarus's own reports to the IMF its trade with Russia was in deficit in {deficits} of the {years} years of {span}"


def precision_vs_growth(backtest_numbers: dict, growth_numbers: dict) -> dict:
    """Set the method's typical growth error beside the growth rates the article reports."""
    gap = backtest_numbers["bt_growth_gap_median_pp"]
    gx, gm = growth_numbers["gx_stated"], growth_numbers["gm_stated"]
    if math.isnan(gx):
        return {"precision_md": "Growth rates after 2020 lie outside this edition, so there is nothing to compare the method's precision with."}
    exports = "far larger than" if abs(gx) > 3 * gap else ("larger than" if abs(gx) > gap else "within")
    imports = "within" if abs(gm) <= gap else "larger than"
    text = (
        f"The reported rise of exports ({gx:.1f}%) is {exports} the method's typical two-year error of {gap:.1f} percentage points, "
        f"while the change of imports ({gm:.1f}%) is {imports} it"
    )
    if imports == "within":
        text += ": the estimates show a strong rise in exports to Russia, but they cannot tell whether imports from Russia rose slightly or fell slightly."
    else:
        text += "."
    return {"precision_md": text}


def _backtest_long(result: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for measure, column in ((ACTUAL, "actual_bn"), (ESTIMATE, "estimate_bn"), (ERROR, "error_bn")):
        frames.append(pd.DataFrame({
            "year": result.year, "flow": result.flow.map(FLOW_LABELS), "measure": measure,
            "bn_usd": result[column], "error_pct": result.error_pct,
        }))
    return pd.concat(frames, ignore_index=True).round({"bn_usd": 3, "error_pct": 2})


def _country(label: str) -> str:
    """IMF labels read as plain names: 'Kazakhstan, Rep. of' → 'Kazakhstan'."""
    return label.split(",")[0]


def sensitivity_table(dots: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Table 1b: how the back-test changes with the definition of the CIS total."""
    first, last = backtest_window(start_year, end_year)
    result = cm.sensitivity(dots, first, last)
    shown = pd.DataFrame({
        "Definition of the CIS total and of the countries subtracted": result.variant,
        "Flow": result.flow.map(FLOW_LABELS),
        "Median |error|, %": result.median_abs_pct.round(2),
        "Mean error, %": result.mean_pct.round(2),
        "Worst year": result.worst_year.astype(int),
        "Error in worst year, %": result.worst_pct.round(2),
    })
    table = DataTable(
        "table-1b-cis-definitions",
        shown,
        Attribution(["imf_dots"], f"Back-test over {first}–{last}; error = estimate − Belarus-reported actual, % of actual.", data_dir),
        highlight_column="Median |error|, %",
    )
    names = list(cm.SENSITIVITY_VARIANTS)
    at = lambda variant, flow, column: float(result[(result.variant == names[variant]) & (result.flow == flow)][column].iloc[0])
    numbers = {
        "sens_default_exports_median": at(0, "exports_fob", "median_abs_pct"),
        "sens_georgia_exports_median": at(1, "exports_fob", "median_abs_pct"),
        "sens_no_turkmenistan_exports_median": at(2, "exports_fob", "median_abs_pct"),
        "sens_no_turkmenistan_imports_median": at(2, "imports_cif", "median_abs_pct"),
        "sens_ukraine_out_exports_median": at(3, "exports_fob", "median_abs_pct"),
        "sens_ukraine_kept_exports_median": at(4, "exports_fob", "median_abs_pct"),
        "sens_ukraine_kept_exports_worst": at(4, "exports_fob", "worst_pct"),
        "sens_ukraine_kept_exports_worst_year": int(at(4, "exports_fob", "worst_year")),
    }
    return table, numbers


# --- the article's figures for 2021–2024 -------------------------------------------------------

def _wdi_totals(wdi: pd.DataFrame) -> pd.DataFrame:
    """Belarus's merchandise exports and imports (World Bank, WTO-based), bn USD."""
    return pd.DataFrame({
        "exports": m.wdi_series(wdi, "BLR", "TX.VAL.MRCH.CD.WT") / 1e9,
        "imports": m.wdi_series(wdi, "BLR", "TM.VAL.MRCH.CD.WT") / 1e9,
    })


def _table1_ru(table1: pd.DataFrame, flow: str, year: int) -> float:
    rows = table1[(table1.flow == flow) & (table1.partner == "RU") & (table1.year == year)]
    return float(rows.share_pct.iloc[0]) if len(rows) else NAN


def growth_2021_2023(figures: pd.DataFrame, table1: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int):
    """Levels, growth, turnover, balance and Russia's shares, 2021→2023, from the article's figures."""
    years = (2021, 2023)
    keys = [
        "x2021", "x2023", "m2021", "m2023", "gx_computed", "gx_stated", "gm_computed", "gm_stated",
        "turnover2023_computed", "turnover2023_stated", "balance2023_computed", "balance2023_stated",
        "share_x2021_computed", "share_x2021_table1", "share_m2021_computed", "share_m2021_table1",
        "share_x2023_computed", "share_x2023_table1", "share_m2023_computed", "share_m2023_table1",
    ]
    if not in_edition(years, start_year, end_year):
        numbers = {key: NAN for key in keys}
        text = outside_sentence(years, start_year, end_year, "The article's estimates of trade with Russia after 2020")
        return None, numbers, {"growth_2021_2023_md": text, "shares_2021_2023_md": text}
    q = lambda fid: m.quoted(figures, fid)
    x21, x23 = q("exports_to_russia_2021_bn_usd"), q("exports_to_russia_2023_bn_usd")
    m21, m23 = q("imports_from_russia_2021_bn_usd"), q("imports_from_russia_2023_bn_usd")
    totals = _wdi_totals(wdi)
    numbers = {
        "x2021": x21, "x2023": x23, "m2021": m21, "m2023": m23,
        "gx_computed": cm.growth_pct(x21, x23), "gx_stated": q("exports_to_russia_growth_2021_2023_pct_change"),
        "gm_computed": cm.growth_pct(m21, m23), "gm_stated": q("imports_from_russia_growth_2021_2023_pct_change"),
        "turnover2023_computed": x23 + m23, "turnover2023_stated": q("turnover_with_russia_2023_bn_usd"),
        "balance2023_computed": x23 - m23, "balance2023_stated": q("trade_balance_with_russia_2023_bn_usd"),
    }
    for year, x, mm in ((2021, x21, m21), (2023, x23, m23)):
        numbers[f"share_x{year}_computed"] = x / totals.at[year, "exports"] * 100
        numbers[f"share_x{year}_table1"] = _table1_ru(table1, "export", year)
        numbers[f"share_m{year}_computed"] = mm / totals.at[year, "imports"] * 100
        numbers[f"share_m{year}_table1"] = _table1_ru(table1, "import", year)
    n = numbers
    growth_md = (
        f"On the article's estimates, Belarus's exports to Russia rose from {x21:.1f} bn USD in 2021 to {x23:.1f} bn in 2023, "
        f"while imports from Russia went from {m21:.1f} to {m23:.1f} bn. Growth computed from these rounded levels is "
        f"{n['gx_computed']:.1f}% for exports and {n['gm_computed']:.1f}% for imports, against the {n['gx_stated']:.1f}% and "
        f"{n['gm_stated']:.1f}% the article states; "
        + _agreement([("exports", n["gx_stated"], x21, x23, 1), ("imports", n["gm_stated"], m21, m23, 1)])
        + f" Turnover in 2023 is {n['turnover2023_computed']:.1f} bn USD (the article: {n['turnover2023_stated']:.1f} bn) "
        f"and the balance {n['balance2023_computed']:+.1f} bn (the article: {n['balance2023_stated']:+.1f} bn)."
    )
    shares_md = (
        f"Set against the World Bank's totals for Belarus's goods trade, the article's levels give Russia "
        f"{n['share_x2021_computed']:.1f}% of exports and {n['share_m2021_computed']:.1f}% of imports in 2021, and "
        f"{n['share_x2023_computed']:.1f}% and {n['share_m2023_computed']:.1f}% in 2023. Table 1 prints "
        f"{n['share_x2021_table1']:.1f}% and {n['share_m2021_table1']:.1f}% for 2021, {n['share_x2023_table1']:.1f}% and "
        f"{n['share_m2023_table1']:.1f}% for 2023: "
        + _share_agreement(n)
    )
    return None, numbers, {"growth_2021_2023_md": growth_md, "shares_2021_2023_md": shares_md}


def _agreement(items) -> str:
    """Whether stated growth rates agree with the rounded levels, within the rounding of all three."""
    verdicts = []
    for name, stated, start, end, decimals in items:
        values = pd.DataFrame({"id": ["s", "a", "b"], "value": [stated, start, end], "decimals": [decimals, 1, 1]})
        relation = cm.Relation(name, "s", ("a", "b"), cm.growth_pct, "", 0)
        verdicts.append((name, cm.check_relations(values, [relation]).verdict.iloc[0] == cm.CONSISTENT))
    if all(ok for _, ok in verdicts):
        return "both gaps are no larger than rounding the levels to one decimal can produce."
    wrong = " and ".join(name for name, ok in verdicts if not ok)
    return f"the gap for {wrong} is larger than rounding the levels to one decimal can explain."


def _share_agreement(n: dict) -> str:
    close = {
        year: abs(n[f"share_x{year}_computed"] - n[f"share_x{year}_table1"]) <= 0.3
        and abs(n[f"share_m{year}_computed"] - n[f"share_m{year}_table1"]) <= 0.3
        for year in (2021, 2023)
    }
    if all(close.values()):
        return "the article's levels and its Table 1 tell the same story within a few tenths of a point."
    near = [str(y) for y, ok in close.items() if ok]
    far = [str(y) for y, ok in close.items() if not ok]
    first = f"for {' and '.join(near)} the two agree within a few tenths of a point, " if near else ""
    return (
        first + f"for {' and '.join(far)} they differ by more, a sign that Table 1 divides by Belstat's totals, "
        "not the World Bank's, or that the article's bilateral levels and its Table 1 come from different vintages of the data."
    )


def car_channel(figures: pd.DataFrame, start_year: int, end_year: int):
    """EU passenger cars exported to Belarus, 2021→2023, set against the rise in exports to Russia."""
    years = (2021, 2023)
    keys = ["cars2021_musd", "cars2023_bn", "cars_ratio_computed", "cars_ratio_stated", "cars_increase_bn",
            "exports_increase_bn", "cars_share_of_export_rise_pct"]
    if not in_edition(years, start_year, end_year):
        return None, {k: NAN for k in keys}, {"cars_md": outside_sentence(years, start_year, end_year, "The article's figures on car imports")}
    q = lambda fid: m.quoted(figures, fid)
    cars21 = q("car_imports_from_eu_2021_musd_restated")
    cars23 = q("car_imports_from_eu_2023_bn_usd_restated")
    rise = q("exports_to_russia_2023_bn_usd") - q("exports_to_russia_2021_bn_usd")
    numbers = {
        "cars2021_musd": cars21,
        "cars2023_bn": cars23,
        "cars_ratio_computed": cars23 * 1000 / cars21,
        "cars_ratio_stated": q("car_imports_from_eu_growth_2021_2023_times"),
        "cars_increase_bn": cars23 - cars21 / 1000,
        "exports_increase_bn": rise,
        "cars_share_of_export_rise_pct": (cars23 - cars21 / 1000) / rise * 100,
    }
    n = numbers
    text = (
        f"EU exports of passenger cars to Belarus went from {cars21:.0f} million USD in 2021 to {cars23:.1f} bn in 2023: "
        f"{n['cars_ratio_computed']:.1f} times as much, which the article rounds to \"almost\" {n['cars_ratio_stated']:.0f}. "
        f"The increase, {n['cars_increase_bn']:.1f} bn USD, equals {n['cars_share_of_export_rise_pct']:.0f}% of the rise in "
        f"Belarus's exports to Russia over the same two years ({rise:.1f} bn). That share is only a rough guide: it is the part "
        "re-exported cars would explain if every additional car was sold on to Russia at its import price. A dealer's mark-up "
        "would raise it, and cars that stayed in Belarus would lower it."
    )
    return None, numbers, {"cars_md": text}


def year_2024(figures: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int):
    """2024: the article's levels against its stated growth rates, the balance, and Russia's shares."""
    years = (2023, 2024)
    keys = [
        "t2024", "x2024", "m2024_implied", "gt2024_computed", "gt2024_stated", "gx2024_computed", "gx2024_stated",
        "t2023_base_implied", "x2023_base_implied", "balance2024_computed_bn", "balance2024_stated_musd",
        "balance2023_restated", "wdi_x2024", "wdi_m2024", "share_t2024_computed", "share_t2024_stated",
        "share_x2024_computed", "share_x2024_stated", "share_m2024_computed", "share_m2024_stated",
        "share_m2024_stated_implied_imports",
    ]
    if not in_edition(years, start_year, end_year):
        text = outside_sentence((2024,), start_year, end_year, "The article's figures on turnover, exports and Russia's shares")
        return None, {k: NAN for k in keys}, {"year_2024_md": text, "shares_2024_md": text}
    q = lambda fid: m.quoted(figures, fid)
    t23, x23 = q("turnover_with_russia_2023_bn_usd"), q("exports_to_russia_2023_bn_usd")
    t24, x24 = q("turnover_with_russia_2024_bn_usd"), q("exports_to_russia_2024_bn_usd")
    gt, gx = q("turnover_with_russia_growth_2024_pct_change"), q("exports_to_russia_growth_2024_pct_change")
    totals = _wdi_totals(wdi)
    wx, wm = float(totals.at[2024, "exports"]), float(totals.at[2024, "imports"])
    m24 = t24 - x24
    numbers = {
        "t2024": t24, "x2024": x24, "m2024_implied": m24,
        "gt2024_computed": cm.growth_pct(t23, t24), "gt2024_stated": gt,
        "gx2024_computed": cm.growth_pct(x23, x24), "gx2024_stated": gx,
        "t2023_base_implied": t24 / (1 + gt / 100), "x2023_base_implied": x24 / (1 + gx / 100),
        "balance2024_computed_bn": x24 - m24, "balance2024_stated_musd": q("trade_balance_with_russia_2024_musd"),
        "balance2023_restated": q("trade_balance_with_russia_2023_bn_usd_restated"),
        "wdi_x2024": wx, "wdi_m2024": wm,
        "share_t2024_computed": t24 / (wx + wm) * 100, "share_t2024_stated": q("russia_share_of_goods_trade_2024_pct"),
        "share_x2024_computed": x24 / wx * 100, "share_x2024_stated": q("russia_share_of_goods_exports_2024_pct"),
        "share_m2024_computed": m24 / wm * 100, "share_m2024_stated": q("russia_share_of_goods_imports_2024_pct"),
    }
    numbers["share_m2024_stated_implied_imports"] = numbers["share_m2024_stated"] / 100 * wm
    n = numbers
    text = (
        f"For 2024 the article gives turnover of {t24:.1f} bn USD and exports to Russia of {x24:.1f} bn, which leaves "
        f"{m24:.1f} bn for imports from Russia and a surplus of {n['balance2024_computed_bn']:.1f} bn "
        f"(the article: {n['balance2024_stated_musd']:.0f} million USD, down from {n['balance2023_restated']:.1f} bn in 2023). "
        f"Measured from the article's own 2023 levels, turnover grew by {n['gt2024_computed']:.1f}% and exports by "
        f"{n['gx2024_computed']:.1f}%, not by the {gt:.1f}% and {gx:.1f}% it states; "
        + (
            f"those rates would need 2023 bases of {n['t2023_base_implied']:.1f} and {n['x2023_base_implied']:.1f} bn USD. "
            "They probably come from the official series the article cites for 2024, not from its own estimates for 2023; "
            "mixing two series does little harm to levels but distorts growth rates."
            if abs(n["gt2024_computed"] - gt) > 0.1 or abs(n["gx2024_computed"] - gx) > 0.1
            else "the stated rates match the levels."
        )
    )
    shares = (
        f"Against the World Bank's totals for 2024 ({wx:.1f} bn USD of goods exports, {wm:.1f} bn of imports), the article's "
        f"levels give Russia {n['share_t2024_computed']:.1f}% of Belarus's goods turnover, {n['share_x2024_computed']:.1f}% of "
        f"exports and {n['share_m2024_computed']:.1f}% of imports; the article prints {n['share_t2024_stated']:.1f}%, "
        f"{n['share_x2024_stated']:.1f}% and {n['share_m2024_stated']:.1f}%. "
        + _share_2024_remark(n)
    )
    return None, numbers, {"year_2024_md": text, "shares_2024_md": shares}


def _share_2024_remark(n: dict) -> str:
    gaps = {name: abs(n[f"share_{k}2024_computed"] - n[f"share_{k}2024_stated"]) for name, k in
            (("turnover", "t"), ("exports", "x"), ("imports", "m"))}
    off = [name for name, gap in gaps.items() if gap > 0.15]
    if not off:
        return "All three agree within rounding."
    held = [name for name in gaps if name not in off]
    text = f"The shares of {' and '.join(held)} agree within rounding; " if held else ""
    text += f"the share of {' and '.join(off)} does not. "
    if off == ["imports"]:
        text += (
            f"A {n['share_m2024_stated']:.1f}% share would mean imports from Russia of about "
            f"{n['share_m2024_stated_implied_imports']:.1f} bn USD, which does not fit the turnover and exports the article gives for "
            "the same year."
        )
    return text


# --- Figure 3c: exports, imports and balance around the break -----------------------------------

SERIES_ORDER = ["Exports to Russia", "Imports from Russia", "Balance"]


def trade_2019_2024_figure(dots: pd.DataFrame, figures: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Fig. 3c: Belarus's goods trade with Russia over the last six years of the edition, gaps left empty."""
    trade = m.belarus_russia_trade(dots, figures)
    first = max(start_year, end_year - 5)
    shown_years = list(range(first, end_year + 1))
    trade = trade.loc[[y for y in trade.index if first <= y <= end_year]]
    totals = _wdi_totals(wdi)
    rows = []
    for year, row in trade.iterrows():
        source = row.source.split(";")[0]
        for series, value, total_column in (("Exports to Russia", row.exports, "exports"), ("Imports from Russia", row.imports, "imports"), ("Balance", row.balance, None)):
            share = value / totals.at[year, total_column] * 100 if total_column and year in totals.index else NAN
            series_source = m.DERIVED_SOURCE if (series != "Exports to Russia" and "derived" in row.source and year == 2024) else source
            rows.append({"year": int(year), "series": series, "bn_usd": round(float(value), 3), "source": series_source,
                         "russia_share_pct": round(share, 1) if not math.isnan(share) else None})
    plotted = pd.DataFrame(rows)
    plotted["segment"] = year_runs(plotted)
    missing = [y for y in shown_years if y not in set(plotted.year)]
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=shown_years), axis=alt.Axis(labelAngle=0))
    color = alt.Color("series:N", title=None, sort=SERIES_ORDER)
    tooltip = ["series:N", "year:O", alt.Tooltip("bn_usd:Q", format=".2f", title="bn USD"), "source:N",
               alt.Tooltip("russia_share_pct:Q", format=".1f", title="Russia's share of Belarus's total, %")]
    bars = alt.Chart(plotted).mark_bar(opacity=0.75, width=alt.RelativeBandSize(0.5)).encode(x=x, y=alt.Y("bn_usd:Q", title="billion USD"), color=color, tooltip=tooltip).transform_filter(
        alt.FieldEqualPredicate(field="series", equal="Balance"))
    lines = alt.Chart(plotted).mark_line().encode(x=x, y="bn_usd:Q", color=color, detail="segment:N").transform_filter(
        alt.FieldOneOfPredicate(field="series", oneOf=SERIES_ORDER[:2]))
    points = alt.Chart(plotted).transform_filter(alt.FieldOneOfPredicate(field="series", oneOf=SERIES_ORDER[:2])).mark_point(size=90, filled=True).encode(
        x=x, y="bn_usd:Q", color=color, shape=alt.Shape("source:N", title="Source", sort=[m.IMF_SOURCE, m.ARTICLE_SOURCE, m.DERIVED_SOURCE],
                        legend=alt.Legend(direction="vertical")),
        tooltip=tooltip)
    layers = [bars, lines, points]
    if missing:
        top = float(plotted.bn_usd.max())
        for year in missing:
            layers.append(
                alt.Chart(plotted).transform_aggregate(rows="count()").mark_text(angle=270, color="#555", fontSize=12)
                .encode(x=alt.XDatum(year, type="ordinal"), y=alt.YDatum(top * 0.45, type="quantitative"),
                        text=alt.value(f"{year}: no published bilateral data"))
            )
    chart = styled(alt.layer(*layers))
    numbers = {
        "fig3c_first_year": int(plotted.year.min()),
        "fig3c_last_year": int(plotted.year.max()),
        "fig3c_missing_years": len(missing),
    }
    described = plotted.assign(label=plotted.series)
    figure = ChartFigure(
        key="fig-3c-trade-around-2022",
        chart=chart,
        attribution=Attribution(
            ["imf_dots", "article_figures", "wdi"],
            "To 2020 Belarus's reports to the IMF; 2021, 2023 and 2024 the article's figures (2024 imports = turnover − exports). "
            "Years without data are left empty. Shares (tooltips) use World Bank merchandise totals.",
            data_dir,
        ),
        description="Belarus's goods exports to and imports from Russia (lines with points, marker by source) and the balance (bars), "
        "billion USD. " + describe_series(described, "year", "bn_usd", "label", " bn USD")
        + (f" No data for {', '.join(str(y) for y in missing)}." if missing else ""),
    )
    return figure, numbers



# --- Table 1c: the article's own arithmetic ------------------------------------------------------

def printed_values(figures: pd.DataFrame, table1: pd.DataFrame, wdi: pd.DataFrame, data_dir=None) -> pd.DataFrame:
    """Every number a relation may use, with the decimals it was printed with.

    Article figures and Table 1 keep the decimals of their transcription (read from the files'
    text, since a loaded float forgets that '8.0' had one decimal); World Bank totals are exact.
    """
    text = _raw_values("article_figures", ["id"], data_dir)
    article = figures[["id", "value"]].assign(decimals=figures["id"].map(lambda i: cm.printed_decimals(text[(i,)])))
    raw_table = _raw_values("article_table1", ["flow", "partner", "year"], data_dir)
    table = pd.DataFrame({
        "id": "table1_" + table1.flow + "_" + table1.partner + "_" + table1.year.astype(str),
        "value": table1.share_pct,
        "decimals": [cm.printed_decimals(raw_table[(f, p, str(y))]) for f, p, y in zip(table1.flow, table1.partner, table1.year)],
    })
    totals = _wdi_totals(wdi).dropna()
    world_bank = pd.concat([
        pd.DataFrame({"id": [f"wdi_{flow}_{year}" for year in totals.index], "value": totals[flow].to_numpy(), "decimals": None})
        for flow in ("exports", "imports")
    ])
    return pd.concat([article, table, world_bank], ignore_index=True)


def _raw_values(resource: str, key: list[str], data_dir=None) -> dict:
    """The `value`-like column of a resource as printed text, keyed by its key columns.

    The file is the one `data.load` validated (same manifest entry); this reads only its text."""
    descriptor = data.resource_descriptor(resource, data_dir)
    path = data.resolve_data_dir(data_dir) / descriptor["path"]
    value_column = "value" if resource == "article_figures" else "share_pct"
    with open(path, newline="", encoding="utf-8") as handle:
        return {tuple(row[k] for k in key): row[value_column] for row in csv.DictReader(handle)}


OWN = "article's own figures"
WITH_WDI = "article's levels, World Bank totals"
TABLE1_WDI = "Table 1 vs article's levels, World Bank totals"


def article_relations() -> list[cm.Relation]:
    """The arithmetic claims of the article's sanction-period pages (and the EU figures they rest on)."""
    R = functools.partial(cm.Relation, basis=OWN)
    relations = [
        R("Exports to Russia, growth 2021→2023, %", "exports_to_russia_growth_2021_2023_pct_change",
          ("exports_to_russia_2021_bn_usd", "exports_to_russia_2023_bn_usd"), cm.growth_pct, "({1} / {0} − 1) × 100", 2023,
          first_year=2021),
        R("Imports from Russia, growth 2021→2023, %", "imports_from_russia_growth_2021_2023_pct_change",
          ("imports_from_russia_2021_bn_usd", "imports_from_russia_2023_bn_usd"), cm.growth_pct, "({1} / {0} − 1) × 100", 2023,
          first_year=2021),
        R("Turnover 2023 = exports + imports, bn USD", "turnover_with_russia_2023_bn_usd",
          ("exports_to_russia_2023_bn_usd", "imports_from_russia_2023_bn_usd"), cm.total, "{0} + {1}", 2023),
        R("Balance 2023 = exports − imports, bn USD", "trade_balance_with_russia_2023_bn_usd",
          ("exports_to_russia_2023_bn_usd", "imports_from_russia_2023_bn_usd"), cm.difference, "{0} − {1}", 2023),
        R("Turnover 2024 from 2023 level and stated growth, bn USD", "turnover_with_russia_2024_bn_usd",
          ("turnover_with_russia_2023_bn_usd", "turnover_with_russia_growth_2024_pct_change"), cm.grown_level,
          "{0} × (1 + {1}/100)", 2024, first_year=2023),
        R("Exports 2024 from 2023 level and stated growth, bn USD", "exports_to_russia_2024_bn_usd",
          ("exports_to_russia_2023_bn_usd", "exports_to_russia_growth_2024_pct_change"), cm.grown_level,
          "{0} × (1 + {1}/100)", 2024, first_year=2023),
        R("Balance 2024 = exports − implied imports, million USD", "trade_balance_with_russia_2024_musd",
          ("exports_to_russia_2024_bn_usd", "turnover_with_russia_2024_bn_usd"), _balance_from_turnover,
          "({0} − ({1} − {0})) × 1000", 2024, scale=1000),
        R("Exports to the EU, fall 2021→2023, times", "exports_to_eu_fall_2021_2023_times",
          ("exports_to_eu_2021_bn_usd", "exports_to_eu_2023_bn_usd"), cm.ratio, "{0} / {1}", 2023, first_year=2021),
        R("EU car exports to Belarus, rise 2021→2023, \"almost\" times", "car_imports_from_eu_growth_2021_2023_times",
          ("car_imports_from_eu_2023_bn_usd_restated", "car_imports_from_eu_2021_musd_restated"), cm.ratio, "{0} × 1000 / {1}", 2023,
          scale=1000, qualifier="almost", first_year=2021),
        R("Russia's share of Belarus's goods turnover 2024, %", "russia_share_of_goods_trade_2024_pct",
          ("turnover_with_russia_2024_bn_usd", "wdi_exports_2024", "wdi_imports_2024"), _share_of_sum,
          "{0} / ({1} + {2}) × 100", 2024, basis=WITH_WDI),
        R("Russia's share of Belarus's goods exports 2024, %", "russia_share_of_goods_exports_2024_pct",
          ("exports_to_russia_2024_bn_usd", "wdi_exports_2024"), cm.share_pct, "{0} / {1} × 100", 2024, basis=WITH_WDI),
        R("Russia's share of Belarus's goods imports 2024, %", "russia_share_of_goods_imports_2024_pct",
          ("turnover_with_russia_2024_bn_usd", "exports_to_russia_2024_bn_usd", "wdi_imports_2024"), _imports_share,
          "({0} − {1}) / {2} × 100", 2024, basis=WITH_WDI),
    ]
    for year in (2021, 2023):
        relations += [
            R(f"Table 1: Russia's share of exports {year}, %", f"table1_export_RU_{year}",
              (f"exports_to_russia_{year}_bn_usd", f"wdi_exports_{year}"), cm.share_pct, "{0} / {1} × 100", year, basis=TABLE1_WDI),
            R(f"Table 1: Russia's share of imports {year}, %", f"table1_import_RU_{year}",
              (f"imports_from_russia_{year}_bn_usd", f"wdi_imports_{year}"), cm.share_pct, "{0} / {1} × 100", year, basis=TABLE1_WDI),
        ]
    return relations


def _balance_from_turnover(exports, turnover):
    return exports - (turnover - exports)


def _share_of_sum(part, a, b):
    return part / (a + b) * 100


def _imports_share(turnover, exports, imports_total):
    return (turnover - exports) / imports_total * 100




def consistency_table(figures: pd.DataFrame, table1: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Table 1c: every declared relation among the article's numbers, checked within rounding."""
    relations = [r for r in article_relations() if in_edition(r.years, start_year, end_year)]
    values = printed_values(figures, table1, wdi, data_dir)
    checked = cm.check_relations(values, relations)
    decimals = values.set_index("id").decimals
    stated_ids = [r.stated for r in relations]
    shown = pd.DataFrame({
        "Relation": checked.relation,
        "Computed as": checked.formula,
        "Stated": [f"{value:.{int(decimals[i])}f}" for value, i in zip(checked.stated, stated_ids)],
        "Implied": checked.implied.round(2),
        "Difference": checked.difference.round(2),
        "Rounding allows": checked.tolerance.round(2),
        "Verdict": checked.verdict,
        "Checked against": checked.basis,
    })
    table = DataTable(
        "table-1c-consistency",
        shown,
        Attribution(["article_figures", "article_table1", "wdi"],
                    "Tolerance from the decimals printed: each figure may be off by half its last digit; World Bank totals taken as exact.", data_dir),
        number_format="{:.2f}",
        highlight_column="Verdict",
    )
    own = checked[checked.basis == OWN]
    other = checked[checked.basis != OWN]
    numbers = {
        "check_relations": int(len(checked)),
        "check_consistent": int((checked.verdict == cm.CONSISTENT).sum()),
        "check_own_relations": int(len(own)),
        "check_own_consistent": int((own.verdict == cm.CONSISTENT).sum()),
        "check_external_relations": int(len(other)),
        "check_external_consistent": int((other.verdict == cm.CONSISTENT).sum()),
    }
    return table, numbers, {"consistency_md": _consistency_sentence(checked, start_year, end_year)}, checked


def _consistency_sentence(checked: pd.DataFrame, start_year: int, end_year: int) -> str:
    if checked.empty:
        return outside_sentence((2021, 2024), start_year, end_year, "The relations checked here")
    held = int((checked.verdict == cm.CONSISTENT).sum())
    text = f"Of the {len(checked)} relations checked, {held} hold within the rounding of the printed numbers"
    failed = checked[checked.verdict != cm.CONSISTENT]
    if failed.empty:
        return text + "; none fails."
    listed = "; ".join(
        f"{row.relation} (stated {row.stated:g}, implied {row.implied:.2f})" for row in failed.itertuples()
    )
    own_failed = failed[failed.basis == OWN]
    text += f". The {len(failed)} that do not: {listed}."
    if len(own_failed):
        text += (
            f" Among the article's own figures, {len(own_failed)} "
            + ("relation fails: a stated number does" if len(own_failed) == 1 else "relations fail: in each, a stated number does")
            + " not follow from the article's other numbers, most likely because it comes from a different series."
        )
    external = failed[failed.basis != OWN]
    if len(external):
        text += (
            f" The other {len(external)} involve the World Bank's totals or Table 1, so the gap may lie in the denominator "
            "(Belstat's totals differ slightly from the WTO-based series) as much as in the article."
        )
    return text


def _every(plotted: pd.DataFrame, step: int) -> list[int]:
    years = sorted(int(y) for y in plotted.year.unique())
    return [y for y in years if (y - years[0]) % step == 0]
