"""UNCTADstat: the bulk 7z archive unpacked in memory within its limit, and its CSV parsed, on
fixtures in the documented format and on bulk CSVs rebuilt as public pipelines show them."""
import codecs

import pandas as pd
import pytest
from publisher_answers import FIXTURES, REAL, FakeGet, assert_one_line, seven_zip

from belarus_trade.data.publishers.client import PublisherError
from belarus_trade.data.publishers.unctad import fetch_unctad_concentration, parse_unctad_concentration


def unctad_csv(name: str = "unctad_concentdiversindices.csv") -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def unctad_archive(csv: bytes | None = None) -> bytes:
    """The bulk archive as published: one CSV (the fixture unless given) under its published name."""
    return seven_zip({"US_ConcentDiversIndices.csv": unctad_csv().encode("utf-8") if csv is None else csv})


def test_parse_unctad_concentration_keeps_exports_with_an_index():
    frame = parse_unctad_concentration(unctad_csv())
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "economy_code": ["112", "112", "643"],
        "economy": ["Belarus", "Belarus", "Russian Federation"],
        "year": [2021, 2023, 2021],
        "concentration_index": [0.112, 0.139, 0.283],
    }))


def test_unctad_header_is_matched_regardless_of_case():
    text = unctad_csv().replace("Concentration index", "Concentration Index", 1)
    assert len(parse_unctad_concentration(text)) == 3


def test_unctad_without_exports_is_kind_empty():
    with pytest.raises(PublisherError) as caught:
        parse_unctad_concentration(unctad_csv("unctad_no_exports.csv"))
    assert caught.value.kind == "empty"
    assert str(caught.value) == "UNCTAD US.ConcentDiversIndices: no export concentration indices in the bulk file"


def test_unctad_renamed_column_is_schema_changed():
    with pytest.raises(PublisherError) as caught:
        parse_unctad_concentration(unctad_csv().replace("Flow Label", "Flow Name", 1))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: CSV lacks column(s) flow label")


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_fetch_unctad_unpacks_the_archive_and_parses_it(bom):
    get = FakeGet(lambda url: unctad_archive(bom + unctad_csv().encode("utf-8")))
    frame = fetch_unctad_concentration(get_bytes=get)
    assert get.urls == [
        "https://unctadstat-api.unctad.org/bulkdownload/US.ConcentDiversIndices/US_ConcentDiversIndices"]
    pd.testing.assert_frame_equal(frame, parse_unctad_concentration(unctad_csv()))


def test_fetch_unctad_refuses_a_body_that_is_not_7z():
    with pytest.raises(PublisherError) as caught:
        fetch_unctad_concentration(get_bytes=FakeGet(lambda url: b"<html>maintenance</html>"))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: bulk file is not a 7z archive")


@pytest.mark.parametrize("members, count", [
    ({"readme.txt": b"notes"}, 0),
    ({"US_ConcentDiversIndices.csv": b"Year\n2021\n", "US_ConcentDiversIndices_old.csv": b"Year\n2020\n"}, 2),
])
def test_fetch_unctad_needs_exactly_one_csv_in_the_archive(members, count):
    with pytest.raises(PublisherError) as caught:
        fetch_unctad_concentration(get_bytes=FakeGet(lambda url: seven_zip(members)))
    assert caught.value.kind == "schema_changed"
    assert str(caught.value) == f"UNCTAD US.ConcentDiversIndices: archive holds {count} CSV files, expected one"


@pytest.mark.parametrize("keep", [12, 32, -1], ids=["start-header-cut", "no-packed-data", "last-byte-missing"])
def test_fetch_unctad_damaged_archive_is_schema_changed(keep):
    archive = unctad_archive()
    with pytest.raises(PublisherError) as caught:
        fetch_unctad_concentration(get_bytes=FakeGet(lambda url: archive[:keep]))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: bulk file is a damaged 7z archive (")


@pytest.mark.parametrize("position", [32, 40, 48])
def test_fetch_unctad_corrupt_packed_data_is_schema_changed(position):
    """A flipped byte inside the compressed stream surfaces from the decompressor, not as an ArchiveError."""
    archive = bytearray(unctad_archive())
    archive[position] ^= 0xFF
    with pytest.raises(PublisherError) as caught:
        fetch_unctad_concentration(get_bytes=FakeGet(lambda url: bytes(archive)))
    assert caught.value.kind == "schema_changed"
    assert_one_line(caught.value, "UNCTAD US.ConcentDiversIndices: bulk file is a damaged 7z archive (")


def test_fetch_unctad_refuses_an_archive_that_would_unpack_above_the_limit():
    csv = unctad_csv().encode("utf-8")
    archive = unctad_archive(csv)
    get = FakeGet(lambda url: archive)
    assert len(fetch_unctad_concentration(get_bytes=get, max_unpacked=len(csv))) == 3
    with pytest.raises(PublisherError) as caught:
        fetch_unctad_concentration(get_bytes=get, max_unpacked=len(csv) - 1)
    assert caught.value.kind == "over_limit"
    assert str(caught.value) == (f"UNCTAD US.ConcentDiversIndices: the archive ({len(archive)} bytes) would unpack to "
                                 f"{len(csv)} bytes, above the {len(csv) - 1} bytes limit")


# --- reconstructed bulk CSVs (header as public pipelines show it) ------------------------------

def bulk_archive(csv_name: str) -> bytes:
    return seven_zip({"US_ConcentDiversIndices.csv": (REAL / csv_name).read_bytes()})


def test_unctad_bulk_csv_with_footnote_columns_parses():
    frame = fetch_unctad_concentration(get_bytes=lambda url: bulk_archive("unctad_concentdivers_utf8.csv"))
    assert list(frame.economy) == ["Belarus", "Côte d'Ivoire"]
    assert frame.set_index("economy_code").concentration_index["112"] == 0.11


def test_unctad_bulk_csv_not_in_utf8_is_a_publisher_error():
    with pytest.raises(PublisherError, match="not UTF-8") as failure:
        fetch_unctad_concentration(get_bytes=lambda url: bulk_archive("unctad_concentdivers_latin1.csv"))
    assert failure.value.kind == "schema_changed" and "\n" not in str(failure.value)
