"""The real snapshot: it validates, loads with the right types, and Table 1 is transcribed faithfully."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from belarus_trade import DATA_DIR
from belarus_trade.data.loading import PENDING_KEY, DataError, load, load_if_held, read_manifest, snapshot_id, validate_package
from belarus_trade.data.snapshot import record

RESOURCES = [r["name"] for r in read_manifest()["resources"]]


def descriptor(name: str) -> dict:
    (found,) = [r for r in read_manifest()["resources"] if r["name"] == name]
    return found


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_real_snapshot_validates():
    assert validate_package() == [descriptor(name)["path"] for name in RESOURCES]


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
        coverage = descriptor(name)["coverage"]
        frame = load(name)
        assert len(frame) == coverage["rows"], name
        years = [f["name"] for f in descriptor(name)["schema"]["fields"] if f["type"] == "year"]
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


def test_manifest_is_a_valid_frictionless_data_package():
    frictionless = pytest.importorskip("frictionless", reason="frictionless is not installed in this environment")
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:10]


@pytest.mark.parametrize("name", RESOURCES)
def test_resource_provenance_and_checksum(name):
    resource = descriptor(name)
    assert resource["sources"] and all(s.get("title") and s.get("publisher") for s in resource["sources"])
    assert resource["licenses"] and all(licence.get("name") and licence.get("title") for licence in resource["licenses"])
    retrieved = dt.date.fromisoformat(resource["retrieved"])
    assert dt.date(2020, 1, 1) <= retrieved <= dt.date.today()
    path = DATA_DIR / resource["path"]
    assert resource["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert resource["bytes"] == path.stat().st_size
    fields = resource["schema"]["fields"]
    assert fields and all(f.get("name") and f.get("type") for f in fields)
    assert set(resource["schema"].get("primaryKey", [])) <= {f["name"] for f in fields}


def test_snapshot_id_changes_with_any_file(data_copy):
    before = snapshot_id(data_copy)
    assert re.fullmatch(r"[0-9a-f]{10}", before["hash"])
    assert before == snapshot_id()  # the copy is the same snapshot
    assert before["retrieved"] == max(r["retrieved"] for r in read_manifest()["resources"])
    wdi = data_copy / "wdi_belarus_russia.csv"
    wdi.write_text(wdi.read_text(encoding="utf-8").replace(",69.21082\n", ",69.21083\n", 1), encoding="utf-8")
    changed = snapshot_id(data_copy)
    assert re.fullmatch(r"[0-9a-f]{10}", changed["hash"]) and changed["hash"] != before["hash"]
    record(wdi.name, data_copy)  # accepting the change keeps the id of the bytes
    assert snapshot_id(data_copy) == changed


def test_read_log_records_absolute_paths(tmp_path, monkeypatch, data_copy):
    log = tmp_path / "reads.log"
    monkeypatch.setenv("BELARUS_TRADE_READ_LOG", str(log))
    load("article_table1", data_copy)
    load("gsdb")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines == [str(data_copy / "article_table1_geography.csv"), str(DATA_DIR / "gsdb_belarus_sanctions.csv")]
    assert all(Path(line).is_absolute() and Path(line).exists() for line in lines)


def test_read_log_is_off_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("BELARUS_TRADE_READ_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    load("article_table1")
    assert list(tmp_path.iterdir()) == []


def test_load_returns_a_fresh_copy():
    """Validated frames are cached; a chapter that edits its frame must not change the next load."""
    first = load("article_table1")
    first.loc[0, "share_pct"] = -1.0
    assert load("article_table1").loc[0, "share_pct"] == 35.4


def test_manifest_is_plain_json_with_unique_names():
    manifest = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    every = manifest["resources"] + manifest.get(PENDING_KEY, [])
    names = [r["name"] for r in every]
    paths = [r["path"] for r in every]
    assert len(set(names)) == len(names) and len(set(paths)) == len(paths)
    assert sorted(r["path"] for r in manifest["resources"]) == sorted(p.name for p in DATA_DIR.glob("*.csv"))


# --- series only an online refresh brings ---------------------------------------------------------

PENDING = {r["name"]: r for r in read_manifest().get(PENDING_KEY, [])}
WEO_CSV = "iso3,year,gdp_usd\nBLR,2024,75000000000.0\nRUS,2024,2100000000000.0\n"  # test values


def test_the_offline_snapshot_describes_the_three_online_series_without_holding_them():
    assert set(PENDING) == {"weo_gdp", "comtrade_sitc", "unctad_concentration"}
    for name, resource in PENDING.items():
        assert not (DATA_DIR / resource["path"]).exists(), name
        assert resource["sources"][0]["path"].startswith("https://") and resource["licenses"][0]["name"]
        assert "hash" not in resource and "retrieved" not in resource
        assert load_if_held(name) is None


def test_an_absent_series_is_logged_as_read_so_its_arrival_reexecutes_the_chapter(tmp_path, monkeypatch, data_copy):
    log = tmp_path / "reads.log"
    monkeypatch.setenv("BELARUS_TRADE_READ_LOG", str(log))
    assert load_if_held("weo_gdp", data_copy) is None
    assert log.read_text(encoding="utf-8").splitlines() == [str(data_copy / "imf_weo_gdp.csv")]


def test_a_series_file_present_but_unrecorded_is_an_error(data_copy):
    (data_copy / "imf_weo_gdp.csv").write_text(WEO_CSV, encoding="utf-8")
    for check in (lambda: load_if_held("weo_gdp", data_copy), lambda: validate_package(data_copy)):
        with pytest.raises(DataError, match=r"imf_weo_gdp.csv: file is present but .* `python -m belarus_trade record imf_weo_gdp.csv`"):
            check()
    with pytest.raises(DataError, match="no resource named 'weo'"):
        load_if_held("weo", data_copy)


def test_recording_a_fetched_series_moves_it_into_the_resources(data_copy):
    (data_copy / "imf_weo_gdp.csv").write_text(WEO_CSV, encoding="utf-8")
    with pytest.raises(DataError, match="retrieval date"):
        record("imf_weo_gdp.csv", data_copy)
    entry = record("imf_weo_gdp.csv", data_copy, retrieved="2026-11-23")
    manifest = read_manifest(data_copy)
    assert entry in manifest["resources"] and "weo_gdp" not in {r["name"] for r in manifest[PENDING_KEY]}
    assert entry["coverage"] == {"rows": 2, "first_year": 2024, "last_year": 2024} and entry["hash"].startswith("sha256:")
    assert load_if_held("weo_gdp", data_copy).gdp_usd.tolist() == [75e9, 2100e9]
    assert "imf_weo_gdp.csv" in validate_package(data_copy)


# A year ahead, not tomorrow: the parameters are made when the tests are collected, and a run that
# passes midnight would otherwise find "tomorrow" already today.
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=366)).isoformat()


@pytest.mark.parametrize(
    "file_name, retrieved, problem",
    [
        ("imf_weo_gdp.csv", "not-a-date", '"not-a-date" is not a date in the form YYYY-MM-DD'),
        ("imf_weo_gdp.csv", "2026-02-30", '"2026-02-30" is not a date in the form YYYY-MM-DD'),
        ("wdi_belarus_russia.csv", "22.11.2026", '"22.11.2026" is not a date in the form YYYY-MM-DD'),
        ("wdi_belarus_russia.csv", "20261122", '"20261122" is not a date in the form YYYY-MM-DD'),
        ("wdi_belarus_russia.csv", NEXT_YEAR, f"{NEXT_YEAR} is in the future (today is TODAY)"),
    ],
)
def test_record_refuses_a_retrieval_date_that_is_not_a_past_iso_date(data_copy, file_name, retrieved, problem):
    """Pages print the newest retrieval date as the snapshot's age: 'latest retrieval not-a-date' must not reach them."""
    (data_copy / "imf_weo_gdp.csv").write_text(WEO_CSV, encoding="utf-8")
    manifest = (data_copy / "datapackage.json").read_bytes()
    with pytest.raises(DataError) as caught:
        record(file_name, data_copy, retrieved=retrieved)
    assert str(caught.value) == f"{file_name}: retrieval date {problem}".replace("TODAY", dt.date.today().isoformat())
    assert (data_copy / "datapackage.json").read_bytes() == manifest
