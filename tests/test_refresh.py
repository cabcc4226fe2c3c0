"""Refresh: a candidate replaces the snapshot only when it validates; failures keep the last good file.

The World Bank job is exercised end to end through the publisher's documented JSON format:
the fake API below serves the snapshot's own values as WDI v2 pages."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.parse

import pandas as pd
import pytest

from belarus_trade import publishers
from belarus_trade.data import load, read_manifest, validate_package
from belarus_trade.paths import DATA_DIR
from belarus_trade.refresh import Job, fetch_wdi_snapshot, refresh, require_partners, summary

TODAY = dt.date(2026, 12, 31)  # after the snapshot's retrieval date


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


class FakeWorldBank:
    """Serves a tidy frame as WDI v2 JSON pages; records the URLs it was asked for."""

    def __init__(self, frame: pd.DataFrame, fail: dict[str, publishers.PublisherError] | None = None):
        self.frame, self.fail, self.urls = frame, fail or {}, []

    def __call__(self, url, **kwargs):
        self.urls.append(url)
        parsed = urllib.parse.urlparse(url)
        parts = parsed.path.split("/")
        countries, indicator = parts[parts.index("country") + 1].split(";"), parts[parts.index("indicator") + 1]
        if indicator in self.fail:
            raise self.fail[indicator]
        start, end = map(int, urllib.parse.parse_qs(parsed.query)["date"][0].split(":"))
        rows = self.frame[(self.frame.indicator == indicator) & self.frame.iso3.isin(countries) & self.frame.year.between(start, end)]
        records = [
            {"indicator": {"id": indicator, "value": indicator}, "country": {"id": r.iso3[:2], "value": r.iso3},
             "countryiso3code": r.iso3, "date": str(r.year), "value": r.value, "unit": "", "obs_status": "", "decimal": 1}
            for r in rows.itertuples()
        ]
        return [{"page": 1, "pages": 1, "per_page": 1000, "total": len(records), "sourceid": "2", "lastupdated": "2026-11-01"}, records]


def wdi_job(fake) -> Job:
    return Job("wdi", lambda start, end: fetch_wdi_snapshot(start, end, get=fake))


def descriptor(data_dir, name="wdi"):
    return next(r for r in read_manifest(data_dir)["resources"] if r["name"] == name)


def test_same_values_keep_the_file_and_record_the_retrieval_date(data_copy):
    before = (data_copy / "wdi_belarus_russia.csv").read_bytes()
    fake = FakeWorldBank(load("wdi", data_copy))
    outcomes = refresh(data_copy, [wdi_job(fake)], today=TODAY, log=lambda m: None)
    assert [o.status for o in outcomes] == ["unchanged"]
    assert (data_copy / "wdi_belarus_russia.csv").read_bytes() == before
    assert descriptor(data_copy)["retrieved"] == TODAY.isoformat()
    assert any("indicator/NE.EXP.GNFS.ZS" in url and "BLR" in url for url in fake.urls)


def test_new_year_replaces_the_file_and_updates_the_manifest(data_copy):
    frame = load("wdi", data_copy)
    extra = pd.DataFrame({"iso3": ["BLR"], "indicator": ["NY.GDP.MKTP.CD"], "year": [2024], "value": [7.5e10]})
    outcomes = refresh(data_copy, [wdi_job(FakeWorldBank(pd.concat([frame, extra])))], today=TODAY, log=lambda m: None)
    assert [o.status for o in outcomes] == ["replaced"]
    refreshed = load("wdi", data_copy)
    assert refreshed[(refreshed.indicator == "NY.GDP.MKTP.CD") & (refreshed.iso3 == "BLR")].year.max() == 2024
    assert validate_package(data_copy)
    assert not list(data_copy.glob(".candidate-*"))


def test_rate_limit_on_one_series_keeps_the_last_good_file(data_copy):
    before = (data_copy / "wdi_belarus_russia.csv").read_bytes()
    error = publishers.PublisherError("World Bank", "NE.IMP.GNFS.ZS", "rate_limited", "HTTP 429 Too Many Requests")
    outcomes = refresh(data_copy, [wdi_job(FakeWorldBank(load("wdi", data_copy), {"NE.IMP.GNFS.ZS": error}))], today=TODAY, log=lambda m: None)
    assert outcomes[0].status == "failed"
    assert "NE.IMP.GNFS.ZS" in outcomes[0].detail and "429" in outcomes[0].detail
    assert (data_copy / "wdi_belarus_russia.csv").read_bytes() == before
    assert descriptor(data_copy)["retrieved"] != TODAY.isoformat()


def test_offline_says_so_in_one_line_and_stops_early(data_copy):
    before = json.loads((data_copy / "datapackage.json").read_text())
    offline = publishers.PublisherError("World Bank", "NE.EXP.GNFS.ZS", "offline", "network unreachable")
    fake = FakeWorldBank(load("wdi", data_copy), {indicator: offline for indicator in ["NE.EXP.GNFS.ZS"]})
    calls = []
    other = Job("imf_dots", lambda start, end: calls.append(1))
    outcomes = refresh(data_copy, [wdi_job(fake), other], today=TODAY, log=lambda m: calls.append(m))
    line, status = summary(outcomes)
    assert status == 2 and "\n" not in line and "offline" in line
    assert calls == [], "the second publisher must not be tried, and nothing logged beyond the summary"
    assert json.loads((data_copy / "datapackage.json").read_text()) == before


def test_candidate_failing_validation_is_rejected(data_copy):
    frame = load("wdi", data_copy)
    frame.loc[0, "value"] = -5.0
    before = (data_copy / "wdi_belarus_russia.csv").read_bytes()
    outcomes = refresh(data_copy, [wdi_job(FakeWorldBank(frame))], today=TODAY, log=lambda m: None)
    assert outcomes[0].status == "failed" and "candidate rejected" in outcomes[0].detail
    assert "value" in outcomes[0].detail
    assert (data_copy / "wdi_belarus_russia.csv").read_bytes() == before
    assert not list(data_copy.glob(".candidate-*"))


def test_candidate_covering_fewer_years_is_rejected(data_copy):
    frame = load("wdi", data_copy)
    outcomes = refresh(data_copy, [wdi_job(FakeWorldBank(frame[frame.year <= 2010]))], today=TODAY, log=lambda m: None)
    assert outcomes[0].status == "failed" and "covers less" in outcomes[0].detail


def test_imf_candidate_without_the_partners_the_book_needs_is_rejected(data_copy):
    dots = load("imf_dots", data_copy)
    job = Job("imf_dots", lambda start, end: dots[dots.partner != "European Union"], require_partners)
    outcomes = refresh(data_copy, [job], today=TODAY, log=lambda m: None)
    assert outcomes[0].status == "failed" and "European Union" in outcomes[0].detail


def test_partial_failure_summary_names_what_kept_its_snapshot(data_copy):
    error = publishers.PublisherError("World Bank", "NY.GDP.MKTP.CD", "empty", "no observations")
    outcomes = refresh(data_copy, [wdi_job(FakeWorldBank(load("wdi", data_copy), {"NY.GDP.MKTP.CD": error}))], today=TODAY, log=lambda m: None)
    line, status = summary(outcomes)
    assert status == 1 and "wdi" in line
