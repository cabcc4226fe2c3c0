"""Validation of the real snapshot: every file passes its schema and checksum, and a fetched series may not
sit in the folder unrecorded. (Bad files, one defect each, are in tests/build/test_bad_inputs.py.)"""
from __future__ import annotations

import pytest

from belarus_trade.data.loading import load_if_held
from belarus_trade.data.manifest import DataError, read_manifest
from belarus_trade.data.validation import validate_package


def test_real_snapshot_validates():
    assert validate_package() == [r["path"] for r in read_manifest()["resources"]]


def test_a_series_file_present_but_unrecorded_is_an_error(data_copy, unrecorded_weo):
    for check in (lambda: load_if_held("weo_gdp", data_copy), lambda: validate_package(data_copy)):
        with pytest.raises(DataError, match=r"imf_weo_gdp.csv: file is present but .* `python -m belarus_trade record imf_weo_gdp.csv`"):
            check()
    with pytest.raises(DataError, match="no resource named 'weo'"):
        load_if_held("weo", data_copy)
