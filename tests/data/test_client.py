"""The bounded HTTP client: every way a request can fail is one `PublisherError` of a kind the refresh acts on,
every request has a timeout, and no answer passes the byte limit. (`test_refresh` runs the time limits
against a real local server.)"""
import json
import socket
import urllib.error
import urllib.request
from functools import partial

import pytest
from publisher_answers import REAL, FakeOpener, assert_one_line, fixture, http_error

from belarus_trade.data.publishers.client import Limits, MiB, PublisherError, http_get_bytes, http_get_json
from belarus_trade.data.publishers.imf import fetch_imf_trade
from belarus_trade.data.publishers.wdi import fetch_wdi, wdi_url

EXPORTS = "NE.EXP.GNFS.ZS"


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


def test_http_get_bytes_returns_the_raw_body():
    opener = FakeOpener(b"7z\xbc\xaf\x27\x1c...")
    assert http_get_bytes("https://unctadstat-api.unctad.org/x", opener=opener) == b"7z\xbc\xaf\x27\x1c..."
    assert opener.calls[0][1] == 20


def test_every_real_file_is_described_in_the_readme():
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert all(f"`{path.name}`" in readme for path in REAL.iterdir() if path.name != "README.md")
