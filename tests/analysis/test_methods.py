"""The methods every chapter shares (`analysis/methods.py`): KTES, GDP pairs, periods, quoted figures in a window."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from belarus_trade.analysis import methods


def ktes_window(frames, start_year=2000, end_year=2025, weo=None):
    return methods.ktes_series(frames["imf_dots"], frames["article_figures"], frames["wdi"], weo).loc[start_year:end_year]


WEO = pd.DataFrame({"iso3": ["BLR", "RUS", "BLR", "RUS"], "year": [2023, 2023, 2024, 2024],
                    "gdp_usd": [1.0e9, 1.0e9, 80.0e9, 2120.0e9]})


def test_ktes_table_on_a_synthetic_example():
    trade = pd.DataFrame(
        {"turnover": [10.0, None, 30.0, 40.0], "source": ["a", None, "b", "b"]},
        index=pd.Index([2000, 2001, 2002, 2003], name="year"),
    )
    gdp = pd.DataFrame(
        {"gdp_blr": [100e9, 100e9, 200e9, None], "gdp_rus": [900e9, 900e9, 1800e9, None]},
        index=[2000, 2001, 2002, 2003],
    )
    table = methods.ktes_table(trade, gdp)
    assert table.loc[2000, "ktes"] == pytest.approx(1.0)      # 10 bn / 1000 bn × 100
    assert table.loc[2002, "ktes"] == pytest.approx(1.5)      # 30 bn / 2000 bn × 100
    assert math.isnan(table.loc[2001, "ktes"]) and table.loc[2001, "missing"] == "mutual trade not in the snapshot"
    assert math.isnan(table.loc[2003, "ktes"]) and table.loc[2003, "missing"] == "GDP not in the snapshot"
    assert table.loc[2002, "gdp_sum_bn"] == pytest.approx(2000)


def test_ktes_table_starts_at_the_first_complete_year_and_refuses_no_overlap():
    trade = pd.DataFrame({"turnover": [5.0, 6.0], "source": ["x", "x"]}, index=[1998, 1999])
    gdp = pd.DataFrame({"gdp_blr": [1e9, 1e9], "gdp_rus": [9e9, 9e9]}, index=[1999, 2000])
    table = methods.ktes_table(trade, gdp)
    assert list(table.index) == [1999, 2000]
    assert table.loc[1999, "ktes"] == pytest.approx(60.0)
    with pytest.raises(ValueError):
        methods.ktes_table(trade.loc[[1998]], gdp.loc[[2000]])


def test_ktes_2021_from_the_data_agrees_with_the_article(frames):
    series = ktes_window(frames)
    figures = frames["article_figures"]
    # Recompute independently from the raw inputs: the article's 2021 flows and WDI GDP.
    turnover = methods.quoted(figures, "exports_to_russia_2021_bn_usd") + methods.quoted(figures, "imports_from_russia_2021_bn_usd")
    wdi = frames["wdi"]
    gdp = wdi[(wdi.indicator == "NY.GDP.MKTP.CD") & (wdi.year == 2021)].set_index("iso3")["value"]
    expected = turnover * 1e9 / (gdp["BLR"] + gdp["RUS"]) * 100
    assert series.loc[2021, "ktes"] == pytest.approx(expected)
    stated = methods.quoted(figures, "ktes_belarus_russia_2021_index")
    assert abs(series.loc[2021, "ktes"] - stated) < 0.01
    assert round(series.loc[2021, "ktes"], 2) == pytest.approx(2.10)


def test_period_years():
    assert methods.period_years("2023") == (2023, 2023)
    assert methods.period_years("2021-11") == (2021, 2021)
    assert methods.period_years("2012-2021") == (2012, 2021)


def test_gdp_pairs_prefer_the_world_bank_and_fill_later_years_from_the_weo(frames):
    gdp = methods.gdp_pairs(frames["wdi"], WEO)
    assert gdp.at[2023, "gdp_source"] == methods.WORLD_BANK_GDP and gdp.at[2023, "gdp_blr"] > 1.0e9
    assert gdp.at[2024, "gdp_source"] == methods.WEO_GDP and gdp.at[2024, "gdp_rus"] == 2120.0e9
    # A year with only one country in the WEO is not filled: both GDPs of a year come from one source.
    assert 2024 not in methods.gdp_pairs(frames["wdi"], WEO[WEO.iso3 == "BLR"]).index


def test_quoted_in_window(article_figures):
    assert methods.quoted_in_window(article_figures, "crude_oil_share_of_russia_exports_to_belarus_2019_pct", 2000, 2024) == 30
    assert math.isnan(methods.quoted_in_window(article_figures, "crude_oil_share_of_russia_exports_to_belarus_2019_pct", 2000, 2018))
    span = "transport_services_exports_max_bn_usd"  # period 2012-2021
    assert math.isnan(methods.quoted_in_window(article_figures, span, 2000, 2020))
    assert methods.quoted_in_window(article_figures, span, 2000, 2020, overlap=True) == 4.0
    assert methods.period_years("2012-2021") == (2012, 2021) and methods.period_years("2024-08") == (2024, 2024)
