"""Fixtures of the data tests: a scratch copy of the data folder, and a fetched series not yet recorded in it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from belarus_trade import DATA_DIR

WEO_CSV = "iso3,year,gdp_usd\nBLR,2024,75000000000.0\nRUS,2024,2100000000000.0\n"  # test values


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def unrecorded_weo(data_copy) -> Path:
    """The WEO series written into the copy as a refresh would fetch it, and not recorded: the manifest still lists it as pending."""
    path = data_copy / "imf_weo_gdp.csv"
    path.write_text(WEO_CSV, encoding="utf-8")
    return path
