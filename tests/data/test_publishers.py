"""Offline tests of the publishers' fetch-and-parse layer, on fixtures in the documented formats."""
import codecs
import copy
import email.message
import io
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from functools import partial
from pathlib import Path

import pandas as pd
import py7zr
import pytest

from belarus_trade.data import publishers
from belarus_trade.data.publishers import (
    Limits,
    MiB,
    PublisherError,
    fetch_imf_trade,
    fetch_wdi,
    http_get_json,
    imf_trade_url,
    parse_imf_country_names,
    parse_imf_sdmx_json,
    parse_wdi_pages,
    wdi_url,
)

FIXTURES = Path(__file__).parent / "fixtures" / "publishers"
EXPORTS = "NE.EXP.GNFS.ZS"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def wdi_pages():
    return [fixture("wdi_exports_page1.json"), fixture("wdi_exports_page2.json")]


def imf_names():
    return parse_imf_country_names(fixture("imf_cl_country.json"))


def assert_one_line(err: PublisherError, prefix: str):
    text = str(err)
    assert text.startswith(prefix), text
    assert "\n" not in text


# --- fake transport ---------------------------------------------------------------------------

class FakeResponse(io.BytesIO):
    """What urlopen returns: a readable context manager with a status and headers."""

    def __init__(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None):
        super().__init__(body)
        self.status = status
        self.headers = email.message.Message()
        for name, value in (headers or {}).items():
            self.headers[name] = value


class FakeOpener:
    """Records every request and its timeout, then answers or raises as scripted."""

    def __init__(self, outcome, headers: dict[str, str] | None = None):
        self.outcome = outcome
        self.headers = headers
        self.calls = []

    def open(self, request, timeout=None):
        self.calls.append((request, timeout))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return FakeResponse(self.outcome, headers=self.headers)


def http_error(url: str, code: int, reason: str) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(url, code, reason, email.message.Message(), None)


class FakeGet:
    """A stand-in for http_get_json that serves decoded fixtures by URL."""

    def __init__(self, answer):
        self.answer = answer
        self.urls = []

    def __call__(self, url, **kwargs):
        self.urls.append(url)
        return self.answer(url)


def page_number(url: str) -> int:
    return int(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["page"][0])


# --- World Bank -------------------------------------------------------------------------------

def test_wdi_url_has_the_documented_shape():
    assert wdi_url(EXPORTS, ["BLR", "WLD"], 2000, 2024, page=3) == (
        "https://api.worldbank.org/v2/country/BLR;WLD/indicator/NE.EXP.GNFS.ZS"
        "?format=json&date=2000:2024&per_page=1000&page=3"
    )


def test_wdi_url_refuses_a_reversed_year_range():
    with pytest.raises(ValueError, match="after end year"):
        wdi_url(EXPORTS, "BLR", 2024, 2000)


def test_parse_wdi_pages_gives_the_exact_tidy_frame_without_nulls():
    expected = pd.DataFrame({
        "iso3": ["BLR", "BLR", "BLR", "WLD", "WLD", "WLD", "WLD"],
        "indicator": [EXPORTS] * 7,
        "year": [2020, 2021, 2022, 2020, 2021, 2022, 2023],
        "value": [60.8123, 69.6843, 66.2914, 26.3487, 28.7496, 31.0125, 29.6081],
    })
    frame = parse_wdi_pages(wdi_pages(), series=EXPORTS)
    assert list(frame.columns) == ["iso3", "indicator", "year", "value"]
    assert frame["year"].dtype == "int64" and frame["value"].dtype == "float64"
    pd.testing.assert_frame_equal(frame, expected)


def test_fetch_wdi_follows_pagination_and_concatenates():
    pages = wdi_pages()
    get = FakeGet(lambda url: pages[page_number(url) - 1])
    frame = fetch_wdi([EXPORTS], ["BLR", "WLD"], 2020, 2023, get=get)
    assert get.urls == [wdi_url(EXPORTS, ["BLR", "WLD"], 2020, 2023, page=1),
                        wdi_url(EXPORTS, ["BLR", "WLD"], 2020, 2023, page=2)]
    assert [page_number(url) for url in get.urls] == [1, 2]
    assert len(frame) == 7
    assert frame.loc[(frame.iso3 == "WLD") & (frame.year == 2023), "value"].item() == 29.6081
    assert not ((frame.iso3 == "BLR") & (frame.year == 2023)).any()


def test_fetch_wdi_refuses_a_page_count_above_its_limit_before_asking_for_more():
    page = fixture("wdi_exports_page1.json")
    page[0]["pages"] = 1_000_000
    get = FakeGet(lambda url: page)
    with pytest.raises(PublisherError) as caught:
        fetch_wdi(EXPORTS, ["BLR", "WLD"], 2020, 2023, get=get, max_pages=5)
    assert caught.value.kind == "over_limit"
    assert str(caught.value) == "World Bank NE.EXP.GNFS.ZS: the paging header claims 1000000 pages, above the limit of 5 pages per series"
    assert len(get.urls) == 1


def test_fetch_wdi_follows_as_many_pages_as_its_limit():
    pages = wdi_pages()
    frame = fetch_wdi([EXPORTS], ["BLR", "WLD"], 2020, 2023, get=FakeGet(lambda url: pages[page_number(url) - 1]), max_pages=2)
    assert len(frame) == 7


def test_fetch_wdi_concatenates_several_indicators():
    def answer(url):
        page = copy.deepcopy(wdi_pages()[page_number(url) - 1])
        indicator = urllib.parse.urlsplit(url).path.rsplit("/", 1)[1]
        for record in page[1]:
            record["indicator"]["id"] = indicator
        return page

    frame = fetch_wdi(["NE.EXP.GNFS.ZS", "NE.IMP.GNFS.ZS"], ["BLR", "WLD"], 2020, 2023, get=FakeGet(answer))
    assert frame.groupby("indicator").size().to_dict() == {"NE.EXP.GNFS.ZS": 7, "NE.IMP.GNFS.ZS": 7}


def test_wdi_error_message_is_a_one_line_publisher_error():
    with pytest.raises(PublisherError) as caught:
        fetch_wdi(EXPORTS, ["BLR", "WLD"], 2000, 2024, get=FakeGet(lambda url: fixture("wdi_error.json")))
    assert caught.value.kind == "http_error"
    assert str(caught.value) == (
        "World Bank NE.EXP.GNFS.ZS: API error 120 Invalid value: The provided parameter value is not valid")


def test_wdi_empty_response_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        fetch_wdi(EXPORTS, "BLR", 2000, 2024, get=FakeGet(lambda url: fixture("wdi_empty.json")))
    assert caught.value.kind == "empty"
    assert_one_line(caught.value, "World Bank NE.EXP.GNFS.ZS: no observations")


def test_wdi_response_with_only_nulls_is_kind_empty():
    page = fixture("wdi_exports_page1.json")
    for record in page[1]:
        record["value"] = None
    page[0].update(pages=1, total=4)
    with pytest.raises(PublisherError) as caught:
        parse_wdi_pages([page], series=EXPORTS)
    assert caught.value.kind == "empty"


@pytest.mark.parametrize("damage", [
    lambda page: page[1][0].pop("countryiso3code"),
    lambda page: page[1][0].update(date="2022Q1"),
    lambda page: page[0].pop("pages"),
    lambda page: page.pop(),
])
def test_wdi_records_lacking_expected_keys_are_schema_changed(damage):
    page = fixture("wdi_exports_page1.json")
    damage(page)
    with pytest.raises(PublisherError) as caught:
        parse_wdi_pages([page], series=EXPORTS)
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "World Bank NE.EXP.GNFS.ZS: ")


# --- HTTP layer -------------------------------------------------------------------------------

def test_http_get_json_decodes_and_always_passes_a_timeout():
    opener = FakeOpener(json.dumps(fixture("wdi_empty.json")).encode())
    assert http_get_json("https://api.worldbank.org/v2/x", opener=opener) == fixture("wdi_empty.json")
    ((request, timeout),) = opener.calls
    assert timeout == 20
    assert request.get_header("User-agent").startswith("belarus_trade/")


def test_http_get_json_sends_extra_headers_and_a_custom_timeout():
    opener = FakeOpener(b"{}")
    http_get_json("https://api.imf.org/x", opener=opener, limits=Limits(read_seconds=5), headers={"Accept": "application/json"})
    ((request, timeout),) = opener.calls
    assert timeout == 5 and request.get_header("Accept") == "application/json"


@pytest.mark.parametrize("limit", ["read_seconds", "request_seconds", "run_seconds", "response_bytes", "unpacked_bytes", "pages"])
@pytest.mark.parametrize("value", [None, 0, -1])
def test_limits_refuse_a_missing_or_non_positive_limit(limit, value):
    with pytest.raises(ValueError) as caught:
        Limits(**{limit: value})
    assert str(caught.value) == (
        f"limit {limit} must be a positive number, not {value!r}, so that a misbehaving server cannot hold the refresh")


def test_an_answer_announcing_more_than_the_byte_limit_is_refused_before_reading():
    opener = FakeOpener(b"{}" * 1000, headers={"Content-Length": str(300 * MiB)})
    with pytest.raises(PublisherError) as caught:
        http_get_json("https://api.imf.org/x", opener=opener, limits=Limits(response_bytes=MiB))
    assert caught.value.kind == "over_limit"
    assert str(caught.value) == "api.imf.org /x: the answer announces 300 MiB, above the 1 MiB limit per response"


def test_an_answer_cut_short_of_its_content_length_is_an_http_error():
    with pytest.raises(PublisherError) as caught:
        http_get_json("https://api.imf.org/x", opener=FakeOpener(b'{"values":', headers={"Content-Length": "1000"}))
    assert caught.value.kind == "http_error"
    assert str(caught.value) == "api.imf.org /x: the answer was cut short at 10 of the 1000 bytes it announced"


def test_rate_limit_names_publisher_and_series():
    url = wdi_url(EXPORTS, "BLR", 2000, 2024)
    opener = FakeOpener(http_error(url, 429, "Too Many Requests"))
    with pytest.raises(PublisherError) as caught:
        fetch_wdi(EXPORTS, "BLR", 2000, 2024, get=partial(http_get_json, opener=opener))
    assert caught.value.kind == "rate_limited"
    assert str(caught.value) == "World Bank NE.EXP.GNFS.ZS: rate limited (HTTP 429)"
    assert opener.calls[0][1] == 20


def test_other_http_errors_are_kind_http_error():
    opener = FakeOpener(http_error("https://api.imf.org/x", 503, "Service Unavailable"))
    with pytest.raises(PublisherError) as caught:
        fetch_imf_trade("BLR", "RUS", 2021, 2023, get=partial(http_get_json, opener=opener))
    assert caught.value.kind == "http_error"
    assert str(caught.value) == (
        "IMF IMTS BLR.XG_FOB_USD+MG_CIF_USD.RUS.A: HTTP 503 Service Unavailable")


@pytest.mark.parametrize("failure, kind, detail", [
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "offline", "offline: cannot resolve api.worldbank.org"),
    (urllib.error.URLError(TimeoutError("timed out")), "offline", "offline: no connection to api.worldbank.org within 20 s"),
    (urllib.error.URLError(OSError(101, "Network is unreachable")), "offline", "offline: connection failed"),
    (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "offline", "offline: connection failed"),
    # urllib raises these bare only once connected: the server was reached, so the network is not to blame.
    (TimeoutError("The read operation timed out"), "timeout", "timeout: api.worldbank.org was reached but sent nothing for 20 s"),
    (ConnectionResetError(104, "Connection reset by peer"), "http_error", "api.worldbank.org broke off the connection"),
], ids=["dns", "connect-timeout", "unreachable", "refused", "silent-server", "reset-mid-answer"])
def test_network_failures_are_offline_only_without_a_connection(monkeypatch, failure, kind, detail):
    seen = {}

    def urlopen(request, timeout=None):
        seen["timeout"] = timeout
        raise failure

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(PublisherError) as caught:
        fetch_wdi(EXPORTS, "BLR", 2000, 2024)
    assert caught.value.kind == kind
    assert_one_line(caught.value, f"World Bank NE.EXP.GNFS.ZS: {detail}")
    assert seen["timeout"] == 20


def test_invalid_json_is_schema_changed():
    opener = FakeOpener(b"<html><body>Service moved</body></html>")
    with pytest.raises(PublisherError) as caught:
        fetch_wdi(EXPORTS, "BLR", 2000, 2024, get=partial(http_get_json, opener=opener))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "World Bank NE.EXP.GNFS.ZS: response is not JSON")


def test_no_content_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        http_get_json("https://api.imf.org/x", opener=FakeOpener(b""))
    assert caught.value.kind == "empty"


def test_publisher_error_rejects_unknown_kinds():
    with pytest.raises(ValueError):
        PublisherError("IMF", "IMTS", "broken", "detail")


# --- IMF IMTS ---------------------------------------------------------------------------------

def imf_expected(**overrides) -> pd.DataFrame:
    columns = {
        "reporter": ["Belarus, Republic of"] * 6,
        "partner": ["Russian Federation"] * 6,
        "flow": ["exports_fob"] * 3 + ["imports_cif"] * 3,
        "year": [2021, 2022, 2023] * 2,
        "value_musd": [22755.0, 25432.1, 26812.3, 24413.0, 25100.4, 27950.6],
        "estimated": [False, False, True, False, False, False],
    }
    columns.update(overrides)
    return pd.DataFrame(columns)


def test_imf_trade_url_has_the_documented_shape():
    url = imf_trade_url("BLR", ["XG_FOB_USD", "MG_CIF_USD"], "RUS", 2000, 2024)
    assert url == (
        "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/"
        "BLR.XG_FOB_USD+MG_CIF_USD.RUS.A"
        "?c%5BTIME_PERIOD%5D=ge%3A2000%2Ble%3A2024&dimensionAtObservation=TIME_PERIOD"
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["c[TIME_PERIOD]"] == ["ge:2000+le:2024"]


def test_imf_trade_url_refuses_indicators_it_cannot_label():
    with pytest.raises(ValueError, match="TBG_USD"):
        imf_trade_url("BLR", "TBG_USD", "RUS", 2000, 2024)


def test_parse_imf_series_layout_gives_the_exact_tidy_frame():
    frame = parse_imf_sdmx_json(fixture("imf_imts_blr_rus.json"), country_names=imf_names())
    assert list(frame.columns) == ["reporter", "partner", "flow", "year", "value_musd", "estimated"]
    assert frame["estimated"].dtype == bool and frame["year"].dtype == "int64"
    pd.testing.assert_frame_equal(frame, imf_expected())


def test_imf_scale_attribute_is_not_applied_but_unit_mult_is():
    message = fixture("imf_imts_blr_rus.json")
    scale = message["data"]["structures"][0]["attributes"]["series"][0]
    assert scale["id"] == "SCALE" and scale["values"] == [{"id": "6"}]
    message["data"]["structures"][0]["attributes"]["dataSet"] = [
        {"id": "UNIT_MULT", "relationship": {"dataflow": {}}, "values": [{"id": "3", "name": "Thousands"}]}]
    message["data"]["dataSets"][0]["attributes"] = [0]
    frame = parse_imf_sdmx_json(message, country_names=imf_names())
    assert frame["value_musd"].tolist() == pytest.approx([v * 1000 for v in imf_expected()["value_musd"]])


def test_imf_names_in_the_structure_are_used_when_present():
    message = fixture("imf_imts_blr_rus.json")
    for dim in message["data"]["structures"][0]["dimensions"]["series"]:
        for value in dim["values"]:
            value["name"] = {"BLR": "Belarus, Rep. of", "RUS": "Russian Federation"}.get(value["id"], value["id"])
    frame = parse_imf_sdmx_json(message)
    assert set(frame["reporter"]) == {"Belarus, Rep. of"}
    assert set(frame["partner"]) == {"Russian Federation"}


def test_imf_flat_all_dimensions_layout():
    message = fixture("imf_imts_blr_rus.json")
    structure = message["data"]["structures"][0]
    structure["dimensions"]["observation"] = structure["dimensions"]["series"] + structure["dimensions"]["observation"]
    structure["dimensions"]["series"] = []
    structure["attributes"]["series"] = []
    message["data"]["dataSets"][0] = {"structure": 0, "action": "Replace", "observations": {
        "0:0:0:0:2": ["26812300000", None, 0, "E"],
        "0:1:0:0:0": ["24413000000", None, 0, None],
    }}
    frame = parse_imf_sdmx_json(message, country_names=imf_names())
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "reporter": ["Belarus, Republic of"] * 2, "partner": ["Russian Federation"] * 2,
        "flow": ["exports_fob", "imports_cif"], "year": [2023, 2021],
        "value_musd": [26812.3, 24413.0], "estimated": [True, False],
    }))


def test_imf_missing_observation_values_are_dropped():
    message = fixture("imf_imts_blr_rus.json")
    observations = message["data"]["dataSets"][0]["series"]["0:1:0:0"]["observations"]
    observations["1"][0] = None
    observations["2"][0] = "NaN"
    frame = parse_imf_sdmx_json(message, country_names=imf_names())
    assert frame[frame.flow == "imports_cif"]["year"].tolist() == [2021]


def test_imf_empty_message_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        parse_imf_sdmx_json(fixture("imf_empty.json"), country_names=imf_names(), series="IMTS BLR.XG_FOB_USD.RUS.A")
    assert caught.value.kind == "empty"
    assert_one_line(caught.value, "IMF IMTS BLR.XG_FOB_USD.RUS.A: ")


def test_imf_renamed_dimension_is_schema_changed():
    with pytest.raises(PublisherError) as caught:
        parse_imf_sdmx_json(fixture("imf_structure_changed.json"), country_names=imf_names())
    assert caught.value.kind == "schema_changed"
    assert str(caught.value) == (
        "IMF IMTS: dimension(s) COUNTRY, COUNTERPART_COUNTRY missing; "
        "message has COUNTERPART_AREA, FREQUENCY, INDICATOR, REF_AREA, TIME_PERIOD")


@pytest.mark.parametrize("damage", [
    lambda message: message.pop("data"),
    lambda message: message["data"].pop("structures"),
    lambda message: message["data"]["structures"][0].pop("dimensions"),
    lambda message: message["data"]["dataSets"][0]["series"].update({"0:0:0": {"observations": {"0": ["1"]}}}),
    lambda message: message["data"]["dataSets"][0]["series"].update({"0:5:0:0": {"observations": {"0": ["1"]}}}),
    lambda message: message["data"]["structures"][0]["dimensions"]["observation"][0]["values"][0].update(value="2021-M01"),
])
def test_imf_missing_structure_is_schema_changed(damage):
    message = fixture("imf_imts_blr_rus.json")
    damage(message)
    with pytest.raises(PublisherError) as caught:
        parse_imf_sdmx_json(message, country_names=imf_names())
    assert caught.value.kind == "schema_changed"


def test_imf_country_without_a_name_is_schema_changed():
    with pytest.raises(PublisherError) as caught:
        parse_imf_sdmx_json(fixture("imf_imts_blr_rus.json"), country_names={"BLR": "Belarus, Republic of"})
    assert caught.value.kind == "schema_changed"
    assert "RUS" in str(caught.value)


def test_imf_codelist_is_parsed_and_checked():
    assert imf_names() == {"BLR": "Belarus, Republic of", "RUS": "Russian Federation", "G001": "World"}
    with pytest.raises(PublisherError) as caught:
        parse_imf_country_names({"data": {}})
    assert caught.value.kind == "schema_changed"


def test_fetch_imf_trade_asks_for_data_and_codelist_and_filters_years():
    answers = {
        imf_trade_url("BLR", list(publishers.IMF_FLOWS), "RUS", 2022, 2023): fixture("imf_imts_blr_rus.json"),
        publishers.IMF_COUNTRY_CODELIST_URL: fixture("imf_cl_country.json"),
    }
    seen_headers = []

    def get(url, **kwargs):
        seen_headers.append(kwargs.get("headers"))
        return answers[url]

    frame = fetch_imf_trade("BLR", "RUS", 2022, 2023, get=get)
    assert seen_headers == [{"Accept": "application/json"}] * 2
    pd.testing.assert_frame_equal(frame, imf_expected().query("year >= 2022").reset_index(drop=True))


def test_fetch_imf_trade_uses_caller_labels_without_asking_for_the_codelist():
    get = FakeGet(lambda url: fixture("imf_imts_blr_rus.json"))
    labels = {"BLR": "Belarus, Rep. of", "RUS": "Russian Federation"}
    frame = fetch_imf_trade("BLR", "RUS", 2021, 2023, country_names=labels, get=get)
    assert len(get.urls) == 1
    assert set(frame["reporter"]) == {"Belarus, Rep. of"}


def test_fetch_imf_trade_outside_the_years_is_kind_empty():
    get = FakeGet(lambda url: fixture("imf_imts_blr_rus.json"))
    with pytest.raises(PublisherError) as caught:
        fetch_imf_trade("BLR", "RUS", 2000, 2005, country_names=imf_names(), get=get)
    assert caught.value.kind == "empty"
    assert str(caught.value) == "IMF IMTS BLR.XG_FOB_USD+MG_CIF_USD.RUS.A: no observations in 2000-2005"


def test_fetch_imf_trade_rate_limit_names_the_series():
    opener = FakeOpener(http_error("https://api.imf.org/x", 429, "Too Many Requests"))
    with pytest.raises(PublisherError) as caught:
        fetch_imf_trade("BLR", "RUS", 2021, 2023, get=partial(http_get_json, opener=opener))
    assert caught.value.kind == "rate_limited"
    assert str(caught.value) == "IMF IMTS BLR.XG_FOB_USD+MG_CIF_USD.RUS.A: rate limited (HTTP 429)"
    ((request, timeout),) = opener.calls
    assert timeout == 20 and request.get_header("Accept") == "application/json"


# --- UN Comtrade ------------------------------------------------------------------------------

COMTRADE_SERIES = "S3 112-643 2012-2021"


def test_comtrade_url_has_the_documented_shape():
    url = publishers.comtrade_url(112, 643, [2012, 2013])
    assert url == (
        "https://comtradeapi.un.org/public/v1/preview/C/A/S3?reporterCode=112&partnerCode=643"
        "&period=2012,2013&flowCode=X,M&cmdCode=0,1,2,3,4,5,6,7,8,9&motCode=0&customsCode=C00&partner2Code=0"
    )


def test_parse_comtrade_gives_the_exact_tidy_frame():
    frame = publishers.parse_comtrade(fixture("comtrade_sitc_blr_rus.json"))
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "reporter_code": [112] * 5, "partner_code": [643] * 5,
        "year": [2012, 2012, 2021, 2021, 2021],
        "flow": ["exports", "imports", "exports", "exports", "imports"],
        "sitc_section": ["0", "3", "0", "7", "3"],
        "value_usd": [3632118004.0, 14920331702.0, 5124003817.0, 4407521310.5, 9871230554.0],
    }))


def test_fetch_comtrade_sitc_asks_for_every_year_once():
    get = FakeGet(lambda url: fixture("comtrade_sitc_blr_rus.json"))
    frame = publishers.fetch_comtrade_sitc(get=get)
    assert get.urls == [publishers.comtrade_url(112, 643, range(2012, 2022))]
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
        publishers.fetch_comtrade_sitc(get=FakeGet(lambda url: fixture(name)))
    assert caught.value.kind == kind
    assert str(caught.value) == f"UN Comtrade {COMTRADE_SERIES}: {message}"


def test_comtrade_quota_message_is_rate_limited():
    quota = {"statusCode": 403, "message": "Out of call volume quota. Quota will be replenished in 00:10:00."}
    with pytest.raises(PublisherError) as caught:
        publishers.parse_comtrade(quota)
    assert caught.value.kind == "rate_limited"


def test_comtrade_http_429_names_the_series():
    opener = FakeOpener(http_error("https://comtradeapi.un.org/x", 429, "Too Many Requests"))
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_comtrade_sitc(get=partial(http_get_json, opener=opener))
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
        publishers.parse_comtrade(message, series=COMTRADE_SERIES)
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, f"UN Comtrade {COMTRADE_SERIES}: ")


# --- UNCTADstat -------------------------------------------------------------------------------

def unctad_csv(name: str = "unctad_concentdiversindices.csv") -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def seven_zip(members: dict[str, bytes]) -> bytes:
    """A real 7z archive holding the given files, as UNCTAD's bulk download serves it."""
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(content, name)
    return buffer.getvalue()


def unctad_archive(csv: bytes | None = None) -> bytes:
    """The bulk archive as published: one CSV (the fixture unless given) under its published name."""
    return seven_zip({"US_ConcentDiversIndices.csv": unctad_csv().encode("utf-8") if csv is None else csv})


def test_parse_unctad_concentration_keeps_exports_with_an_index():
    frame = publishers.parse_unctad_concentration(unctad_csv())
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "economy_code": ["112", "112", "643"],
        "economy": ["Belarus", "Belarus", "Russian Federation"],
        "year": [2021, 2023, 2021],
        "concentration_index": [0.112, 0.139, 0.283],
    }))


def test_unctad_header_is_matched_regardless_of_case():
    text = unctad_csv().replace("Concentration index", "Concentration Index", 1)
    assert len(publishers.parse_unctad_concentration(text)) == 3


def test_unctad_without_exports_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        publishers.parse_unctad_concentration(unctad_csv("unctad_no_exports.csv"))
    assert caught.value.kind == "empty"
    assert str(caught.value) == "UNCTAD US.ConcentDiversIndices: no export concentration indices in the bulk file"


def test_unctad_renamed_column_is_schema_changed():
    with pytest.raises(PublisherError) as caught:
        publishers.parse_unctad_concentration(unctad_csv().replace("Flow Label", "Flow Name", 1))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: CSV lacks column(s) flow label")


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_fetch_unctad_unpacks_the_archive_and_parses_it(bom):
    get = FakeGet(lambda url: unctad_archive(bom + unctad_csv().encode("utf-8")))
    frame = publishers.fetch_unctad_concentration(get_bytes=get)
    assert get.urls == [
        "https://unctadstat-api.unctad.org/bulkdownload/US.ConcentDiversIndices/US_ConcentDiversIndices"]
    pd.testing.assert_frame_equal(frame, publishers.parse_unctad_concentration(unctad_csv()))


def test_fetch_unctad_refuses_a_body_that_is_not_7z():
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_unctad_concentration(get_bytes=FakeGet(lambda url: b"<html>maintenance</html>"))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: bulk file is not a 7z archive")


@pytest.mark.parametrize("members, count", [
    ({"readme.txt": b"notes"}, 0),
    ({"US_ConcentDiversIndices.csv": b"Year\n2021\n", "US_ConcentDiversIndices_old.csv": b"Year\n2020\n"}, 2),
])
def test_fetch_unctad_needs_exactly_one_csv_in_the_archive(members, count):
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_unctad_concentration(get_bytes=FakeGet(lambda url: seven_zip(members)))
    assert caught.value.kind == "schema_changed"
    assert str(caught.value) == f"UNCTAD US.ConcentDiversIndices: archive holds {count} CSV files, expected one"


@pytest.mark.parametrize("keep", [12, 32, -1], ids=["start-header-cut", "no-packed-data", "last-byte-missing"])
def test_fetch_unctad_damaged_archive_is_schema_changed(keep):
    archive = unctad_archive()
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_unctad_concentration(get_bytes=FakeGet(lambda url: archive[:keep]))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: bulk file is a damaged 7z archive (")


@pytest.mark.parametrize("position", [32, 40, 48])
def test_fetch_unctad_corrupt_packed_data_is_schema_changed(position):
    """A flipped byte inside the compressed stream surfaces from the decompressor, not as an ArchiveError."""
    archive = bytearray(unctad_archive())
    archive[position] ^= 0xFF
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_unctad_concentration(get_bytes=FakeGet(lambda url: bytes(archive)))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: bulk file is a damaged 7z archive (")


def test_fetch_unctad_refuses_an_archive_that_would_unpack_above_the_limit():
    csv = unctad_csv().encode("utf-8")
    archive = unctad_archive(csv)
    get = FakeGet(lambda url: archive)
    assert len(publishers.fetch_unctad_concentration(get_bytes=get, max_unpacked=len(csv))) == 3
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_unctad_concentration(get_bytes=get, max_unpacked=len(csv) - 1)
    assert caught.value.kind == "over_limit"
    assert str(caught.value) == (f"UNCTAD US.ConcentDiversIndices: the archive ({len(archive)} bytes) would unpack to "
                                 f"{len(csv)} bytes, above the {len(csv) - 1} bytes limit")


def test_http_get_bytes_returns_the_raw_body():
    opener = FakeOpener(b"7z\xbc\xaf\x27\x1c...")
    assert publishers.http_get_bytes("https://unctadstat-api.unctad.org/x", opener=opener) == b"7z\xbc\xaf\x27\x1c..."
    assert opener.calls[0][1] == 20


# --- IMF World Economic Outlook ---------------------------------------------------------------

def test_weo_url_has_the_documented_shape():
    assert publishers.weo_url(["BLR", "RUS"]) == "https://www.imf.org/external/datamapper/api/v1/NGDPD/BLR/RUS"


def test_parse_weo_gdp_converts_billions_to_dollars():
    frame = publishers.parse_weo_gdp(fixture("weo_ngdpd_blr_rus.json"))
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "iso3": ["BLR"] * 3 + ["RUS"] * 3,
        "year": [2021, 2022, 2023] * 2,
        "gdp_usd": [68.205e9, 72.793e9, 71.857e9, 1836.892e9, 2266.029e9, 2021.421e9],
    }), check_exact=False, rtol=1e-12)


def test_fetch_weo_gdp_requests_the_countries_and_drops_nulls():
    message = fixture("weo_ngdpd_blr_rus.json")
    message["values"]["NGDPD"]["BLR"]["2024"] = None
    get = FakeGet(lambda url: message)
    frame = publishers.fetch_weo_gdp(["BLR", "RUS"], get=get)
    assert get.urls == ["https://www.imf.org/external/datamapper/api/v1/NGDPD/BLR/RUS"]
    assert frame.groupby("iso3").size().to_dict() == {"BLR": 3, "RUS": 3}


def test_weo_without_values_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_weo_gdp("BLR", get=FakeGet(lambda url: fixture("weo_empty.json")))
    assert caught.value.kind == "empty"
    assert str(caught.value) == "IMF WEO NGDPD BLR: the IMF has no observations for this query"


def test_weo_country_missing_from_the_answer_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        publishers.fetch_weo_gdp(["BLR", "RUS", "UKR"], get=FakeGet(lambda url: fixture("weo_ngdpd_blr_rus.json")))
    assert caught.value.kind == "empty"
    assert str(caught.value) == "IMF WEO NGDPD BLR/RUS/UKR: no observations for UKR"


@pytest.mark.parametrize("damage", [
    lambda message: message.clear(),
    lambda message: message["values"].update(NGDPD=[1, 2]),
    lambda message: message["values"]["NGDPD"].update(BLR=71.9),
    lambda message: message["values"]["NGDPD"]["BLR"].update({"2023Q1": 17.0}),
    lambda message: message["values"]["NGDPD"]["BLR"].update({"2024": "n/a"}),
])
def test_weo_unexpected_shapes_are_schema_changed(damage):
    message = fixture("weo_ngdpd_blr_rus.json")
    damage(message)
    with pytest.raises(PublisherError) as caught:
        publishers.parse_weo_gdp(message)
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "IMF WEO NGDPD: ")
