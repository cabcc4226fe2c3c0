"""UN Comtrade: Belarus's trade with Russia by SITC section, which the IMF's totals do not break down.

Why the preview endpoint: it needs no key, and its limit of 500 records per answer is met by
asking in spans of years (the refresh asks 20 years at a time).
"""
from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterable
from functools import partial

import pandas as pd

from belarus_trade.data.publishers.client import PublisherError, check_year_range, get_as, http_get_json

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
    check_year_range(start, end)
    series = f"S3 {int(reporter)}-{int(partner)} {int(start)}-{int(end)}"
    message = get_as(get, comtrade_url(reporter, partner, range(int(start), int(end) + 1)), "UN Comtrade", series)
    return parse_comtrade(message, series=series)

