"""Loading the real snapshot: the right types and row counts, Table 1 transcribed faithfully, a fresh copy
each time, and a record of every file a chapter read (an absent series too, so its arrival re-executes
the chapter)."""
from __future__ import annotations

import pytest

from belarus_trade.data.loading import load
from belarus_trade.data.manifest import read_manifest, resource_descriptor

RESOURCES = [r["name"] for r in read_manifest()["resources"]]


def test_loaded_types():
    wdi, dots, gsdb = load("wdi"), load("imf_dots"), load("gsdb")
    table1, figures = load("article_table1"), load("article_figures")
    for frame in (wdi, dots, table1):
        assert frame["year"].dtype == "int64"
    assert gsdb["begin"].dtype == gsdb["end"].dtype == gsdb["case_id"].dtype == "int64"
    assert gsdb["trade"].dtype == "int64" and set(gsdb["trade"]) <= {0, 1}
    assert figures["article_page"].dtype == "int64"
    for column in (wdi["value"], dots["value_musd"], table1["share_pct"], figures["value"]):
        assert column.dtype == "float64"
    assert dots["estimated"].dtype == bool
    assert dots["estimated"].any() and not dots["estimated"].all()


def test_loaded_row_counts_match_the_manifest():
    for name in RESOURCES:
        coverage = resource_descriptor(name)["coverage"]
        frame = load(name)
        assert len(frame) == coverage["rows"], name
        years = [f["name"] for f in resource_descriptor(name)["schema"]["fields"] if f["type"] == "year"]
        if years:
            assert (frame[years[0]].min(), frame[years[0]].max()) == (coverage["first_year"], coverage["last_year"]), name


@pytest.mark.parametrize(
    "flow, partner, year, printed",
    [
        ("export", "RU", 2012, 35.4),
        ("import", "CN", 2024, 14.4),
        ("export", "EU", 2021, 17.1),
        ("import", "EU", 2014, 31.4),
    ],
)
def test_table1_printed_values(flow, partner, year, printed):
    table1 = load("article_table1").set_index(["flow", "partner", "year"])["share_pct"]
    assert table1[(flow, partner, year)] == pytest.approx(printed, abs=1e-9)


def test_table1_has_every_flow_partner_and_year():
    table1 = load("article_table1")
    cells = set(zip(table1.flow, table1.partner, table1.year))
    expected = {(f, p, y) for f in ("export", "import") for p in ("RU", "CN", "EU", "other") for y in range(2012, 2025)}
    assert cells == expected and len(table1) == len(expected) == 104


def test_table1_shares_sum_to_100_within_rounding():
    sums = load("article_table1").groupby(["flow", "year"])["share_pct"].sum()
    assert len(sums) == 26
    off = sums[(sums - 100).abs() > 0.15]
    assert off.empty, off.to_dict()


def test_load_returns_a_fresh_copy():
    """Validated frames are cached; a chapter that edits its frame must not change the next load."""
    first = load("article_table1")
    first.loc[0, "share_pct"] = -1.0
    assert load("article_table1").loc[0, "share_pct"] == 35.4


