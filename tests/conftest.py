"""Shared fixtures: the snapshot's datasets under their own names, the built book (built once
per session, incrementally) and a scratch copy of the project for tests that change data or code."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from belarus_trade import data
from belarus_trade.paths import PROJECT_ROOT

# Files whose tests build the book, execute chapters or start a browser or JupyterLab.
SLOW_TEST_FILES = {"test_build.py", "test_browser.py", "test_seminar.py", "test_notebooks.py", "test_accessibility.py"}


def pytest_collection_modifyitems(config, items):
    """Mark the slow tests, so `make test-fast` (`-m "not slow"`) leaves them out."""
    for item in items:
        if item.path.suffix == ".ipynb" or item.path.name in SLOW_TEST_FILES:
            item.add_marker(pytest.mark.slow)


SNAPSHOT_DATASETS = ("wdi", "imf_dots", "article_table1", "article_figures", "gsdb")


def snapshot_fixture(name: str):
    """A session fixture named like the dataset, so a test asks for `imf_dots` as a chapter does."""
    def load_once() -> pd.DataFrame:
        return data.load(name)
    load_once.__doc__ = f"The committed snapshot's {name}, loaded once per session: read it, do not change it."
    return pytest.fixture(scope="session", name=name)(load_once)


for _dataset in SNAPSHOT_DATASETS:
    globals()[f"snapshot_{_dataset}"] = snapshot_fixture(_dataset)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The HTML book as `make book` leaves it (no-op if already up to date)."""
    from belarus_trade.build import build

    build(log=lambda message: None)
    site = PROJECT_ROOT / "book" / "_build" / "html"
    assert (site / "chapters").is_dir()
    return site.resolve()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of book sources and data in a temporary folder, safe to modify."""
    target = tmp_path / "project"
    target.mkdir()
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    shutil.copytree(PROJECT_ROOT / "book", target / "book", ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    return target
