"""Refresh: a candidate replaces the snapshot only when it validates; failures keep the last good file.

Every job is exercised end to end through the publisher's documented format: the fakes below
serve WDI v2 pages (the snapshot's own values), WEO DataMapper JSON, Comtrade preview JSON and
UNCTAD's 7z bulk archive (synthetic values). WEO, Comtrade and UNCTAD series are pending in the
offline snapshot, so their jobs add a file and move the descriptor into `resources`. The IMF and
WEO fetches also read the answers the IMF's servers sent (fixtures/publishers/real/)."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import http.server
import io
import json
import re
import socket
import threading
import time
import tracemalloc
import urllib.parse

import pandas as pd
import py7zr
import pytest
from publisher_answers import FIXTURES, UNNAMED_IMTS_GROUPS, RecordedServer, availability_partners, fixture, imts_message, real_names, recorded

from belarus_trade import DATA_DIR
from belarus_trade.analysis import methods
from belarus_trade.data import refresh as refresh_module
from belarus_trade.data.loading import load, load_if_held
from belarus_trade.data.manifest import PENDING_KEY, read_manifest
from belarus_trade.data.publishers.client import LIMITS, KiB, Limits, MiB, PublisherError, bounded_getters
from belarus_trade.data.publishers.comtrade import COMTRADE_COLUMNS, COMTRADE_FLOWS
from belarus_trade.data.publishers.imf import IMF_COUNTRY_CODELIST_URL, IMF_FLOWS, IMF_HEADERS, WEO_GDP_INDICATOR, imf_trade_url, weo_url
from belarus_trade.data.publishers.unctad import UNCTAD_CONCENTRATION_URL
from belarus_trade.data.refresh import Job, default_jobs, refresh, require_partners, summary
from belarus_trade.data.validation import validate_package

TODAY = dt.date(2026, 11, 25)  # after the snapshot's retrieval date (2026-11-22), not in the future
PENDING_FILES = {
    "weo_gdp": "imf_weo_gdp.csv",
    "comtrade_sitc": "comtrade_sitc_belarus_russia.csv",
    "unctad_concentration": "unctad_export_concentration.csv",
}


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

    def __init__(self, frame: pd.DataFrame, fail: dict[str, PublisherError] | None = None):
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
        countries = path_after(url, WEO_GDP_INDICATOR)
        values = {iso3: {str(year): weo_billions(iso3, year) for year in self.years} for iso3 in countries}
        return {"values": {WEO_GDP_INDICATOR: values}, "api": {"version": "1", "output-method": "json"}}


def comtrade_frame(years: range) -> pd.DataFrame:
    """Synthetic Belarus (112) - Russia (643) trade by SITC section, in the snapshot's tidy layout."""
    rows = [(112, 643, year, flow, str(section), 1e6 * (year - 1990) + 1e5 * section + (flow == "imports") * 5e4)
            for year in years for flow in ("exports", "imports") for section in range(10)]
    return pd.DataFrame(rows, columns=COMTRADE_COLUMNS)


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
        flow_codes = {name: code for code, name in COMTRADE_FLOWS.items()}
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
    error = PublisherError("World Bank", "NE.IMP.GNFS.ZS", "rate_limited", "HTTP 429 Too Many Requests")
    outcomes = run(data_copy, project_job("wdi", get=FakeWorldBank(load("wdi", data_copy), {"NE.IMP.GNFS.ZS": error})))
    assert outcomes[0].status == "failed"
    assert "NE.IMP.GNFS.ZS" in outcomes[0].detail and "429" in outcomes[0].detail
    assert (data_copy / "wdi_belarus_russia.csv").read_bytes() == before
    assert descriptor(data_copy)["retrieved"] != TODAY.isoformat()


def test_offline_says_so_in_one_line_and_stops_early(data_copy):
    before = json.loads((data_copy / "datapackage.json").read_text())
    offline = PublisherError("World Bank", "NE.EXP.GNFS.ZS", "offline", "network unreachable")
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
    error = PublisherError("World Bank", "NY.GDP.MKTP.CD", "empty", "no observations")
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
    assert fake.urls == [UNCTAD_CONCENTRATION_URL]
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


# --- the project's fetches on the publishers' recorded answers (fixtures/publishers/real/) ----------

def test_european_union_variants_take_the_dots_label():
    labels = refresh_module.dots_labels(real_names())
    assert labels["G998"] == "European Union"
    assert labels["G163"] == "Euro Area (EA)" and labels["BLR"] == "Belarus, Republic of"
    assert refresh_module.dots_labels({"X": "European Union (27)", "Y": None}) == {"X": "European Union", "Y": None}


def test_refresh_reads_an_all_partner_answer_with_the_real_codelist():
    """Derived answers on the recorded layout: Belarus with every real partner code, and one mirror reporter."""
    start, end = 2023, 2024
    mirror = imts_message("ARM", partners=["BLR"])
    server = RecordedServer({
        IMF_COUNTRY_CODELIST_URL: recorded("imf_cl_country.json"),
        imf_trade_url("BLR", tuple(IMF_FLOWS), "*", start, end): imts_message("BLR", [code for code in availability_partners() if code != "BLR"]),
        imf_trade_url(refresh_module.MIRROR_REPORTERS, tuple(IMF_FLOWS), "BLR", start, end): mirror,
    })
    frame = refresh_module.fetch_imf_snapshot(start, end, get=server)
    refresh_module.require_partners(frame)
    assert {"European Union", "World", "Russian Federation", "China, P.R.: Mainland"} <= set(frame.partner)
    assert not set(frame.partner) & set(UNNAMED_IMTS_GROUPS) and "European Union (EU)" not in set(frame.partner)
    assert set(frame[frame.partner == "Belarus, Rep. of"].reporter) == {"Armenia, Rep. of"}
    assert all(kwargs == {"headers": IMF_HEADERS} for _, kwargs in server.requests)
    assert any(".*.A?" in url for url, _ in server.requests)


def test_weo_snapshot_keeps_completed_years_of_the_book_economies():
    server = RecordedServer({weo_url(refresh_module.WEO_COUNTRIES): recorded("weo_ngdpd_all_economies.json")})
    frame = refresh_module.fetch_weo_snapshot(1992, 2023, get=server)
    assert set(frame.iso3) == {"BLR", "RUS"} and frame.year.max() == 2022


def test_the_concentration_job_keeps_the_economies_the_methods_group():
    """The refresh fetches by the data stage's M49 codes; the analysis reads the article's Figure 6 by them."""
    assert refresh_module.CONCENTRATION_ECONOMIES == {str(methods.BELARUS_M49), *methods.CONCENTRATION_CLOSE, *methods.CONCENTRATION_ABOVE}


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


# --- misbehaving publishers over HTTP -------------------------------------------------------------
#
# A real server on 127.0.0.1 stands in for every publisher (the jobs' URLs are redirected to it,
# path and query kept), and the project's jobs fetch through `publishers.client.bounded_getters` as
# `refresh()` does, with limits small enough to keep each test within a second or two.

class LocalPublisher(http.server.ThreadingHTTPServer):
    """Answers every GET with `answer(handler)`, which writes raw bytes to `handler.wfile` as it likes.

    Records the paths asked for, counts the bytes it got out, and notes when the client hung up."""

    daemon_threads = True

    def __init__(self, answer):
        super().__init__(("127.0.0.1", 0), AnswerHandler)
        self.answer, self.paths, self.sent = answer, [], 0
        self.stopped, self.hung_up = threading.Event(), threading.Event()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def write(self, handler, data: bytes) -> None:
        handler.wfile.write(data)
        self.sent += len(data)

    def stop(self) -> None:
        self.stopped.set()
        self.shutdown()
        self.server_close()


class AnswerHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.paths.append(self.path)
        try:
            self.server.answer(self)
        except OSError:  # the client gave up, as most tests here expect it to
            self.server.hung_up.set()

    def log_message(self, format, *args):
        """Quiet: the tests read what the refresh says, not the server."""


@pytest.fixture
def publisher():
    """Start a `LocalPublisher` with `publisher(answer)`; every one started is stopped after the test."""
    started = []

    def start(answer) -> LocalPublisher:
        started.append(LocalPublisher(answer))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def redirect(get, netloc: str):
    """`get` with every publisher URL sent to `netloc` over plain HTTP instead."""
    return lambda url, **kwargs: get(urllib.parse.urlsplit(url)._replace(scheme="http", netloc=netloc).geturl(), **kwargs)


def bounded_jobs(netloc: str, limits: Limits, log=lambda message: None) -> list[Job]:
    """The project's jobs, fetching from `netloc` through one bounded session as `refresh()` sets it up."""
    get, get_bytes = bounded_getters(limits, log)
    return default_jobs(redirect(get, netloc), redirect(get_bytes, netloc), limits)


def bounded_job(name: str, netloc: str, limits: Limits = LIMITS) -> Job:
    return next(job for job in bounded_jobs(netloc, limits) if job.resource == name)


def data_files(data_dir) -> dict[str, bytes]:
    """Every file of the data folder, byte for byte (a left-over candidate shows up too)."""
    return {str(path.relative_to(data_dir)): path.read_bytes() for path in sorted(data_dir.rglob("*")) if path.is_file()}


def timed(function):
    started = time.monotonic()
    return function(), time.monotonic() - started


def raw_answer(body: bytes, **headers: str) -> bytes:
    """An HTTP/1.1 200 answer as bytes on the wire, with a Content-Length unless `headers` say otherwise."""
    fields = {"Content-Type": "application/json", "Content-Length": str(len(body)), "Connection": "close", **headers}
    head = "HTTP/1.1 200 OK\r\n" + "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value is not None)
    return (head + "\r\n").encode() + body


@functools.cache
def snapshot_wdi() -> pd.DataFrame:
    return load("wdi", DATA_DIR)


def wdi_answer(handler) -> None:
    """The snapshot's own WDI values, as the World Bank would serve them."""
    answer = FakeWorldBank(snapshot_wdi()).answer(handler.path)
    handler.server.write(handler, raw_answer(json.dumps(answer).encode()))


def dripping(start: int, every: float = 0.02):
    """Sends the first `start` bytes of a WDI answer at once and the rest one byte every `every` seconds."""
    def answer(handler):
        wire = raw_answer(json.dumps(FakeWorldBank(snapshot_wdi()).answer(handler.path)).encode())
        handler.server.write(handler, wire[:start])
        for byte in wire[start:]:
            if handler.server.stopped.wait(every):
                return
            handler.server.write(handler, bytes([byte]))
    return answer


def silent(handler) -> None:
    """Accepts the connection and reads the request, then says nothing."""
    handler.server.stopped.wait(10)


def endless(**headers: str):
    """Zeros after the given headers, 64 KiB at a time, until the client hangs up or 300 MB are sent."""
    def answer(handler):
        handler.server.write(handler, raw_answer(b"", **headers))
        while handler.server.sent < 300_000_000 and not handler.server.stopped.is_set():
            handler.server.write(handler, bytes(64 * KiB))
    return answer


def assert_failed_and_data_untouched(outcome, data_dir, before: dict[str, bytes], detail: str) -> None:
    assert (outcome.status, outcome.detail) == ("failed", detail)
    assert data_files(data_dir) == before


@pytest.mark.parametrize("start", [0, 120], ids=["from-the-status-line", "in-the-body"])
def test_a_dripping_server_is_cut_off_at_the_deadline_per_request(data_copy, publisher, start):
    """Defect: 1 byte every 5 s held the refresh over 120 s, because the timeout was per socket read."""
    server = publisher(dripping(start))
    before = data_files(data_copy)
    limits = Limits(request_seconds=0.5)
    outcomes, seconds = timed(lambda: run(data_copy, bounded_job("wdi", server.netloc, limits)))
    retrieved = descriptor(data_copy)["retrieved"]
    assert_failed_and_data_untouched(outcomes[0], data_copy, before, (
        f"World Bank NE.EXP.GNFS.ZS: timeout: {server.netloc} did not finish answering within the 0.5 s limit per request; "
        f"kept the snapshot retrieved {retrieved}"))
    assert seconds < 1.5
    assert len(server.paths) == 1
    if start:  # the reader watches the clock between chunks of the body, so it hangs up too
        assert server.hung_up.wait(2)


def test_the_run_deadline_stops_every_series_after_it(data_copy, publisher):
    """Eight WDI answers of 0.5 s each would take 4 s; the run may take 1 s."""
    def slow(handler):
        time.sleep(0.5)
        wdi_answer(handler)

    server = publisher(slow)
    before = data_files(data_copy)
    jobs = bounded_jobs(server.netloc, Limits(run_seconds=1))
    outcomes, seconds = timed(lambda: run(data_copy, *jobs[:3]))
    retrieved = {name: descriptor(data_copy, name)["retrieved"] for name in ("wdi", "imf_dots")}
    assert [o.status for o in outcomes] == ["failed"] * 3
    cut = f"World Bank [A-Z.]+: timeout: {re.escape(server.netloc)} did not finish answering within the 1 s limit of the whole refresh; "
    assert re.fullmatch(cut + f"kept the snapshot retrieved {retrieved['wdi']}", outcomes[0].detail)
    assert outcomes[1].detail == (f"IMF CL_COUNTRY: timeout: the 1 s limit of the whole refresh is spent; "
                                  f"kept the snapshot retrieved {retrieved['imf_dots']}")
    assert outcomes[2].detail == "IMF WEO NGDPD BLR/RUS: timeout: the 1 s limit of the whole refresh is spent; the snapshot still lacks this series"
    assert len(server.paths) <= 2 and seconds < 2.5
    assert data_files(data_copy) == before


def test_a_paging_header_claiming_a_million_pages_is_refused_after_one_request(data_copy, publisher):
    """Defect: a header claiming 1,000,000 pages drew 56,317 requests in 60 s."""
    header = {"page": 1, "pages": 1_000_000, "per_page": 1000, "total": 1_000_000_000, "sourceid": "2", "lastupdated": "2026-11-01"}
    server = publisher(lambda handler: server.write(handler, raw_answer(json.dumps([header, []]).encode())))
    before = data_files(data_copy)
    outcomes = run(data_copy, bounded_job("wdi", server.netloc))
    assert_failed_and_data_untouched(outcomes[0], data_copy, before, (
        "World Bank NE.EXP.GNFS.ZS: the paging header claims 1000000 pages, above the limit of 20 pages per series; "
        f"kept the snapshot retrieved {descriptor(data_copy)['retrieved']}"))
    assert len(server.paths) == 1


def test_an_archive_bomb_is_refused_before_it_is_unpacked(data_copy, publisher):
    """Defect: a 153 KiB 7z unpacked to 1 GiB (5.2 GiB peak memory). The fixture is 256 MiB of
    zeros packed by py7zr (LZMA2, preset 1) under the bulk file's CSV name."""
    bomb = (FIXTURES / "unctad_bomb_256mib.7z").read_bytes()
    server = publisher(lambda handler: server.write(handler, raw_answer(bomb, **{"Content-Type": "application/x-7z-compressed"})))
    before = data_files(data_copy)
    manifest_before = manifest_bytes(data_copy)
    tracemalloc.start()
    try:
        outcomes = run(data_copy, bounded_job("unctad_concentration", server.netloc))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_failed_and_data_untouched(outcomes[0], data_copy, before, (
        "UNCTAD US.ConcentDiversIndices: the archive (38.4 KiB) would unpack to 256 MiB, above the 64 MiB limit; "
        "the snapshot still lacks this series"))
    assert_still_pending(data_copy, "unctad_concentration", manifest_before)
    assert peak < 32 * MiB  # py7zr's decoder of the archive's header alone takes ~17 MB, whatever the archive


@pytest.mark.parametrize("headers, detail", [
    ({"Content-Length": "300000000"}, "the answer announces 286.1 MiB, above the 1 MiB limit per response"),
    ({"Content-Length": None}, "the answer runs past the 1 MiB limit per response"),
], ids=["announced", "streamed-without-length"])
def test_a_huge_body_is_cut_at_the_byte_limit(data_copy, publisher, headers, detail):
    """Defect: a 300 MB body was read whole."""
    server = publisher(endless(**headers))
    before = data_files(data_copy)
    outcomes = run(data_copy, bounded_job("wdi", server.netloc, Limits(response_bytes=MiB)))
    assert_failed_and_data_untouched(outcomes[0], data_copy, before, (
        f"World Bank NE.EXP.GNFS.ZS: {detail}; kept the snapshot retrieved {descriptor(data_copy)['retrieved']}"))
    assert server.hung_up.wait(2)
    assert server.sent < 32 * MiB


def test_a_server_that_never_answers_is_a_timeout_not_offline(data_copy, publisher):
    """Defect: a server that accepts the connection and sends nothing was reported as "offline"."""
    server = publisher(silent)
    before = data_files(data_copy)
    outcomes, seconds = timed(lambda: run(data_copy, bounded_job("wdi", server.netloc, Limits(read_seconds=0.3))))
    assert_failed_and_data_untouched(outcomes[0], data_copy, before, (
        f"World Bank NE.EXP.GNFS.ZS: timeout: {server.netloc} was reached but sent nothing for 0.3 s; "
        f"kept the snapshot retrieved {descriptor(data_copy)['retrieved']}"))
    assert seconds < 1.5
    line, status = summary(outcomes)
    assert (line, status) == ("refresh incomplete: wdi not refreshed (see the lines above); nothing else changed", 1)


def test_a_refused_connection_is_offline(data_copy):
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        netloc = f"127.0.0.1:{probe.getsockname()[1]}"
    before = data_files(data_copy)
    outcomes = run(data_copy, *bounded_jobs(netloc, LIMITS)[:2])
    assert [o.status for o in outcomes] == ["offline", "offline"]
    assert outcomes[0].detail.startswith("World Bank NE.EXP.GNFS.ZS: offline: connection failed (")
    assert summary(outcomes) == ("offline: no network reached the publishers; the snapshot is unchanged", 2)
    assert data_files(data_copy) == before


def test_progress_shows_a_line_per_request_and_per_series(data_copy, publisher):
    server = publisher(wdi_answer)
    lines = []
    job = next(job for job in bounded_jobs(server.netloc, LIMITS, lines.append) if job.resource == "wdi")
    outcomes = refresh(data_copy, [job], today=TODAY, log=lines.append)
    assert [o.status for o in outcomes] == ["unchanged"]
    requests = [f"http://{server.netloc}{path}" for path in server.paths]
    assert len(requests) == 8 and lines[-3:] == [
        "wdi: fetched 196 rows, 2000–2024",
        "wdi: 196 → 196 rows; no key added or removed, no value revised",
        f"wdi: unchanged — same values; retrieval date set to {TODAY.isoformat()}",
    ]
    for line, url in zip(lines[:-3], requests, strict=True):
        assert line.startswith(f"  GET {url}: ") and line.endswith(" s")
        assert " KiB in " in line or " bytes in " in line


def test_progress_is_quiet_unless_asked(data_copy, publisher, capsys):
    server = publisher(wdi_answer)
    get, get_bytes = bounded_getters()
    job = next(job for job in default_jobs(redirect(get, server.netloc), redirect(get_bytes, server.netloc)) if job.resource == "wdi")
    assert [o.status for o in run(data_copy, job)] == ["unchanged"]
    assert capsys.readouterr() == ("", "")
