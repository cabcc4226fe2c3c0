"""The article's combined method on synthetic frames with known answers and on the real data, its
back-test and sensitivity, and the checker of printed figures (`analysis/combined_method.py`)."""
from __future__ import annotations

import pandas as pd
import pytest

from belarus_trade.analysis import combined_method as cm

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


def test_the_article_set_uses_labels_present_in_the_data(frames):
    dots = frames["imf_dots"]
    reporters = set(dots.reporter)
    assert set(cm.ARTICLE_SUBTRACTED) <= reporters
    assert cm.GEORGIA in reporters and cm.TURKMENISTAN in reporters
    assert len(cm.ARTICLE_SUBTRACTED) == 8 and cm.GEORGIA not in cm.CIS_TOTAL


def test_backtest_2003_by_hand(frames):
    """2003: the estimate recomputed from the raw rows, and an error under half a per cent."""
    dots = frames["imf_dots"]
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
    summary = cm.backtest_summary(cm.backtest(frames["imf_dots"], 2000, 2020))
    assert summary.at["exports_fob", "years"] == 21
    assert 1 < summary.at["exports_fob", "median_abs_pct"] < 4
    assert summary.at["imports_cif", "median_abs_pct"] < 1
    assert summary.at["exports_fob", "worst_year"] == 2013


def test_sensitivity_to_the_cis_definition(frames):
    table = cm.sensitivity(frames["imf_dots"], 2000, 2020)
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
