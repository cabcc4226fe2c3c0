"""UN Comtrade: the preview URL, the tidy frame and the API's own errors, on fixtures in the documented
format and on an answer the server really sent (recorded by comtradr from data/v1/get, the keyed
sibling of the preview)."""
import copy
import urllib.parse
from functools import partial

import pandas as pd
import pytest
from publisher_answers import FakeGet, FakeOpener, RecordedServer, assert_one_line, fixture, http_error, recorded

from belarus_trade.data.publishers.client import PublisherError, http_get_json
from belarus_trade.data.publishers.comtrade import comtrade_url, fetch_comtrade_sitc, parse_comtrade

COMTRADE_SERIES = "S3 112-643 2012-2021"


def test_comtrade_url_has_the_documented_shape():
    url = comtrade_url(112, 643, [2012, 2013])
    assert url == (
        "https://comtradeapi.un.org/public/v1/preview/C/A/S3?reporterCode=112&partnerCode=643"
        "&period=2012,2013&flowCode=X,M&cmdCode=0,1,2,3,4,5,6,7,8,9&motCode=0&customsCode=C00&partner2Code=0"
    )


def test_parse_comtrade_gives_the_exact_tidy_frame():
    frame = parse_comtrade(fixture("comtrade_sitc_blr_rus.json"))
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "reporter_code": [112] * 5, "partner_code": [643] * 5,
        "year": [2012, 2012, 2021, 2021, 2021],
        "flow": ["exports", "imports", "exports", "exports", "imports"],
        "sitc_section": ["0", "3", "0", "7", "3"],
        "value_usd": [3632118004.0, 14920331702.0, 5124003817.0, 4407521310.5, 9871230554.0],
    }))


def test_fetch_comtrade_sitc_asks_for_every_year_once():
    get = FakeGet(lambda url: fixture("comtrade_sitc_blr_rus.json"))
    frame = fetch_comtrade_sitc(get=get)
    assert get.urls == [comtrade_url(112, 643, range(2012, 2022))]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(get.urls[0]).query)
    assert query["period"] == [",".join(str(year) for year in range(2012, 2022))]
    assert len(frame) == 5


@pytest.mark.parametrize("name, kind, message", [
    ("comtrade_empty.json", "empty", "no records for this query (data: [])"),
    ("comtrade_rate_limited.json", "rate_limited", "API error 429: Rate limit is exceeded. Try again in 2 seconds."),
    ("comtrade_error.json", "http_error", "API error: Invalid parameter: reporterCode 9999 is not a valid reporter"),
])
def test_comtrade_empty_and_error_answers(name, kind, message):
    with pytest.raises(PublisherError) as caught:
        fetch_comtrade_sitc(get=FakeGet(lambda url: fixture(name)))
    assert caught.value.kind == kind
    assert str(caught.value) == f"UN Comtrade {COMTRADE_SERIES}: {message}"


def test_comtrade_quota_message_is_rate_limited():
    quota = {"statusCode": 403, "message": "Out of call volume quota. Quota will be replenished in 00:10:00."}
    with pytest.raises(PublisherError) as caught:
        parse_comtrade(quota)
    assert caught.value.kind == "rate_limited"


def test_comtrade_http_429_names_the_series():
    opener = FakeOpener(http_error("https://comtradeapi.un.org/x", 429, "Too Many Requests"))
    with pytest.raises(PublisherError) as caught:
        fetch_comtrade_sitc(get=partial(http_get_json, opener=opener))
    assert str(caught.value) == f"UN Comtrade {COMTRADE_SERIES}: rate limited (HTTP 429)"


@pytest.mark.parametrize("damage", [
    lambda message: message["data"][0].pop("primaryValue"),
    lambda message: message["data"][0].update(flowCode="RX"),
    lambda message: message["data"][0].update(period="202101"),
    lambda message: message["data"].append(copy.deepcopy(message["data"][0])),
    lambda message: message.pop("data"),
])
def test_comtrade_records_lacking_fields_are_schema_changed(damage):
    message = fixture("comtrade_sitc_blr_rus.json")
    damage(message)
    with pytest.raises(PublisherError) as caught:
        parse_comtrade(message, series=COMTRADE_SERIES)
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, f"UN Comtrade {COMTRADE_SERIES}: ")


# --- recorded answers ------------------------------------------------------------------------

def test_comtrade_recorded_answer_parses_every_record():
    frame = parse_comtrade(recorded("comtrade_chn_arg_deu_2010_hs_total.json"))
    assert len(frame) == 4 and set(frame.reporter_code) == {156} and set(frame.partner_code) == {32, 276}
    values = frame.set_index(["partner_code", "flow"]).value_usd
    assert values[(276, "exports")] == 68047133397.0 and values[(32, "imports")] == 6804128143.0


def test_fetch_comtrade_asks_the_preview_totals_and_reads_the_recorded_answer():
    url = comtrade_url(156, 276, [2010])
    server = RecordedServer({url: recorded("comtrade_chn_arg_deu_2010_hs_total.json")})
    frame = fetch_comtrade_sitc(156, 276, (2010, 2010), get=server)
    assert "motCode=0" in url and "customsCode=C00" in url and "partner2Code=0" in url
    assert len(frame) == 4
