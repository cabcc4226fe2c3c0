"""The publishers' clients on answers their servers really sent (tests/data/fixtures/publishers/real/, see its README).

Where a file is reconstructed rather than recorded, the README says from what; a test that
derives a new case from a recorded answer (an extra partner, another derivation code) says so.
"""
import copy
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import py7zr
import pytest

from belarus_trade.data import publishers, refresh
from belarus_trade.data.publishers import IMF_ALL_CODES, IMF_FLOWS, PublisherError

REAL = Path(__file__).parent / "fixtures" / "publishers" / "real"
UNNAMED_IMTS_GROUPS = ["GX170", "GX405", "GX440", "GX605", "GX901",
                       "TX126", "TX399", "TX489", "TX598", "TX799", "TX884", "TX898", "TX899", "TX910"]


def recorded(name: str):
    return json.loads((REAL / name).read_text(encoding="utf-8"))


class RecordedServer:
    """A `get` that answers each URL the test expects with a recorded body and keeps every request."""

    def __init__(self, answers: dict[str, object]):
        self.answers = answers
        self.requests = []

    def __call__(self, url, **kwargs):
        self.requests.append((url, kwargs))
        if url not in self.answers:
            raise AssertionError(f"unexpected request {url}")
        return copy.deepcopy(self.answers[url])


def real_names() -> dict:
    return publishers.parse_imf_country_names(recorded("imf_cl_country.json"))


def availability_partners() -> list[str]:
    constraint = recorded("imf_imts_availability_usa_xg_partners.json")["data"]["dataConstraints"][0]
    return [value["value"] for value in constraint["cubeRegions"][0]["components"][0]["values"]]


def imts_message(reporter: str = "USA", partners: list[str] | None = None) -> dict:
    """The reconstructed IMTS answer; with `partners`, every partner carries the World series' observations (derived case)."""
    message = recorded("imf_imts_usa_xg_g001_g998.json")
    structure = message["data"]["structures"][0]
    structure["dimensions"]["series"][0]["values"] = [{"id": reporter}]
    if partners is not None:
        structure["dimensions"]["series"][2]["values"] = [{"id": code} for code in partners]
        world = message["data"]["dataSets"][0]["series"]["0:0:0:0"]
        message["data"]["dataSets"][0]["series"] = {f"0:0:{i}:0": copy.deepcopy(world) for i in range(len(partners))}
    return message


# --- World Bank WDI: recorded by WorldBankData.jl (GNI per capita, USA, 1990-1997) ------------

def test_wdi_recorded_page_gives_every_year_with_its_value():
    frame = publishers.parse_wdi_pages([recorded("wdi_usa_gnp_pcap_1990_1997.json")], series="NY.GNP.PCAP.CD")
    assert list(frame.year) == list(range(1990, 1998))
    assert set(frame.iso3) == {"USA"} and set(frame.indicator) == {"NY.GNP.PCAP.CD"}
    assert frame.set_index("year").value[1997] == 31270
    assert frame.set_index("year").value[1990] == 24060


def test_fetch_wdi_asks_one_page_and_reads_the_recorded_answer():
    url = publishers.wdi_url("NY.GNP.PCAP.CD", "USA", 1990, 1997)
    server = RecordedServer({url: recorded("wdi_usa_gnp_pcap_1990_1997.json")})
    frame = publishers.fetch_wdi("NY.GNP.PCAP.CD", "USA", 1990, 1997, get=server)
    assert [request for request, _ in server.requests] == [url]
    assert len(frame) == 8 and frame.value.sum() == 218630


# --- IMF codelist CL_COUNTRY: recorded by imfp from api.imf.org --------------------------------

def test_real_codelist_names_the_book_countries_and_leaves_fourteen_imts_groups_unnamed():
    names = real_names()
    assert len(names) == 337
    assert names["BLR"] == "Belarus, Republic of" and names["RUS"] == "Russian Federation"
    assert names["G001"] == "World" and names["G998"] == "European Union (EU)"
    partners = availability_partners()
    assert len(partners) == 242
    assert [code for code in partners if not names.get(code)] == UNNAMED_IMTS_GROUPS


def test_european_union_variants_take_the_dots_label():
    labels = refresh.dots_labels(real_names())
    assert labels["G998"] == "European Union"
    assert labels["G163"] == "Euro Area (EA)" and labels["BLR"] == "Belarus, Republic of"
    assert refresh.dots_labels({"X": "European Union (27)", "Y": None}) == {"X": "European Union", "Y": None}


# --- IMF IMTS data ------------------------------------------------------------------------------

@pytest.mark.parametrize("partners", ["", IMF_ALL_CODES, [""]])
def test_all_partner_key_is_the_sdmx3_wildcard(partners):
    url = publishers.imf_trade_url("BLR", tuple(IMF_FLOWS), partners, 2000, 2024)
    assert "/IMTS/+/BLR.XG_FOB_USD+MG_CIF_USD.*.A?" in url


def recorded_xml_values() -> dict:
    """(partner, year) -> (US dollars, DERIVATION_TYPE) from the recorded XML answer."""
    root = ET.parse(REAL / "imf_imts_usa_xg_g001_g998.xml").getroot()
    return {(series.get("COUNTERPART_COUNTRY"), int(obs.get("TIME_PERIOD"))): (float(obs.get("OBS_VALUE")), obs.get("DERIVATION_TYPE"))
            for series in root.iter("Series") for obs in series.iter("Obs")}


def test_reconstructed_json_holds_what_the_recorded_xml_answer_says():
    frame = publishers.parse_imf_sdmx_json(imts_message(), country_names=real_names())
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
    frame = publishers.parse_imf_sdmx_json(message, country_names=real_names())
    assert list(frame[frame.year == 2024].estimated) == [estimated, estimated]
    assert not frame[frame.year == 2023].estimated.any()


def test_all_partner_answer_leaves_out_the_unnamed_groups():
    """Derived case: one series per partner code of the recorded availability answer."""
    frame = publishers.parse_imf_sdmx_json(imts_message(partners=availability_partners()), country_names=real_names())
    assert frame.partner.nunique() == 242 - len(UNNAMED_IMTS_GROUPS)
    assert "European Union (EU)" in set(frame.partner) and "World" in set(frame.partner)
    assert not set(frame.partner) & set(UNNAMED_IMTS_GROUPS)


def test_an_unnamed_country_still_fails():
    names = {**real_names(), "RUS": None}
    with pytest.raises(PublisherError, match="no name for country code RUS") as failure:
        publishers.parse_imf_sdmx_json(imts_message(partners=["G001", "RUS"]), country_names=names)
    assert failure.value.kind == "schema_changed"


def test_a_requested_group_without_a_name_fails():
    server = RecordedServer({publishers.imf_trade_url("GX170", tuple(IMF_FLOWS), "*", 2023, 2024): imts_message("GX170")})
    with pytest.raises(PublisherError, match="requested country code.* GX170") as failure:
        publishers.fetch_imf_trade("GX170", "*", 2023, 2024, country_names=real_names(), get=server)
    assert failure.value.kind == "schema_changed"


def test_refresh_reads_an_all_partner_answer_with_the_real_codelist():
    """Derived answers on the recorded layout: Belarus with every real partner code, and one mirror reporter."""
    start, end = 2023, 2024
    mirror = imts_message("ARM", partners=["BLR"])
    server = RecordedServer({
        publishers.IMF_COUNTRY_CODELIST_URL: recorded("imf_cl_country.json"),
        publishers.imf_trade_url("BLR", tuple(IMF_FLOWS), "*", start, end): imts_message("BLR", [code for code in availability_partners() if code != "BLR"]),
        publishers.imf_trade_url(refresh.MIRROR_REPORTERS, tuple(IMF_FLOWS), "BLR", start, end): mirror,
    })
    frame = refresh.fetch_imf_snapshot(start, end, get=server)
    refresh.require_partners(frame)
    assert {"European Union", "World", "Russian Federation", "China, P.R.: Mainland"} <= set(frame.partner)
    assert not set(frame.partner) & set(UNNAMED_IMTS_GROUPS) and "European Union (EU)" not in set(frame.partner)
    assert set(frame[frame.partner == "Belarus, Rep. of"].reporter) == {"Armenia, Rep. of"}
    assert all(kwargs == {"headers": publishers.IMF_HEADERS} for _, kwargs in server.requests)
    assert any(".*.A?" in url for url, _ in server.requests)


def test_recorded_data_answer_of_another_flow_is_a_format_change():
    with pytest.raises(PublisherError, match="COUNTERPART_COUNTRY") as failure:
        publishers.parse_imf_sdmx_json(recorded("imf_whdreo_gx1213_bca.json"))
    assert failure.value.kind == "schema_changed" and "\n" not in str(failure.value)


# --- IMF DataMapper WEO: reconstructed answer for every economy ----------------------------------

def test_weo_answer_for_every_economy_is_cut_to_those_asked_for():
    server = RecordedServer({publishers.weo_url(["BLR", "RUS"]): recorded("weo_ngdpd_all_economies.json")})
    frame = publishers.fetch_weo_gdp(["BLR", "RUS"], get=server)
    assert set(frame.iso3) == {"BLR", "RUS"} and len(frame) == 6
    assert frame.set_index(["iso3", "year"]).gdp_usd[("BLR", 2023)] == pytest.approx(71.857e9)


def test_weo_empty_string_placeholder_inside_values_is_not_an_economy():
    frame = publishers.parse_weo_gdp(recorded("weo_ngdpd_all_economies.json"))
    assert set(frame.iso3) == {"SDN", "BLR", "RUS"}
    assert frame.set_index(["iso3", "year"]).gdp_usd[("SDN", 1980)] == pytest.approx(9.095e9)


def test_weo_snapshot_keeps_completed_years_of_the_book_economies():
    server = RecordedServer({publishers.weo_url(refresh.WEO_COUNTRIES): recorded("weo_ngdpd_all_economies.json")})
    frame = refresh.fetch_weo_snapshot(1992, 2023, get=server)
    assert set(frame.iso3) == {"BLR", "RUS"} and frame.year.max() == 2022


# --- UN Comtrade: recorded by comtradr (data/v1/get, the keyed sibling of the preview) -----------

def test_comtrade_recorded_answer_parses_every_record():
    frame = publishers.parse_comtrade(recorded("comtrade_chn_arg_deu_2010_hs_total.json"))
    assert len(frame) == 4 and set(frame.reporter_code) == {156} and set(frame.partner_code) == {32, 276}
    values = frame.set_index(["partner_code", "flow"]).value_usd
    assert values[(276, "exports")] == 68047133397.0 and values[(32, "imports")] == 6804128143.0


def test_fetch_comtrade_asks_the_preview_totals_and_reads_the_recorded_answer():
    url = publishers.comtrade_url(156, 276, [2010])
    server = RecordedServer({url: recorded("comtrade_chn_arg_deu_2010_hs_total.json")})
    frame = publishers.fetch_comtrade_sitc(156, 276, (2010, 2010), get=server)
    assert "motCode=0" in url and "customsCode=C00" in url and "partner2Code=0" in url
    assert len(frame) == 4


# --- UNCTADstat bulk CSV: reconstructed (header as public pipelines show it) --------------------

def bulk_archive(csv_name: str) -> bytes:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr((REAL / csv_name).read_bytes(), "US_ConcentDiversIndices.csv")
    return buffer.getvalue()


def test_unctad_bulk_csv_with_footnote_columns_parses():
    frame = publishers.fetch_unctad_concentration(get_bytes=lambda url: bulk_archive("unctad_concentdivers_utf8.csv"))
    assert list(frame.economy) == ["Belarus", "Côte d'Ivoire"]
    assert frame.set_index("economy_code").concentration_index["112"] == 0.11


def test_unctad_bulk_csv_not_in_utf8_is_a_publisher_error():
    with pytest.raises(PublisherError, match="not UTF-8") as failure:
        publishers.fetch_unctad_concentration(get_bytes=lambda url: bulk_archive("unctad_concentdivers_latin1.csv"))
    assert failure.value.kind == "schema_changed" and "\n" not in str(failure.value)


def test_every_real_file_is_described_in_the_readme():
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert all(f"`{path.name}`" in readme for path in REAL.iterdir() if path.name != "README.md")
