"""The pre-sanction chapter: its computations on small frames with known answers and on the real
snapshot, the numbers its committed notebook shows, and its parameters (an edition ending in 2020
must stop every chart there)."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from belarus_trade import CHAPTERS_DIR
from belarus_trade.analysis import methods as m
from belarus_trade.chapters import commodity_structure, mirror_statistics
from belarus_trade.chapters import pre_sanction as c
from belarus_trade.chapters.charts import stored_figures, year_runs
from belarus_trade.chapters.prose import stored_text


@pytest.fixture(scope="module")
def trade(imf_dots, article_figures):
    return m.belarus_russia_trade(imf_dots, article_figures)


@pytest.fixture(scope="module")
def notebook():
    """The committed, executed chapter."""
    return json.loads((CHAPTERS_DIR / "pre_sanction.ipynb").read_text())


# --- the ranges of 2012-2021 --------------------------------------------------------------------

def test_decade_ranges_on_real_data_match_the_article_within_rounding(imf_dots, article_figures):
    ranges = c.decade_ranges(m.belarus_russia_trade(imf_dots, article_figures), 2000, 2024)
    assert (ranges["window_first"], ranges["window_last"], ranges["window_years"]) == (2012, 2021, 10)
    expected = {
        "deficit_min": (3.354, 2020, "trade_deficit_with_russia_min_bn_usd"),
        "deficit_max": (11.242, 2012, "trade_deficit_with_russia_max_bn_usd"),
        "turnover_min": (26.255, 2016, "turnover_with_russia_min_bn_usd"),
        "turnover_max": (43.860, 2012, "turnover_with_russia_max_bn_usd"),
    }
    for key, (value, year, figure_id) in expected.items():
        assert ranges[f"{key}_bn"] == pytest.approx(value, abs=0.001), key
        assert ranges[f"{key}_year"] == year, key
        assert ranges[f"{key}_source"] == c.SOURCE_LABELS[m.IMF_SOURCE], key
        # The article's one-decimal figure is the computed value rounded.
        assert abs(ranges[f"{key}_bn"] - m.quoted(article_figures, figure_id)) <= 0.05 + 1e-9, key


def test_decade_ranges_follow_the_edition_window(imf_dots, article_figures):
    trade = m.belarus_russia_trade(imf_dots, article_figures)
    ranges = c.decade_ranges(trade, 2000, 2015)
    assert (ranges["window_first"], ranges["window_last"]) == (2012, 2015)
    assert ranges["deficit_min_year"] == 2013 and ranges["deficit_min_bn"] == pytest.approx(6.067, abs=0.001)
    empty = c.decade_ranges(trade, 2000, 2010)
    assert empty["window_years"] == 0
    assert math.isnan(empty["deficit_min_bn"]) and math.isnan(empty["turnover_max_year"])


def test_decade_ranges_on_a_synthetic_series():
    trade = pd.DataFrame(
        {"balance": [-5.0, -2.0, 1.0, -9.0], "turnover": [30.0, 20.0, 40.0, 25.0],
         "source": [m.IMF_SOURCE, m.IMF_SOURCE, m.ARTICLE_SOURCE, m.IMF_SOURCE]},
        index=pd.Index([2011, 2012, 2021, 2022], name="year"),
    )
    ranges = c.decade_ranges(trade, 2000, 2024)
    assert (ranges["window_first"], ranges["window_last"]) == (2012, 2021)  # 2011 and 2022 lie outside
    assert ranges["deficit_min_bn"] == -1.0 and ranges["deficit_min_year"] == 2021  # a surplus is a negative deficit
    assert ranges["deficit_min_source"] == c.SOURCE_LABELS[m.ARTICLE_SOURCE]
    assert ranges["deficit_max_bn"] == 2.0 and ranges["deficit_max_year"] == 2012
    assert ranges["turnover_max_bn"] == 40.0 and ranges["turnover_min_year"] == 2012


def test_ranges_frame_shows_article_computed_and_difference(trade, article_figures):
    ranges = c.decade_ranges(trade, 2000, 2024)
    frame = c.ranges_frame(trade, article_figures, 2000, 2024).set_index("Measure")
    assert frame.loc["Largest yearly deficit", "Article, bn USD"] == 11.2
    assert frame.loc["Largest yearly deficit", "Computed, bn USD"] == pytest.approx(11.24)
    assert frame.loc["Lowest yearly turnover", "Year"] == "2016"
    assert frame.loc["Highest yearly turnover", "Difference, bn USD"] == pytest.approx(43.86 - 43.9, abs=0.001)
    # Every extreme is within the rounding of the article's one-decimal article_figures.
    assert c.largest_range_difference(ranges, article_figures) <= c.ROUNDING_BN + 1e-9
    outside = c.ranges_frame(trade, article_figures, 2000, 2010)
    assert outside["Computed, bn USD"].isna().all() and set(outside.Year) == {"–"}
    assert math.isnan(c.largest_range_difference(c.decade_ranges(trade, 2000, 2010), article_figures))


def test_stagnation_compares_2021_with_2012(trade):
    numbers = c.stagnation(trade, 2000, 2024)
    assert numbers["exports_2012_bn"] == pytest.approx(16.309, abs=0.001)
    assert numbers["exports_end_year"] == 2021 and numbers["exports_end_bn"] == 16.4
    assert numbers["exports_end_source"] == c.SOURCE_LABELS[m.ARTICLE_SOURCE]
    assert numbers["exports_change_pct"] == pytest.approx((16.4 / 16.308895 - 1) * 100)
    assert abs(numbers["exports_change_pct"]) < 5  # essentially the same level, as the article says
    assert (numbers["exports_decade_low_year"], round(numbers["exports_decade_low_bn"], 1)) == (2015, 10.4)
    numbers_2020 = c.stagnation(trade, 2000, 2020)
    assert numbers_2020["exports_end_year"] == 2020
    assert numbers_2020["exports_end_source"] == c.SOURCE_LABELS[m.IMF_SOURCE]
    assert math.isnan(c.stagnation(trade, 2013, 2024)["exports_change_pct"])


# --- mirror statistics ---------------------------------------------------------------------------

def _row(reporter, partner, flow, year, value):
    return {"reporter": reporter, "partner": partner, "flow": flow, "year": year, "value_musd": value, "estimated": False}


def test_mirror_gap_on_a_synthetic_frame():
    rows = [
        _row("A", "B", "exports_fob", 2000, 100.0), _row("B", "A", "imports_cif", 2000, 106.0),
        _row("B", "A", "exports_fob", 2000, 50.0), _row("A", "B", "imports_cif", 2000, 55.0),
        _row("A", "B", "exports_fob", 2001, 80.0),                     # B does not report 2001
        _row("A", "C", "exports_fob", 2000, 999.0), _row("C", "A", "imports_cif", 2000, 1.0),  # another partner
    ]
    gaps = mirror_statistics.mirror_gap(pd.DataFrame(rows), "A", "B")
    assert set(gaps.direction) == {"A -> B", "B -> A"}
    ab = gaps[gaps.direction == "A -> B"].set_index("year")
    assert ab.at[2000, "exporter_reported"] == 100.0 and ab.at[2000, "importer_reported"] == 106.0
    assert ab.at[2000, "gap"] == pytest.approx(6.0)
    assert ab.at[2000, "gap_pct"] == pytest.approx(6.0)
    assert ab.at[2000, "ratio_pct"] == pytest.approx(106.0)
    assert ab.at[2001, "exporter_reported"] == 80.0 and math.isnan(ab.at[2001, "importer_reported"])
    assert math.isnan(ab.at[2001, "gap"]) and math.isnan(ab.at[2001, "ratio_pct"])  # missing, never estimated
    ba = gaps[gaps.direction == "B -> A"].set_index("year")
    assert (ba.at[2000, "exporter"], ba.at[2000, "importer"]) == ("B", "A")
    assert ba.at[2000, "ratio_pct"] == pytest.approx(110.0)
    assert ba.at[2000, "gap_pct"] == pytest.approx(10.0)


def test_mirror_gap_on_real_data_keeps_russias_missing_years_missing(imf_dots):
    gaps = mirror_statistics.mirror_gap(imf_dots, m.BELARUS, m.RUSSIA)
    by_ru = gaps[gaps.direction == f"{m.BELARUS} -> {m.RUSSIA}"].set_index("year")
    assert by_ru.at[2012, "ratio_pct"] == pytest.approx(13382.924 / 16308.895 * 100)
    for year in (2001, 2004, 2009, 2010):
        assert math.isnan(by_ru.at[year, "importer_reported"]), year
        assert not math.isnan(by_ru.at[year, "exporter_reported"]), year
    labelled = mirror_statistics.belarus_russia_mirror(imf_dots, 2000, 2024)
    flags = labelled.set_index(["direction", "year"]).flag
    assert flags[("Belarus → Russia", 2009)] == "Russia's report missing"
    assert flags[("Russia → Belarus", 2006)].startswith("implausible")
    assert flags[("Russia → Belarus", 2012)] == ""


def test_mirror_summary_of_the_decade(imf_dots):
    summary = mirror_statistics.mirror_summary(mirror_statistics.belarus_russia_mirror(imf_dots, 2000, 2024), 2000, 2024)
    assert (summary["first_year"], summary["last_year"]) == (2012, 2020)
    assert summary["by_ru_years"] == 9 and summary["by_ru_median_ratio_pct"] < 100  # the opposite of CIF/FOB
    assert summary["ru_by_median_ratio_pct"] > 100
    assert summary["russia_missing_years"] == [2001, 2004, 2009, 2010] and summary["belarus_missing_years"] == []
    assert summary["implausible_years"] == [2006, 2011]
    assert summary["agree_years"] == [2000, 2002, 2003, 2007, 2008]
    assert (round(summary["by_ru_min_ratio_pct"]), round(summary["by_ru_max_ratio_pct"])) == (81, 96)
    assert summary["by_ru_mean_gap_bn"] == pytest.approx(-1.8, abs=0.05)
    assert summary["ru_by_mean_gap_bn"] == pytest.approx(1.7, abs=0.05)
    none = mirror_statistics.mirror_summary(mirror_statistics.belarus_russia_mirror(imf_dots, 2022, 2024), 2022, 2024)
    assert math.isnan(none["first_year"]) and none["by_ru_years"] == 0


def test_mirror_plotted_and_ratio_frame(imf_dots):
    gaps = mirror_statistics.belarus_russia_mirror(imf_dots, 2000, 2024)
    plotted = mirror_statistics.mirror_plotted(gaps)
    assert set(plotted.reported_by) == {"Belarus", "Russia"}
    russia = plotted[(plotted.reported_by == "Russia") & (plotted.direction == "Belarus → Russia")]
    assert not {2001, 2004, 2009, 2010} & set(russia.year)  # missing, never estimated
    # No line bridges Russia's missing 2009-2010.
    seg = russia.set_index("year").segment
    assert seg[2008] != seg[2011]
    table = mirror_statistics.ratio_frame(gaps).set_index("Year")
    assert table.at[2012, "Belarus → Russia: importer ÷ exporter, %"] == pytest.approx(13382.924 / 16308.895 * 100, abs=0.01)
    assert table.at[2009, "Note"] == "Russia's report missing"


def test_year_runs_break_at_missing_years_and_groups():
    frame = pd.DataFrame({"series": ["x", "x", "x", "y", "y"], "year": [2000, 2001, 2003, 2000, 2001]})
    assert year_runs(frame, ["series"]).tolist() == ["x: 2000–2001", "x: 2000–2001", "x: 2003–2003", "y: 2000–2001", "y: 2000–2001"]
    # Without groups, rows sharing a year share its run (three series per year in Figure 3c).
    shared = pd.DataFrame({"year": [2021, 2021, 2019, 2020, 2023, 2024]}, index=[5, 4, 3, 2, 1, 0])
    assert year_runs(shared).to_dict() == {5: "2019–2021", 4: "2019–2021", 3: "2019–2021", 2: "2019–2021", 1: "2023–2024", 0: "2023–2024"}


# --- Figure 3 ---------------------------------------------------------------------------------

def test_figure_3_has_no_2022_row_and_marks_every_source(imf_dots, article_figures):
    plotted = c.russia_trade_plotted(imf_dots, article_figures, 2000, 2024)
    assert 2022 not in set(plotted.year)
    assert plotted.source.notna().all() and (plotted.source != "").all()
    assert set(plotted.source) == set(c.SOURCE_LABELS.values()) - {c.SOURCE_LABELS[m.IMF_ESTIMATE_SOURCE]}
    by = plotted.set_index(["year", "series"]).source
    assert by[(2020, "Exports to Russia")] == c.SOURCE_LABELS[m.IMF_SOURCE]
    assert by[(2021, "Exports to Russia")] == c.SOURCE_LABELS[m.ARTICLE_SOURCE]
    assert by[(2024, "Exports to Russia")] == c.SOURCE_LABELS[m.ARTICLE_SOURCE]
    assert by[(2024, "Imports from Russia")] == c.SOURCE_LABELS[m.DERIVED_SOURCE]
    # No line joins 2020 to 2021 (a change of source) or 2021 to 2023 (the missing 2022).
    seg = plotted.set_index(["year", "series"]).segment
    assert seg[(2020, "Exports to Russia")] != seg[(2021, "Exports to Russia")]
    assert seg[(2021, "Exports to Russia")] != seg[(2023, "Exports to Russia")]
    assert seg[(2023, "Exports to Russia")] == seg[(2024, "Exports to Russia")]
    assert c.missing_years(plotted.year, 2000, 2024) == [2022]
    assert m.year_span(plotted.year[plotted.source != c.SOURCE_LABELS[m.IMF_SOURCE]]) == "2021, 2023–2024"
    assert m.year_span([]) == "none"
    assert c.russia_trade_plotted(imf_dots, article_figures, 1990, 1999).empty


def test_figure_3_in_the_notebook(notebook):
    spec = stored_figures(notebook)["fig-3-russia-trade"]
    (rows,) = spec["datasets"].values()
    assert 2022 not in {row["year"] for row in rows}
    # The x axis is quantitative, so the empty 2022 shows as a gap.
    x_types = {layer["encoding"]["x"].get("type") for layer in spec["layer"]
               if layer.get("encoding", {}).get("x", {}).get("field") == "year"}
    assert x_types == {"quantitative"}
    shown = stored_text(notebook)
    assert shown["fig3_missing_years"] == "2022" and shown["fig3_imf_years"] == "2000–2020"


# --- Figures 4 and 5 ---------------------------------------------------------------------------

def test_structure_draws_only_the_quoted_shares(article_figures):
    quoted = {m.quoted(article_figures, fid) for fid in article_figures["id"]}
    for flow in ("imports", "exports"):
        frame = commodity_structure.structure_frame(article_figures, flow, 2000, 2024)
        drawn = frame.dropna(subset=["share_pct"])
        assert set(drawn.share_pct) <= quoted, flow
        other = frame[frame.group == commodity_structure.OTHER]
        assert len(other) == 1 and other.share_pct.isna().all() and "not in the snapshot" in other.note.iloc[0]
    exports = commodity_structure.structure_frame(article_figures, "exports", 2000, 2024).dropna(subset=["share_pct"]).set_index(["group", "year"])
    assert exports.at[(commodity_structure.FOOD, 2012), "share_pct"] == 19.3 and exports.at[(commodity_structure.FOOD, 2021), "share_pct"] == 31.3
    assert exports.at[(commodity_structure.MACHINERY, 2021), "value_bn_usd"] == 4.9
    fuels = commodity_structure.structure_frame(article_figures, "imports", 2000, 2024).set_index("group").loc[commodity_structure.FUELS]
    assert math.isnan(fuels.share_pct) and "half" in fuels.note  # a change without levels is not drawn


def test_structure_numbers_imply_totals_and_respect_the_window(trade, article_figures):
    numbers = commodity_structure.structure_numbers(trade, article_figures, 2000, 2024)
    assert numbers["implied_exports_2012_bn"] == pytest.approx(6.0 / 0.334)
    assert numbers["implied_exports_2021_bn"] == pytest.approx(4.9 / 0.263)
    assert numbers["food_export_share_2021_pct"] == 31.3
    # Both implied totals exceed Figure 3's: the UNCTAD shares rest on another basis.
    assert numbers["implied_exports_2012_bn"] > numbers["exports_imf_2012_bn"]
    assert numbers["implied_exports_2021_bn"] > numbers["exports_article_2021_bn"]
    assert round(numbers["machinery_exports_change_pct"]) == -18
    numbers_2020 = commodity_structure.structure_numbers(trade, article_figures, 2000, 2020)
    assert math.isnan(numbers_2020["food_export_share_2021_pct"]) and numbers_2020["food_export_share_2012_pct"] == 19.3


# --- energy and transit ----------------------------------------------------------------------------

def test_energy_numbers(imf_dots, article_figures):
    numbers = mirror_statistics.energy_numbers(imf_dots, article_figures, 2000, 2024)
    assert numbers["energy_share_2019_pct"] == 43.0
    assert numbers["energy_2019_bn"] == pytest.approx(19955.466 / 1000 * 0.43)
    assert numbers["deficit_2019_bn"] == pytest.approx(22016.403 / 1000 - 13685.755 / 1000)
    assert 0.85 <= numbers["energy_to_deficit"] <= 1.15  # about as much as the deficit
    none = mirror_statistics.energy_numbers(imf_dots, article_figures, 2000, 2018)
    assert math.isnan(none["oil_share_2019_pct"]) and math.isnan(none["energy_2019_bn"])


def test_transit_divides_the_article_figure_by_gdp(wdi, article_figures):
    frame = c.transit_frame(wdi, article_figures, 2000, 2024)
    numbers = c.transit_numbers(wdi, article_figures, 2000, 2024)
    gdp = m.wdi_series(wdi, "BLR", "NY.GDP.MKTP.CD")
    assert numbers["pct_2019"] == pytest.approx(4.0e9 / gdp[2019] * 100)
    assert numbers["pct_2021"] == pytest.approx(4.0e9 / gdp[2021] * 100)
    assert list(frame.Year) == list(range(2012, 2022))
    assert numbers["years_about_six"] == list(frame.Year[frame["Rounds to the article's ~6%"] == "yes"]) == [2012, 2019, 2021]
    assert (numbers["min_year"], numbers["max_year"]) == (2014, 2016)
    assert (numbers["gdp_min_year"], numbers["gdp_max_year"]) == (2016, 2014)
    assert math.isnan(c.transit_numbers(wdi, article_figures, 2022, 2024)["min_pct"])
    assert c.transit_frame(wdi, article_figures, 2022, 2024).empty


def comtrade_frame(values: dict[tuple[int, str], dict[str, float]]) -> pd.DataFrame:
    """Belarus's reports to Russia in the snapshot's Comtrade layout: {(year, flow): {section: USD}}."""
    rows = [(112, 643, year, flow, section, value)
            for (year, flow), sections in values.items() for section, value in sections.items()]
    return pd.DataFrame(rows, columns=["reporter_code", "partner_code", "year", "flow", "sitc_section", "value_usd"])


# Test values: fuels 60% of imports in 2012 and 30% in 2021; machinery 10% then 20%; food 25% of exports then 40%.
SECTIONS = [str(s) for s in range(10)]
COMTRADE = comtrade_frame({
    (2012, "imports"): {**dict.fromkeys(SECTIONS, 0.0), "3": 60e8, "7": 10e8, "5": 30e8},
    (2021, "imports"): {**dict.fromkeys(SECTIONS, 0.0), "3": 30e8, "7": 20e8, "5": 50e8},
    (2012, "exports"): {**dict.fromkeys(SECTIONS, 0.0), "0": 25e8, "7": 35e8, "6": 40e8},
    (2021, "exports"): {**dict.fromkeys(SECTIONS, 0.0), "0": 40e8, "7": 25e8, "6": 35e8},
    (2016, "exports"): {**dict.fromkeys(SECTIONS, 0.0), "0": 1e8, "7": 1e8},
})


def test_comtrade_shares_are_of_the_sum_over_sections():
    shares = commodity_structure.comtrade_shares(COMTRADE, "imports", [2012, 2021]).set_index(["year", "sitc_section"])
    assert shares.at[(2012, "3"), "share_pct"] == pytest.approx(60.0)
    assert shares.at[(2021, "7"), "share_pct"] == pytest.approx(20.0)
    assert shares.at[(2021, "7"), "section"] == "7 Machinery and transport eq."
    assert shares.groupby("year").share_pct.sum().tolist() == pytest.approx([100.0, 100.0])


def test_structure_draws_every_section_from_comtrade_with_the_article_marks(article_figures):
    years = commodity_structure.comtrade_years(COMTRADE, "exports", 2000, 2024)
    assert years == [2012, 2021]
    plotted = commodity_structure.comtrade_structure_frame(COMTRADE, article_figures, "exports", years).set_index(["period", "sitc_section"])
    assert len(plotted) == 20 and set(plotted.index.get_level_values(0)) == {"2012", "2021"}
    assert plotted.at[("2021", "0"), "share_pct"] == pytest.approx(40.0)
    # The article's quoted shares sit beside the section they describe: food on 0, machinery on 7.
    assert plotted.at[("2012", "0"), "quoted_share_pct"] == 19.3 and plotted.at[("2021", "7"), "quoted_share_pct"] == 26.3
    assert plotted.quoted_share_pct.notna().sum() == 4
    # An edition that holds neither comparison year falls back to the quoted shares.
    assert commodity_structure.comtrade_years(COMTRADE, "exports", 2013, 2020) == [] and commodity_structure.comtrade_years(None, "exports", 2000, 2024) == []


def test_comtrade_structure_numbers():
    numbers = commodity_structure.comtrade_structure_numbers(COMTRADE, 2000, 2024)
    assert numbers["comtrade_fuel_import_share_fall_times"] == pytest.approx(2.0)
    assert numbers["comtrade_fuel_import_share_2012_pct"] == pytest.approx(60.0)
    assert numbers["comtrade_machinery_import_share_2021_pct"] == pytest.approx(20.0)
    assert numbers["comtrade_food_export_share_2021_pct"] == pytest.approx(40.0)
    assert numbers["comtrade_years"] == [2012, 2021]
    # Section concentration (formula of Figure 6) over the ten sections, 2021 imports: shares .3, .2, .5.
    floor = math.sqrt(1 / 10)
    expected = (math.sqrt(0.3 ** 2 + 0.2 ** 2 + 0.5 ** 2) - floor) / (1 - floor)
    assert numbers["comtrade_import_section_concentration_2021"] == pytest.approx(expected)
    offline = commodity_structure.comtrade_structure_numbers(None, 2000, 2024)
    assert offline["comtrade_years"] == [] and offline["comtrade_machinery_import_share_2021_pct"] is None
    assert offline["comtrade_fuel_import_share_fall_times"] is None


def test_a_value_not_held_reads_as_such_in_any_format():
    assert f"{c.held(None):.1f}" == c.NOT_HELD and f"{c.held(math.nan):.3f}" == c.NOT_HELD
    assert repr(c.held(None)) == c.NOT_HELD and not c.held(None)
    assert f"{c.held(5.4545):.1f}" == "5.5"


# --- Figure 6 -----------------------------------------------------------------------------------------

def concentration_frame(series: dict[tuple[str, str], list[float]], first_year: int = 2010) -> pd.DataFrame:
    """UNCTAD's index in the snapshot's layout: {(code, label): values from first_year on}."""
    rows = [(code, label, first_year + i, value) for (code, label), values in series.items() for i, value in enumerate(values)]
    return pd.DataFrame(rows, columns=["economy_code", "economy", "year", "concentration_index"])


CONCENTRATION = concentration_frame({
    ("112", "Belarus"): [0.20, 0.21, 0.19, 0.18, 0.18, 0.17],   # 2010-2015: falls in 2 of the 3 steps from 2012
    ("643", "Russian Federation"): [0.30] * 6,
    ("398", "Kazakhstan"): [0.50] * 6,
    ("156", "China"): [0.09] * 6,
})


def test_concentration_numbers_check_the_article_readings():
    plotted = commodity_structure.concentration_plotted(CONCENTRATION, 2000, 2024)
    assert set(plotted.economy) == {"Belarus", "Russian Federation", "Kazakhstan", "China"}
    assert plotted.is_belarus.sum() == 6
    numbers = commodity_structure.concentration_numbers(plotted)
    assert numbers["blr_2012"] == 0.19 and numbers["blr_last"] == 0.17 and numbers["blr_last_year"] == 2015
    assert (numbers["blr_falls"], numbers["blr_steps"]) == (2, 3)  # so not a steady fall
    assert numbers["close"] == {"China": 0.09}  # Germany is absent from the data, so not named
    assert numbers["above"] == {"Kazakhstan": 0.5, "Russia": 0.3}


def test_concentration_without_data_is_not_held():
    assert commodity_structure.concentration_plotted(None, 2000, 2024) is None
    assert commodity_structure.concentration_plotted(CONCENTRATION, 2016, 2024) is None  # no value for Belarus in the window
    numbers = commodity_structure.concentration_numbers(None)
    assert numbers["blr_last"] is None and numbers["close"] == {} and numbers["above"] == {}


# --- Figure 6's formula --------------------------------------------------------------------------

def test_concentration_index():
    assert commodity_structure.concentration_index([1, 1, 1, 1]) == pytest.approx(0.0)
    assert commodity_structure.concentration_index([5, 0, 0, 0]) == pytest.approx(1.0)
    # Two products, shares 0.75 and 0.25: sqrt(0.625) against the floor sqrt(0.5).
    expected = (math.sqrt(0.625) - math.sqrt(0.5)) / (1 - math.sqrt(0.5))
    assert commodity_structure.concentration_index([3, 1]) == pytest.approx(expected)
    with pytest.raises(ValueError):
        commodity_structure.concentration_index([0, 0])




# --- the notebook and the edition's years ------------------------------------------------------

def test_notebook_shows_the_checked_numbers(notebook):
    shown = stored_text(notebook)
    assert shown["range_window"] == "2012–2021" and shown["range_verdict"] == "within"
    assert shown["i18n.number(ranges.deficit_max_bn, 2)"] == "11.24" and shown["ranges.deficit_max_year"] == "2012"
    assert shown["i18n.number(stagnation.exports_end_bn, 1)"] == "16.4" and shown["exports_level"] == "essentially the same level"
    assert shown["mirror_russia_missing"] == "2001, 2004, 2009 and 2010" and shown["mirror_window"] == "2012–2020"
    assert shown["by_ru_fit"] == "the opposite of the margin's prediction"
    assert shown["energy_vs_deficit"] == "about as much as"
    assert shown["transit_about_six_years"] == "2012, 2019 and 2021"
    assert shown["implied_relation"] == "both higher than"
    # The snapshot lacks the online-only series: the page says so instead of inventing values.
    assert shown["comtrade_coverage"] == "This snapshot holds none of those reports for the article's comparison."
    assert shown["concentration_coverage"] == "This snapshot holds none of UNCTAD's values behind Figure 6."
    assert shown["comtrade_machinery_imports"] == "no reports in this snapshot"
    assert shown["concentration_index_sentence"].startswith("This snapshot holds no index of Belarus")
    assert shown["outside_years"] == "none"
    text = json.dumps(notebook)
    assert "{glue" not in text and "publish(" not in text


def _frames(imf_dots, article_figures, wdi, start, end):
    return {
        "fig3": c.russia_trade_plotted(imf_dots, article_figures, start, end),
        "fig3a": mirror_statistics.mirror_plotted(mirror_statistics.belarus_russia_mirror(imf_dots, start, end)),
        "fig4": commodity_structure.structure_frame(article_figures, "imports", start, end),
        "fig5": commodity_structure.structure_frame(article_figures, "exports", start, end),
        "table3b": mirror_statistics.ratio_frame(mirror_statistics.belarus_russia_mirror(imf_dots, start, end)).rename(columns={"Year": "year"}),
        "table3c": c.transit_frame(wdi, article_figures, start, end).rename(columns={"Year": "year"}),
    }


@pytest.mark.parametrize("start, end", [(2000, 2020), (2000, 2015), (2013, 2024)])
def test_computations_respect_the_edition_years(imf_dots, article_figures, wdi, start, end):
    for name, frame in _frames(imf_dots, article_figures, wdi, start, end).items():
        if "year" not in frame or frame.empty:
            continue
        assert frame.year.max() <= end and frame.year.min() >= start, name
    assert c.russia_trade_plotted(imf_dots, article_figures, start, end).year.max() == min(end, 2024)


def test_edition_outside_the_data_gives_empty_frames(imf_dots, article_figures):
    assert commodity_structure.structure_frame(article_figures, "exports", 2000, 2010).empty
    assert mirror_statistics.mirror_plotted(mirror_statistics.belarus_russia_mirror(imf_dots, 2022, 2024)).empty
    assert mirror_statistics.ratio_frame(mirror_statistics.belarus_russia_mirror(imf_dots, 2022, 2024)).empty


def test_chapter_runs_with_end_year_2020(tmp_path, execute):
    """Papermill with end_year=2020: every chart stops at 2020, and 2021 numbers become unavailable."""
    from belarus_trade import PROJECT_ROOT
    from belarus_trade.build.keys import environment_fingerprint

    target = tmp_path / "pre_sanction.ipynb"
    execute(CHAPTERS_DIR / "pre_sanction.ipynb", target, {"end_year": 2020},
            PROJECT_ROOT / "data", environment_fingerprint(), tmp_path / "failed")
    notebook = json.loads(target.read_text())
    specs = {key: spec for key, spec in stored_figures(notebook).items() if key != "pre-sanction-ex-4"}
    assert len(specs) == 5
    # Figure 6 has no values offline: the chart is its message, and it has no years.
    (no_data,) = specs.pop("fig-6-concentration")["datasets"].values()
    assert "not in the snapshot" in no_data[0]["message"]
    for name, spec in specs.items():
        (rows,) = spec["datasets"].values()
        years = {int(row["year"]) for row in rows if "year" in row}
        assert years and max(years) <= 2020, name
    assert max(int(row["year"]) for row in next(iter(specs["fig-3-russia-trade"]["datasets"].values()))) == 2020
    shown = stored_text(notebook)
    assert shown["outside_years"] == "2021–2024"
    assert shown["fig3_article_years"] == "none" and shown["fig3_missing_years"] == "none"
    assert shown["range_window"] == "2012–2020"
    assert shown["i18n.number(structure.food_export_share_2021_pct, 1)"] == "n/a"
    assert "2021" not in json.dumps(specs["fig-5-exports-structure"]["datasets"])


def test_figure_3_marks_the_imfs_own_estimates_apart_from_belarus_reports(imf_dots, article_figures):
    estimated_2020 = imf_dots.copy()
    blr_rus_2020 = (estimated_2020.reporter == m.BELARUS) & (estimated_2020.partner == m.RUSSIA) & (estimated_2020.year == 2020)
    estimated_2020.loc[blr_rus_2020, "estimated"] = True
    plotted = c.russia_trade_plotted(estimated_2020, article_figures, 2000, 2024).set_index(["year", "series"])
    assert plotted.source[(2020, "Exports to Russia")] == c.SOURCE_LABELS[m.IMF_ESTIMATE_SOURCE]
    assert plotted.source[(2019, "Exports to Russia")] == c.SOURCE_LABELS[m.IMF_SOURCE]
    assert c.SOURCE_SHAPES[c.SOURCE_LABELS[m.IMF_ESTIMATE_SOURCE]] not in {
        c.SOURCE_SHAPES[label] for key, label in c.SOURCE_LABELS.items() if key != m.IMF_ESTIMATE_SOURCE}


@pytest.mark.parametrize("flow", ["imports", "exports"])
def test_structure_figure_draws_the_quoted_shares_or_says_the_window_has_none(flow):
    """Figures 4–5 as the chapter draws them (the function is longer than a cell, so it lives in
    the package): the article's shares while UN Comtrade is not held, a no-data figure for a window
    without 2012, 2019 or 2021; each names the data it was drawn from."""
    from belarus_trade.chapters.context import ChapterContext

    def drawn(start_year, end_year):
        context = ChapterContext(c, language="en", data_dir=None, start_year=start_year, end_year=end_year)
        return commodity_structure.figure(context, flow, None, context.load("article_figures"))

    full, empty = drawn(2000, 2024), drawn(2000, 2010)
    assert full.key == commodity_structure.STRUCTURE[flow]["key"] == empty.key
    assert full.attribution.resources == ["article_figures"] == empty.attribution.resources
    assert {"2012", "2021"} <= set(full.chart.data.period) and full.description.startswith("Bars of the shares")
    assert "none falls within this edition (2000–2010)" in empty.description
