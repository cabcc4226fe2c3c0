"""Fetch and parse the publishers' web APIs (World Bank WDI, IMF IMTS) into the snapshot's tidy shapes.

Everything here is written against the publishers' documented response formats and tested
offline on hand-written fixtures; nothing in this module has been run against the live APIs.
Every failure is a `PublisherError` with a one-line message naming publisher and series and a
`kind` the build can act on (retry later, keep the snapshot, or stop because the format moved).
"""
from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
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
IMF_STATUS_ATTRIBUTES = ("STATUS", "OBS_STATUS")
IMF_COLUMNS = ["reporter", "partner", "flow", "year", "value_musd", "estimated"]


class PublisherError(RuntimeError):
    """A publisher could not deliver a series; `kind` says what the build should do about it.

    offline        - no network, DNS failure or timeout: keep the snapshot, try again later
    rate_limited   - HTTP 429: wait before asking again
    empty          - the publisher answered but has no observations for the query
    schema_changed - the answer is not in the documented format: the parser needs updating
    http_error     - any other refusal (HTTP 4xx/5xx, or an error the API reports in its body)
    """

    KINDS = ("offline", "rate_limited", "empty", "schema_changed", "http_error")

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


def http_get_json(url: str, *, timeout: float = 20, opener=None, headers: Mapping[str, str] | None = None):
    """GET `url` and decode JSON, turning every way the request can fail into a `PublisherError`.

    The timeout is mandatory so that a dead network stops a build with a message instead of
    hanging it. `opener` is anything with `open(request, timeout=...)` (tests pass a fake);
    by default `urllib.request.urlopen` is used. Errors are labelled with the URL's host and
    path; the fetch functions relabel them with publisher and series.
    """
    if timeout is None or timeout <= 0:
        raise ValueError("http_get_json needs a positive timeout so that a dead network cannot hang the build")
    parts = urllib.parse.urlsplit(url)
    where = (parts.netloc, parts.path)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    open_url = opener.open if opener is not None else urllib.request.urlopen
    try:
        with open_url(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as err:
        if err.code == 429:
            raise PublisherError(*where, "rate_limited", "rate limited (HTTP 429)") from err
        raise PublisherError(*where, "http_error", f"HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        raise PublisherError(*where, "offline", _offline_detail(err.reason, parts.hostname, timeout)) from err
    except (OSError, http.client.HTTPException) as err:
        raise PublisherError(*where, "offline", _offline_detail(err, parts.hostname, timeout)) from err
    if not body.strip():
        raise PublisherError(*where, "empty", "the publisher answered with an empty body (no data)")
    try:
        return json.loads(body)
    except ValueError as err:
        raise PublisherError(*where, "schema_changed", f"response is not JSON ({err})") from err


def _offline_detail(reason, host: str | None, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"offline: no response within {timeout:g} s"
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
    *, get: Callable = http_get_json,
) -> pd.DataFrame:
    """Fetch every page of every indicator and return one tidy frame (`iso3, indicator, year, value`)."""
    frames = []
    for indicator in _as_list(indicators):
        first = _get_as(get, wdi_url(indicator, countries, start, end, page=1), "World Bank", indicator)
        page_count = _wdi_header(first, indicator)["pages"]
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
#   the SDMX code for estimated values; the IMF's own status codelist was not available to check.

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
    """The IMTS series key COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY, annual frequency."""
    return ".".join("+".join(_as_list(codes)) for codes in (reporters, indicators, partners, "A"))


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
        if value is None:
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
            any(_is_estimate(attrs.get(name)) for name in IMF_STATUS_ATTRIBUTES),
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


def _is_estimate(attribute) -> bool:
    if not attribute or attribute[0] is None:
        return False
    code, name = attribute
    return str(code).upper() == "E" or "estimat" in (name or "").lower()


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
    labels the caller wants (for instance the snapshot's DOTS-era labels).
    """
    series = f"IMTS {imf_trade_key(reporters, indicators, partners)}"
    message = _get_as(get, imf_trade_url(reporters, indicators, partners, start, end), "IMF", series, headers=IMF_HEADERS)
    if country_names is None:
        codelist = _get_as(get, IMF_COUNTRY_CODELIST_URL, "IMF", "CL_COUNTRY", headers=IMF_HEADERS)
        country_names = parse_imf_country_names(codelist)
    frame = parse_imf_sdmx_json(message, country_names=country_names, series=series)
    frame = frame[frame["year"].between(int(start), int(end))].reset_index(drop=True)
    if frame.empty:
        raise PublisherError("IMF", series, "empty", f"no observations in {start}-{end}")
    return frame
