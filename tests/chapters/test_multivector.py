"""The multivector chapter: its computations on small frames with known answers and on the real
snapshot, and the numbers its committed notebook shows."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from belarus_trade import CHAPTERS_DIR
from belarus_trade.analysis import methods as m
from belarus_trade.chapters import multivector as c
from belarus_trade.chapters.prose import stored_text

NOTEBOOK = CHAPTERS_DIR / "multivector.ipynb"


@pytest.fixture(scope="module")
def shown():
    """What a reader of the committed notebook sees for each `{eval}` expression."""
    return stored_text(json.loads(NOTEBOOK.read_text()))


# --- Figure 1: openness -------------------------------------------------------------------------

def test_openness_is_clipped_to_the_edition_and_keeps_four_series(wdi):
    frame = c.openness(wdi, 2010, 2020)
    assert list(frame.columns) == ["year", "series", "pct_of_gdp"]
    assert (frame.year.min(), frame.year.max()) == (2010, 2020)
    assert set(frame.series) == set(c.OPENNESS_SERIES.values())
    trade = c.openness_wide(frame)[c.TRADE]
    assert (round(float(trade.max()), 1), int(trade.idxmax())) == (158.0, 2011)


def test_world_comparison_year_is_the_last_year_both_series_exist():
    wide = pd.DataFrame({c.TRADE: [100.0, 110.0, 120.0], c.WORLD_TRADE: [50.0, 55.0, None]}, index=[2020, 2021, 2022])
    assert c.world_comparison_year(wide) == 2021


def test_openness_2023_agrees_with_the_article_within_a_point(wdi, article_figures):
    wide = c.openness_wide(c.openness(wdi, 2000, 2024))
    low = m.quoted(article_figures, "exports_imports_share_of_gdp_2023_min_pct")
    high = m.quoted(article_figures, "exports_imports_share_of_gdp_2023_max_pct")
    for series in (c.EXPORTS, c.IMPORTS):
        assert low - 1 <= wide.at[c.ARTICLE_OPENNESS_YEAR, series] <= high + 1


def test_tick_years_label_every_fourth_year():
    assert c.tick_years([2003, 2001, 2000, 2002, 2004, 2008, 2008]) == [2000, 2004, 2008]


# --- Figure 2: goods balance --------------------------------------------------------------------

def test_goods_balance_is_exports_minus_imports_in_billions(wdi):
    goods = c.goods_trade(wdi, 2005, 2019)
    assert (goods.index.min(), goods.index.max()) == (2005, 2019)
    assert (goods.Balance - (goods.Exports - goods.Imports)).abs().max() < 0.002
    full = c.goods_trade(wdi, 2000, 2024)
    assert (full.Balance > 0).sum() == 0  # no surplus year in the snapshot
    assert (int(full.Balance.idxmin()), round(float(-full.Balance.min()), 1)) == (2010, 9.6)


# --- Figure 2b: the one-third target ------------------------------------------------------------

def test_target_outcome_on_a_synthetic_example():
    shares = pd.DataFrame({"EAEU": [50.0], "EU": [16.0], "rest of the world": [34.0]}, index=pd.Index([2020], name="year"))
    outcome = c.target_outcome(shares, 2020)
    assert list(outcome.verdict) == ["overshot", "fell short of", "met"]
    assert outcome.at["EAEU", "gap_pp"] == pytest.approx(50 - 100 / 3)
    assert outcome.at["rest of the world", "gap_pp"] == pytest.approx(34 - 100 / 3)


def test_target_was_missed_in_2020(imf_dots):
    shares = c.export_target_shares(imf_dots, 2000, 2024)
    assert shares.index.min() == c.IMF_TABLE1_FIRST_YEAR and shares.index.max() == c.TARGET_YEAR
    outcome = c.target_outcome(shares, c.TARGET_YEAR)
    assert outcome.share_pct.sum() == pytest.approx(100, abs=0.05)
    assert dict(outcome.verdict) == {"EAEU": "overshot", "EU": "fell short of", "rest of the world": "met"}
    assert round(outcome.at["EAEU", "gap_pp"], 1) == 14.7 and round(outcome.at["EU", "gap_pp"], 1) == -14.6


def test_target_shares_follow_the_edition(imf_dots):
    shares = c.export_target_shares(imf_dots, 2016, 2019)
    assert list(shares.index) == [2016, 2017, 2018, 2019]
    assert list(c.export_target_shares(imf_dots, 2005, 2014).index) == [2012, 2013, 2014]  # from Table 1's first year


# --- Table 1 and its check against the IMF ------------------------------------------------------

def test_table1_is_laid_out_as_printed(article_table1):
    table = c.table1(article_table1, 2012, 2024)
    assert list(table.columns[:3]) == ["Flow", "Partner", "2012"] and table.columns[-1] == "2024"
    assert list(table.Partner[:4]) == ["Russia", "China", "EU-27", "Other"]
    assert table.set_index(["Flow", "Partner"]).at[("Exports", "Russia"), "2024"] == 65.2
    assert list(c.table1(article_table1, 2016, 2020).columns[2:]) == ["2016", "2017", "2018", "2019", "2020"]


def test_table1_shares_quoted_by_the_chapter(article_table1):
    assert m.share_of(article_table1, "export", "RU", 2012) == 35.4
    assert m.share_of(article_table1, "export", "EU", 2024) == 3.5
    assert m.share_of(article_table1, "import", "CN", 2024) == 14.4


def test_explain_gaps_tells_rounding_revision_misallocation_and_sources_apart():
    compared = pd.DataFrame({
        "flow": ["import"] * 4 + ["export"],
        "partner": ["RU", "CN", "EU", "other", "EU"],
        "year": [2014] * 4 + [2015],
        "difference_pp": [0.1, 0.6, 8.9, -8.9, 3.0],
    })
    explanations = c.explain_gaps(compared)
    assert explanations[0] == "Same within rounding."
    assert explanations[1].startswith("Small:")
    assert explanations[2].startswith("Offset by an opposite gap for Other")
    assert explanations[3].startswith("Offset by an opposite gap for EU-27")
    assert explanations[4].startswith("Different sources:")


def test_table1_check_finds_the_misallocated_2014_imports(article_table1, imf_dots):
    compared = c.table1_check(article_table1, imf_dots, 2000, 2024)
    assert (compared.year.min(), compared.year.max(), len(compared)) == (2012, 2020, 72)
    gap = compared.difference_pp.abs()
    assert int((gap <= 0.5).sum()) == 70
    largest = c.largest_gap(compared)
    assert (largest.flow, largest.partner, largest.year, largest.offset_partner) == ("import", "other", 2014, "EU")
    assert (largest.printed, round(largest.imf, 1)) == (7.9, 16.8)
    assert (largest.offset_printed, round(largest.offset_imf, 1)) == (31.4, 22.5)
    assert c.partner_name(largest.partner) == "all other partners" and c.partner_name(largest.offset_partner) == "the EU-27"
    assert compared.explanation.str.startswith("Offset").sum() == 2
    assert list(c.table1_check(article_table1, imf_dots, 2016, 2018).year.unique()) == [2016, 2017, 2018]


# --- Figure 2c: trade with the EU ---------------------------------------------------------------

def test_eu_trade_joins_imf_years_and_the_articles_figures(imf_dots, article_figures):
    frame = c.eu_trade(imf_dots, article_figures, 2000, 2024)
    assert set(frame.source) == {c.IMF_EU_SOURCE, c.ARTICLE_EU_SOURCE}
    article = frame[frame.source == c.ARTICLE_EU_SOURCE].set_index(["series", "year"]).bn_usd
    assert article[("Exports to the EU", 2021)] == 6.9 and article[("Exports to the EU", 2023)] == 1.6
    assert frame[frame.source == c.IMF_EU_SOURCE].year.max() == int(c.imf_eu_trade(imf_dots).dropna().index.max()) == 2020
    assert c.eu_trade(imf_dots, article_figures, 2005, 2020).year.max() == 2020
    assert c.ARTICLE_EU_SOURCE not in set(c.eu_trade(imf_dots, article_figures, 2005, 2020).source)


# --- Figure 2d: sanctions -----------------------------------------------------------------------

def test_short_sender_and_instruments():
    assert c.short_sender("United States") == "United States"
    assert c.short_sender("EU, Bulgaria, Cyprus") == "EU and aligned countries"
    assert c.short_sender("Canada, United Kingdom") == "Canada and others"
    case = pd.Series({"trade": 1, "arms": 0, "military": 0, "financial": 1, "travel": 0, "other": 0})
    assert c.instruments(case) == "trade, financial"
    assert c.instruments(case * 0) == "none coded"


def test_sanction_cases_counts_and_edition(gsdb):
    cases = c.sanction_cases(gsdb, 2024)
    assert (len(cases), int(cases.begin.min()), int(cases.trade.sum())) == (24, 1998, 10)
    assert int(cases.travel.sum()) == 15 and int(cases.financial.sum()) == 15
    in_2022 = cases[cases.begin == 2022]
    assert (int(in_2022.trade.sum()), in_2022.sender.nunique()) == (6, 7)
    assert (cases.case == cases.sender + " (case " + cases.case_id.astype(str) + ")").all()
    assert c.sanction_cases(gsdb, 2019).begin.max() <= 2019


# --- the committed notebook ---------------------------------------------------------------------

def test_notebook_shows_the_chapters_numbers(shown):
    expected = {
        "outside_years": "none",
        "openness_first_year": "2000",
        "openness_latest_year": "2024",
        "i18n.number(exports_pct_gdp_latest, 1)": "65.1",
        "i18n.number(imports_pct_gdp_latest, 1)": "66.8",
        "i18n.number(trade_pct_gdp_peak, 0)": "158",
        "trade_pct_gdp_peak_year": "2011",
        "snapshot_article_year": "66.0% and 65.6%",
        "world_trade_latest_year": "2022",
        "i18n.number(belarus_to_world_openness_ratio, 1)": "1.9",
        "goods_latest_year": "2024",
        "goods_balance_sentence": "Over 2000–2024 the balance was in surplus in none of the 25 years; the largest deficit, 9.6 bn USD, came in 2010.",
        "target_check_year": "2020",
        "target_verdict": "missed",
        "eaeu_verdict": "overshot",
        "eu_verdict": "fell short of",
        "rest_verdict": "met",
        "i18n.number(eaeu_gap, 1, sign=True)": "+14.7",
        "i18n.number(eu_gap, 1, sign=True)": "-14.6",
        "table1_first_year": "2012",
        "table1_last_year": "2024",
        "i18n.number(table1_ru_export_last, 1)": "65.2",
        "i18n.number(table1_eu_export_last, 1)": "3.5",
        "i18n.number(table1_cn_import_last, 1)": "14.4",
        "check_agreement": "70 of the 72 cells compared agree within half a percentage point",
        "check_max_gap_partner": "all other partners",
        "check_max_gap_year": "2014",
        "check_offset_partner": "the EU-27",
        "i18n.number(eu_exports_fall_times_computed, 1)": "4.3",
        "i18n.number(car_imports_growth_times, 1)": "6.9",
        "i18n.number(car_share_of_eu_imports_2023_pct, 0)": "30",
        "eu_imf_last_year": "2020",
        "gsdb_cases_sentence": "The database records 24 cases against Belarus from 1998.",
        "gsdb_trade_sentence": "Trade measures are part of 10 cases, and 6 of those began in 2022",
        "gsdb_senders_phrase": "from 7 senders",
        "i18n.number(castellum_sanctions_2024, 0, group=True)": "1,500",
        "castellum_rank_2024": "5",
    }
    assert {expression: shown.get(expression) for expression in expected} == expected


def test_notebook_has_no_glue_and_draws_every_figure_in_its_cell():
    notebook = json.loads(NOTEBOOK.read_text())
    text = "".join("".join(cell["source"]) for cell in notebook["cells"])
    assert "{glue" not in text and "glue(" not in text and "publish(" not in text and "publish_" not in text
    figures = [cell for cell in notebook["cells"] if "mystnb" in cell["metadata"]]
    assert [cell["metadata"]["mystnb"]["figure"]["name"] for cell in figures] == [
        "fig-1", "fig-2", "fig-2b", "table-1", "table-1a", "fig-2c", "fig-2d"]
    for cell in figures:
        assert cell["metadata"]["tags"] == ["hide-input"]
        assert "context.figure(" in "".join(cell["source"]) or "context.table(" in "".join(cell["source"])
        assert any("image/svg+xml" in output.get("data", {}) or "text/html" in output.get("data", {})
                   for output in cell["outputs"])
    cells = notebook["cells"]
    for index, cell in enumerate(cells):
        if "mystnb" in cell["metadata"]:
            assert "".join(cells[index + 1]["source"]).startswith(("**Figure ", "**Table "))
