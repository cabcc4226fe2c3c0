"""The appendix: the datasets table from the manifest, the discrepancies between sources, the
known gaps and their status, and the values the committed notebook shows."""
from __future__ import annotations

import json
import shutil

import pytest

from belarus_trade import BOOK_DIR, PROJECT_ROOT
from belarus_trade.analysis import methods
from belarus_trade.chapters import data_methods as chapter
from belarus_trade.chapters.context import ChapterContext
from belarus_trade.chapters.prose import stored_text
from belarus_trade.data import loading as data
from belarus_trade.data.lineage import RESOURCES
from belarus_trade.data.manifest import PENDING_KEY, read_manifest, resource_descriptor
from belarus_trade.data.snapshot import record

NOTEBOOK = BOOK_DIR / "chapters" / "data_methods.ipynb"


def context(data_dir=None) -> ChapterContext:
    return ChapterContext(chapter, language="en", data_dir=data_dir, start_year=2000, end_year=2024)


def test_datasets_lists_every_file_then_the_pending_series():
    manifest = read_manifest()
    table = chapter.datasets(context())
    resources, pending = manifest["resources"], manifest.get(PENDING_KEY, [])
    assert list(table.File) == [r["path"] for r in resources + pending]
    assert list(table.columns) == ["File", "Contents", "Publisher", "Licence", "Retrieved", "Years", "Rows", "sha256"]
    held = table.iloc[: len(resources)]
    assert (held.Retrieved != chapter.NOT_FETCHED).all() and held.sha256.str.fullmatch("[0-9a-f]{12}").all()
    assert (table.iloc[len(resources):].Retrieved == chapter.NOT_FETCHED).all()
    wdi = table.set_index("File").loc["wdi_belarus_russia.csv"]
    assert wdi.sha256 == resource_descriptor("wdi")["hash"][7:19]
    assert table.attrs[RESOURCES] == tuple(r["name"] for r in resources), "drawn from every file the manifest lists"


@pytest.mark.parametrize("last_year, needed, status", [
    (None, 2024, "Not in this snapshot"),
    (2024, 2024, "Filled: the data reach 2024"),
    (2025, 2024, "Filled: the data reach 2025"),
    (2022, 2024, "Open: the data end in 2022"),
])
def test_gap_status(last_year, needed, status):
    assert chapter.gap_status(last_year, needed) == status


def test_gaps_of_the_offline_snapshot():
    gaps = chapter.gaps(context())
    assert gaps.attrs[RESOURCES][:2] == ("imf_dots", "wdi"), "drawn from the files whose last years it reports"
    gaps = gaps.set_index("Data")
    assert len(gaps) == len(chapter.OFFLINE_GAPS) == 5
    trade = gaps.loc["Belarus–Russia goods trade, 2021–2024", "This snapshot"]
    assert trade.startswith("Open: the data end in")  # the IMF data stop before 2024
    statuses = gaps["This snapshot"]
    held = {name for name in ("comtrade_sitc", "unctad_concentration") if data.load_if_held(name) is not None}
    if not held:
        assert statuses.str.startswith("Not in this snapshot").sum() == 2


def test_gaps_read_a_refreshed_series(tmp_path):
    """Once a refresh adds the WEO GDP for 2024, the GDP gap is filled (test_build checks the page)."""
    copy = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", copy)
    gdp_gap = "GDP of Belarus and Russia, 2024"
    assert chapter.gaps(context(copy)).set_index("Data").loc[gdp_gap, "This snapshot"] == "Open: the data end in 2023"
    (copy / "imf_weo_gdp.csv").write_text("iso3,year,gdp_usd\nBLR,2024,80000000000.0\nRUS,2024,2120000000000.0\n")
    record("imf_weo_gdp.csv", copy, retrieved="2026-11-26")
    assert chapter.gaps(context(copy)).set_index("Data").loc[gdp_gap, "This snapshot"] == "Filled: the data reach 2024"
    datasets = chapter.datasets(context(copy)).set_index("File")
    assert datasets.loc["imf_weo_gdp.csv", "Retrieved"] == "2026-11-26"


def test_discrepancies_compute_each_difference(frames):
    table = chapter.discrepancies(frames["article_figures"], frames["imf_dots"], frames["article_table1"])
    assert list(table.index) == ["eu_exports_share_2021", "china_exports_share_2021", "eu_balance_2020", "eu_imports_share_2014"]
    assert (table["Difference"] == table["Value A"] - table["Value B"]).all()
    eu_share = table.loc["eu_exports_share_2021"]
    assert (eu_share["Value A"], eu_share["Value B"]) == (17.1, 23.7)  # ITC Trade Map vs Belstat
    imf_balance = table.loc["eu_balance_2020", "Value B"]
    flows = {flow: methods.belarus_flows(frames["imf_dots"], flow)[methods.EUROPEAN_UNION][2020] / 1000 for flow in ("exports_fob", "imports_cif")}
    assert imf_balance == pytest.approx(flows["exports_fob"] - flows["imports_cif"])
    assert round(imf_balance, 1) == round(table.loc["eu_balance_2020", "Value A"], 1) == -1.0
    printed = frames["article_table1"]
    printed_eu_2014 = printed[(printed.flow == "import") & (printed.year == 2014) & (printed.partner == "EU")].share_pct.iloc[0]
    assert table.loc["eu_imports_share_2014", "Value A"] == printed_eu_2014


def test_committed_notebook_shows_the_numbers_and_the_tables():
    notebook = json.loads(NOTEBOOK.read_text())
    shown = stored_text(notebook)
    assert shown["i18n.number(eu_share_2021_itc, 1)"] == "17.1" and shown["i18n.number(eu_share_2021_belstat, 1)"] == "23.7"
    assert shown["i18n.number(eu_balance_2020_belstat, 1)"] == "-1.0" and shown["i18n.number(eu_balance_2020_imf, 1)"] == "-1.0"
    assert shown["i18n.number(eu_balance_2021_belstat, 1)"] == "2.7"
    text = "".join("".join(cell["source"]) for cell in notebook["cells"])
    assert "{glue" not in text and "publish(" not in text
    html = "".join("".join(output.get("data", {}).get("text/html", "")) for cell in notebook["cells"] for output in cell.get("outputs", []))
    for key in ("table-b-datasets", "table-c-discrepancies", "table-d-gaps"):
        assert f'id="bt-{key}"' in html
    assert html.count("Not in this snapshot") == 2 and "Filled: the data reach" not in html
