"""The conclusion: each finding's numbers from the data, editions that do not reach a finding,
and the values the committed notebook shows."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from belarus_trade import BOOK_DIR
from belarus_trade.analysis import methods
from belarus_trade.chapters import conclusion as chapter
from belarus_trade.chapters.prose import stored_text

NOTEBOOK = BOOK_DIR / "chapters" / "conclusion.ipynb"


@pytest.fixture(scope="module")
def shown_values():
    return stored_text(json.loads(NOTEBOOK.read_text()))


# --- 1. dependence ------------------------------------------------------------------------------

def test_dependence_reads_russias_export_share_from_table_1(frames):
    table1 = frames["article_table1"]
    finding = chapter.russia_dependence(table1, 2000, 2024)
    exports = table1[(table1.flow == "export") & (table1.partner == "RU")].set_index("year").share_pct
    assert (finding.first_year, finding.last_year) == (int(exports.index.min()), int(exports.index.max())) == (2012, 2024)
    assert finding.first_share == pytest.approx(35.4) and finding.last_share == pytest.approx(65.2)
    assert finding.peak_share == exports.max() and finding.peak_year == 2024


def test_dependence_is_clipped_to_the_edition(frames):
    finding = chapter.russia_dependence(frames["article_table1"], 2005, 2019)
    assert (finding.first_year, finding.last_year, finding.peak_year) == (2012, 2019, 2016)
    assert finding.peak_share == pytest.approx(46.5)
    outside = chapter.russia_dependence(frames["article_table1"], 2000, 2011)  # Table 1 starts in 2012
    assert not outside.available and outside.last_share is None


# --- 2. and 4.: the article's figures for 2021 and 2023 -------------------------------------------

def test_eu_market_and_investment_from_the_article(frames):
    figures = frames["article_figures"]
    eu = chapter.eu_market_lost(figures, 2000, 2024)
    assert eu.level_2023 == pytest.approx(eu.exports_2023 / eu.exports_2021) and eu.level_2023 < 0.5
    assert eu.car_imports_fold == pytest.approx(
        methods.quoted(figures, "car_imports_from_eu_2023_bn_usd") / (methods.quoted(figures, "car_imports_from_eu_2021_musd") / 1000))
    investment = chapter.investment(figures, 2000, 2024)
    assert investment.growth == pytest.approx(investment.real_sector_2023 / investment.real_sector_2021 - 1)
    assert investment.share_2023 > investment.share_2021


@pytest.mark.parametrize("window", [(2000, 2020), (2022, 2024), (2021, 2022)])
def test_findings_on_2021_to_2023_need_both_years(frames, window):
    assert not chapter.eu_market_lost(frames["article_figures"], *window).available
    assert not chapter.investment(frames["article_figures"], *window).available
    assert chapter.shown(chapter.investment(frames["article_figures"], *window)).growth == chapter.MISSING


# --- 3. the balance with Russia -----------------------------------------------------------------

def test_balance_counts_deficits_and_the_turn_to_a_surplus(frames):
    finding = chapter.surplus_with_russia(frames["imf_dots"], frames["article_figures"], 2000, 2024)
    trade = methods.belarus_russia_trade(frames["imf_dots"], frames["article_figures"]).loc[2000:2024]
    assert finding.years == len(trade) == 24  # 2022 has no source
    assert finding.deficit_years == (trade.balance < 0).sum() == 22
    assert (finding.deepest_year, round(finding.deepest_deficit, 1)) == (2008, 13.0)
    assert finding.surplus_years == "2023 and 2024" and finding.turn == "turned into a surplus"
    assert finding.last_balance == pytest.approx(trade.balance[2024]) and finding.last_balance > 0


def test_heading_never_claims_a_surplus_an_edition_does_not_have(frames):
    """The known defect: a fixed 'deficit turned into a surplus' heading beside an edition with none."""
    finding = chapter.surplus_with_russia(frames["imf_dots"], frames["article_figures"], 2005, 2019)
    assert finding.surplus_years == "none" and finding.turn == "persisted"
    assert finding.deficit_years == finding.years == 15


def test_balance_of_an_edition_without_deficits_has_no_deepest_year(frames):
    finding = chapter.surplus_with_russia(frames["imf_dots"], frames["article_figures"], 2023, 2024)
    assert finding.deficit_years == 0 and finding.deepest_year is None
    assert chapter.shown(finding).deepest_deficit == chapter.MISSING


# --- 4. KTES ------------------------------------------------------------------------------------

def test_connectedness_rose_but_peaked_before_the_sanctions(frames):
    finding = chapter.connectedness(frames["imf_dots"], frames["article_figures"], frames["wdi"], 2000, 2024)
    assert finding.direction == "rose" and finding.computed_2023 > finding.computed_2021
    assert finding.computed_2021 == pytest.approx(finding.article_2021, abs=0.01)
    assert finding.computed_2023 == pytest.approx(finding.article_2023, abs=0.02)
    assert (finding.peak_year, round(finding.peak_value, 2)) == (2000, 3.42)
    assert finding.record_scope == "a record only for the years since the sanctions"


def test_connectedness_of_an_edition_before_2021(frames):
    finding = chapter.connectedness(frames["imf_dots"], frames["article_figures"], frames["wdi"], 2016, 2020)
    assert finding.available and finding.computed_2021 is None and finding.article_2021 is None
    assert finding.record_scope == "not in this edition" and (finding.first_year, finding.last_year) == (2016, 2020)
    single = chapter.connectedness(frames["imf_dots"], frames["article_figures"], frames["wdi"], 2023, 2024)
    assert not single.available  # one year of KTES is not a series


# --- 5. diversification -------------------------------------------------------------------------

def test_diversification_balance_and_china(frames):
    finding = chapter.diversification_failed(frames["wdi"], frames["article_table1"], 2000, 2024)
    wdi = frames["wdi"]
    balance = (methods.wdi_series(wdi, "BLR", "TX.VAL.MRCH.CD.WT") - methods.wdi_series(wdi, "BLR", "TM.VAL.MRCH.CD.WT")) / 1e9
    assert finding.balance == pytest.approx(balance[finding.balance_year]) and finding.balance < 0
    assert (finding.china_first_year, finding.china_last_year) == (2012, 2024)
    assert finding.china_direction == "rose" and finding.china_imports_last > 2 * finding.china_imports_first
    assert finding.china_exports_last < finding.china_imports_last


# --- formatting -----------------------------------------------------------------------------------

def test_shown_formats_each_field_and_marks_what_is_missing():
    finding = chapter.Balance(years=3, first_year=2019, last_year=2021, deficit_years=1, deepest_year=2019,
                              deepest_deficit=2.345, surplus_years="2020 and 2021", last_balance=0.04, turn="turned into a surplus")
    text = chapter.shown(finding)
    assert (text.deepest_deficit, text.last_balance, text.first_year) == ("2.3", "0.0", "2019")
    outside = chapter.shown(chapter.Balance.outside(turn="is outside this edition's years"))
    assert outside.years == chapter.MISSING and outside.turn == "is outside this edition's years"


def test_every_function_keeps_one_return_shape_for_an_edition_outside_the_data(frames):
    window = (1990, 1991)
    findings = [
        chapter.russia_dependence(frames["article_table1"], *window),
        chapter.eu_market_lost(frames["article_figures"], *window),
        chapter.connectedness(frames["imf_dots"], frames["article_figures"], frames["wdi"], *window),
        chapter.investment(frames["article_figures"], *window),
        chapter.diversification_failed(frames["wdi"], frames["article_table1"], *window),
    ]
    assert all(isinstance(f, chapter.Finding) and not f.available for f in findings)
    assert all(isinstance(v, str) for f in findings for v in vars(chapter.shown(f)).values())
    empty = chapter.russia_dependence(pd.DataFrame({"flow": [], "partner": [], "year": [], "share_pct": []}), 2000, 2024)
    assert not empty.available


# --- the committed notebook -----------------------------------------------------------------------

def test_committed_notebook_shows_the_findings(shown_values):
    assert shown_values["outside_years"] == "none"
    assert shown_values["dependence.last_share"] == "65.2" and shown_values["dependence.first_share"] == "35.4"
    assert shown_values["eu.exports_2021"] == "6.9" and shown_values["eu.exports_2023"] == "1.6"
    assert shown_values["eu.level_2023"] == "23%" and shown_values["eu.car_imports_fold"] == "6.9"
    assert shown_values["balance.turn"] == "turned into a surplus" and shown_values["balance.surplus_years"] == "2023 and 2024"
    assert shown_values["deficit_sentence"] == ("Belarus ran a deficit in its goods trade with Russia in 22 of the 24 years with data "
                                                "(2000–2024), the largest in 2008 at 13.0 bn USD.")
    assert shown_values["balance.last_balance"] == "+0.8"
    assert (shown_values["ktes.computed_2021"], shown_values["ktes.computed_2023"]) == ("2.10", "2.34")
    assert (shown_values["ktes.article_2021"], shown_values["ktes.article_2023"]) == ("2.094", "2.355")
    assert shown_values["investment.growth"] == "+38%" and shown_values["investment.share_2023"] == "66.7"
    assert shown_values["diversification.china_imports_last"] == "14.4"


def test_committed_notebook_has_no_glue_and_a_heading_checked_by_the_data():
    notebook = json.loads(NOTEBOOK.read_text())
    text = "".join("".join(cell["source"]) for cell in notebook["cells"])
    assert "{glue" not in text and "publish" not in text.replace("publish in detail", "")
    assert "Belarus's deficit with Russia {eval}`balance.turn`" in text
    assert "Belarus's deficit with Russia turned into a surplus" not in text
