"""The manifest of the real snapshot: a valid Frictionless Data Package whose every file has its provenance,
licence and checksum, names and paths used once, the series only a refresh brings described without a file;
and the snapshot's id, which names the bytes read."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest

from belarus_trade import DATA_DIR
from belarus_trade.data.loading import load_if_held
from belarus_trade.data.manifest import PENDING_KEY, read_manifest, resource_descriptor, snapshot_id
from belarus_trade.data.snapshot import record

RESOURCES = [r["name"] for r in read_manifest()["resources"]]
PENDING = {r["name"]: r for r in read_manifest().get(PENDING_KEY, [])}


def test_manifest_is_a_valid_frictionless_data_package():
    frictionless = pytest.importorskip("frictionless", reason="frictionless is not installed in this environment")
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:10]


@pytest.mark.parametrize("name", RESOURCES)
def test_resource_provenance_and_checksum(name):
    resource = resource_descriptor(name)
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


def test_manifest_is_plain_json_with_unique_names():
    manifest = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    every = manifest["resources"] + manifest.get(PENDING_KEY, [])
    names = [r["name"] for r in every]
    paths = [r["path"] for r in every]
    assert len(set(names)) == len(names) and len(set(paths)) == len(paths)
    assert sorted(r["path"] for r in manifest["resources"]) == sorted(p.name for p in DATA_DIR.glob("*.csv"))


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


def test_the_offline_snapshot_describes_the_three_online_series_without_holding_them():
    assert set(PENDING) == {"weo_gdp", "comtrade_sitc", "unctad_concentration"}
    for name, resource in PENDING.items():
        assert not (DATA_DIR / resource["path"]).exists(), name
        assert resource["sources"][0]["path"].startswith("https://") and resource["licenses"][0]["name"]
        assert "hash" not in resource and "retrieved" not in resource
        assert load_if_held(name) is None
