"""The combined method, its back-test, the consistency checker and the computations of the
"Under sanctions, 2022–2024" chapter: on small synthetic frames with known answers, on the
real data snapshot, and in the committed notebook's stored numbers."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from belarus_trade import DATA_DIR, PROJECT_ROOT
from belarus_trade.analysis import combined_method as cm
from belarus_trade.analysis import methods as m
from belarus_trade.chapters import arithmetic, combined_backtest
from belarus_trade.chapters import sanction_period as chapter
from belarus_trade.chapters.context import ChapterContext
from belarus_trade.chapters.prose import stored_text

NOTEBOOK = PROJECT_ROOT / "book" / "chapters" / "sanction_period.ipynb"

BY, RU = cm.BELARUS, cm.RUSSIA


def context() -> ChapterContext:
    """The chapter's context on the snapshot, in English, over the article's years."""
    return ChapterContext(chapter, language="en", data_dir=DATA_DIR, start_year=2000, end_year=2024)


def test_article_relations_on_real_data(frames):
    f = frames
    checked = arithmetic.checked_relations(f["article_figures"], f["article_table1"], f["wdi"], 2000, 2024, context())
    verdict = checked.set_index("relation").verdict
    assert len(checked) == len(arithmetic.article_relations()) >= 14
    assert verdict["Exports to Russia, growth 2021→2023, %"] == cm.CONSISTENT
    assert verdict["Imports from Russia, growth 2021→2023, %"] == cm.CONSISTENT
    assert verdict["Balance 2023 = exports − imports, bn USD"] == cm.CONSISTENT
    assert verdict["Turnover 2024 from 2023 level and stated growth, bn USD"] == cm.INCONSISTENT
    assert verdict["Exports 2024 from 2023 level and stated growth, bn USD"] == cm.INCONSISTENT
    assert verdict["Russia's share of Belarus's goods imports 2024, %"] == cm.INCONSISTENT
    assert verdict["Russia's share of Belarus's goods exports 2024, %"] == cm.CONSISTENT
    assert (checked.verdict == cm.CONSISTENT).sum() == 11
    own = checked[checked.basis == arithmetic.OWN]
    assert len(own) == 9 and (own.verdict == cm.CONSISTENT).sum() == 7
    assert set(own[own.verdict != cm.CONSISTENT].year) == {2024}
    # '8.0' keeps its printed decimal although the loaded value is the float 8.0
    assert checked.set_index("relation").stated_printed["Exports 2024 from 2023 level and stated growth, bn USD"] == "26.3"
    printed = arithmetic.printed_values(f["article_figures"], f["article_table1"], f["wdi"], context()).set_index("id").decimals
    assert printed["exports_to_russia_growth_2024_pct_change"] == 1
    assert printed["trade_balance_with_russia_2024_musd"] == 0
    table = arithmetic.consistency_table(checked)
    assert list(table.columns)[:3] == ["Relation", "Computed as", "Stated"] and len(table) == len(checked)


def test_relations_follow_the_edition(frames):
    f = frames
    args = (f["article_figures"], f["article_table1"], f["wdi"])
    assert arithmetic.checked_relations(*args, 2000, 2020, context()).empty
    only_2021 = arithmetic.checked_relations(*args, 2000, 2022, context())
    assert set(only_2021.year) == {2021} and len(only_2021) == 2


# --- the chapter's computations -------------------------------------------------------------------

def test_article_figures_2021_to_2024(frames):
    f = frames
    growth = chapter.growth_2021_2023(f["article_figures"], f["article_table1"], f["wdi"], 2000, 2024)
    assert growth.gx_computed == pytest.approx(53.66, abs=0.01)
    assert growth.gm_computed == pytest.approx(0.42, abs=0.01)
    assert growth.balance2023_computed == pytest.approx(1.4)
    assert chapter.rounding_explains(growth.gx_stated, growth.x2021, growth.x2023)
    assert chapter.rounding_explains(growth.gm_stated, growth.m2021, growth.m2023)
    assert not chapter.rounding_explains(growth.gx_stated, growth.x2021, growth.x2023, decimals=2)
    assert chapter.share_years_close(growth) == {2021: False, 2023: True}
    year = chapter.year_2024(f["article_figures"], f["wdi"], 2000, 2024)
    assert year.gt2024_computed == pytest.approx(5.71, abs=0.01)
    assert year.gx2024_computed == pytest.approx(4.37, abs=0.01)
    assert year.share_t2024_computed == pytest.approx(60.2, abs=0.05)
    assert year.share_m2024_computed == pytest.approx(55.8, abs=0.05)
    assert year.m2024_implied == pytest.approx(25.5)
    assert chapter.shares_2024_agree(year) == {"turnover": True, "exports": True, "imports": False}
    cars = chapter.car_channel(f["article_figures"], 2000, 2024)
    assert cars.ratio_computed == pytest.approx(6.93, abs=0.01) and cars.ratio_stated == 7
    assert cars.share_of_export_rise_pct == pytest.approx(25.3, abs=0.05)


def test_article_figures_outside_the_edition_are_not_available(frames):
    f = frames
    for value in (
        chapter.growth_2021_2023(f["article_figures"], f["article_table1"], f["wdi"], 2000, 2020),
        chapter.car_channel(f["article_figures"], 2000, 2022),
        chapter.year_2024(f["article_figures"], f["wdi"], 2000, 2023),
    ):
        numbers = list(value.__dict__.values())
        assert all(math.isnan(v) for v in numbers)
        assert {f"{v:.1f}" for v in numbers} == {"n/a"}
    assert f"{chapter.NOT_IN_EDITION + 1:.1f}" == "nan"  # arithmetic gives a plain NaN, never a number
    assert chapter.size_against(chapter.NOT_IN_EDITION, 0.7) == "n/a"


def test_verdict_words():
    assert chapter.size_against(54.1, 0.7) == "far larger than"
    assert chapter.size_against(-1.0, 0.7) == "larger than"
    assert chapter.size_against(0.5, 0.7) == "within"
    assert [combined_backtest.lean(a, 21) for a in (18, 3)] == ["above", "below"]
    assert combined_backtest.lean(2, 4) == "on either side of"
    assert chapter.words([]) == "none" and chapter.words(["turnover", "exports"]) == "turnover and exports"
    assert chapter.words([2021, 2023, 2024]) == "2021, 2023 and 2024"


def test_backtest_details_on_real_data(frames):
    dots = frames["imf_dots"]
    assert combined_backtest.direct_last_year(dots, 2000, 2024) == 2020
    assert combined_backtest.direct_last_year(dots, 2005, 2019) == 2019
    backtest = cm.backtest(dots, *combined_backtest.backtest_window(2000, 2024))
    above = combined_backtest.estimate_above_actual(backtest)
    assert above.to_dict() == {"exports_fob": 18, "imports_cif": 20}
    shares = combined_backtest.error_shares(dots, 2000, 2020)
    assert shares.sum() == pytest.approx(100)
    assert shares.index[0] == cm.UKRAINE and shares.iloc[0] == pytest.approx(27.8, abs=0.05)
    assert shares[cm.TURKMENISTAN] == pytest.approx(18.3, abs=0.05)
    periods = combined_backtest.error_by_period(backtest)
    assert periods.at["before", "median_abs_pct"] < 0.5 < 4 < periods.at["from", "median_abs_pct"]
    assert (periods.at["before", "last_year"], periods.at["from", "first_year"]) == (2009, 2010)
    assert list(combined_backtest.error_by_period(cm.backtest(dots, 2016, 2020)).index) == ["from"]
    assert combined_backtest.largest_cis_market_years(dots, 2000, 2020) == 21
    mirrors = combined_backtest.mirror_reports(dots, 2000, 2020)
    assert len(mirrors) == 8 * 2 * 21 and mirrors.estimated.sum() == 0
    assert combined_backtest.deficit_years(backtest) == 21
    plotted = combined_backtest.backtest_long(backtest)
    assert len(plotted) == 3 * len(backtest) and set(plotted.measure) == {chapter.ACTUAL, chapter.ESTIMATE, chapter.ERROR}
    assert combined_backtest.every_nth_year(plotted.year, 4) == [2000, 2004, 2008, 2012, 2016, 2020]


def test_backtest_window_respects_the_edition(frames):
    assert combined_backtest.backtest_window(2005, 2012) == (2005, 2012)
    assert combined_backtest.backtest_window(2000, 2024) == (2000, 2020)
    sensitivity = cm.sensitivity(frames["imf_dots"], 2005, 2012)
    table = combined_backtest.sensitivity_table(sensitivity)
    assert table["Worst year"].between(2005, 2012).all()
    full = cm.sensitivity(frames["imf_dots"], 2000, 2020)
    kept = combined_backtest.variant_summary(full, 4)
    assert kept.worst_year == 2012 and kept.median_abs_pct == pytest.approx(27.0, abs=0.05)
    assert combined_backtest.variant_summary(full, 0).median_abs_pct == pytest.approx(2.16, abs=0.005)


def test_trade_around_the_break(frames):
    f = frames
    trade = chapter.trade_around_break(f["imf_dots"], f["article_figures"], f["wdi"], 2000, 2024)
    assert 2022 not in set(trade.year) and trade.year.min() == 2019
    assert set(trade.source) == {"IMF DOTS, Belarus-reported", "Article's figures", "Article, derived (turnover − exports)"}
    assert trade.groupby("segment").year.agg(["min", "max"]).to_dict("index") == {
        "2019–2021": {"min": 2019, "max": 2021}, "2023–2024": {"min": 2023, "max": 2024}}
    to_2020 = chapter.trade_around_break(f["imf_dots"], f["article_figures"], f["wdi"], 2000, 2020)
    assert (to_2020.year.min(), to_2020.year.max()) == (2015, 2020) and to_2020.segment.nunique() == 1


# --- the committed notebook -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def notebook():
    return json.loads(NOTEBOOK.read_text())


def test_notebook_shows_the_findings(notebook):
    shown = stored_text(notebook)
    assert shown["outside_years"] == "none"
    assert (shown["first"], shown["last"], shown["direct_last_year"]) == ("2000", "2020", "2020")
    assert shown["i18n.number(exports.median_abs_pct, 1)"] == "2.2"
    assert shown["i18n.number(imports.median_abs_pct, 1)"] == "0.6"
    assert shown["exports_worst_year"] == "2013"
    assert shown["i18n.number(growth_gap_median, 1)"] == "0.7"
    assert (shown["exports_lean"], shown["exports_valuation"], shown["imports_valuation"]) == ("above", "against what", "as")
    assert (shown["before_median"], shown["after_median"]) == ("0.3%", "4.1%")
    assert shown["top_country"] == "Ukraine" and shown["ukraine_largest"] == "every year"
    assert shown["i18n.number(ukraine_kept.median_abs_pct, 0)"] == "27" and shown["ukraine_kept_worst_year"] == "2012"
    assert shown["i18n.number(growth.gx_computed, 1)"] == "53.7" and shown["rounding_verdict"] == "within"
    assert (shown["exports_size"], shown["imports_size"]) == ("far larger than", "within")
    assert shown["balance_kind"] == "a surplus, and a new one" and shown["deficit_span"] == "every year"
    assert (shown["shares_close_years"], shown["shares_far_years"]) == ("2023", "2021")
    assert shown["i18n.number(cars.share_of_export_rise_pct, 0)"] == "25"
    assert shown["rates_2024_verdict"] == "do not match"
    assert (shown["shares_2024_agree"], shown["shares_2024_disagree"]) == ("turnover and exports", "imports")
    assert (shown["relations_checked"], shown["relations_holding"], shown["relations_failing"]) == (
        "the 16 relations checked in Table 1c", "11 hold within the rounding of the printed numbers", "5 do not")
    assert (shown["own_failing"], shown["other_failing"]) == (
        "Among the article's own figures, 2 fail:", "The other 3 involve the World Bank's totals or Table 1")
    assert shown["own_failed_years"] == "2024"


def test_notebook_has_no_glue_and_shows_its_charts(notebook):
    text = "".join("".join(cell["source"]) for cell in notebook["cells"])
    assert "{glue" not in text and "publish(" not in text and "publish_" not in text
    figures = {}
    for cell in notebook["cells"]:
        name = cell["metadata"].get("mystnb", {}).get("figure", {}).get("name")
        if name:
            assert "hide-input" in cell["metadata"]["tags"]
            (output,) = cell["outputs"]
            figures[name] = set(output["data"])
    assert set(figures) == {"fig-3b", "fig-3c", "table-1b", "table-1c"}
    for name in ("fig-3b", "fig-3c"):
        assert {"image/svg+xml", "application/vnd.vega.v5+json"} <= figures[name]
    for name in ("table-1b", "table-1c"):
        assert "text/html" in figures[name]


def test_chart_specs_are_deterministic(frames):
    """nbval compares stored and fresh outputs: two builds of the same frame must be identical."""
    backtest = cm.backtest(frames["imf_dots"], 2000, 2020)
    assert combined_backtest.backtest_long(backtest).equals(combined_backtest.backtest_long(cm.backtest(frames["imf_dots"], 2000, 2020)))


def test_figure_3b_selection_is_named(notebook):
    spec = next(cell for cell in notebook["cells"] if cell["metadata"].get("mystnb", {}).get("figure", {}).get("name") == "fig-3b")
    source = "".join(spec["source"])
    assert 'name="pick_flow"' in source and '"fig-3b-combined-backtest"' in source
    html = "".join(spec["outputs"][0]["data"]["application/vnd.belarus-trade.figure+html"])
    assert '"name": "pick_flow"' in html


# --- after 2020: the IMF's series where a refresh brought them, else the article's figures ------

def with_official_years(imf_dots: pd.DataFrame, estimated_years=()) -> pd.DataFrame:
    """The snapshot plus Belarus's trade with Russia for 2021–2023, as an IMTS refresh would add it
    (test values, not data); years in `estimated_years` carry the IMF's estimate flag."""
    added = [{"reporter": BY, "partner": RU, "flow": flow, "year": year, "value_musd": value,
              "estimated": year in estimated_years}
             for year in (2021, 2022, 2023)
             for flow, value in (("exports_fob", 20000.0 + year), ("imports_cif", 23000.0 + year))]
    return pd.concat([imf_dots, pd.DataFrame(added)], ignore_index=True)


def test_after_2020_the_offline_snapshot_rests_on_the_article(imf_dots, article_figures):
    sources = combined_backtest.trade_sources(imf_dots, article_figures, 2000, 2024)
    assert (sources.imf_years, sources.article_years, sources.missing_years) == ("none", "2021, 2023–2024", "2022")


def test_official_years_replace_the_articles_figures_and_the_text_says_so(imf_dots, article_figures):
    refreshed = with_official_years(imf_dots, estimated_years={2023})
    trade = m.belarus_russia_trade(refreshed, article_figures)
    assert trade.at[2021, "exports"] == pytest.approx(22.021)  # the IMF's value, not the article's estimate
    assert trade.at[2021, "source"] == m.IMF_SOURCE
    assert trade.at[2023, "source"] == m.IMF_ESTIMATE_SOURCE
    assert trade.at[2024, "source"].startswith(m.ARTICLE_SOURCE)
    sources = combined_backtest.trade_sources(refreshed, article_figures, 2000, 2024)
    assert (sources.imf_years, sources.article_years, sources.missing_years) == ("2021–2023", "2024", "none")
    assert combined_backtest.direct_last_year(refreshed, 2000, 2024) == 2022  # 2023 is the IMF's estimate, not a report
    assert m.trade_sources_note(trade, 2019, 2024) == (
        "Trade with Russia: Belarus's reports to the IMF for 2019–2022; the IMF's own estimates for 2023; "
        "the article's figures for 2024. Imports for 2024 are the article's turnover minus its exports.")
