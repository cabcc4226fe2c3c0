"""A chapter's context: data folder, language and window in one object; reads only what the
chapter declares; source lines from the data, never typed at the chart."""
from __future__ import annotations

import ast
import importlib
import types

import altair as alt
import pandas as pd
import pytest

from belarus_trade import BOOK_DIR, PROJECT_ROOT, i18n
from belarus_trade.analysis.methods import ParameterError
from belarus_trade.chapters import charts
from belarus_trade.chapters.context import MANIFEST, ChapterContext, UndeclaredRead
from belarus_trade.data.lineage import drawn_from, sourced
from belarus_trade.data.manifest import PENDING_KEY, read_manifest

PACKAGE = PROJECT_ROOT / "belarus_trade"


def chapter(*reads: str) -> types.ModuleType:
    module = types.ModuleType("belarus_trade.chapters.example")
    module.READS = reads
    return module


def make(*reads: str, **options) -> ChapterContext:
    settings = {"language": "en", "data_dir": None, "start_year": 2000, "end_year": 2024} | options
    return ChapterContext(chapter(*reads), **settings)


def test_it_sets_the_language_and_checks_the_window():
    make("wdi", language="ru")
    assert i18n.current() == "ru"
    make("wdi")
    with pytest.raises(ParameterError):
        make("wdi", start_year=2020, end_year=2010)


def test_an_undeclared_read_is_refused_and_named():
    example = make("wdi")
    assert drawn_from(example.load("wdi")) == ("wdi",)
    for read in (lambda: example.load("imf_dots"), lambda: example.load_if_held("weo_gdp"),
                 lambda: example.path("gsdb"), example.manifest):
        with pytest.raises(UndeclaredRead, match="belarus_trade/chapters/example.py"):
            read()
    assert make(MANIFEST).manifest()["resources"]


def test_a_figure_names_the_resources_its_data_were_drawn_from_and_no_other():
    example = make("wdi", "imf_dots", "gsdb")
    wdi, imf = example.load("wdi"), example.load("imf_dots")
    both = sourced(lambda left, right: pd.DataFrame({"year": [2020, 2021], "value": [1.0, 2.0]}))(wdi, imf)
    lines = alt.Chart(both).mark_line().encode(x="year:O", y="value:Q")
    figure = example.figure("fig-x", alt.layer(lines, lines.mark_point()), description="Lines and points.")
    assert figure.attribution.resources == ["wdi", "imf_dots"]
    sources, _ = charts.source_line(figure.attribution.resources)
    titles = {r["name"]: r["sources"][0]["title"] for r in read_manifest()["resources"]}
    assert titles["wdi"] in sources and titles["gsdb"] not in sources
    panels = alt.hconcat(alt.Chart(wdi).mark_bar().encode(x="year:O"), alt.Chart(wdi).mark_line().encode(x="year:O"))
    assert example.figure("fig-y", panels, description="Two panels.").attribution.resources == ["wdi"]


def test_data_that_carry_no_resource_stop_the_figure():
    example = make("wdi")
    typed_in = pd.DataFrame({"year": [2020], "value": [1.0]})
    with pytest.raises(UndeclaredRead, match="fig-z: its data carry no resource"):
        example.figure("fig-z", alt.Chart(typed_in).mark_bar(), description="Bars.")
    with pytest.raises(UndeclaredRead, match="table-z"):
        example.table("table-z", typed_in)


def test_a_figure_without_data_names_what_lacks_the_years():
    example = make("wdi", "weo_gdp")
    figure = example.no_data_figure("fig-n", "No year.", example.load("wdi"), "weo_gdp", note="A note.")
    assert figure.attribution.resources == ["wdi", "weo_gdp"] and figure.attribution.note == "A note."
    with pytest.raises(UndeclaredRead):
        example.no_data_figure("fig-n", "No year.", "gsdb")


def test_every_chapter_declares_resources_the_manifest_knows():
    manifest = read_manifest()
    known = {r["name"] for r in manifest["resources"] + manifest.get(PENDING_KEY, [])} | {MANIFEST}
    for notebook in sorted((BOOK_DIR / "chapters").glob("*.ipynb")):
        module = importlib.import_module(f"belarus_trade.chapters.{notebook.stem}")
        assert module.READS and set(module.READS) <= known, notebook.stem


def test_every_function_that_returns_a_frame_from_frames_is_sourced():
    """A new analysis or chapter function that builds a frame must keep its inputs' resources,
    or a figure drawn from it stops: marked `@sourced`, checked here before any notebook runs."""
    unmarked = []
    for path in [*(PACKAGE / "analysis").glob("*.py"), *(PACKAGE / "chapters").glob("*.py")]:
        if path.name in ("charts.py", "context.py", "prose.py"):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.returns is not None:
                takes = "DataFrame" in ast.unparse(node.args) or "Series" in ast.unparse(node.args)
                gives = "DataFrame" in ast.unparse(node.returns) or "Series" in ast.unparse(node.returns)
                if takes and gives and "sourced" not in [ast.unparse(d) for d in node.decorator_list]:
                    unmarked.append(f"{path.name}:{node.name}")
    assert unmarked == []
