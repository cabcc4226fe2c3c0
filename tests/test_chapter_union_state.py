"""The Union State chapter: KTES, the agreements timeline, the investment arithmetic, and
editions that end before the period the chapter is about."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from belarus_trade import chapter_union_state as chapter
from belarus_trade import data, methods
from belarus_trade.charts import ChartFigure


@pytest.fixture(scope="module")
def frames():
    return {
        "wdi": data.load("wdi"),
        "dots": data.load("imf_dots"),
        "figures": data.load("article_figures"),
        "agreements": data.load("union_state_agreements"),
    }


# --- KTES ---------------------------------------------------------------------------------------

def test_ktes_table_on_a_synthetic_example():
    trade = pd.DataFrame(
        {"turnover": [10.0, None, 30.0, 40.0], "source": ["a", None, "b", "b"]},
        index=pd.Index([2000, 2001, 2002, 2003], name="year"),
    )
    gdp = pd.DataFrame(
        {"gdp_blr": [100e9, 100e9, 200e9, None], "gdp_rus": [900e9, 900e9, 1800e9, None]},
        index=[2000, 2001, 2002, 2003],
    )
    table = chapter.ktes_table(trade, gdp)
    assert table.loc[2000, "ktes"] == pytest.approx(1.0)      # 10 bn / 1000 bn × 100
    assert table.loc[2002, "ktes"] == pytest.approx(1.5)      # 30 bn / 2000 bn × 100
    assert math.isnan(table.loc[2001, "ktes"]) and table.loc[2001, "missing"] == "mutual trade not in the snapshot"
    assert math.isnan(table.loc[2003, "ktes"]) and table.loc[2003, "missing"] == "GDP not in the snapshot"
    assert table.loc[2002, "gdp_sum_bn"] == pytest.approx(2000)


def test_ktes_table_starts_at_the_first_complete_year_and_refuses_no_overlap():
    trade = pd.DataFrame({"turnover": [5.0, 6.0], "source": ["x", "x"]}, index=[1998, 1999])
    gdp = pd.DataFrame({"gdp_blr": [1e9, 1e9], "gdp_rus": [9e9, 9e9]}, index=[1999, 2000])
    table = chapter.ktes_table(trade, gdp)
    assert list(table.index) == [1999, 2000]
    assert table.loc[1999, "ktes"] == pytest.approx(60.0)
    with pytest.raises(ValueError):
        chapter.ktes_table(trade.loc[[1998]], gdp.loc[[2000]])


def test_ktes_2021_from_the_data_agrees_with_the_article(frames):
    series = chapter.ktes_series(frames["dots"], frames["figures"], frames["wdi"])
    # Recompute independently from the raw inputs: the article's 2021 flows and WDI GDP.
    turnover = methods.quoted(frames["figures"], "exports_to_russia_2021_bn_usd") + methods.quoted(
        frames["figures"], "imports_from_russia_2021_bn_usd"
    )
    wdi = frames["wdi"]
    gdp = wdi[(wdi.indicator == "NY.GDP.MKTP.CD") & (wdi.year == 2021)].set_index("iso3")["value"]
    expected = turnover * 1e9 / (gdp["BLR"] + gdp["RUS"]) * 100
    assert series.loc[2021, "ktes"] == pytest.approx(expected)
    stated = methods.quoted(frames["figures"], "ktes_belarus_russia_2021_index")
    assert abs(series.loc[2021, "ktes"] - stated) < 0.01
    assert round(series.loc[2021, "ktes"], 2) == pytest.approx(2.10)


def test_ktes_series_leaves_gaps_unfilled(frames):
    series = chapter.ktes_series(frames["dots"], frames["figures"], frames["wdi"])
    assert math.isnan(series.loc[2022, "ktes"])        # no mutual trade for 2022
    assert math.isnan(series.loc[2024, "ktes"])        # no GDP for 2024 in the snapshot
    assert series.loc[2024, "missing"] == "GDP not in the snapshot"
    assert series.index.min() == 2000                  # WDI GDP starts in 2000
    assert series.loc[2000:2020, "ktes"].notna().all()


def test_ktes_figure_numbers_and_comparison(frames):
    figure, numbers, sentences = chapter.ktes_figure(frames["dots"], frames["figures"], frames["wdi"], 2000, 2025)
    assert isinstance(figure, ChartFigure)
    plotted = figure.plotted
    stated = plotted[plotted.series == chapter.STATED]
    assert sorted(stated.year) == [2021, 2023]
    assert numbers["ktes_2023_stated"] == methods.quoted(frames["figures"], "ktes_belarus_russia_2023_index")
    assert numbers["ktes_2023_difference"] == pytest.approx(numbers["ktes_2023_stated"] - numbers["ktes_2023_computed"])
    # 2021 agrees within the rounding of the trade figures, 2023 does not.
    assert numbers["ktes_2021_rounding_low"] <= numbers["ktes_2021_stated"] <= numbers["ktes_2021_rounding_high"]
    assert not numbers["ktes_2023_rounding_low"] <= numbers["ktes_2023_stated"] <= numbers["ktes_2023_rounding_high"]
    assert "within what the rounding" in sentences["ktes_comparison_sentence"]
    assert "more than the rounding" in sentences["ktes_comparison_sentence"]
    # The implied quantities reproduce the stated value.
    assert numbers["ktes_2023_turnover_bn"] / numbers["ktes_2023_implied_gdp_sum_bn"] * 100 == pytest.approx(numbers["ktes_2023_stated"])
    assert numbers["ktes_2023_implied_turnover_bn"] / numbers["ktes_2023_gdp_sum_wdi_bn"] * 100 == pytest.approx(numbers["ktes_2023_stated"])
    assert "2022" in sentences["ktes_gaps_sentence"] and "2024" in sentences["ktes_gaps_sentence"]


def test_record_sentence_names_the_earlier_higher_years(frames):
    series = chapter.ktes_series(frames["dots"], frames["figures"], frames["wdi"])
    _, numbers, sentences = chapter.ktes_figure(frames["dots"], frames["figures"], frames["wdi"], 2000, 2025)
    higher = series.loc[:2022, "ktes"].dropna()
    higher = higher[higher > numbers["ktes_2023_stated"]]
    assert len(higher) > 0
    assert f"highest since {int(higher.index.max())}" in sentences["ktes_record_sentence"]
    # From a later start the 2023 value is the window's highest, and the sentence says so.
    _, _, later = chapter.ktes_figure(frames["dots"], frames["figures"], frames["wdi"], int(higher.index.max()) + 1, 2025)
    assert "indeed the highest" in later["ktes_record_sentence"]


def test_ktes_ratio_of_gdps(frames):
    _, numbers, _ = chapter.ktes_figure(frames["dots"], frames["figures"], frames["wdi"], 2000, 2025)
    gdp = frames["wdi"][(frames["wdi"].indicator == "NY.GDP.MKTP.CD")]
    last = int(gdp.year.max())
    values = gdp[gdp.year == last].set_index("iso3")["value"]
    assert numbers["gdp_ratio_year"] == last
    assert numbers["gdp_ratio_rus_to_blr"] == pytest.approx(values["RUS"] / values["BLR"])


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


def test_timeline_shows_every_agreement_with_its_date(frames):
    agreements = frames["agreements"]
    figure, numbers, sentences = chapter.agreements_timeline(agreements, frames["figures"], 2000, 2025)
    plotted = figure.plotted
    assert sorted(plotted.agreement) == sorted(agreements.agreement)
    assert numbers["agreements_shown"] == numbers["agreements_total"] == len(agreements)
    for row in agreements.itertuples():
        shown = plotted.loc[plotted.agreement == row.agreement].iloc[0]
        if pd.isna(row.month):
            assert shown.date == f"{row.year}-07-01" and shown.placement == chapter.PLACED_MID_YEAR
        else:
            assert shown.date == f"{row.year}-{row.month:02d}-15" and shown.placement == chapter.PLACED_BY_MONTH
    assert list(plotted.date) == sorted(plotted.date)
    assert numbers["agreements_without_month"] == int(agreements.month.isna().sum())
    assert f"all {len(agreements)} documents" in sentences["agreements_sentence"]
    assert sentences["agreements_list"].count("\n- ") == len(agreements) - 1
    spec = figure.spec()
    assert any(p.get("name") == "pick_area" for p in spec.get("params", []) + [q for layer in spec.get("layer", []) for q in layer.get("params", [])])


def test_timeline_quoted_counts(frames):
    _, numbers, sentences = chapter.agreements_timeline(frames["agreements"], frames["figures"], 2000, 2025)
    assert numbers["union_programmes_count"] == methods.quoted(frames["figures"], "union_state_sectoral_programmes_count_2021_11")
    assert numbers["import_substitution_credit_bn_rub"] == methods.quoted(frames["figures"], "russian_import_substitution_credit_2022_11_bn_rub")
    assert f"{numbers['union_programmes_count']:.0f} sectoral" in sentences["programmes_sentence"]


# --- Figure 6b: investment ------------------------------------------------------------------

def test_implied_total_arithmetic():
    assert chapter.implied_total(3.0, 50.0) == pytest.approx(6.0)
    low, high = chapter.implied_total_bounds(3.0, 50.0)
    assert low == pytest.approx(2.95 / 0.5005) and high == pytest.approx(3.05 / 0.4995)
    assert low < 6.0 < high


def test_investment_figure_on_the_article_figures(frames):
    figure, numbers, sentences = chapter.investment_figure(frames["figures"], 2000, 2025)
    q = lambda fid: methods.quoted(frames["figures"], fid)
    total_2021 = q("russian_investment_real_sector_2021_bn_usd") / q("russia_share_of_foreign_investment_2021_pct") * 100
    total_2023 = q("russian_investment_real_sector_2023_bn_usd") / q("russia_share_of_foreign_investment_2023_pct") * 100
    assert numbers["implied_total_2021_bn"] == pytest.approx(total_2021, abs=1e-3)
    assert numbers["implied_total_2023_bn"] == pytest.approx(total_2023, abs=1e-3)
    assert numbers["russian_investment_growth_pct"] == pytest.approx(
        (q("russian_investment_real_sector_2023_bn_usd") / q("russian_investment_real_sector_2021_bn_usd") - 1) * 100)
    # The bars of each year add up to the implied total.
    sums = figure.plotted.groupby("year").bn_usd.sum()
    assert sums[2021] == pytest.approx(total_2021, abs=2e-3) and sums[2023] == pytest.approx(total_2023, abs=2e-3)
    assert numbers["other_investment_change_pct"] < 0 and "a fall of" in sentences["investment_sentence"]
    assert numbers["russia_share_2023_if_others_unchanged_pct"] < numbers["russia_investment_share_2023_pct"]
    # The two parts of the split add up to the whole change in Russia's share.
    own = numbers["russia_share_2023_if_others_unchanged_pct"] - numbers["russia_investment_share_2021_pct"]
    assert own + numbers["share_rise_from_others_pp"] == pytest.approx(numbers["russia_investment_share_change_pp"], abs=0.05)
    assert f"{numbers['share_rise_from_others_pp']:.1f} points" in sentences["investment_reading_sentence"]


# --- editions that end early -----------------------------------------------------------------

def test_period_years():
    assert methods.period_years("2023") == (2023, 2023)
    assert methods.period_years("2021-11") == (2021, 2021)
    assert methods.period_years("2012-2021") == (2012, 2021)


def test_builders_respect_end_year_2020(frames):
    f = frames
    numbers, sentences = chapter.growth_sentence(f["dots"], f["figures"], 2000, 2020)
    assert math.isnan(numbers["turnover_2021_bn"]) and "ends in 2020" in sentences["growth_sentence"]

    figure, numbers, sentences = chapter.agreements_timeline(f["agreements"], f["figures"], 2000, 2020)
    assert numbers["agreements_shown"] == 0 and math.isnan(numbers["union_programmes_count"])
    assert "none of the" in sentences["agreements_sentence"] and "2020" in figure.description
    assert "after 2020" in sentences["programmes_sentence"]

    figure, numbers, sentences = chapter.investment_figure(f["figures"], 2000, 2020)
    assert "message" in figure.plotted.columns and math.isnan(numbers["russian_investment_2021_bn"])
    assert "after 2020" in sentences["investment_sentence"]

    numbers, sentences = chapter.projects_numbers(f["figures"], 2000, 2020)
    assert math.isnan(numbers["projects_selected"]) and "after 2020" in sentences["projects_sentence"]

    figure, numbers, sentences = chapter.ktes_figure(f["dots"], f["figures"], f["wdi"], 2000, 2020)
    assert figure.plotted.year.max() == 2020
    assert set(figure.plotted.series) == {chapter.COMPUTED}
    assert math.isnan(numbers["ktes_2021_computed"]) and math.isnan(numbers["ktes_2023_stated"])
    assert numbers["gdp_ratio_year"] == 2020
    assert "cannot be made here" in sentences["ktes_comparison_sentence"]
    assert "outside this edition" in sentences["ktes_record_sentence"]
    for figure_ in (figure,):
        figure_.spec()  # a valid Vega-Lite spec


def test_builders_with_a_window_ending_in_2022(frames):
    f = frames
    figure, numbers, _ = chapter.agreements_timeline(f["agreements"], f["figures"], 2000, 2022)
    assert set(figure.plotted.date.str[:4].astype(int)) <= {2021, 2022}
    assert numbers["agreements_shown"] == int((f["agreements"].year <= 2022).sum())
    figure, numbers, sentences = chapter.investment_figure(f["figures"], 2000, 2022)
    assert list(figure.plotted.year.unique()) == [2021] and math.isnan(numbers["russian_investment_2023_bn"])
    assert sentences["investment_sentence"].startswith("Only the article's 2021 figures")
    figure, numbers, sentences = chapter.ktes_figure(f["dots"], f["figures"], f["wdi"], 2000, 2022)
    assert sorted(figure.plotted[figure.plotted.series == chapter.STATED].year) == [2021]
    assert not math.isnan(numbers["ktes_2021_computed"]) and math.isnan(numbers["ktes_2023_computed"])


# Test values for the IMF WEO: GDP for 2023 (which the World Bank already has) and 2024 (which it lacks).
WEO = pd.DataFrame({"iso3": ["BLR", "RUS", "BLR", "RUS"], "year": [2023, 2023, 2024, 2024],
                    "gdp_usd": [1.0e9, 1.0e9, 80.0e9, 2120.0e9]})


def test_gdp_pairs_prefer_the_world_bank_and_fill_later_years_from_the_weo(frames):
    gdp = methods.gdp_pairs(frames["wdi"], WEO)
    assert gdp.at[2023, "gdp_source"] == methods.WORLD_BANK_GDP and gdp.at[2023, "gdp_blr"] > 1.0e9
    assert gdp.at[2024, "gdp_source"] == methods.WEO_GDP and gdp.at[2024, "gdp_rus"] == 2120.0e9
    # A year with only one country in the WEO is not filled: both GDPs of a year come from one source.
    assert 2024 not in methods.gdp_pairs(frames["wdi"], WEO[WEO.iso3 == "BLR"]).index


def test_ktes_2024_is_computed_once_the_weo_is_in_the_snapshot(frames):
    f = frames
    figure, numbers, sentences = chapter.ktes_figure(f["dots"], f["figures"], f["wdi"], 2000, 2024, weo=WEO)
    row = figure.plotted[(figure.plotted.series == chapter.COMPUTED) & (figure.plotted.year == 2024)].iloc[0]
    turnover = methods.quoted(f["figures"], "turnover_with_russia_2024_bn_usd")
    assert row.ktes == pytest.approx(round(methods.ktes(turnover * 1e9, 80.0e9, 2120.0e9), 4))
    assert row.gdp_source == methods.WEO_GDP and row.missing == ""
    assert "weo_gdp" in figure.attribution.resources and "IMF WEO NGDPD for 2024" in figure.attribution.note
    assert "GDP for 2024 is the IMF's WEO estimate" in sentences["ktes_gaps_sentence"]
    assert "no GDP" not in sentences["ktes_gaps_sentence"]
    _, _, offline = chapter.ktes_figure(f["dots"], f["figures"], f["wdi"], 2000, 2024)
    assert "no GDP for 2024" in offline["ktes_gaps_sentence"] and "not in the snapshot yet" in offline["ktes_gaps_sentence"]
