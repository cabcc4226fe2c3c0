"""Fetch and parse the publishers' data (World Bank WDI, IMF IMTS and WEO, UN Comtrade, UNCTADstat) into tidy frames.

Everything here is written against the publishers' documented response formats and tested offline,
on hand-written fixtures and on answers the servers really sent, recorded by other projects
(tests/data/fixtures/publishers/real/); nothing in this module has been run against the live APIs from here.
Every failure is a `PublisherError` with a one-line message naming publisher and series and a
`kind` the build can act on (retry later, keep the snapshot, or stop because the format moved).
"""
from __future__ import annotations

import concurrent.futures
import http.client
import io
import json
import lzma
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

import pandas as pd

USER_AGENT = "belarus_trade/1.0 (Jupyter Book on Belarus-Russia trade; python-urllib)"

WDI_BASE = "https://api.worldbank.org/v2"
WDI_PER_PAGE = 1000
WDI_COLUMNS = ["iso3", "indicator", "year", "value"]

IMF_DATA_BASE = "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+"
IMF_COUNTRY_CODELIST_URL = "https://api.imf.org/external/sdmx/3.0/structure/codelist/IMF/CL_COUNTRY/+"
IMF_HEADERS = {"Accept": "application/json"}
IMF_FLOWS = {"XG_FOB_USD": "exports_fob", "MG_CIF_USD": "imports_cif"}
IMF_REQUIRED_DIMENSIONS = ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD")
IMF_ALL_CODES = "*"
IMF_STATUS_ATTRIBUTES = ("STATUS", "OBS_STATUS")
IMF_ESTIMATED_DERIVATIONS = frozenset({"SE", "SEME", "SEHI", "SP"})
IMF_COLUMNS = ["reporter", "partner", "flow", "year", "value_musd", "estimated"]


KiB, MiB = 2**10, 2**20
CHUNK_BYTES = 64 * KiB


class PublisherError(RuntimeError):
    """A publisher could not deliver a series; `kind` says what the build should do about it.

    offline        - no connection could be made (DNS failure, refused, unreachable): keep the snapshot, try again later
    timeout        - a server was reached but did not answer in time, or the refresh's time ran out: keep the snapshot
    over_limit     - the answer broke a hard limit (bytes, unpacked bytes, pages): keep the snapshot, look at the publisher
    rate_limited   - HTTP 429: wait before asking again
    empty          - the publisher answered but has no observations for the query
    schema_changed - the answer is not in the documented format: the parser needs updating
    http_error     - any other refusal (HTTP 4xx/5xx, a connection broken off mid-answer, or an error the API reports in its body)
    """

    KINDS = ("offline", "timeout", "over_limit", "rate_limited", "empty", "schema_changed", "http_error")

    def __init__(self, publisher: str, series: str, kind: str, detail: str):
        if kind not in self.KINDS:
            raise ValueError(f"unknown PublisherError kind {kind!r}")
        self.publisher = publisher
        self.series = series
        self.kind = kind
        self.detail = " ".join(str(detail).split())
        super().__init__(f"{publisher} {series}: {self.detail}")

    def relabel(self, publisher: str, series: str) -> PublisherError:
        """The same failure, named after the series the caller asked for rather than the URL."""
        return PublisherError(publisher, series, self.kind, self.detail)


@dataclass(frozen=True)
class Limits:
    """Hard limits on talking to the publishers, so that no server, however it misbehaves, can hold a refresh or fill memory.

    The defaults are ten times and more what the publishers need: each answer (a WDI page, an IMF
    or Comtrade answer, UNCTAD's bulk archive and the CSV in it) is a few MB at most, every WDI
    series fits in one page, and a whole refresh is about fifteen requests.
    """

    read_seconds: float = 20  # connecting, and silence between two packets of an answer
    request_seconds: float = 120  # one request, from connecting to its last byte
    run_seconds: float = 900  # every request of one refresh together
    response_bytes: int = 32 * MiB  # one answer's body
    unpacked_bytes: int = 64 * MiB  # what an archive unpacks to
    pages: int = 20  # pages of one paged series

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"limit {name} must be a positive number, not {value!r}, so that a misbehaving server cannot hold the refresh")


LIMITS = Limits()


def _silent(message: str) -> None:
    """Progress goes nowhere unless the caller passes a `log`."""


def bounded_getters(limits: Limits = LIMITS, log: Callable[[str], None] = _silent) -> tuple[Callable, Callable]:
    """`http_get_json` and `http_get_bytes` for one refresh: each request within `limits`, all within its run time from now."""
    bounds = {"limits": limits, "run_started": time.monotonic(), "log": log}
    return partial(http_get_json, **bounds), partial(http_get_bytes, **bounds)


def http_get_bytes(
    url: str, *, limits: Limits = LIMITS, run_started: float | None = None, log: Callable[[str], None] = _silent,
    opener=None, headers: Mapping[str, str] | None = None,
) -> bytes:
    """GET `url` within `limits` and return the body, turning every way the request can fail into a `PublisherError`.

    The request runs in a worker thread that the caller stops waiting for at the deadline (the
    request's time, or what is left of the run begun at `run_started`, a `time.monotonic()` value),
    so that a server dripping its answer or a name that never resolves cannot hold the refresh; the
    worker streams the body against the same clock and the byte limit. `opener` is anything with
    `open(request, timeout=...)` (tests pass a fake); by default `urllib.request.urlopen` is used.
    Errors are labelled with the URL's host and path; the fetch functions relabel them with publisher and series.
    """
    parts = urllib.parse.urlsplit(url)
    where = (parts.netloc, parts.path)
    started = time.monotonic()
    run_deadline = (started if run_started is None else run_started) + limits.run_seconds
    deadline = min(started + limits.request_seconds, run_deadline)
    limit = f"{limits.request_seconds:g} s limit per request" if deadline < run_deadline else f"{limits.run_seconds:g} s limit of the whole refresh"
    if deadline <= started:
        raise PublisherError(*where, "timeout", f"timeout: the {limit} is spent")
    overdue = partial(PublisherError, *where, "timeout", f"timeout: {parts.netloc} did not finish answering within the {limit}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    answer = concurrent.futures.Future()
    read = partial(_read, request, opener, min(limits.read_seconds, deadline - started), limits.response_bytes, deadline, where, overdue)
    threading.Thread(target=_settle, args=(answer, read), daemon=True).start()
    if not concurrent.futures.wait([answer], timeout=deadline - started).done:
        raise overdue()
    try:
        body = answer.result()
    except urllib.error.HTTPError as err:
        if err.code == 429:
            raise PublisherError(*where, "rate_limited", "rate limited (HTTP 429)") from err
        raise PublisherError(*where, "http_error", f"HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:  # urllib raises these while connecting and sending the request
        raise PublisherError(*where, "offline", _offline_detail(err.reason, parts.hostname, limits.read_seconds)) from err
    except TimeoutError as err:  # connected, then silence (for as long as the deadline left, or longer)
        if time.monotonic() >= deadline:
            raise overdue() from err
        raise PublisherError(*where, "timeout", f"timeout: {parts.netloc} was reached but sent nothing for {limits.read_seconds:g} s") from err
    except (OSError, http.client.HTTPException) as err:
        raise PublisherError(*where, "http_error", f"{parts.netloc} broke off the connection ({err!r})") from err
    if not body.strip():
        raise PublisherError(*where, "empty", "the publisher answered with an empty body (no data)")
    log(f"  GET {url}: {_size(len(body))} in {time.monotonic() - started:.1f} s")
    return body


def _settle(future: concurrent.futures.Future, work: Callable) -> None:
    """Run `work` in this worker thread and hand its result or error to the caller waiting on `future`."""
    try:
        future.set_result(work())
    except Exception as err:
        future.set_exception(err)


def _read(request, opener, read_seconds: float, max_bytes: int, deadline: float, where: tuple[str, str], overdue: Callable) -> bytes:
    """The body of `request`, read in chunks against the byte limit and the deadline (each read returns what has arrived)."""
    fail = partial(PublisherError, *where, "over_limit")
    open_url = opener.open if opener is not None else urllib.request.urlopen
    with open_url(request, timeout=read_seconds) as response:
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > max_bytes:
            raise fail(f"the answer announces {_size(int(announced))}, above the {_size(max_bytes)} limit per response")
        chunks, size = [], 0
        while chunk := response.read1(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise fail(f"the answer runs past the {_size(max_bytes)} limit per response")
            if time.monotonic() > deadline:
                raise overdue()
            chunks.append(chunk)
    if announced.isdigit() and size < int(announced):
        raise PublisherError(*where, "http_error", f"the answer was cut short at {size} of the {announced} bytes it announced")
    return b"".join(chunks)


def _size(count: int) -> str:
    """Bytes in the largest binary unit that keeps them readable: '32 MiB', '153.4 KiB'."""
    for unit, scale in (("GiB", 2**30), ("MiB", MiB), ("KiB", KiB)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def http_get_json(url: str, **bounds):
    """GET `url` with `http_get_bytes` (same keywords) and decode JSON; a body that is not JSON is `schema_changed`."""
    body = http_get_bytes(url, **bounds)
    where = urllib.parse.urlsplit(url)[1:3]
    try:
        return json.loads(body)
    except ValueError as err:
        raise PublisherError(*where, "schema_changed", f"response is not JSON ({err})") from err


def _offline_detail(reason, host: str | None, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"offline: no connection to {host} within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return f"offline: cannot resolve {host}"
    return f"offline: connection failed ({reason})"


def _get_as(get: Callable, url: str, publisher: str, series: str, **kwargs):
    """Call `get`, naming any failure after the series rather than the raw URL."""
    try:
        return get(url, **kwargs)
    except PublisherError as err:
        raise err.relabel(publisher, series) from err


def _as_list(codes: str | Iterable[str]) -> list[str]:
    return [codes] if isinstance(codes, str) else list(codes)


def _check_years(start: int, end: int) -> None:
    if int(start) > int(end):
        raise ValueError(f"start year {start} is after end year {end}")


# --- World Bank Indicators API v2 -------------------------------------------------------------
#
# Verified (datahelpdesk.worldbank.org "API Basic Call Structures" and "New Features and
# Enhancements in the V2 API"; response shape as shown in published client code and tutorials):
#   GET /v2/country/{c1;c2}/indicator/{id}?format=json&date=Y1:Y2&per_page=N&page=P
#   -> [ {"page", "pages", "per_page", "total", "sourceid", "lastupdated"},
#        [ {"indicator": {"id", "value"}, "country": {"id", "value"}, "countryiso3code",
#           "date", "value", "unit", "obs_status", "decimal"}, ... ] ]
#   No data:   [{"page": 0, "pages": 0, "per_page": 0, "total": 0, ...}, null]
#   Bad query: [{"message": [{"id": "120", "key": "Invalid value", "value": "..."}]}] with HTTP 200
# `per_page` is sometimes a string, so header numbers are read with int().

def wdi_url(indicator: str, countries: str | Iterable[str], start: int, end: int, page: int = 1) -> str:
    """The WDI v2 JSON URL for one indicator, several countries and a year range, one page."""
    _check_years(start, end)
    country_path = ";".join(_as_list(countries))
    query = f"format=json&date={int(start)}:{int(end)}&per_page={WDI_PER_PAGE}&page={int(page)}"
    return f"{WDI_BASE}/country/{country_path}/indicator/{indicator}?{query}"


def _wdi_header(page, series: str) -> dict:
    """The paging header of one WDI response page, or the error the API put in its place."""
    fail = partial(PublisherError, "World Bank", series)
    if not isinstance(page, list) or not page or not isinstance(page[0], dict):
        raise fail("schema_changed", "response is not the documented [header, records] list")
    header = page[0]
    if "message" in header:
        messages = header["message"] if isinstance(header["message"], list) else [header["message"]]
        text = "; ".join(
            f"{m.get('id', '?')} {m.get('key', '')}: {m.get('value', '')}".strip() if isinstance(m, dict) else str(m)
            for m in messages
        )
        raise fail("http_error", f"API error {text}")
    missing = [key for key in ("page", "pages", "total") if key not in header]
    if missing or len(page) != 2:
        raise fail("schema_changed", f"paging header lacks {', '.join(missing) or 'the records list'}")
    try:
        return {key: int(header[key]) for key in ("page", "pages", "total")}
    except (TypeError, ValueError):
        raise fail("schema_changed", f"paging header is not numeric: {header}") from None


def parse_wdi_pages(pages: list, *, series: str = "WDI") -> pd.DataFrame:
    """Tidy rows `iso3, indicator, year, value` from the decoded pages of one WDI response.

    Null values are dropped (the WDI lists every requested year, with null where it has none).
    Raises `PublisherError`: kind `empty` when the publisher has no observations, `schema_changed`
    when pages or records lack the documented keys, `http_error` for an API error message.
    """
    rows = []
    for page in pages:
        header = _wdi_header(page, series)
        records = page[1]
        if header["total"] == 0 or records is None:
            raise PublisherError("World Bank", series, "empty", "no observations for this query (total: 0)")
        for record in records:
            try:
                row = (record["countryiso3code"], record["indicator"]["id"], int(record["date"]), record["value"])
            except (TypeError, KeyError, ValueError):
                raise PublisherError(
                    "World Bank", series, "schema_changed",
                    f"record lacks countryiso3code/indicator.id/annual date/value: {json.dumps(record)[:120]}",
                ) from None
            if row[3] is not None:
                rows.append(row)
    if not rows:
        raise PublisherError("World Bank", series, "empty", "every observation in the response is null")
    frame = pd.DataFrame(rows, columns=WDI_COLUMNS).astype({"year": "int64", "value": "float64"})
    return frame.sort_values(["indicator", "iso3", "year"], ignore_index=True)


def fetch_wdi(
    indicators: str | Iterable[str], countries: str | Iterable[str], start: int, end: int,
    *, get: Callable = http_get_json, max_pages: int = LIMITS.pages,
) -> pd.DataFrame:
    """Fetch every page of every indicator and return one tidy frame (`iso3, indicator, year, value`).

    The page count comes from the publisher's answer, so it is capped: a series claiming more than
    `max_pages` pages is refused before any further request.
    """
    frames = []
    for indicator in _as_list(indicators):
        first = _get_as(get, wdi_url(indicator, countries, start, end, page=1), "World Bank", indicator)
        page_count = _wdi_header(first, indicator)["pages"]
        if page_count > max_pages:
            raise PublisherError("World Bank", indicator, "over_limit",
                                 f"the paging header claims {page_count} pages, above the limit of {max_pages} pages per series")
        pages = [first] + [
            _get_as(get, wdi_url(indicator, countries, start, end, page=number), "World Bank", indicator)
            for number in range(2, page_count + 1)
        ]
        frames.append(parse_wdi_pages(pages, series=indicator))
    return pd.concat(frames, ignore_index=True)


# --- IMF SDMX 3.0 API, dataflow IMF.STA/IMTS ----------------------------------------------------
#
# Verified:
# * URL shape /data/{context}/{agency}/{flow}/{version}/{key}, version "+" = latest stable,
#   `c[TIME_PERIOD]=ge:A+le:B` as the time filter (one `c[...]` per component, "+" = AND),
#   `dimensionAtObservation`; an empty result may be HTTP 204 (sdmx-twg/sdmx-rest doc/data.md,
#   doc/status.md). "+" joins several codes in one key position at the IMF (IMF clients imfp,
#   imfapi and scripts querying IMTS with "XG_FOB_USD+MG_CIF_USD").
# * SDMX-JSON 2.0 data message (sdmx-twg/sdmx-json, schema 2.0.0 and field guide):
#   data.structures[].dimensions.{dataSet,series,observation}, measures.observation,
#   attributes.{dataSet,dimensionGroup,series,observation}; data.dataSets[].series["i:j:.."]
#   .observations["t"] = [measure values..., observation attribute values or indexes...];
#   flat layout dataSets[].observations["i:j:..:t"]. An attribute value is an index into the
#   attribute's `values` when that list is non-empty, otherwise the value itself.
# * What the IMF actually sends (responses recorded from api.imf.org in the test fixtures of
#   the R package imf.data, 2026): dimension values carry `id` only, no `name`; TIME_PERIOD
#   values carry `value` ("2026-M04"), not `id`; OBS_VALUE is a string; SCALE is a series
#   attribute and STATUS an observation attribute whose values are sent inline; a query with
#   no data is HTTP 200 with a dataSet that has no `series`. Because names are absent, country
#   names come from the IMF codelist CL_COUNTRY (structure/codelist/IMF/CL_COUNTRY/+, whose
#   codes carry `name`, e.g. BLR "Belarus, Republic of").
# * Recorded answers (tests/data/fixtures/publishers/real/): an IMTS answer (XML, OpenBB's cassette)
#   carries DERIVATION_TYPE on each observation and no STATUS; JSON data answers (imfp's
#   recordings) list DERIVATION_TYPE as an observation attribute with `values`, indexed. The
#   IMTS availability answer lists 242 partner codes; 14 aggregates among them (GX170..GX901,
#   TX126..TX910) have no name in CL_COUNTRY 1.5.1, which names G998 "European Union (EU)".
# * A wildcard key position is `*` in SDMX 3.0 (empty in 2.1: amattioc/SDMX issue 209); the
#   recorded IMF queries of imfp and imf.data use `*`.
# * IMTS dimensions COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY and indicator codes
#   XG_FOB_USD / MG_CIF_USD (SDMX-CSV headers of IMTS downloads in public pipelines).
# Assumed:
# * Units: OBS_VALUE is in US dollars and IMTS's SCALE attribute (6, "millions") is a display
#   hint, not a multiplier. Public pipelines report IMTS values in plain dollars next to SCALE=6
#   (e.g. USA->CAN exports 2024 = 349,397,894,619). Applying SCALE would inflate values a
#   millionfold, so it is ignored; the standard SDMX UNIT_MULT, if ever present, is applied.
# * Plain years in the time filter: for annual data they compare correctly whether the server
#   compares periods as strings or as dates. IMF clients disagree on suffixes ("2000-A1"), so
#   the years are also filtered client-side.
# * An observation is estimated when its STATUS (or OBS_STATUS) is "E" or is named "...estimat...",
#   or when its DERIVATION_TYPE is an IMF staff estimate or projection (SE, SEME, SEHI, SP). The
#   codes' meanings come from public notes on CL_DERIVATION_TYPE (O reported official data,
#   M mixed, SE staff estimate, SP staff projection, ...), not from a recorded copy of the
#   codelist. "M" (mixed, seen on USA's World and EU totals) is not an estimate, as DOTS flagged
#   none of its World rows.

def imf_trade_url(
    reporters: str | Iterable[str], indicators: str | Iterable[str], partners: str | Iterable[str],
    start: int, end: int,
) -> str:
    """The IMTS data URL for annual bilateral goods trade, time series layout, years start..end."""
    _check_years(start, end)
    unknown = [code for code in _as_list(indicators) if code not in IMF_FLOWS]
    if unknown:
        raise ValueError(f"unsupported IMTS indicator(s) {unknown}; expected some of {sorted(IMF_FLOWS)}")
    query = urllib.parse.urlencode({
        "c[TIME_PERIOD]": f"ge:{int(start)}+le:{int(end)}",
        "dimensionAtObservation": "TIME_PERIOD",
    })
    return f"{IMF_DATA_BASE}/{imf_trade_key(reporters, indicators, partners)}?{query}"


def imf_trade_key(reporters, indicators, partners) -> str:
    """The IMTS series key COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY, annual; an empty position is `*`.

    SDMX 3.0 wildcards a position with `*`; an empty position is reported to answer HTTP 200 with no series.
    """
    return ".".join("+".join(code for code in _as_list(codes) if code) or IMF_ALL_CODES
                    for codes in (reporters, indicators, partners, "A"))


def parse_imf_country_names(message: dict, *, series: str = "CL_COUNTRY") -> dict[str, str]:
    """Code -> name from an SDMX-JSON structure message holding the IMF codelist CL_COUNTRY."""
    try:
        codes = message["data"]["codelists"][0]["codes"]
        return {code["id"]: _label(code) for code in codes}
    except (TypeError, KeyError, IndexError):
        raise PublisherError("IMF", series, "schema_changed", "codelist message lacks data.codelists[0].codes") from None


def _label(component_value: dict) -> str | None:
    return component_value.get("name") or (component_value.get("names") or {}).get("en")


def _value_code(component_value: dict):
    """A dimension or attribute value's code: SDMX-JSON gives `id`, the IMF gives periods as `value`."""
    return component_value.get("id", component_value.get("value"))


def parse_imf_sdmx_json(
    message: dict, *, country_names: Mapping[str, str] | None = None, series: str = "IMTS",
) -> pd.DataFrame:
    """Tidy rows `reporter, partner, flow, year, value_musd, estimated` from an SDMX-JSON 2.0 data message.

    Reads both the time-series layout (`dataSets[].series`) and the flat layout
    (`dimensionAtObservation=AllDimensions`, `dataSets[].observations`). Reporter and partner are
    names: from the message's structure when it carries them, else from `country_names`.
    Raises `PublisherError` kind `empty` for a data set without observations and `schema_changed`
    when structure, dimensions or names are missing.
    """
    fail = partial(PublisherError, "IMF", series)
    try:
        data_set = message["data"]["dataSets"][0]
        structure = message["data"]["structures"][data_set.get("structure", 0)]
        dimensions = {level: structure["dimensions"].get(level) or [] for level in ("dataSet", "series", "observation")}
    except (TypeError, KeyError, IndexError, AttributeError):
        raise fail("schema_changed", "message lacks data.dataSets[0] or its structure with dimensions") from None
    found = {d.get("id") for level in dimensions.values() for d in level}
    missing = [dim for dim in IMF_REQUIRED_DIMENSIONS if dim not in found]
    if missing:
        raise fail("schema_changed", f"dimension(s) {', '.join(missing)} missing; message has {', '.join(sorted(map(str, found)))}")

    attributes = structure.get("attributes") or {}
    measures = (structure.get("measures") or {}).get("observation") or [{"id": "OBS_VALUE"}]
    observations = list(_observations(data_set, dimensions, attributes, measures, fail))
    if not observations:
        raise fail("empty", "the IMF has no observations for this query")

    rows = []
    for codes, attrs, raw_value in observations:
        value = _number(raw_value)
        if value is None or _unnamed_aggregate(codes, country_names):
            continue
        indicator = _value_code(codes["INDICATOR"])
        if indicator not in IMF_FLOWS:
            raise fail("schema_changed", f"unexpected indicator {indicator}")
        period = str(_value_code(codes["TIME_PERIOD"]))
        if not (len(period) == 4 and period.isdigit()):
            raise fail("schema_changed", f"TIME_PERIOD {period!r} is not an annual period")
        unit_mult = attrs.get("UNIT_MULT", (None, None))[0]
        multiplier = 10 ** int(unit_mult) if unit_mult is not None else 1
        rows.append((
            _country_name(codes["COUNTRY"], country_names, fail),
            _country_name(codes["COUNTERPART_COUNTRY"], country_names, fail),
            IMF_FLOWS[indicator],
            int(period),
            value * multiplier / 1e6,
            _is_estimated(attrs),
        ))
    if not rows:
        raise fail("empty", "every observation in the response is missing")
    frame = pd.DataFrame(rows, columns=IMF_COLUMNS).astype(
        {"year": "int64", "value_musd": "float64", "estimated": "bool"})
    return frame.sort_values(["reporter", "partner", "flow", "year"], ignore_index=True)


def _observations(data_set: dict, dimensions: dict, attributes: dict, measures: list, fail):
    """Yield (dimension values by id, attributes by id, raw OBS_VALUE) from either SDMX-JSON layout.

    Values presented once at a higher level (data set, series) apply to every observation below.
    """
    value_position = next((i for i, m in enumerate(measures) if m.get("id") == "OBS_VALUE"), 0)
    data_set_codes = {d["id"]: d["values"][0] for d in dimensions["dataSet"] if d.get("values")}
    data_set_attributes = _attributes(data_set.get("attributes"), attributes.get("dataSet"))
    groups = [(data_set_codes, data_set_attributes, data_set.get("observations") or {})]
    for key, entry in (data_set.get("series") or {}).items():
        groups.append((
            {**data_set_codes, **_decode_key(key, dimensions["series"], fail)},
            {**data_set_attributes, **_attributes(entry.get("attributes"), attributes.get("series"))},
            entry.get("observations") or {},
        ))
    for codes, attrs, group in groups:
        for key, obs in group.items():
            yield (
                {**codes, **_decode_key(key, dimensions["observation"], fail)},
                {**attrs, **_attributes(obs[len(measures):], attributes.get("observation"))},
                obs[value_position] if len(obs) > value_position else None,
            )


def _decode_key(key: str, level: list, fail) -> dict:
    """Map a colon-separated index key onto the dimensions presented at one level."""
    indexes = key.split(":") if key else []
    if len(indexes) != len(level):
        raise fail("schema_changed", f"key {key!r} does not match the {len(level)} dimension(s) at its level")
    try:
        return {dim["id"]: dim["values"][int(i)] for dim, i in zip(level, indexes)}
    except (KeyError, IndexError, ValueError):
        raise fail("schema_changed", f"key {key!r} points outside the dimension values") from None


def _attributes(values: list | None, components: list | None) -> dict:
    """Attribute id -> (code, name); an index into `values` when the component lists values, else inline."""
    decoded = {}
    for component, raw in zip(components or [], values or []):
        listed = component.get("values") or []
        if raw is None:
            decoded[component["id"]] = (None, None)
        elif isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < len(listed):
            decoded[component["id"]] = (_value_code(listed[raw]), _label(listed[raw]))
        else:
            decoded[component["id"]] = (raw, None)
    return decoded


def _number(raw) -> float | None:
    """The observation value as a float; the IMF sends strings, and missing values as null or NaN."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def _is_estimated(attributes: dict) -> bool:
    """Whether the IMF marks an observation as estimated, by its status or its derivation type."""
    for name in IMF_STATUS_ATTRIBUTES:
        code, label = attributes.get(name) or (None, None)
        if code is not None and (str(code).upper() == "E" or "estimat" in (label or "").lower()):
            return True
    derivation = (attributes.get("DERIVATION_TYPE") or (None, None))[0]
    return str(derivation).upper() in IMF_ESTIMATED_DERIVATIONS


def _unnamed_aggregate(codes: dict, country_names: Mapping[str, str] | None) -> bool:
    """An observation of a country group the IMF leaves unnamed (GX170, TX126): left out, not a format change.

    IMF country codes are ISO 3166 alpha-3; groups are longer (G001, GX170). An unnamed
    three-letter code is still an error, since a country must not vanish silently.
    """
    return any(
        len(code := str(_value_code(codes[dimension]))) != 3
        and not (_label(codes[dimension]) or (country_names or {}).get(code))
        for dimension in ("COUNTRY", "COUNTERPART_COUNTRY")
    )


def _country_name(component_value: dict, country_names: Mapping[str, str] | None, fail) -> str:
    code = _value_code(component_value)
    name = _label(component_value) or (country_names or {}).get(code)
    if not name:
        raise fail("schema_changed", f"no name for country code {code} in the message or the codelist")
    return name


def fetch_imf_trade(
    reporters: str | Iterable[str], partners: str | Iterable[str], start: int, end: int,
    *, indicators: str | Iterable[str] = tuple(IMF_FLOWS), country_names: Mapping[str, str] | None = None,
    get: Callable = http_get_json,
) -> pd.DataFrame:
    """Annual goods trade between reporters and partners, years start..end, in million USD.

    Country names come from the IMF codelist CL_COUNTRY unless `country_names` maps codes to the
    labels the caller wants (for instance the snapshot's DOTS-era labels). Unnamed country groups
    are left out, but a reporter or partner asked for by code must have a name.
    """
    series = f"IMTS {imf_trade_key(reporters, indicators, partners)}"
    message = _get_as(get, imf_trade_url(reporters, indicators, partners, start, end), "IMF", series, headers=IMF_HEADERS)
    if country_names is None:
        codelist = _get_as(get, IMF_COUNTRY_CODELIST_URL, "IMF", "CL_COUNTRY", headers=IMF_HEADERS)
        country_names = parse_imf_country_names(codelist)
    unnamed = [code for code in (*_as_list(reporters), *_as_list(partners))
               if code and code != IMF_ALL_CODES and not country_names.get(code)]
    if unnamed:
        raise PublisherError("IMF", series, "schema_changed", f"no name for requested country code(s) {', '.join(unnamed)} in the codelist")
    frame = parse_imf_sdmx_json(message, country_names=country_names, series=series)
    frame = frame[frame["year"].between(int(start), int(end))].reset_index(drop=True)
    if frame.empty:
        raise PublisherError("IMF", series, "empty", f"no observations in {start}-{end}")
    return frame


# --- UN Comtrade public API v1 (preview), SITC sections -------------------------------------------
#
# Verified (comtradr's URL builder and classification check, the official comtradeapicall client,
# and public scripts calling the preview endpoint):
#   GET https://comtradeapi.un.org/public/v1/preview/{typeCode}/{freqCode}/{clCode}
#       ?reporterCode=..&partnerCode=..&period=Y1,Y2,..&flowCode=M,X&cmdCode=c1,c2,..
#   typeCode C (goods), freqCode A (annual); clCode S1..S4 name a SITC revision and SS the SITC
#   "as reported", so S3 (SITC Rev. 3, what UNCTAD uses) is a valid classification; the 1-digit
#   codes 0-9 are its sections. Codes are UN M49 (Belarus 112, Russia 643). The preview needs no
#   key and returns at most 500 records (10 years x 2 flows x 10 sections = 200).
#   Answer: {"elapsedTime", "count", "data": [{"reporterCode", "partnerCode", "period", "flowCode",
#   "cmdCode", "primaryValue", "motCode", "customsCode", "partner2Code", ...}], "error": ""}.
#   Throttling comes from the API gateway as {"statusCode": 429, "message": "Rate limit is
#   exceeded. Try again in 2 seconds."} (quoted in comtradeapicall issue #3).
# Assumed:
# * Without motCode/customsCode/partner2Code the API may return breakdowns next to the totals, so
#   the URL asks for the totals (0 / C00 / 0); duplicate records are treated as a format change.
# * An exhausted quota is {"statusCode": 403, "message": "Out of call volume quota ..."} (the
#   gateway's wording, not checked); it is read as rate_limited when a body reaches the parser.
#   Over HTTP that 403 is raised by `http_get_bytes` as http_error before the body is read.
# * `period` may come as a number or a string, so it is read with int().

COMTRADE_BASE = "https://comtradeapi.un.org/public/v1/preview/C/A"
COMTRADE_SITC_SECTIONS = tuple(str(code) for code in range(10))
COMTRADE_FLOWS = {"X": "exports", "M": "imports"}
COMTRADE_FIELDS = ("reporterCode", "partnerCode", "period", "flowCode", "cmdCode", "primaryValue")
COMTRADE_COLUMNS = ["reporter_code", "partner_code", "year", "flow", "sitc_section", "value_usd"]


def comtrade_url(
    reporter: int, partner: int, years: Iterable[int], *,
    classification: str = "S3", commodities: Iterable[str] = COMTRADE_SITC_SECTIONS,
) -> str:
    """The preview URL for annual exports and imports between two M49 codes, totals over transport modes."""
    query = urllib.parse.urlencode({
        "reporterCode": int(reporter),
        "partnerCode": int(partner),
        "period": ",".join(str(int(year)) for year in years),
        "flowCode": ",".join(COMTRADE_FLOWS),
        "cmdCode": ",".join(commodities),
        "motCode": 0,
        "customsCode": "C00",
        "partner2Code": 0,
    }, safe=",")
    return f"{COMTRADE_BASE}/{classification}?{query}"


def parse_comtrade(message, *, series: str = "SITC") -> pd.DataFrame:
    """Tidy rows `reporter_code, partner_code, year, flow, sitc_section, value_usd` from a Comtrade answer.

    Raises `PublisherError`: `rate_limited` for the gateway's 429 or quota message, `http_error`
    for any other error the API reports, `empty` when `data` is empty, `schema_changed` when the
    message or its records lack the documented fields.
    """
    fail = partial(PublisherError, "UN Comtrade", series)
    if not isinstance(message, dict):
        raise fail("schema_changed", "response is not a JSON object")
    if "statusCode" in message:
        status, text = message["statusCode"], message.get("message", "")
        throttled = str(status) == "429" or "quota" in str(text).lower()
        raise fail("rate_limited" if throttled else "http_error", f"API error {status}: {text}")
    if message.get("error"):
        raise fail("http_error", f"API error: {message['error']}")
    records = message.get("data")
    if not isinstance(records, list):
        raise fail("schema_changed", "response lacks the data list")
    if not records:
        raise fail("empty", "no records for this query (data: [])")
    rows = []
    for record in records:
        missing = [field for field in COMTRADE_FIELDS if not isinstance(record, dict) or field not in record]
        if missing:
            raise fail("schema_changed", f"record lacks {', '.join(missing)}")
        flow = COMTRADE_FLOWS.get(record["flowCode"])
        if flow is None:
            raise fail("schema_changed", f"unexpected flowCode {record['flowCode']!r}")
        if not (len(str(record["period"])) == 4 and str(record["period"]).isdigit()):
            raise fail("schema_changed", f"period {record['period']!r} is not a year")
        try:
            rows.append((int(record["reporterCode"]), int(record["partnerCode"]), int(record["period"]),
                         flow, str(record["cmdCode"]), float(record["primaryValue"])))
        except (TypeError, ValueError):
            raise fail("schema_changed", f"record has non-numeric codes or value: {json.dumps(record)[:120]}") from None
    frame = pd.DataFrame(rows, columns=COMTRADE_COLUMNS).astype(
        {"reporter_code": "int64", "partner_code": "int64", "year": "int64", "value_usd": "float64"})
    keys = COMTRADE_COLUMNS[:-1]
    if frame.duplicated(keys).any():
        raise fail("schema_changed", "several records per reporter, partner, year, flow and section (breakdowns?)")
    return frame.sort_values(keys, ignore_index=True)


def fetch_comtrade_sitc(
    reporter: int = 112, partner: int = 643, years: tuple[int, int] = (2012, 2021),
    *, get: Callable = http_get_json,
) -> pd.DataFrame:
    """Annual exports and imports by SITC Rev. 3 section between reporter and partner, years inclusive."""
    start, end = years
    _check_years(start, end)
    series = f"S3 {int(reporter)}-{int(partner)} {int(start)}-{int(end)}"
    message = _get_as(get, comtrade_url(reporter, partner, range(int(start), int(end) + 1)), "UN Comtrade", series)
    return parse_comtrade(message, series=series)


# --- UNCTADstat bulk file US.ConcentDiversIndices ---------------------------------------------
#
# Verified (public pipelines downloading this table): the bulk file is served at
# unctadstat-api.unctad.org/bulkdownload/US.ConcentDiversIndices/US_ConcentDiversIndices as a 7z
# archive holding one CSV; the table is long (one row per year, economy and flow) with columns
# Year, Economy Label, Flow Label and Concentration Index; Flow Label tells exports from imports.
# Assumed (the UNCTADstat documentation was not available to check):
# * The exact header `Year, Economy, Economy Label, Flow, Flow Label, Number of products,
#   Diversification index, Concentration index`, compared case-insensitively because pipelines
#   spell it "Concentration Index"; `Economy` is the UNCTAD (M49-based) economy code, kept as text.
# * Exports are the rows whose Flow Label is "Exports"; missing indices are empty cells.
# * The CSV is UTF-8, possibly with a byte-order mark. One public pipeline falls back to latin-1;
#   guessing would turn names such as "Côte d'Ivoire" into mojibake silently, so any other
#   encoding is refused as a format change. (No recorded bulk file was found to settle it.)
# The archive is unpacked with py7zr (in the lock; imported only by this refresh).

UNCTAD_CONCENTRATION_URL = "https://unctadstat-api.unctad.org/bulkdownload/US.ConcentDiversIndices/US_ConcentDiversIndices"
UNCTAD_CONCENTRATION_SERIES = "US.ConcentDiversIndices"
UNCTAD_COLUMNS = {"year": "year", "economy": "economy_code", "economy label": "economy",
                  "flow label": "flow", "concentration index": "concentration_index"}
SEVEN_ZIP_SIGNATURE = b"7z\xbc\xaf\x27\x1c"


def parse_unctad_concentration(csv_text: str, *, series: str = UNCTAD_CONCENTRATION_SERIES) -> pd.DataFrame:
    """Tidy rows `economy_code, economy, year, concentration_index` for exports from the bulk CSV."""
    fail = partial(PublisherError, "UNCTAD", series)
    try:
        table = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise fail("schema_changed", f"bulk file is not a CSV table ({err})") from None
    table.columns = [str(column).strip().lower() for column in table.columns]
    missing = [name for name in UNCTAD_COLUMNS if name not in table.columns]
    if missing:
        raise fail("schema_changed", f"CSV lacks column(s) {', '.join(missing)}; it has {', '.join(table.columns)}")
    table = table[list(UNCTAD_COLUMNS)].rename(columns=UNCTAD_COLUMNS)
    exports = table[(table["flow"].str.strip() == "Exports") & (table["concentration_index"].str.strip() != "")]
    if exports.empty:
        raise fail("empty", "no export concentration indices in the bulk file")
    try:
        frame = exports.drop(columns="flow").astype({"year": "int64", "concentration_index": "float64"})
    except ValueError as err:
        raise fail("schema_changed", f"non-numeric year or index ({err})") from None
    return frame[["economy_code", "economy", "year", "concentration_index"]].sort_values(
        ["economy_code", "year"], ignore_index=True)


def fetch_unctad_concentration(
    url: str = UNCTAD_CONCENTRATION_URL, *, get_bytes: Callable = http_get_bytes, max_unpacked: int = LIMITS.unpacked_bytes,
) -> pd.DataFrame:
    """Download the 7z bulk archive, unpack its CSV in memory with py7zr and parse the export concentration index.

    py7zr unpacks each file to the size its header declares, so an archive declaring more than
    `max_unpacked` bytes is refused before a byte is unpacked; py7zr's own counter of unpacked
    bytes (`max_extract_size`) stops the stream at the same limit.
    """
    import py7zr

    fail = partial(PublisherError, "UNCTAD", UNCTAD_CONCENTRATION_SERIES)
    archive = _get_as(get_bytes, url, "UNCTAD", UNCTAD_CONCENTRATION_SERIES)
    if not archive.startswith(SEVEN_ZIP_SIGNATURE):
        raise fail("schema_changed", f"bulk file is not a 7z archive (starts {archive[:16]!r})")
    try:
        with py7zr.SevenZipFile(io.BytesIO(archive), mode="r", max_extract_size=max_unpacked) as seven_zip:
            members = seven_zip.list()
            names = [member.filename for member in members if member.filename.lower().endswith(".csv")]
            if len(names) != 1:
                raise fail("schema_changed", f"archive holds {len(names)} CSV files, expected one")
            declared = sum(member.uncompressed or 0 for member in members)
            if declared > max_unpacked:
                raise fail("over_limit", f"the archive ({_size(len(archive))}) would unpack to {_size(declared)}, above the {_size(max_unpacked)} limit")
            unpacked = py7zr.io.BytesIOFactory(max_unpacked)
            seven_zip.extract(targets=names, factory=unpacked)
            csv_bytes = unpacked.get(names[0]).read()
    except (py7zr.exceptions.ArchiveError, lzma.LZMAError, EOFError) as err:  # cut short, or corrupt packed data
        raise fail("schema_changed", f"bulk file is a damaged 7z archive ({err})") from None
    return parse_unctad_concentration(decode_unctad_csv(csv_bytes))


def decode_unctad_csv(csv_bytes: bytes, *, series: str = UNCTAD_CONCENTRATION_SERIES) -> str:
    """The bulk CSV as text: UTF-8 (a byte-order mark allowed); anything else is a format change, not a crash."""
    try:
        return csv_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise PublisherError("UNCTAD", series, "schema_changed",
                             f"bulk CSV is not UTF-8 (byte {csv_bytes[err.start:err.start + 1]!r} at offset {err.start})") from None


# --- IMF DataMapper API v1 (World Economic Outlook) -------------------------------------------------
#
# Verified (DataMapper API help as summarised by public clients): GET
# https://www.imf.org/external/datamapper/api/v1/{indicator}/{ISO3}/{ISO3}... answers
# {"values": {"NGDPD": {"BLR": {"2023": 71.9, ...}, ...}}, "api": {"version": "1", ...}};
# NGDPD is "GDP, current prices" in billions of US dollars; years include WEO projections.
# Recorded answers quoted by public projects show that the server ignores the countries in the
# path and `?periods=` (NGDPD/DEU?periods=1991 answers every economy from SDN, 1980, on), so
# the answer is filtered to the economies asked for. An unknown country answers only the "api"
# header. One project's fixture has an empty-string economy with null inside values.NGDPD.
# Assumed: null values may appear for years without data; they are missing, not a format change.

WEO_BASE = "https://www.imf.org/external/datamapper/api/v1"
WEO_GDP_INDICATOR = "NGDPD"
WEO_COLUMNS = ["iso3", "year", "gdp_usd"]


def weo_url(countries: str | Iterable[str], indicator: str = WEO_GDP_INDICATOR) -> str:
    """The DataMapper URL for one indicator and several ISO3 countries."""
    return "/".join([WEO_BASE, indicator, *_as_list(countries)])


def parse_weo_gdp(message, *, economies: Iterable[str] | None = None, series: str = f"WEO {WEO_GDP_INDICATOR}") -> pd.DataFrame:
    """Tidy rows `iso3, year, gdp_usd` (US dollars, converted from the published billions).

    With `economies`, the others in the answer are skipped unread, so that a quirk in an economy
    the book does not use cannot fail the refresh.
    """
    wanted = None if economies is None else set(_as_list(economies))
    fail = partial(PublisherError, "IMF", series)
    if not isinstance(message, dict) or not ({"values", "api"} & message.keys()):
        raise fail("schema_changed", "response lacks the documented values object")
    indicators = message.get("values") or {}
    if not isinstance(indicators, dict):
        raise fail("schema_changed", "values is not an object")
    countries = indicators.get(WEO_GDP_INDICATOR) or {}
    if not isinstance(countries, dict):
        raise fail("schema_changed", f"values.{WEO_GDP_INDICATOR} is not an object")
    rows = []
    for iso3, by_year in countries.items():
        if (wanted is not None and iso3 not in wanted) or (iso3 == "" and by_year is None):  # "": a placeholder, not an economy
            continue
        if not isinstance(by_year, dict):
            raise fail("schema_changed", f"values.{WEO_GDP_INDICATOR}.{iso3} is not a year -> value object")
        for year, billions in by_year.items():
            if billions is None:
                continue
            try:
                rows.append((iso3, int(year), float(billions) * 1e9))
            except (TypeError, ValueError):
                raise fail("schema_changed", f"{iso3} {year!r}: {billions!r} is not an annual number") from None
    if not rows:
        raise fail("empty", "the IMF has no observations for this query")
    frame = pd.DataFrame(rows, columns=WEO_COLUMNS).astype({"year": "int64", "gdp_usd": "float64"})
    return frame.sort_values(["iso3", "year"], ignore_index=True)


def fetch_weo_gdp(countries: str | Iterable[str], *, get: Callable = http_get_json) -> pd.DataFrame:
    """WEO GDP in current US dollars for the countries, and only them (the server may answer every economy).

    A country the IMF does not return is `empty`.
    """
    codes = _as_list(countries)
    series = f"WEO {WEO_GDP_INDICATOR} {'/'.join(codes)}"
    frame = parse_weo_gdp(_get_as(get, weo_url(codes), "IMF", series), economies=codes, series=series)
    absent = [code for code in codes if code not in set(frame["iso3"])]
    if absent:
        raise PublisherError("IMF", series, "empty", f"no observations for {', '.join(absent)}")
    return frame
