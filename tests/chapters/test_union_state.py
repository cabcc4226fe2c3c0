"""The Union State chapter: KTES, the agreements timeline, the investment arithmetic, editions
that end before the period the chapter is about, and the numbers the committed notebook shows."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from belarus_trade import BOOK_DIR
from belarus_trade.analysis import methods
from belarus_trade.chapters import union_state as chapter
from belarus_trade.chapters.prose import stored_text

NOTEBOOK = BOOK_DIR / "chapters" / "union_state.ipynb"


def ktes_window(frames, start_year=2000, end_year=2025, weo=None):
    return methods.ktes_series(frames["imf_dots"], frames["article_figures"], frames["wdi"], weo).loc[start_year:end_year]


@pytest.fixture(scope="module")
def shown():
    """What a reader sees for each `{eval}` expression of the committed notebook."""
    return stored_text(json.loads(NOTEBOOK.read_text()))


# --- missing numbers ----------------------------------------------------------------------------

def test_number_shows_a_missing_value_as_n_a():
    assert f"{chapter.Number(2.3456):.2f}" == "2.35" and f"{chapter.Number(1234.5):,.0f}" == "1,234"
    assert f"{chapter.Number(None):.1f}" == "n/a" and f"{chapter.Number(math.nan):,.0f}" == "n/a"
    assert repr(chapter.Number()) == "n/a" and f"{abs(chapter.Number(-3.0)):.0f}" == "3"
    assert f"{abs(chapter.Number()):.0f}" == "n/a"
    assert chapter.signed(-0.0021) == "\u22120.002" and chapter.signed(0.014) == "+0.014"
    assert chapter.signed(math.nan) == "n/a"


# --- KTES ---------------------------------------------------------------------------------------


def test_ktes_series_leaves_gaps_unfilled(frames):
    series = ktes_window(frames)
    assert math.isnan(series.loc[2022, "ktes"])        # no mutual trade for 2022
    assert math.isnan(series.loc[2024, "ktes"])        # no GDP for 2024 in the snapshot
    assert series.loc[2024, "missing"] == "GDP not in the snapshot"
    assert series.index.min() == 2000                  # WDI GDP starts in 2000
    assert series.loc[2000:2020, "ktes"].notna().all()


def test_ktes_rows_hold_the_computed_series_and_the_stated_values(frames):
    rows = chapter.ktes_rows(ktes_window(frames), frames["article_figures"], 2000, 2025)
    stated = rows[rows.series == chapter.STATED]
    assert sorted(stated.year) == [2021, 2023]
    assert stated.set_index("year").ktes[2023] == methods.quoted(frames["article_figures"], "ktes_belarus_russia_2023_index")
    computed = rows[rows.series == chapter.COMPUTED].set_index("year")
    assert list(computed.index) == list(range(2000, 2025))
    assert computed.loc[2021, "gdp_sum_bn_usd"] == pytest.approx(1913.1) and computed.loc[2021, "gdp_source"] == methods.WORLD_BANK_GDP
    assert {"year", "series", "gdp_source", "gdp_sum_bn_usd", "ktes"} <= set(rows.columns)


def test_ktes_checks_2021_agrees_within_rounding_and_2023_does_not(frames):
    window, figures = ktes_window(frames), frames["article_figures"]
    check_2021 = chapter.ktes_check(window, figures, 2021, 2000, 2025)
    check_2023 = chapter.ktes_check(window, figures, 2023, 2000, 2025)
    assert check_2021.within_rounding and check_2021.rounding_low <= check_2021.stated <= check_2021.rounding_high
    assert not check_2023.within_rounding
    assert check_2023.stated == methods.quoted(figures, "ktes_belarus_russia_2023_index")
    assert check_2023.difference == pytest.approx(check_2023.stated - check_2023.computed)
    # The implied quantities reproduce the stated value.
    assert check_2023.turnover_bn / check_2023.implied_gdp_sum_bn * 100 == pytest.approx(check_2023.stated)
    assert check_2023.implied_turnover_bn / check_2023.gdp_sum_bn * 100 == pytest.approx(check_2023.stated)
    assert check_2023.implied_gdp_below_pct == pytest.approx((1 - check_2023.implied_gdp_sum_bn / check_2023.gdp_sum_bn) * 100)


def test_earlier_years_above_the_2023_value(frames):
    window, figures = ktes_window(frames), frames["article_figures"]
    check = chapter.ktes_check(window, figures, 2023, 2000, 2025)
    higher = chapter.higher_before(window, 2023, max(check.computed, check.stated))
    assert list(higher.index) == [2000, 2001, 2002, 2003, 2004]
    assert (higher > check.stated).all() and (higher.index < 2023).all()
    # From a later start nothing earlier is higher: 2023 is the window's highest.
    assert chapter.higher_before(window.loc[2005:], 2023, max(check.computed, check.stated)).empty


def test_ktes_path_from_the_first_year_to_the_low_point(frames):
    window = ktes_window(frames)
    path = chapter.ktes_path(window)
    assert (path.years, path.first_year, path.low_year, path.high_year) == (23, 2000, 2013, 2000)
    assert path.low == pytest.approx(window.ktes.min()) and path.high == pytest.approx(window.ktes.max())
    # KTES moves by the ratio of trade growth to GDP growth.
    assert path.low / path.first == pytest.approx(path.trade_times / path.gdp_times)
    assert path.trade_times > 1 and path.gdp_times > path.trade_times and 90 < path.russia_part_of_gdp_increase_pct < 100
    empty = chapter.ktes_path(window.loc[2022:2022])
    assert empty.years == 0 and f"{empty.low:.2f}" == "n/a"


def test_ktes_ratio_of_gdps(frames):
    ratio = chapter.gdp_ratio(ktes_window(frames))
    gdp = frames["wdi"][(frames["wdi"].indicator == "NY.GDP.MKTP.CD")]
    last = int(gdp.year.max())
    values = gdp[gdp.year == last].set_index("iso3")["value"]
    assert ratio.year == last
    assert ratio.russia_to_belarus == pytest.approx(values["RUS"] / values["BLR"])


# --- growth of mutual trade ---------------------------------------------------------------------

def test_trade_since_2021_keeps_the_edition_years_with_a_figure(frames):
    trade = chapter.trade_since(frames["imf_dots"], frames["article_figures"], 2021, 2000, 2025)
    assert list(trade.index) == [2021, 2023, 2024]     # the article gives no figure for 2022
    assert trade[2024] / trade[2021] == pytest.approx(51.8 / 40.1)
    assert chapter.trade_since(frames["imf_dots"], frames["article_figures"], 2021, 2000, 2020).empty


# --- Figure 6a: the agreements --------------------------------------------------------------

def test_agreement_dates_on_a_synthetic_frame():
    frame = pd.DataFrame({
        "year": [2024, 2021, 2024],
        "month": pd.array([None, 11, 12], dtype="Int64"),
        "area": ["energy", "programmes", "energy"],
        "agreement": ["B", "A", "C"],
        "summary": ["b", "a", "c"],
        "article_page": [196, 196, 196],
    })
    dated = chapter.agreement_dates(frame)
    assert list(dated.agreement) == ["A", "B", "C"]
    assert list(dated.date) == [pd.Timestamp(2021, 11, 15), pd.Timestamp(2024, 7, 1), pd.Timestamp(2024, 12, 15)]
    assert list(dated.month_given) == [True, False, True]
    assert dated.when.iloc[0] == "November 2021"
    assert "mid-year" in dated.when.iloc[1] and dated.placement.iloc[1] == chapter.PLACED_MID_YEAR
    rows = chapter.timeline_rows(frame, 2000, 2025)
    assert list(rows.order) == [1, 2, 3] and list(rows.label_side) == ["right", "left", "left"]


def test_timeline_shows_every_agreement_with_its_date(frames):
    agreements = frames["union_state_agreements"]
    plotted = chapter.timeline_rows(agreements, 2000, 2025)
    assert sorted(plotted.agreement) == sorted(agreements.agreement)
    for row in agreements.itertuples():
        shown = plotted.loc[plotted.agreement == row.agreement].iloc[0]
        if pd.isna(row.month):
            assert shown.date == f"{row.year}-07-01" and shown.placement == chapter.PLACED_MID_YEAR
        else:
            assert shown.date == f"{row.year}-{row.month:02d}-15" and shown.placement == chapter.PLACED_BY_MONTH
    assert list(plotted.date) == sorted(plotted.date)
    assert int((plotted.placement == chapter.PLACED_MID_YEAR).sum()) == int(agreements.month.isna().sum())


def test_timeline_rows_of_short_windows(frames):
    agreements = frames["union_state_agreements"]
    assert chapter.timeline_rows(agreements, 2000, 2020).empty
    upto_2022 = chapter.timeline_rows(agreements, 2000, 2022)
    assert set(upto_2022.date.str[:4].astype(int)) <= {2021, 2022}
    assert len(upto_2022) == int((agreements.year <= 2022).sum())


# --- Figure 6b: investment ------------------------------------------------------------------

def test_implied_total_arithmetic():
    assert chapter.implied_total(3.0, 50.0) == pytest.approx(6.0)
    low, high = chapter.implied_total_bounds(3.0, 50.0)
    assert low == pytest.approx(2.95 / 0.5005) and high == pytest.approx(3.05 / 0.4995)
    assert low < 6.0 < high


def test_investment_on_the_article_figures(frames):
    q = lambda fid: methods.quoted(frames["article_figures"], fid)
    rows = chapter.investment_rows(frames["article_figures"], 2000, 2025)
    inv = chapter.investment(rows)
    total_2021 = q("russian_investment_real_sector_2021_bn_usd") / q("russia_share_of_foreign_investment_2021_pct") * 100
    total_2023 = q("russian_investment_real_sector_2023_bn_usd") / q("russia_share_of_foreign_investment_2023_pct") * 100
    assert inv.total_2021 == pytest.approx(total_2021, abs=1e-3) and inv.total_2023 == pytest.approx(total_2023, abs=1e-3)
    assert inv.russia_growth_pct == pytest.approx(
        (q("russian_investment_real_sector_2023_bn_usd") / q("russian_investment_real_sector_2021_bn_usd") - 1) * 100)
    # The bars of each year add up to the implied total.
    sums = rows.groupby("year").bn_usd.sum()
    assert sums[2021] == pytest.approx(total_2021, abs=2e-3) and sums[2023] == pytest.approx(total_2023, abs=2e-3)
    assert inv.others_change_pct < 0 and inv.total_change_pct < 0
    assert inv.total_2021_low < inv.total_2021 < inv.total_2021_high
    assert inv.share_2023_if_others_unchanged < inv.share_2023
    # The two parts of the split add up to the whole change in Russia's share.
    own = inv.share_2023_if_others_unchanged - inv.share_2021
    assert own == pytest.approx(inv.share_change_from_russia_pp)
    assert own + inv.share_change_from_others_pp == pytest.approx(inv.share_change_pp, abs=0.05)
    assert inv.share_change_from_others_pct == pytest.approx(inv.share_change_from_others_pp / inv.share_change_pp * 100)


def test_investment_of_short_windows(frames):
    rows = chapter.investment_rows(frames["article_figures"], 2000, 2020)
    assert rows.empty and f"{chapter.investment(rows).total_2021:.1f}" == "n/a"
    rows = chapter.investment_rows(frames["article_figures"], 2000, 2022)
    inv = chapter.investment(rows)
    assert list(rows.year.unique()) == [2021] and math.isnan(inv.russia_2023) and not math.isnan(inv.total_2021)
    assert f"{abs(inv.total_change_pct):.0f}" == "n/a"


# --- editions that end early -----------------------------------------------------------------


def test_ktes_of_an_edition_ending_in_2020(frames):
    window = ktes_window(frames, 2000, 2020)
    rows = chapter.ktes_rows(window, frames["article_figures"], 2000, 2020)
    assert rows.year.max() == 2020 and set(rows.series) == {chapter.COMPUTED}
    check = chapter.ktes_check(window, frames["article_figures"], 2021, 2000, 2020)
    assert math.isnan(check.computed) and math.isnan(check.stated) and not check.within_rounding
    assert chapter.gdp_ratio(window).year == 2020
    rows_2022 = chapter.ktes_rows(ktes_window(frames, 2000, 2022), frames["article_figures"], 2000, 2022)
    assert sorted(rows_2022[rows_2022.series == chapter.STATED].year) == [2021]


# Test values for the IMF WEO: GDP for 2023 (which the World Bank already has) and 2024 (which it lacks).
WEO = pd.DataFrame({"iso3": ["BLR", "RUS", "BLR", "RUS"], "year": [2023, 2023, 2024, 2024],
                    "gdp_usd": [1.0e9, 1.0e9, 80.0e9, 2120.0e9]})


def test_ktes_2024_is_computed_once_the_weo_is_in_the_snapshot(frames):
    window = ktes_window(frames, 2000, 2024, weo=WEO)
    rows = chapter.ktes_rows(window, frames["article_figures"], 2000, 2024)
    row = rows[(rows.series == chapter.COMPUTED) & (rows.year == 2024)].iloc[0]
    turnover = methods.quoted(frames["article_figures"], "turnover_with_russia_2024_bn_usd")
    assert row.ktes == pytest.approx(round(methods.ktes(turnover * 1e9, 80.0e9, 2120.0e9), 4))
    assert row.gdp_source == methods.WEO_GDP and row.missing == "" and row.gdp_sum_bn_usd == 2200.0


# --- the committed notebook ------------------------------------------------------------------

def test_notebook_has_no_glue_and_names_its_figures():
    notebook = json.loads(NOTEBOOK.read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert not any("{glue" in source or "publish(" in source or "publish_" in source for source in sources)
    names = [cell["metadata"].get("mystnb", {}).get("figure", {}).get("name") for cell in notebook["cells"]]
    assert [n for n in names if n] == ["table-6a", "fig-6a-agreements", "fig-6b-investment", "fig-6c-ktes"]
    for index, name in enumerate(names):
        if name:
            assert notebook["cells"][index]["metadata"]["tags"] == ["hide-input"]
            assert "".join(notebook["cells"][index + 1]["source"]).startswith(("**Figure 6", "**Table 6"))


def test_notebook_shows_the_findings(shown):
    assert shown["outside_years"] == "none"
    assert (shown["i18n.number(turnover_2021, 1)"], shown["i18n.number(turnover_2024, 1)"],
            shown["i18n.number(turnover_growth_pct, 0)"]) == ("40.1", "51.8", "29")
    assert shown["agreements_sentence"] == "It shows 8 of the 8 documents the article lists, from November 2021 to March 2025, in 7 policy areas."
    assert shown["without_month_sentence"] == "1 of them has no month in the article and is drawn at mid-year (a diamond instead of a circle)."
    assert shown["programmes_sentence"] == "The Basic Directions of November 2021 came with 28 sectoral Union programmes."
    assert shown["credit_sentence"] == "The loan agreed in November 2022 amounts to 105 billion roubles."
    assert shown["russia_money"] == "rose" and shown["others_moved"] == "a fall" and shown["total_moved"] == "less"
    assert shown["i18n.number(inv.share_2023_if_others_unchanged, 1)"] == "50.6"
    assert shown["i18n.number(inv.share_change_from_others_pp, 1)"] == "16.1" and shown["i18n.number(inv.share_change_from_others_pct, 0)"] == "67"
    assert shown["i18n.number(projects_selected, 0)"] == "27" and shown["i18n.number(projects_launched_more_than, 0)"] == "20"
    assert shown["ratio.year"] == "2023" and shown["i18n.number(ratio.russia_to_belarus, 0)"] == "28"
    assert shown["no_trade_years"] == "2022" and shown["no_gdp_years"] == "2024"
    assert (shown["ktes_values_sentence"], shown["path.low_year"]) == ("The book obtains values for 23 years; the highest is 3.42 in 2000.", "2013")
    assert shown["verdict_2021"].startswith("within what the rounding") and shown["verdict_2023"].startswith("more than the rounding")
    assert shown["difference_2021"] == "\u22120.002" and shown["difference_2023"] == "+0.014"
    assert shown["higher_years"] == "2000, 2001, 2002, 2003 and 2004"
    assert shown["record_verdict"] == "the highest only since 2004"
    assert not any(value in ("nan", "None", "n/a") for value in shown.values())
