"""World Bank WDI: trade as a share of GDP, merchandise exports and imports, and GDP (Belarus, Russia, the world).

Why the WDI: it publishes these series for every economy through an open API (Indicators v2)
that needs no key. Its answers are paged and the page count comes from the server, so the count
is capped (`Limits.pages`) before any further request.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import partial

import pandas as pd

from belarus_trade.data.publishers.client import LIMITS, PublisherError, as_list, check_year_range, get_as, http_get_json

# Verified (datahelpdesk.worldbank.org "API Basic Call Structures" and "New Features and
# Enhancements in the V2 API"; response shape as shown in published client code and tutorials):
#   GET /v2/country/{c1;c2}/indicator/{id}?format=json&date=Y1:Y2&per_page=N&page=P
#   -> [ {"page", "pages", "per_page", "total", "sourceid", "lastupdated"},
#        [ {"indicator": {"id", "value"}, "country": {"id", "value"}, "countryiso3code",
#           "date", "value", "unit", "obs_status", "decimal"}, ... ] ]
#   No data:   [{"page": 0, "pages": 0, "per_page": 0, "total": 0, ...}, null]
#   Bad query: [{"message": [{"id": "120", "key": "Invalid value", "value": "..."}]}] with HTTP 200
# `per_page` is sometimes a string, so header numbers are read with int().

WDI_BASE = "https://api.worldbank.org/v2"
WDI_PER_PAGE = 1000
WDI_COLUMNS = ["iso3", "indicator", "year", "value"]


def wdi_url(indicator: str, countries: str | Iterable[str], start: int, end: int, page: int = 1) -> str:
    """The WDI v2 JSON URL for one indicator, several countries and a year range, one page."""
    check_year_range(start, end)
    country_path = ";".join(as_list(countries))
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
    for indicator in as_list(indicators):
        first = get_as(get, wdi_url(indicator, countries, start, end, page=1), "World Bank", indicator)
        page_count = _wdi_header(first, indicator)["pages"]
        if page_count > max_pages:
            raise PublisherError("World Bank", indicator, "over_limit",
                                 f"the paging header claims {page_count} pages, above the limit of {max_pages} pages per series")
        pages = [first] + [
            get_as(get, wdi_url(indicator, countries, start, end, page=number), "World Bank", indicator)
            for number in range(2, page_count + 1)
        ]
        frames.append(parse_wdi_pages(pages, series=indicator))
    return pd.concat(frames, ignore_index=True)

