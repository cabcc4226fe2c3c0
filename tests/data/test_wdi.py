"""World Bank WDI: the URL, paging within its limit, and the tidy frame, on fixtures in the documented
format and on a page the server really sent (recorded by WorldBankData.jl: GNI per capita, USA, 1990-1997)."""
import copy
import urllib.parse

import pandas as pd
import pytest
from publisher_answers import FakeGet, RecordedServer, assert_one_line, fixture, page_number, recorded

from belarus_trade.data.publishers.client import PublisherError
from belarus_trade.data.publishers.wdi import fetch_wdi, parse_wdi_pages, wdi_url

EXPORTS = "NE.EXP.GNFS.ZS"


def wdi_pages():
    return [fixture("wdi_exports_page1.json"), fixture("wdi_exports_page2.json")]


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


# --- recorded answers ------------------------------------------------------------------------

def test_wdi_recorded_page_gives_every_year_with_its_value():
    frame = parse_wdi_pages([recorded("wdi_usa_gnp_pcap_1990_1997.json")], series="NY.GNP.PCAP.CD")
    assert list(frame.year) == list(range(1990, 1998))
    assert set(frame.iso3) == {"USA"} and set(frame.indicator) == {"NY.GNP.PCAP.CD"}
    assert frame.set_index("year").value[1997] == 31270
    assert frame.set_index("year").value[1990] == 24060


def test_fetch_wdi_asks_one_page_and_reads_the_recorded_answer():
    url = wdi_url("NY.GNP.PCAP.CD", "USA", 1990, 1997)
    server = RecordedServer({url: recorded("wdi_usa_gnp_pcap_1990_1997.json")})
    frame = fetch_wdi("NY.GNP.PCAP.CD", "USA", 1990, 1997, get=server)
    assert [request for request, _ in server.requests] == [url]
    assert len(frame) == 8 and frame.value.sum() == 218630
