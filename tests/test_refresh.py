"""Refresh: a candidate replaces the snapshot only when it validates; failures keep the last good file.

Every job is exercised end to end through the publisher's documented format: the fakes below
serve WDI v2 pages (the snapshot's own values), WEO DataMapper JSON, Comtrade preview JSON and
UNCTAD's 7z bulk archive (synthetic values). WEO, Comtrade and UNCTAD series are pending in the
offline snapshot, so their jobs add a file and move the descriptor into `resources`."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import urllib.parse
from pathlib import Path

import pandas as pd
import py7zr
import pytest

from belarus_trade import publishers
from belarus_trade.data import PENDING_KEY, load, load_if_held, read_manifest, validate_package
from belarus_trade.paths import DATA_DIR
from belarus_trade.refresh import Job, default_jobs, refresh, require_partners, summary

TODAY = dt.date(2026, 12, 31)  # after the snapshot's retrieval date
FIXTURES = Path(__file__).parent / "fixtures" / "publishers"
PENDING_FILES = {
    "weo_gdp": "imf_weo_gdp.csv",
    "comtrade_sitc": "comtrade_sitc_belarus_russia.csv",
    "unctad_concentration": "unctad_export_concentration.csv",
}


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


def path_after(url: str, segment: str) -> list[str]:
    """The path segments of `url` that follow `segment`."""
    parts = urllib.parse.urlsplit(url).path.split("/")
    return parts[parts.index(segment) + 1:]


# --- fake publishers --------------------------------------------------------------------------

class FakeApi:
    """Records the URLs it was asked for and what it answered to each with `answer(url)`."""

    def __init__(self):
        self.urls, self.answers = [], []

    def __call__(self, url, **kwargs):
        self.urls.append(url)
        self.answers.append(self.answer(url))
        return self.answers[-1]

    def answer(self, url):
        raise NotImplementedError


class FakeWorldBank(FakeApi):
    """Serves a tidy frame as WDI v2 JSON pages; `fail` raises an error for an indicator."""

    def __init__(self, frame: pd.DataFrame, fail: dict[str, publishers.PublisherError] | None = None):
        super().__init__()
        self.frame, self.fail = frame, fail or {}

    def answer(self, url):
        countries, indicator = path_after(url, "country")[0].split(";"), path_after(url, "indicator")[0]
        if indicator in self.fail:
            raise self.fail[indicator]
        start, end = map(int, query(url)["date"].split(":"))
        rows = self.frame[(self.frame.indicator == indicator) & self.frame.iso3.isin(countries) & self.frame.year.between(start, end)]
        records = [
            {"indicator": {"id": indicator, "value": indicator}, "country": {"id": r.iso3[:2], "value": r.iso3},
             "countryiso3code": r.iso3, "date": str(r.year), "value": r.value, "unit": "", "obs_status": "", "decimal": 1}
            for r in rows.itertuples()
        ]
        return [{"page": 1, "pages": 1, "per_page": 1000, "total": len(records), "sourceid": "2", "lastupdated": "2026-11-01"}, records]


def weo_billions(iso3: str, year: int) -> float:
    """Synthetic GDP in billions of USD, exact in binary after scaling to dollars."""
    return {"BLR": 50.5, "RUS": 1500.25}[iso3] + (year - 2015)


class FakeWeo(FakeApi):
    """The DataMapper API: NGDPD for the countries in the URL path, in `years` (which may run into projections)."""

    def __init__(self, years: range):
        super().__init__()
        self.years = years

    def answer(self, url):
        countries = path_after(url, publishers.WEO_GDP_INDICATOR)
        values = {iso3: {str(year): weo_billions(iso3, year) for year in self.years} for iso3 in countries}
        return {"values": {publishers.WEO_GDP_INDICATOR: values}, "api": {"version": "1", "output-method": "json"}}


def comtrade_frame(years: range) -> pd.DataFrame:
    """Synthetic Belarus (112) - Russia (643) trade by SITC section, in the snapshot's tidy layout."""
    rows = [(112, 643, year, flow, str(section), 1e6 * (year - 1990) + 1e5 * section + (flow == "imports") * 5e4)
            for year in years for flow in ("exports", "imports") for section in range(10)]
    return pd.DataFrame(rows, columns=publishers.COMTRADE_COLUMNS)


class FakeComtrade(FakeApi):
    """The preview API: the records of `frame` for the reporter, partner and years in the URL, at most
    500 per answer as the preview sends; a call whose first year is in `refusals` gets that fixture instead."""

    PREVIEW_LIMIT = 500

    def __init__(self, frame: pd.DataFrame, refusals: dict[int, str] | None = None):
        super().__init__()
        self.frame, self.refusals = frame, refusals or {}

    def answer(self, url):
        asked = query(url)
        years = [int(year) for year in asked["period"].split(",")]
        if years[0] in self.refusals:
            return fixture(self.refusals[years[0]])
        rows = self.frame[(self.frame.reporter_code == int(asked["reporterCode"]))
                          & (self.frame.partner_code == int(asked["partnerCode"])) & self.frame.year.isin(years)]
        flow_codes = {name: code for code, name in publishers.COMTRADE_FLOWS.items()}
        records = [
            {"typeCode": "C", "freqCode": "A", "period": str(r.year), "reporterCode": r.reporter_code,
             "flowCode": flow_codes[r.flow], "partnerCode": r.partner_code, "partner2Code": 0,
             "classificationCode": "S3", "cmdCode": r.sitc_section, "customsCode": "C00", "motCode": 0,
             "primaryValue": r.value_usd, "isAggregate": True}
            for r in rows.itertuples()
        ][:self.PREVIEW_LIMIT]
        return {"elapsedTime": "0.42 secs", "count": len(records), "data": records, "error": ""}


UNCTAD_HEADER = ["Year", "Economy", "Economy Label", "Flow", "Flow Label",
                 "Number of products", "Diversification index", "Concentration index"]
UNCTAD_ECONOMIES = {"0112": "Belarus", "0643": "Russian Federation", "0398": "Kazakhstan", "0156": "China",
                    "0276": "Germany", "0804": "Ukraine", "0000": "World"}


def concentration_table(years: range = range(2019, 2024)) -> pd.DataFrame:
    """Synthetic rows of UNCTAD's bulk CSV (codes padded to four digits); an export index is
    0.1 + code / 10000 + (year - 2019) / 100, the import rows carry 0.9 to tell them apart."""
    rows = [(year, code, label, flow, flow_label, 200, 0.7,
             round(0.1 + int(code) / 10_000 + (year - 2019) / 100, 4) if flow_label == "Exports" else 0.9)
            for code, label in UNCTAD_ECONOMIES.items() for year in years
            for flow, flow_label in (("01", "Imports"), ("02", "Exports"))]
    return pd.DataFrame(rows, columns=UNCTAD_HEADER)


def bulk_archive(table: pd.DataFrame) -> bytes:
    """A real 7z archive holding `table` as the bulk file's one CSV."""
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(table.to_csv(index=False).encode("utf-8"), "US_ConcentDiversIndices.csv")
    return buffer.getvalue()


class FakeBulkDownload(FakeApi):
    """UNCTADstat's bulk download: the same body for every URL."""

    def __init__(self, body: bytes):
        super().__init__()
        self.body = body

    def answer(self, url):
        return self.body


# --- helpers ----------------------------------------------------------------------------------

def project_job(name: str, get=None, get_bytes=None) -> Job:
    """The project's own job for `name`, wired to fake publishers."""
    return next(job for job in default_jobs(get, get_bytes) if job.resource == name)


def run(data_dir, *jobs: Job, today: dt.date = TODAY):
    return refresh(data_dir, list(jobs), today=today, log=lambda message: None)


def descriptor(data_dir, name="wdi"):
    return next(r for r in read_manifest(data_dir)["resources"] if r["name"] == name)


def pending_names(data_dir) -> list[str]:
    return [r["name"] for r in read_manifest(data_dir).get(PENDING_KEY, [])]


def manifest_bytes(data_dir) -> bytes:
    return (data_dir / "datapackage.json").read_bytes()


def assert_still_pending(data_dir, name: str, manifest_before: bytes) -> None:
    """A failed first fetch leaves no file, no candidate and the manifest as it was."""
    assert not (data_dir / PENDING_FILES[name]).exists()
    assert not list(data_dir.glob(".candidate-*"))
    assert manifest_bytes(data_dir) == manifest_before
    assert load_if_held(name, data_dir) is None


# --- World Bank and IMF DOTS (held in the snapshot) -------------------------------------------

def test_same_values_keep_the_file_and_record_the_retrieval_date(data_copy):
    before = (data_copy / "wdi_belarus_russia.csv").read_bytes()
    fake = FakeWorldBank(load("wdi", data_copy))
    outcomes = run(data_copy, project_job("wdi", get=fake))
    assert [o.status for o in outcomes] == ["unchanged"]
    assert (data_copy / "wdi_belarus_russia.csv").read_bytes() == before
    assert descriptor(data_copy)["retrieved"] == TODAY.isoformat()
    assert any("indicator/NE.EXP.GNFS.ZS" in url and "BLR" in url for url in fake.urls)


def test_new_year_replaces_the_file_and_updates_the_manifest(data_copy):
    frame = load("wdi", data_copy)
    extra = pd.DataFrame({"iso3": ["BLR"], "indicator": ["NY.GDP.MKTP.CD"], "year": [2024], "value": [7.5e10]})
    outcomes = run(data_copy, project_job("wdi", get=FakeWorldBank(pd.concat([frame, extra]))))
    assert [o.status for o in outcomes] == ["replaced"]
    # The snapshot's known gaps (GDP 2024 among them) were written by hand: the analyst is told to review them.
    assert outcomes[0].detail.endswith("; its known_gaps in the manifest may be out of date")
    refreshed = load("wdi", data_copy)
    assert refreshed[(refreshed.indicator == "NY.GDP.MKTP.CD") & (refreshed.iso3 == "BLR")].year.max() == 2024
    assert validate_package(data_copy)
    assert not list(data_copy.glob(".candidate-*"))


def test_rate_limit_on_one_series_keeps_the_last_good_file(data_copy):
    before = (data_copy / "wdi_belarus_russia.csv").read_bytes()
    error = publishers.PublisherError("World Bank", "NE.IMP.GNFS.ZS", "rate_limited", "HTTP 429 Too Many Requests")
    outcomes = run(data_copy, project_job("wdi", get=FakeWorldBank(load("wdi", data_copy), {"NE.IMP.GNFS.ZS": error})))
    assert outcomes[0].status == "failed"
    assert "NE.IMP.GNFS.ZS" in outcomes[0].detail and "429" in outcomes[0].detail
    assert (data_copy / "wdi_belarus_russia.csv").read_bytes() == before
    assert descriptor(data_copy)["retrieved"] != TODAY.isoformat()


def test_offline_says_so_in_one_line_and_stops_early(data_copy):
    before = json.loads((data_copy / "datapackage.json").read_text())
    offline = publishers.PublisherError("World Bank", "NE.EXP.GNFS.ZS", "offline", "network unreachable")
    fake = FakeWorldBank(load("wdi", data_copy), {"NE.EXP.GNFS.ZS": offline})
    calls = []
    other = Job("imf_dots", lambda start, end: calls.append(1))
    outcomes = refresh(data_copy, [project_job("wdi", get=fake), other], today=TODAY, log=lambda m: calls.append(m))
    line, status = summary(outcomes)
    assert status == 2 and "\n" not in line and "offline" in line
    assert calls == [], "the second publisher must not be tried, and nothing logged beyond the summary"
    assert json.loads((data_copy / "datapackage.json").read_text()) == before


def test_candidate_failing_validation_is_rejected(data_copy):
    frame = load("wdi", data_copy)
    frame.loc[0, "value"] = -5.0
    before = (data_copy / "wdi_belarus_russia.csv").read_bytes()
    outcomes = run(data_copy, project_job("wdi", get=FakeWorldBank(frame)))
    assert outcomes[0].status == "failed" and "candidate rejected" in outcomes[0].detail
    assert "value" in outcomes[0].detail
    assert (data_copy / "wdi_belarus_russia.csv").read_bytes() == before
    assert not list(data_copy.glob(".candidate-*"))


def test_candidate_covering_fewer_years_is_rejected(data_copy):
    frame = load("wdi", data_copy)
    outcomes = run(data_copy, project_job("wdi", get=FakeWorldBank(frame[frame.year <= 2010])))
    assert outcomes[0].status == "failed" and "covers less" in outcomes[0].detail


def test_imf_candidate_without_the_partners_the_book_needs_is_rejected(data_copy):
    dots = load("imf_dots", data_copy)
    job = Job("imf_dots", lambda start, end: dots[dots.partner != "European Union"], require_partners)
    outcomes = run(data_copy, job)
    assert outcomes[0].status == "failed" and "European Union" in outcomes[0].detail


def test_partial_failure_summary_names_what_kept_its_snapshot(data_copy):
    error = publishers.PublisherError("World Bank", "NY.GDP.MKTP.CD", "empty", "no observations")
    outcomes = run(data_copy, project_job("wdi", get=FakeWorldBank(load("wdi", data_copy), {"NY.GDP.MKTP.CD": error})))
    line, status = summary(outcomes)
    assert status == 1 and "wdi" in line


# --- IMF WEO (pending until the first refresh) -------------------------------------------------

def test_weo_job_adds_the_pending_series_without_projections(data_copy):
    assert load_if_held("weo_gdp", data_copy) is None
    fake = FakeWeo(range(2015, 2031))
    outcomes = run(data_copy, project_job("weo_gdp", get=fake))
    assert [(o.status, o.detail) for o in outcomes] == [("added", "22 rows, 2015–2025")]
    assert fake.urls == ["https://www.imf.org/external/datamapper/api/v1/NGDPD/BLR/RUS"]
    path = data_copy / "imf_weo_gdp.csv"
    entry = descriptor(data_copy, "weo_gdp")
    assert entry["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry["bytes"] == path.stat().st_size
    assert entry["coverage"] == {"rows": 22, "first_year": 2015, "last_year": 2025}
    assert entry["retrieved"] == TODAY.isoformat()
    assert pending_names(data_copy) == ["comtrade_sitc", "unctad_concentration"]
    frame = load_if_held("weo_gdp", data_copy)
    assert frame.groupby("iso3").year.agg(["min", "max"]).to_dict("index") == {
        "BLR": {"min": 2015, "max": 2025}, "RUS": {"min": 2015, "max": 2025}}
    assert frame.set_index(["iso3", "year"]).gdp_usd[("BLR", 2025)] == 60.5e9
    assert "imf_weo_gdp.csv" in validate_package(data_copy)
    assert not list(data_copy.glob(".candidate-*"))


def test_weo_second_refresh_is_unchanged_or_rejected_when_it_covers_less(data_copy):
    run(data_copy, project_job("weo_gdp", get=FakeWeo(range(2015, 2031))))
    added = (data_copy / "imf_weo_gdp.csv").read_bytes()
    same = run(data_copy, project_job("weo_gdp", get=FakeWeo(range(2015, 2031))))
    assert [o.status for o in same] == ["unchanged"]
    shorter = run(data_copy, project_job("weo_gdp", get=FakeWeo(range(2015, 2024))))
    assert shorter[0].status == "failed"
    assert "candidate rejected: weo_gdp: candidate covers less than the snapshot" in shorter[0].detail
    assert f"kept the snapshot retrieved {TODAY.isoformat()}" in shorter[0].detail
    assert (data_copy / "imf_weo_gdp.csv").read_bytes() == added
    assert descriptor(data_copy, "weo_gdp")["coverage"]["last_year"] == 2025


# --- UN Comtrade (pending until the first refresh) ---------------------------------------------

def test_comtrade_job_asks_in_chunks_of_twenty_years_and_keeps_every_record(data_copy):
    served = comtrade_frame(range(2000, 2022))
    fake = FakeComtrade(served)
    outcomes = run(data_copy, project_job("comtrade_sitc", get=fake))
    assert [(o.status, o.detail) for o in outcomes] == [("added", "440 rows, 2000–2021")]
    assert [query(url)["period"].split(",") for url in fake.urls] == [
        [str(year) for year in range(2000, 2020)], [str(year) for year in range(2020, 2027)]]
    assert {(query(url)["reporterCode"], query(url)["partnerCode"]) for url in fake.urls} == {("112", "643")}
    pd.testing.assert_frame_equal(load_if_held("comtrade_sitc", data_copy), served)
    assert descriptor(data_copy, "comtrade_sitc")["coverage"] == {"rows": 440, "first_year": 2000, "last_year": 2021}


def test_comtrade_job_tolerates_a_later_span_without_records(data_copy):
    fake = FakeComtrade(comtrade_frame(range(2000, 2016)))
    outcomes = run(data_copy, project_job("comtrade_sitc", get=fake))
    assert [(o.status, o.detail) for o in outcomes] == [("added", "320 rows, 2000–2015")]
    assert [answer["count"] for answer in fake.answers] == [320, 0]


@pytest.mark.parametrize("refusals, reason, calls", [
    ({2000: "comtrade_rate_limited.json"}, "API error 429: Rate limit is exceeded", 1),
    ({2020: "comtrade_rate_limited.json"}, "API error 429: Rate limit is exceeded", 2),
    ({2000: "comtrade_empty.json", 2020: "comtrade_empty.json"}, "UN Comtrade S3 112-643: no records in 2000-2026", 2),
], ids=["first-span-rate-limited", "second-span-rate-limited", "no-records-at-all"])
def test_comtrade_failure_leaves_the_series_pending(data_copy, refusals, reason, calls):
    before = manifest_bytes(data_copy)
    fake = FakeComtrade(comtrade_frame(range(2000, 2022)), refusals)
    outcomes = run(data_copy, project_job("comtrade_sitc", get=fake))
    assert outcomes[0].status == "failed"
    assert reason in outcomes[0].detail
    assert outcomes[0].detail.endswith("; the snapshot still lacks this series")
    assert len(fake.urls) == calls
    assert_still_pending(data_copy, "comtrade_sitc", before)


# --- UNCTADstat (pending until the first refresh) ----------------------------------------------

def test_unctad_job_unpacks_the_archive_and_keeps_the_five_economies(data_copy):
    fake = FakeBulkDownload(bulk_archive(concentration_table()))
    outcomes = run(data_copy, project_job("unctad_concentration", get_bytes=fake))
    assert [(o.status, o.detail) for o in outcomes] == [("added", "25 rows, 2019–2023")]
    assert fake.urls == [publishers.UNCTAD_CONCENTRATION_URL]
    frame = load_if_held("unctad_concentration", data_copy)
    assert frame.groupby(["economy_code", "economy"]).size().to_dict() == {
        ("112", "Belarus"): 5, ("156", "China"): 5, ("276", "Germany"): 5,
        ("398", "Kazakhstan"): 5, ("643", "Russian Federation"): 5}
    assert frame.set_index(["economy_code", "year"]).concentration_index[("112", 2023)] == 0.1512
    assert "unctad_export_concentration.csv" in validate_package(data_copy)


def without_belarus(table: pd.DataFrame) -> pd.DataFrame:
    return table[table.Economy != "0112"]


def index_above_one(table: pd.DataFrame) -> pd.DataFrame:
    """Belarus's 2023 export index set to 1.2, outside the index's range 0..1."""
    table = table.copy()
    table.loc[(table.Economy == "0112") & (table.Year == 2023) & (table["Flow Label"] == "Exports"), "Concentration index"] = 1.2
    return table


@pytest.mark.parametrize("damage, reason", [
    (without_belarus, "UNCTAD refresh: the bulk file has no export concentration index for Belarus (112)"),
    (index_above_one, "column 'concentration_index': '1.2' is above the maximum (1)"),
], ids=["without-belarus", "index-above-one"])
def test_unctad_candidate_failing_its_checks_leaves_the_series_pending(data_copy, damage, reason):
    before = manifest_bytes(data_copy)
    fake = FakeBulkDownload(bulk_archive(damage(concentration_table())))
    outcomes = run(data_copy, project_job("unctad_concentration", get_bytes=fake))
    assert outcomes[0].status == "failed"
    assert outcomes[0].detail.startswith("candidate rejected: ") and reason in outcomes[0].detail
    assert outcomes[0].detail.endswith("; the snapshot still lacks this series")
    assert_still_pending(data_copy, "unctad_concentration", before)


# --- summary ------------------------------------------------------------------------------------

def test_summary_of_one_added_and_one_failed_series_names_the_failure(data_copy):
    outcomes = run(
        data_copy,
        project_job("weo_gdp", get=FakeWeo(range(2015, 2031))),
        project_job("comtrade_sitc", get=FakeComtrade(comtrade_frame(range(2000, 2022)), {2000: "comtrade_rate_limited.json"})),
    )
    assert [o.status for o in outcomes] == ["added", "failed"]
    line, status = summary(outcomes)
    assert status == 1
    assert line.startswith("refresh incomplete: comtrade_sitc ") and "weo_gdp" not in line
    assert pending_names(data_copy) == ["comtrade_sitc", "unctad_concentration"]
