"""IMF: bilateral goods trade from IMTS (SDMX 3.0) and GDP from the World Economic Outlook (DataMapper).

Why the IMF: IMTS continues DOTS, the IMF series the snapshot's trade by partner comes from, and
the WEO has the latest years of GDP that the World Bank has not published yet. The SDMX-JSON
answers are parsed here by hand because no maintained SDMX library reads what the IMF sends:
sdmx1 (2.28) fails on its data messages (an empty `meta`, periods given as `value`) and reads no
JSON codelist; pysdmx reads SDMX-JSON structures but no SDMX-JSON data.
"""
from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from functools import partial

import pandas as pd

from belarus_trade.data.publishers.client import PublisherError, as_list, check_year_range, get_as, http_get_json

# --- IMTS: SDMX 3.0 API, dataflow IMF.STA/IMTS ---------------------------------------------------
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

IMF_DATA_BASE = "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+"
IMF_COUNTRY_CODELIST_URL = "https://api.imf.org/external/sdmx/3.0/structure/codelist/IMF/CL_COUNTRY/+"
IMF_HEADERS = {"Accept": "application/json"}
IMF_FLOWS = {"XG_FOB_USD": "exports_fob", "MG_CIF_USD": "imports_cif"}
IMF_REQUIRED_DIMENSIONS = ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD")
IMF_ALL_CODES = "*"
IMF_STATUS_ATTRIBUTES = ("STATUS", "OBS_STATUS")
IMF_ESTIMATED_DERIVATIONS = frozenset({"SE", "SEME", "SEHI", "SP"})
IMF_COLUMNS = ["reporter", "partner", "flow", "year", "value_musd", "estimated"]


def imf_trade_url(
    reporters: str | Iterable[str], indicators: str | Iterable[str], partners: str | Iterable[str],
    start: int, end: int,
) -> str:
    """The IMTS data URL for annual bilateral goods trade, time series layout, years start..end."""
    check_year_range(start, end)
    unknown = [code for code in as_list(indicators) if code not in IMF_FLOWS]
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
    return ".".join("+".join(code for code in as_list(codes) if code) or IMF_ALL_CODES
                    for codes in (reporters, indicators, partners, "A"))


def parse_imf_country_names(message: dict, *, series: str = "CL_COUNTRY") -> dict[str, str]:
    """Code -> name from an SDMX-JSON structure message holding the IMF codelist CL_COUNTRY."""
    try:
        codes = message["data"]["codelists"][0]["codes"]
        return {code["id"]: _label(code) for code in codes}
    except (TypeError, KeyError, IndexError):
        raise PublisherError("IMF", series, "schema_changed", "codelist message lacks data.codelists[0].codes") from None


def fetch_imf_country_names(*, get: Callable = http_get_json) -> dict[str, str]:
    """Code -> name of every country and group in the IMF codelist CL_COUNTRY."""
    return parse_imf_country_names(get_as(get, IMF_COUNTRY_CODELIST_URL, "IMF", "CL_COUNTRY", headers=IMF_HEADERS))


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
    message = get_as(get, imf_trade_url(reporters, indicators, partners, start, end), "IMF", series, headers=IMF_HEADERS)
    if country_names is None:
        country_names = fetch_imf_country_names(get=get)
    unnamed = [code for code in (*as_list(reporters), *as_list(partners))
               if code and code != IMF_ALL_CODES and not country_names.get(code)]
    if unnamed:
        raise PublisherError("IMF", series, "schema_changed", f"no name for requested country code(s) {', '.join(unnamed)} in the codelist")
    frame = parse_imf_sdmx_json(message, country_names=country_names, series=series)
    frame = frame[frame["year"].between(int(start), int(end))].reset_index(drop=True)
    if frame.empty:
        raise PublisherError("IMF", series, "empty", f"no observations in {start}-{end}")
    return frame



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
    return "/".join([WEO_BASE, indicator, *as_list(countries)])


def parse_weo_gdp(message, *, economies: Iterable[str] | None = None, series: str = f"WEO {WEO_GDP_INDICATOR}") -> pd.DataFrame:
    """Tidy rows `iso3, year, gdp_usd` (US dollars, converted from the published billions).

    With `economies`, the others in the answer are skipped unread, so that a quirk in an economy
    the book does not use cannot fail the refresh.
    """
    wanted = None if economies is None else set(as_list(economies))
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
    codes = as_list(countries)
    series = f"WEO {WEO_GDP_INDICATOR} {'/'.join(codes)}"
    frame = parse_weo_gdp(get_as(get, weo_url(codes), "IMF", series), economies=codes, series=series)
    absent = [code for code in codes if code not in set(frame["iso3"])]
    if absent:
        raise PublisherError("IMF", series, "empty", f"no observations for {', '.join(absent)}")
    return frame
