"""Recording a file: a fetched series moves from the pending list into the resources with its checksum,
coverage and retrieval date, and a retrieval date that is not a past ISO date is refused."""
from __future__ import annotations

import datetime as dt

import pytest

from belarus_trade.data.loading import load_if_held
from belarus_trade.data.manifest import PENDING_KEY, DataError, read_manifest
from belarus_trade.data.snapshot import record
from belarus_trade.data.validation import validate_package


def test_recording_a_fetched_series_moves_it_into_the_resources(data_copy, unrecorded_weo):
    with pytest.raises(DataError, match="retrieval date"):
        record("imf_weo_gdp.csv", data_copy)
    entry = record("imf_weo_gdp.csv", data_copy, retrieved="2026-11-23")
    manifest = read_manifest(data_copy)
    assert entry in manifest["resources"] and "weo_gdp" not in {r["name"] for r in manifest[PENDING_KEY]}
    assert entry["coverage"] == {"rows": 2, "first_year": 2024, "last_year": 2024} and entry["hash"].startswith("sha256:")
    assert load_if_held("weo_gdp", data_copy).gdp_usd.tolist() == [75e9, 2100e9]
    assert "imf_weo_gdp.csv" in validate_package(data_copy)


# A year ahead, not tomorrow: the parameters are made when the tests are collected, and a run that
# passes midnight would otherwise find "tomorrow" already today.
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=366)).isoformat()


@pytest.mark.parametrize(
    "file_name, retrieved, problem",
    [
        ("imf_weo_gdp.csv", "not-a-date", '"not-a-date" is not a date in the form YYYY-MM-DD'),
        ("imf_weo_gdp.csv", "2026-02-30", '"2026-02-30" is not a date in the form YYYY-MM-DD'),
        ("wdi_belarus_russia.csv", "22.11.2026", '"22.11.2026" is not a date in the form YYYY-MM-DD'),
        ("wdi_belarus_russia.csv", "20261122", '"20261122" is not a date in the form YYYY-MM-DD'),
        ("wdi_belarus_russia.csv", NEXT_YEAR, f"{NEXT_YEAR} is in the future (today is TODAY)"),
    ],
)
def test_record_refuses_a_retrieval_date_that_is_not_a_past_iso_date(data_copy, unrecorded_weo, file_name, retrieved, problem):
    """Pages print the newest retrieval date as the snapshot's age: 'latest retrieval not-a-date' must not reach them."""
    manifest = (data_copy / "datapackage.json").read_bytes()
    with pytest.raises(DataError) as caught:
        record(file_name, data_copy, retrieved=retrieved)
    assert str(caught.value) == f"{file_name}: retrieval date {problem}".replace("TODAY", dt.date.today().isoformat())
    assert (data_copy / "datapackage.json").read_bytes() == manifest
