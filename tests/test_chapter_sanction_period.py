"""The combined method, its back-test, the consistency checker and the builders of the
"Under sanctions, 2022–2024" chapter: on small synthetic frames with known answers and on
the real data snapshot."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from belarus_trade import chapter_sanction_period as chapter
from belarus_trade import combined_method as cm
from belarus_trade import data
from belarus_trade.paths import DATA_DIR

BY, RU = cm.BELARUS, cm.RUSSIA


# --- synthetic frames ---------------------------------------------------------------------------

def _row(reporter, partner, flow, year, value):
    return {"reporter": reporter, "partner": partner, "flow": flow, "year": year, "value_musd": value, "estimated": False}


def synthetic_dots(missing_mirror_year: int | None = None) -> pd.DataFrame:
    """Belarus trades with Russia, partner A (subtracted) and T (kept in the total, like Turkmenistan)."""
    rows = []
    for year, scale in ((2019, 1.0), (2020, 2.0)):
        rows += [
            _row(BY, RU, "exports_fob", year, 100 * scale),
            _row(BY, "A", "exports_fob", year, 10 * scale),
            _row(BY, "T", "exports_fob", year, 5 * scale),
            _row(BY, RU, "imports_cif", year, 200 * scale),
            _row(BY, "A", "imports_cif", year, 20 * scale),
            _row(BY, "T", "imports_cif", year, 1 * scale),
        ]
        if year != missing_mirror_year:
            rows += [
                _row("A", BY, "imports_cif", year, 12 * scale),  # A's imports from Belarus (CIF)
                _row("A", BY, "exports_fob", year, 19 * scale),  # A's exports to Belarus (FOB)
            ]
    return pd.DataFrame(rows)


MEMBERS, SUBTRACTED = (RU, "A", "T"), ("A",)


def test_combined_estimate_has_the_known_answer():
    dots = synthetic_dots()
    exports = cm.combined_estimate(dots, "exports_fob", MEMBERS, SUBTRACTED)
    imports = cm.combined_estimate(dots, "imports_cif", MEMBERS, SUBTRACTED)
    # 100 + 10 + 5 − 12 and 200 + 20 + 1 − 19; doubled in 2020.
    assert exports.to_dict() == {2019: 103.0, 2020: 206.0}
    assert imports.to_dict() == {2019: 202.0, 2020: 404.0}


def test_subtracting_uses_the_mirror_flow():
    """Belarus's exports are netted against partners' imports, not their exports."""
    dots = synthetic_dots()
    assert cm.subtracted_total(dots, "exports_fob", ("A",)).loc[2019] == 12
    assert cm.subtracted_total(dots, "imports_cif", ("A",)).loc[2019] == 19


def test_a_missing_mirror_year_is_missing_not_zero():
    dots = synthetic_dots(missing_mirror_year=2020)
    estimate = cm.combined_estimate(dots, "exports_fob", MEMBERS, SUBTRACTED)
    assert list(estimate.index) == [2019]


def test_membership_parameters_change_the_estimate():
    dots = synthetic_dots()
    without_t = cm.combined_estimate(dots, "exports_fob", (RU, "A"), SUBTRACTED)
    assert without_t.loc[2019] == 98  # exact but for the mirror gap of A: 100 + 10 − 12
    a_not_subtracted = cm.combined_estimate(dots, "exports_fob", MEMBERS, ())
    assert a_not_subtracted.loc[2019] == 115


def test_russia_must_be_in_the_total_and_not_subtracted():
    dots = synthetic_dots()
    with pytest.raises(ValueError):
        cm.combined_estimate(dots, "exports_fob", ("A", "T"), SUBTRACTED)
    with pytest.raises(ValueError):
        cm.combined_estimate(dots, "exports_fob", MEMBERS, (RU,))
    with pytest.raises(KeyError):
        cm.combined_estimate(dots, "exports_fob", (RU, "Nowhere"), SUBTRACTED)


def test_backtest_and_error_components_on_synthetic_data():
    dots = synthetic_dots()
    result = cm.backtest(dots, 2019, 2020, MEMBERS, SUBTRACTED)
    exports_2019 = result[(result.flow == "exports_fob") & (result.year == 2019)].iloc[0]
    assert exports_2019.error_bn == pytest.approx(0.003)
    assert exports_2019.error_pct == pytest.approx(3.0)
    summary = cm.backtest_summary(result)
    assert summary.at["imports_cif", "median_abs_pct"] == pytest.approx(1.0)
    parts = cm.error_components(dots, "exports_fob", MEMBERS, SUBTRACTED)
    assert parts.loc[2019].to_dict() == {"A": -2.0, "T": 5.0}
    assert parts.sum(axis=1).loc[2019] == pytest.approx(3.0)
    # A constant relative bias cancels in growth rates.
    assert cm.growth_gaps(result, span=1).gap_pp.abs().max() == pytest.approx(0.0)


# --- real data ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frames():
    return {
        "wdi": data.load("wdi", DATA_DIR),
        "dots": data.load("imf_dots", DATA_DIR),
        "table1": data.load("article_table1", DATA_DIR),
        "figures": data.load("article_figures", DATA_DIR),
    }


def test_the_article_set_uses_labels_present_in_the_data(frames):
    dots = frames["dots"]
    reporters = set(dots.reporter)
    assert set(cm.ARTICLE_SUBTRACTED) <= reporters
    assert cm.GEORGIA in reporters and cm.TURKMENISTAN in reporters
    assert len(cm.ARTICLE_SUBTRACTED) == 8 and cm.GEORGIA not in cm.CIS_TOTAL


def test_backtest_2003_by_hand(frames):
    """2003: the estimate recomputed from the raw rows, and an error under half a per cent."""
    dots = frames["dots"]
    year = dots[dots.year == 2003]
    own = year[(year.reporter == BY) & (year.flow == "exports_fob") & year.partner.isin(cm.CIS_TOTAL)].value_musd.sum()
    mirror = year[(year.partner == BY) & (year.flow == "imports_cif") & year.reporter.isin(cm.ARTICLE_SUBTRACTED)].value_musd.sum()
    actual = year[(year.reporter == BY) & (year.partner == RU) & (year.flow == "exports_fob")].value_musd.iloc[0]
    result = cm.backtest(dots, 2000, 2020)
    row = result[(result.flow == "exports_fob") & (result.year == 2003)].iloc[0]
    assert row.estimate_bn == pytest.approx((own - mirror) / 1000)
    assert row.actual_bn == pytest.approx(actual / 1000)
    assert abs(row.error_pct) < 0.5


def test_backtest_summary_on_real_data(frames):
    summary = cm.backtest_summary(cm.backtest(frames["dots"], 2000, 2020))
    assert summary.at["exports_fob", "years"] == 21
    assert 1 < summary.at["exports_fob", "median_abs_pct"] < 4
    assert summary.at["imports_cif", "median_abs_pct"] < 1
    assert summary.at["exports_fob", "worst_year"] == 2013


def test_sensitivity_to_the_cis_definition(frames):
    table = cm.sensitivity(frames["dots"], 2000, 2020)
    median = table[table.flow == "exports_fob"].set_index("variant").median_abs_pct
    default, georgia, no_turkmenistan, ukraine_out, ukraine_kept = (median[name] for name in cm.SENSITIVITY_VARIANTS)
    assert georgia > default            # Georgia's trade would be counted as Russia's
    assert no_turkmenistan < default    # so would Turkmenistan's, which the article cannot subtract
    assert ukraine_kept > 10 * default  # Ukraine in the total but not subtracted: a gross error
    assert ukraine_out < default


# --- the consistency checker ----------------------------------------------------------------------

def values(**items):
    """id=(value, decimals) → a values table; decimals None means exact."""
    return pd.DataFrame([{"id": k, "value": v, "decimals": d} for k, (v, d) in items.items()])


def test_printed_decimals():
    assert cm.printed_decimals("49.0") == 1
    assert cm.printed_decimals("796") == 0
    assert cm.printed_decimals("0,5") == 1
    assert cm.printed_decimals("2.094") == 3


def test_checker_consistent_inconsistent_and_tolerance():
    table = values(x=(25.2, 1), m=(23.8, 1), t=(49.0, 1), t24=(51.8, 1), g=(6.3, 1))
    relations = [
        cm.Relation("turnover", "t", ("x", "m"), cm.total, "{0} + {1}", 2023),
        cm.Relation("grown", "t24", ("t", "g"), cm.grown_level, "{0} × (1 + {1}/100)", 2024),
    ]
    checked = cm.check_relations(table, relations).set_index("relation")
    assert checked.at["turnover", "verdict"] == cm.CONSISTENT
    assert checked.at["turnover", "tolerance"] == pytest.approx(0.15)  # two terms ± 0.05, stated ± 0.05
    assert checked.at["turnover", "formula"] == "25.2 + 23.8"
    assert checked.at["grown", "verdict"] == cm.INCONSISTENT
    assert checked.at["grown", "implied"] == pytest.approx(52.087)


def test_tolerance_comes_from_the_printed_decimals():
    relation = cm.Relation("growth", "g", ("a", "b"), cm.growth_pct, "", 2023)
    coarse = values(g=(54.1, 1), a=(16.4, 1), b=(25.2, 1))
    fine = values(g=(54.1, 1), a=(16.4, 2), b=(25.2, 2))
    assert cm.check_relations(coarse, [relation]).verdict.iloc[0] == cm.CONSISTENT
    assert cm.check_relations(fine, [relation]).verdict.iloc[0] == cm.INCONSISTENT
    exact = values(g=(53.66, 2), a=(16.4, None), b=(25.2, None))
    assert cm.check_relations(exact, [relation]).verdict.iloc[0] == cm.CONSISTENT


def test_almost_reads_the_stated_value_as_an_upper_bound():
    below = cm.Relation("x", "s", ("big", "small"), cm.ratio, "", 2023, scale=1000, qualifier="almost")
    table = values(s=(7, 0), big=(2.6, 1), small=(375, 0))
    assert cm.check_relations(table, [below]).verdict.iloc[0] == cm.CONSISTENT
    above = values(s=(7, 0), big=(2.7, 1), small=(375, 0))  # 7.2: rounds to 7, but is not "almost" 7
    assert cm.check_relations(above, [below]).verdict.iloc[0] == cm.INCONSISTENT
    plain = cm.Relation("x", "s", ("big", "small"), cm.ratio, "", 2023, scale=1000)
    assert cm.check_relations(above, [plain]).verdict.iloc[0] == cm.CONSISTENT


def test_checker_names_missing_values():
    with pytest.raises(KeyError, match="nope"):
        cm.check_relations(values(s=(1.0, 1)), [cm.Relation("r", "s", ("nope",), lambda v: v, "", 2023)])


def test_article_relations_on_real_data(frames):
    f = frames
    table, numbers, sentences, checked = chapter.consistency_table(f["figures"], f["table1"], f["wdi"], 2000, 2024, DATA_DIR)
    verdict = checked.set_index("relation").verdict
    assert numbers["check_relations"] == len(chapter.article_relations()) >= 14
    assert verdict["Exports to Russia, growth 2021→2023, %"] == cm.CONSISTENT
    assert verdict["Imports from Russia, growth 2021→2023, %"] == cm.CONSISTENT
    assert verdict["Balance 2023 = exports − imports, bn USD"] == cm.CONSISTENT
    assert verdict["Turnover 2024 from 2023 level and stated growth, bn USD"] == cm.INCONSISTENT
    assert verdict["Exports 2024 from 2023 level and stated growth, bn USD"] == cm.INCONSISTENT
    assert verdict["Russia's share of Belarus's goods imports 2024, %"] == cm.INCONSISTENT
    assert verdict["Russia's share of Belarus's goods exports 2024, %"] == cm.CONSISTENT
    assert f"{numbers['check_consistent']} hold" in sentences["consistency_md"]
    # '8.0' keeps its printed decimal although the loaded value is the float 8.0
    printed = chapter.printed_values(f["figures"], f["table1"], f["wdi"], DATA_DIR).set_index("id").decimals
    assert printed["exports_to_russia_growth_2024_pct_change"] == 1
    assert printed["trade_balance_with_russia_2024_musd"] == 0


# --- builders and the edition window ------------------------------------------------------------

def test_full_edition_numbers(frames):
    f = frames
    _, growth, _ = chapter.growth_2021_2023(f["figures"], f["table1"], f["wdi"], 2000, 2024)
    assert growth["gx_computed"] == pytest.approx(53.66, abs=0.01)
    assert growth["gm_computed"] == pytest.approx(0.42, abs=0.01)
    _, year_2024, _ = chapter.year_2024(f["figures"], f["wdi"], 2000, 2024)
    assert year_2024["gt2024_computed"] == pytest.approx(5.71, abs=0.01)
    assert year_2024["gx2024_computed"] == pytest.approx(4.37, abs=0.01)
    assert year_2024["share_t2024_computed"] == pytest.approx(60.2, abs=0.05)
    assert year_2024["share_m2024_computed"] == pytest.approx(55.8, abs=0.05)
    figure, numbers = chapter.trade_2019_2024_figure(f["dots"], f["figures"], f["wdi"], 2000, 2024, DATA_DIR)
    assert 2022 not in set(figure.plotted.year)
    assert numbers["fig3c_missing_years"] == 1
    assert set(figure.plotted.source) == {"IMF DOTS, Belarus-reported", "Article's figures", "Article, derived (turnover − exports)"}
    assert figure.plotted.groupby("segment").year.agg(["min", "max"]).to_dict("index") == {
        "2019–2021": {"min": 2019, "max": 2021}, "2023–2024": {"min": 2023, "max": 2024}}


def test_builders_stop_at_end_year_2020(frames):
    f = frames
    figure, numbers, sentences = chapter.backtest_figure(f["dots"], 2000, 2020, DATA_DIR)
    assert figure.plotted.year.max() == 2020 and numbers["bt_last_year"] == 2020
    figure_3c, numbers_3c = chapter.trade_2019_2024_figure(f["dots"], f["figures"], f["wdi"], 2000, 2020, DATA_DIR)
    assert figure_3c.plotted.year.max() == 2020 and numbers_3c["fig3c_missing_years"] == 0
    table, counts, text, checked = chapter.consistency_table(f["figures"], f["table1"], f["wdi"], 2000, 2020, DATA_DIR)
    assert checked.empty and counts["check_relations"] == 0
    assert "outside this edition" in text["consistency_md"]
    for builder in (
        lambda: chapter.growth_2021_2023(f["figures"], f["table1"], f["wdi"], 2000, 2020),
        lambda: chapter.car_channel(f["figures"], 2000, 2020),
        lambda: chapter.year_2024(f["figures"], f["wdi"], 2000, 2020),
    ):
        _, values_, text = builder()
        assert all(math.isnan(v) for v in values_.values())
        assert all("outside this edition" in t and "2000–2020" in t for t in text.values())
    after = chapter.after_2021(numbers, chapter.growth_2021_2023(f["figures"], f["table1"], f["wdi"], 2000, 2020)[1])
    assert "outside this edition" in after["precision_md"]
    assert "2023" not in after["surplus_md"]


def test_builders_respect_start_year(frames):
    figure, numbers, _ = chapter.backtest_figure(frames["dots"], 2005, 2012, DATA_DIR)
    assert (numbers["bt_first_year"], numbers["bt_last_year"]) == (2005, 2012)
    assert set(figure.plotted.year) == set(range(2005, 2013))
    table, _ = chapter.sensitivity_table(frames["dots"], 2005, 2012, DATA_DIR)
    assert table.frame["Worst year"].between(2005, 2012).all()


def test_chart_specs_are_deterministic(frames):
    """nbval compares stored and fresh outputs: two builds of a chart must be identical."""
    first, _, _ = chapter.backtest_figure(frames["dots"], 2000, 2024, DATA_DIR)
    second, _, _ = chapter.backtest_figure(frames["dots"], 2000, 2024, DATA_DIR)
    assert first.spec() == second.spec()
    assert first.spec()["params"][0]["name"] == "pick_flow"
    assert len(first.spec()["datasets"]) == 1
