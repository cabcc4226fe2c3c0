"""IMF: IMTS's SDMX-JSON (both layouts, units, estimates, names from the codelist) and the WEO's DataMapper
answers, on fixtures in the documented formats and on answers the IMF's servers really sent or that
were rebuilt from them (fixtures/publishers/real/, see its README)."""
import urllib.parse
import xml.etree.ElementTree as ET
from functools import partial

import pandas as pd
import pytest
from publisher_answers import (
    REAL,
    UNNAMED_IMTS_GROUPS,
    FakeGet,
    FakeOpener,
    RecordedServer,
    assert_one_line,
    availability_partners,
    fixture,
    http_error,
    imts_message,
    real_names,
    recorded,
)

from belarus_trade.data.publishers.client import PublisherError, http_get_json
from belarus_trade.data.publishers.imf import (
    IMF_ALL_CODES,
    IMF_COUNTRY_CODELIST_URL,
    IMF_FLOWS,
    fetch_imf_trade,
    fetch_weo_gdp,
    imf_trade_url,
    parse_imf_country_names,
    parse_imf_sdmx_json,
    parse_weo_gdp,
    weo_url,
)


def imf_names():
    return parse_imf_country_names(fixture("imf_cl_country.json"))


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
        imf_trade_url("BLR", list(IMF_FLOWS), "RUS", 2022, 2023): fixture("imf_imts_blr_rus.json"),
        IMF_COUNTRY_CODELIST_URL: fixture("imf_cl_country.json"),
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


# --- IMTS: recorded answers -----------------------------------------------------------------

def test_real_codelist_names_the_book_countries_and_leaves_fourteen_imts_groups_unnamed():
    names = real_names()
    assert len(names) == 337
    assert names["BLR"] == "Belarus, Republic of" and names["RUS"] == "Russian Federation"
    assert names["G001"] == "World" and names["G998"] == "European Union (EU)"
    partners = availability_partners()
    assert len(partners) == 242
    assert [code for code in partners if not names.get(code)] == UNNAMED_IMTS_GROUPS



@pytest.mark.parametrize("partners", ["", IMF_ALL_CODES, [""]])
def test_all_partner_key_is_the_sdmx3_wildcard(partners):
    url = imf_trade_url("BLR", tuple(IMF_FLOWS), partners, 2000, 2024)
    assert "/IMTS/+/BLR.XG_FOB_USD+MG_CIF_USD.*.A?" in url


def recorded_xml_values() -> dict:
    """(partner, year) -> (US dollars, DERIVATION_TYPE) from the recorded XML answer."""
    root = ET.parse(REAL / "imf_imts_usa_xg_g001_g998.xml").getroot()
    return {(series.get("COUNTERPART_COUNTRY"), int(obs.get("TIME_PERIOD"))): (float(obs.get("OBS_VALUE")), obs.get("DERIVATION_TYPE"))
            for series in root.iter("Series") for obs in series.iter("Obs")}


def test_reconstructed_json_holds_what_the_recorded_xml_answer_says():
    frame = parse_imf_sdmx_json(imts_message(), country_names=real_names())
    by_key = {(row.partner, row.year): row for row in frame.itertuples()}
    names = {"G001": "World", "G998": "European Union (EU)"}
    xml = recorded_xml_values()
    assert len(frame) == len(xml) == 4
    for (partner, year), (dollars, derivation) in xml.items():
        row = by_key[(names[partner], year)]
        assert row.reporter == "United States" and row.flow == "exports_fob"
        assert row.value_musd == pytest.approx(dollars / 1e6)
        assert derivation == "M" and not row.estimated


@pytest.mark.parametrize("code, estimated", [("SE", True), ("SP", True), ("SEHI", True), ("O", False), ("M", False)])
def test_estimated_flag_follows_derivation_type(code, estimated):
    """Derived case: the 2024 observations point at a second DERIVATION_TYPE value (real answers carry no STATUS)."""
    message = imts_message()
    message["data"]["structures"][0]["attributes"]["observation"][0]["values"].append({"id": code})
    for series in message["data"]["dataSets"][0]["series"].values():
        series["observations"]["1"][1] = 1
    frame = parse_imf_sdmx_json(message, country_names=real_names())
    assert list(frame[frame.year == 2024].estimated) == [estimated, estimated]
    assert not frame[frame.year == 2023].estimated.any()


def test_all_partner_answer_leaves_out_the_unnamed_groups():
    """Derived case: one series per partner code of the recorded availability answer."""
    frame = parse_imf_sdmx_json(imts_message(partners=availability_partners()), country_names=real_names())
    assert frame.partner.nunique() == 242 - len(UNNAMED_IMTS_GROUPS)
    assert "European Union (EU)" in set(frame.partner) and "World" in set(frame.partner)
    assert not set(frame.partner) & set(UNNAMED_IMTS_GROUPS)


def test_an_unnamed_country_still_fails():
    names = {**real_names(), "RUS": None}
    with pytest.raises(PublisherError, match="no name for country code RUS") as failure:
        parse_imf_sdmx_json(imts_message(partners=["G001", "RUS"]), country_names=names)
    assert failure.value.kind == "schema_changed"


def test_a_requested_group_without_a_name_fails():
    server = RecordedServer({imf_trade_url("GX170", tuple(IMF_FLOWS), "*", 2023, 2024): imts_message("GX170")})
    with pytest.raises(PublisherError, match="requested country code.* GX170") as failure:
        fetch_imf_trade("GX170", "*", 2023, 2024, country_names=real_names(), get=server)
    assert failure.value.kind == "schema_changed"


def test_recorded_data_answer_of_another_flow_is_a_format_change():
    with pytest.raises(PublisherError, match="COUNTERPART_COUNTRY") as failure:
        parse_imf_sdmx_json(recorded("imf_whdreo_gx1213_bca.json"))
    assert failure.value.kind == "schema_changed" and "\n" not in str(failure.value)


# --- IMF World Economic Outlook ---------------------------------------------------------------

def test_weo_url_has_the_documented_shape():
    assert weo_url(["BLR", "RUS"]) == "https://www.imf.org/external/datamapper/api/v1/NGDPD/BLR/RUS"


def test_parse_weo_gdp_converts_billions_to_dollars():
    frame = parse_weo_gdp(fixture("weo_ngdpd_blr_rus.json"))
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "iso3": ["BLR"] * 3 + ["RUS"] * 3,
        "year": [2021, 2022, 2023] * 2,
        "gdp_usd": [68.205e9, 72.793e9, 71.857e9, 1836.892e9, 2266.029e9, 2021.421e9],
    }), check_exact=False, rtol=1e-12)


def test_fetch_weo_gdp_requests_the_countries_and_drops_nulls():
    message = fixture("weo_ngdpd_blr_rus.json")
    message["values"]["NGDPD"]["BLR"]["2024"] = None
    get = FakeGet(lambda url: message)
    frame = fetch_weo_gdp(["BLR", "RUS"], get=get)
    assert get.urls == ["https://www.imf.org/external/datamapper/api/v1/NGDPD/BLR/RUS"]
    assert frame.groupby("iso3").size().to_dict() == {"BLR": 3, "RUS": 3}


def test_weo_without_values_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        fetch_weo_gdp("BLR", get=FakeGet(lambda url: fixture("weo_empty.json")))
    assert caught.value.kind == "empty"
    assert str(caught.value) == "IMF WEO NGDPD BLR: the IMF has no observations for this query"


def test_weo_country_missing_from_the_answer_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        fetch_weo_gdp(["BLR", "RUS", "UKR"], get=FakeGet(lambda url: fixture("weo_ngdpd_blr_rus.json")))
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
        parse_weo_gdp(message)
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "IMF WEO NGDPD: ")


# --- WEO: reconstructed answer for every economy ---------------------------------------------

def test_weo_answer_for_every_economy_is_cut_to_those_asked_for():
    server = RecordedServer({weo_url(["BLR", "RUS"]): recorded("weo_ngdpd_all_economies.json")})
    frame = fetch_weo_gdp(["BLR", "RUS"], get=server)
    assert set(frame.iso3) == {"BLR", "RUS"} and len(frame) == 6
    assert frame.set_index(["iso3", "year"]).gdp_usd[("BLR", 2023)] == pytest.approx(71.857e9)


def test_weo_empty_string_placeholder_inside_values_is_not_an_economy():
    frame = parse_weo_gdp(recorded("weo_ngdpd_all_economies.json"))
    assert set(frame.iso3) == {"SDN", "BLR", "RUS"}
    assert frame.set_index(["iso3", "year"]).gdp_usd[("SDN", 1980)] == pytest.approx(9.095e9)
