"""The pipe from data to book: incremental execution, parameters, determinism, nbval strictness."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from belarus_trade import CHAPTERS_DIR, PROJECT_ROOT
from belarus_trade.build import pipeline as b
from belarus_trade.chapters.charts import FIGURE_MIMETYPE, VEGA_MIMETYPE, stored_figures
from belarus_trade.chapters.prose import value_shown
from belarus_trade.data.loading import READ_LOG_ENV
from belarus_trade.data.snapshot import record
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE

CHAPTER = "multivector"


def quiet(message):
    pass


def shown(notebook: dict, name: str) -> str:
    """What the prose shows for a computed value (an `{eval}` of the variable `name`)."""
    return value_shown(notebook, name)


def chart_specs(notebook: dict) -> dict:
    return stored_figures(notebook)


YEAR_FIELDS = ("year", "begin", "end_year")


def plotted_years(spec: dict) -> set[int]:
    (rows,) = spec["datasets"].values()
    return {int(row[field]) for row in rows for field in YEAR_FIELDS if field in row}


def readers_of(book: Path, file_name: str) -> set[str]:
    """Chapters whose last execution read `file_name` (a change to the manifest also concerns
    the chapters that display it)."""
    names = {file_name, "datapackage.json"}
    return {c.name for c in b.chapters(book) if names & set(b.stored_state(b.read_notebook(c.path)).get("reads", []))}


def test_committed_chapters_are_current():
    """The committed notebooks were executed from the committed code, data and environment."""
    fingerprint = b.environment_fingerprint()
    chapters = b.chapters()
    assert CHAPTER in [c.name for c in chapters]
    assert b.stale_chapters(chapters, PROJECT_ROOT / "data", {}, fingerprint) == []


def test_incremental_build_reexecutes_only_on_code_parameter_or_data_change(small_book):
    book, data = small_book(f"chapters/{CHAPTER}", "bibliography")
    notebook_path = book / "chapters" / f"{CHAPTER}.ipynb"
    first = b.build(book, data, log=quiet)
    # The committed notebooks are the English runs; a copy without _build runs each translation once.
    translations = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
    assert sorted((run["chapter"], run["language"]) for run in first["executed"]) == sorted(
        (chapter.name, language) for chapter in b.chapters(book) for language in translations) and first["rendered"]

    noop = b.build(book, data, log=quiet)
    assert noop == {"executed": [], "rendered": False}
    assert b.unchanged.up_to_date(book, data, {"parameters": {}}), "a build leaves the signature the CLI's no-op path checks"

    # Prose only: the English run is kept; a translated copy, which carries the English Markdown
    # that Sphinx translates, is run again; both re-rendered.
    notebook = json.loads(notebook_path.read_text())
    markdown = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + "\n\nAn added sentence."
    notebook_path.write_text(json.dumps(notebook))
    prose = b.build(book, data, log=quiet)
    assert sorted((run["chapter"], run["language"]) for run in prose["executed"]) == [
        (notebook_path.stem, language) for language in translations] and prose["rendered"]

    # A data file the chapter reads: re-executed, and the glued number moves.
    wdi = data / "wdi_belarus_russia.csv"
    text = wdi.read_text()
    old = next(line for line in text.splitlines() if line.startswith("BLR,NE.EXP.GNFS.ZS,2024,"))
    wdi.write_text(text.replace(old, "BLR,NE.EXP.GNFS.ZS,2024,70.5"))
    record(wdi.name, data)
    changed = b.build(book, data, log=quiet)
    assert {run["chapter"] for run in changed["executed"]} == readers_of(book, wdi.name)
    assert shown(json.loads(notebook_path.read_text()), "exports_pct_gdp_latest") == "70.5"

    # A data file no chapter reads: re-rendered (the snapshot id changes), not re-executed.
    unused = data / "unused_series.csv"
    unused.write_text("year,value\n2020,1.0\n")
    manifest = json.loads((data / "datapackage.json").read_text())
    manifest["resources"].append({
        "name": "unused", "path": unused.name, "retrieved": "2026-01-01", "title": "A series no chapter plots",
        "sources": [{"title": "test", "publisher": "test"}], "licenses": [{"name": "test"}],
        "schema": {"fields": [{"name": "year", "type": "year"}, {"name": "value", "type": "number"}]},
    })
    (data / "datapackage.json").write_text(json.dumps(manifest))
    record(unused.name, data)
    unrelated = b.build(book, data, log=quiet)
    assert {run["chapter"] for run in unrelated["executed"]} == readers_of(book, "datapackage.json") and unrelated["rendered"]
    assert CHAPTER not in readers_of(book, "datapackage.json")  # the data appendix reads it, and this book leaves it out

    # Code: re-executed.
    notebook = json.loads(notebook_path.read_text())
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
    code["source"] = "".join(code["source"]) + "\n# a comment changes the code"
    notebook_path.write_text(json.dumps(notebook))
    recoded = b.build(book, data, log=quiet)["executed"]
    assert sorted((r["chapter"], r["language"]) for r in recoded) == [(CHAPTER, language) for language in sorted(LANGUAGES)]

    # Parameters (book-wide): every chapter re-executed under them, then stable again.
    with_parameters = b.build(book, data, parameters={"end_year": 2022}, log=quiet)
    assert {r["chapter"] for r in with_parameters["executed"]} == {c.name for c in b.chapters(book)}
    assert b.build(book, data, parameters={"end_year": 2022}, log=quiet)["executed"] == []


def test_parameters_end_year_2020_stop_charts_and_numbers(tmp_path, execute):
    """Papermill with end_year=2020: every chart's data and the glued latest year stop at 2020."""
    target = tmp_path / f"{CHAPTER}.ipynb"
    execute(CHAPTERS_DIR / f"{CHAPTER}.ipynb", target, {"end_year": 2020},
            PROJECT_ROOT / "data", b.environment_fingerprint(), tmp_path / "failed")
    notebook = json.loads(target.read_text())
    specs = chart_specs(notebook)
    assert len(specs) >= 4
    for name, spec in specs.items():
        years = plotted_years(spec)
        assert years and max(years) == 2020, name
    for name in ("openness_latest_year", "goods_latest_year", "table1_last_year"):
        assert shown(notebook, name) == "2020", name
    # The injected parameters are visible in the executed copy, as papermill records them.
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in notebook["cells"])


def test_bad_parameters_fail_with_one_line(tmp_path, execute):
    with pytest.raises(b.BuildError) as error:
        execute(CHAPTERS_DIR / f"{CHAPTER}.ipynb", tmp_path / "out.ipynb", {"start_year": 2020, "end_year": 2010},
                PROJECT_ROOT / "data", "fingerprint", tmp_path / "failed")
    message = str(error.value)
    assert "\n" not in message
    assert "ParameterError" in message and "end_year" in message
    assert (tmp_path / "failed" / f"{CHAPTER}.ipynb").exists()
    assert not (tmp_path / "out.ipynb").exists()
    assert READ_LOG_ENV not in os.environ, "a failed run must not leave its read log switched on"


def test_input_key_covers_only_the_modules_a_chapter_imports(tmp_path, monkeypatch):
    """An edit to a module the chapter does not import re-executes nothing; an edit to one it
    imports (directly or through another module), or to the engine, re-executes it."""
    package = tmp_path / "belarus_trade"
    shutil.copytree(b.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(b, "PACKAGE_DIR", package)
    notebook = b.read_notebook(CHAPTERS_DIR / "introduction.ipynb")
    closure = {path.relative_to(package).as_posix() for path in b.module_closure(notebook)}
    assert {"chapters/charts.py", "analysis/methods.py", "data/loading.py", "build/engine.py", "i18n/__init__.py"} <= closure
    assert not {"data/refresh.py", "site/sphinx_ext.py", "checks/bench.py"} & closure
    assert not [path for path in closure if path.startswith("data/publishers/")]

    def key():
        return b.input_key(notebook, {}, PROJECT_ROOT / "data", [], "environment")

    before = key()
    for unrelated in ("data/refresh.py", "site/sphinx_ext.py"):
        (package / unrelated).write_text((package / unrelated).read_text() + "\n# an edit\n")
    assert key() == before
    languages = package / "i18n" / "__init__.py"
    languages.write_text(languages.read_text() + "\n# an edit\n")  # imported through the chart policy
    assert key() != before


def test_new_inline_expression_reexecutes_the_chapter():
    """Prose is not code, but a new `{eval}` in it needs a run to be evaluated."""
    notebook = b.read_notebook(CHAPTERS_DIR / "introduction.ipynb")
    before = b.code_of(notebook)
    markdown = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + " Plain words change nothing."
    assert b.code_of(notebook) == before
    markdown["source"] += " The edition starts in {eval}`start_year`."
    assert b.code_of(notebook) != before


def test_a_prose_edit_reexecutes_only_the_translated_copies(tmp_path):
    """The English notebook keeps its run; a translated copy holds the English Markdown Sphinx
    translates, so it is run again (else the page would show the old sentence, untranslated)."""
    notebook = b.read_notebook(CHAPTERS_DIR / "introduction.ipynb")
    keys = {language: b.input_key(notebook, b.in_language({}, language), tmp_path, [], "f") for language in ("en", "ru")}
    markdown = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + " Plain words."
    assert b.input_key(notebook, b.in_language({}, "en"), tmp_path, [], "f") == keys["en"]
    assert b.input_key(notebook, b.in_language({}, "ru"), tmp_path, [], "f") != keys["ru"]


def test_execution_is_deterministic(tmp_path, execute):
    """Two executions give byte-identical notebooks (timings and papermill metadata removed)."""
    source = CHAPTERS_DIR / f"{CHAPTER}.ipynb"
    outputs = []
    for run in ("a", "b"):
        target = tmp_path / run / source.name
        execute(source, target, {}, PROJECT_ROOT / "data", b.environment_fingerprint(), tmp_path / "failed")
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert READ_LOG_ENV not in os.environ
    assert outputs[0] == source.read_bytes(), "committed notebook differs from a fresh execution"


def test_nbval_compares_chart_specifications(project_copy, nbval):
    """nbval strict mode fails when a stored chart (the Vega spec JupyterLab draws) differs from
    what the code produces."""
    notebook_path = project_copy / "book" / "chapters" / f"{CHAPTER}.ipynb"
    notebook = json.loads(notebook_path.read_text())
    (bundle,) = [output["data"] for cell in notebook["cells"] for output in cell.get("outputs", [])
                 if 'id="bt-fig-1-openness"' in output.get("data", {}).get(FIGURE_MIMETYPE, "")]
    rows = next(dataset["values"] for dataset in bundle[VEGA_MIMETYPE]["data"] if dataset.get("values"))
    rows[0]["pct_of_gdp"] += 1.0
    notebook_path.write_text(json.dumps(notebook))
    run = nbval(notebook_path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "vnd.vega.v5" in run.stdout


def test_publish_atomically_replaces_the_site(tmp_path):
    build_dir = tmp_path / "_build"
    build_dir.mkdir()
    first = build_dir / "html-one"
    first.mkdir()
    (first / "index.html").write_text("one")
    b.publish(first, build_dir)
    second = build_dir / "html-two"
    second.mkdir()
    (second / "index.html").write_text("two")
    b.publish(second, build_dir)
    assert (build_dir / "html").is_symlink()
    assert (build_dir / "html" / "index.html").read_text() == "two"
    assert not first.exists()


def test_rendered_page_has_numbered_figures_and_no_remote_assets(built_site: Path):
    page = (built_site / "chapters" / f"{CHAPTER}.html").read_text()
    for caption in ("Figure 1.", "Figure 2.", "Table 1.", "Figure 2b", "Table 1a"):
        assert caption in page
    assert "Fig. 1 " not in page, "Sphinx's automatic numbering must not renumber the article's figures"
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
    assert 'src="http' not in page and 'href="http' not in page.split("<body")[0]
    bibliography = (built_site / "bibliography.html").read_text()
    assert "Preiherman" in bibliography and "Global Sanctions Data Base" in bibliography


def test_new_year_of_data_reexecutes_exactly_the_dependent_chapters(small_book):
    """The analyst's routine: add a year to one series, rebuild; only chapters that read it rerun,
    and their charts and glued numbers move."""
    book, data = small_book(f"chapters/{CHAPTER}", "bibliography")
    b.build(book, data, log=quiet)
    wdi = data / "wdi_belarus_russia.csv"
    wdi.write_text(wdi.read_text() + "WLD,NE.TRD.GNFS.ZS,2023,58.5\n")
    record(wdi.name, data)
    readers = readers_of(book, wdi.name)
    assert CHAPTER in readers and len(readers) < len(b.chapters(book))
    report = b.build(book, data, log=quiet)
    assert {run["chapter"] for run in report["executed"]} == readers
    notebook = json.loads((book / "chapters" / f"{CHAPTER}.ipynb").read_text())
    assert shown(notebook, "world_trade_latest_year") == "2023"
    (rows,) = chart_specs(notebook)["fig-1-openness"]["datasets"].values()
    assert {"year": 2023, "series": "World: trade (exports + imports)", "pct_of_gdp": 58.5} in rows
    page = (book / "_build" / "html" / "chapters" / f"{CHAPTER}.html").read_text()
    assert "58.5" in page


def write_fetched_series(data: Path) -> list[str]:
    """Files as `make refresh` leaves them for the three series fetched only online (test values)."""
    comtrade = ["reporter_code,partner_code,year,flow,sitc_section,value_usd"] + [
        f"112,643,{year},{flow},{section},{(section + 1) * 1e8 if flow == 'exports' else (10 - section) * 1e8}"
        for year in (2012, 2021) for flow in ("exports", "imports") for section in range(10)]
    concentration = ["economy_code,economy,year,concentration_index"] + [
        f"{code},{label},{year},{base - (year - 2000) * 0.002:.3f}"
        for code, label, base in (("112", "Belarus", 0.2), ("643", "Russian Federation", 0.35)) for year in range(2000, 2024)]
    files = {
        "comtrade_sitc_belarus_russia.csv": comtrade,
        "unctad_export_concentration.csv": concentration,
        "imf_weo_gdp.csv": ["iso3,year,gdp_usd", "BLR,2024,80000000000.0", "RUS,2024,2120000000000.0"],
    }
    for name, lines in files.items():
        (data / name).write_text("\n".join(lines) + "\n")
        record(name, data, retrieved="2026-11-26")
    return list(files)


def text_outside_code(page: str) -> str:
    """What a reader sees with every code cell folded: the chart's code may name its own no-data message."""
    soup = BeautifulSoup(page, "html.parser")
    for code in soup.select(".cell_input"):
        code.decompose()
    return soup.get_text()


def test_fetched_series_fill_figures_4_to_6_and_ktes_2024(small_book):
    """Once a refresh brings the online-only series, exactly the chapters that asked for them rerun
    and draw them. The book: the chapters that read them, the pages they refer to, and the
    introduction and the multivector chapter, which read none of them."""
    book, data = small_book(f"chapters/{CHAPTER}", "chapters/pre_sanction", "chapters/union_state", "chapters/conclusion",
                            "chapters/data_methods", "glossary", "bibliography")
    b.build(book, data, log=quiet)
    files = write_fetched_series(data)
    readers = set().union(*(readers_of(book, name) for name in files))
    assert readers == {"pre_sanction", "union_state", "conclusion", "data_methods"}
    report = b.build(book, data, log=quiet)
    assert {run["chapter"] for run in report["executed"]} == readers

    pre_sanction = json.loads((book / "chapters" / "pre_sanction.ipynb").read_text())
    (structure,) = chart_specs(pre_sanction)["fig-4-imports-structure"]["datasets"].values()
    assert {(row["period"], row["sitc_section"]) for row in structure} == {(p, str(s)) for p in ("2012", "2021") for s in range(10)}
    (concentration,) = chart_specs(pre_sanction)["fig-6-concentration"]["datasets"].values()
    assert {row["economy"] for row in concentration} == {"Belarus", "Russian Federation"}
    assert re.fullmatch(r"\d+\.\d and 5\.5", shown(pre_sanction, "comtrade_machinery_imports"))  # 3 / 55 of the 2021 flow
    assert re.search(r"^Belarus's index was 0\.\d{3} in 2012 and 0\.154 in 20\d\d; it fell in \d+ of the \d+ year-on-year steps",
                     shown(pre_sanction, "concentration_index_sentence"))

    union_state = json.loads((book / "chapters" / "union_state.ipynb").read_text())
    (ktes_rows,) = chart_specs(union_state)["fig-6c-ktes"]["datasets"].values()
    (ktes_2024,) = [row for row in ktes_rows if row["year"] == 2024 and row["series"].startswith("Computed")]
    assert ktes_2024["gdp_source"] == "IMF WEO" and ktes_2024["gdp_sum_bn_usd"] == 2200.0

    site = book / "_build" / "html" / "chapters"
    page = (site / "pre_sanction.html").read_text()
    assert "UN Comtrade (public API, SITC Rev. 3 sections)" in page and "UNCTADstat, Merchandise" in page
    assert "Not drawn (the article's chart covers" not in text_outside_code(page)
    assert value_shown(pre_sanction, "concentration_coverage").startswith("UNCTAD's values behind Figure 6 in this snapshot: ")
    appendix = (site / "data_methods.html").read_text()
    assert appendix.count("Filled: the data reach") == 3 and "not yet fetched" not in appendix


def test_edition_leaves_committed_notebooks_untouched(small_edition):
    edition, site, book, before = small_edition
    assert (site / "chapters" / f"{CHAPTER}.html").exists()
    assert {p.name: p.read_bytes() for p in (book / "chapters").glob("*.ipynb")} == before
    executed = json.loads((edition / "book" / "chapters" / f"{CHAPTER}.ipynb").read_text())
    assert shown(executed, "openness_first_year") == "2005" and shown(executed, "goods_latest_year") == "2019"
    # The Russian edition of the same window, built by the same command.
    assert (site / "ru" / "chapters" / f"{CHAPTER}.html").exists()
    russian = json.loads((edition / "book" / "_build" / "ru-source" / "chapters" / f"{CHAPTER}.ipynb").read_text())
    assert shown(russian, "openness_first_year") == "2005" and shown(russian, "goods_latest_year") == "2019"


@pytest.mark.parametrize("parameters, message", [
    ({"end_yaer": 2020}, "parameter end_yaer: unknown"),
    ({"start_year": 2020, "end_year": 2010}, "parameter end_year: 2010 is before start_year 2020"),
    # windows that once passed this check and crashed inside a chapter
    ({"start_year": 2021, "end_year": 2024}, "years 2021–2024: chapter multivector needs imf_dots .*, which holds 1992–2020"),
    ({"start_year": 2000, "end_year": 2001}, "years 2000–2001: chapter introduction needs article_table1 .*, which holds 2012–2024"),
    ({"start_year": 2090, "end_year": 2100}, "years 2090–2100: chapter introduction needs article_table1"),
])
def test_bad_edition_parameters_are_refused_before_anything_runs(tmp_path, parameters, message):
    from belarus_trade.analysis.methods import ParameterError

    with pytest.raises(ParameterError, match=message):
        b.build_edition(tmp_path / "edition", parameters, log=quiet)
    assert not (tmp_path / "edition").exists()


def test_a_no_op_build_stops_at_the_stamp_and_any_change_falls_through(tmp_path, monkeypatch):
    """`python -m belarus_trade build` with nothing changed since the last build answers from the
    inputs' signature (`unchanged`) without starting the build; a touched, added or removed file,
    another data folder or a missing site runs the build, which decides by content."""
    import belarus_trade
    from belarus_trade import __main__ as cli
    from belarus_trade.build import unchanged

    book, data = tmp_path / "book", tmp_path / "data"
    (book / "chapters").mkdir(parents=True)
    (book / "_build" / "html").mkdir(parents=True)
    (book / "_build" / "html" / "index.html").write_text("<html></html>")
    (book / "chapters" / "a.ipynb").write_text("{}")
    data.mkdir()
    (data / "datapackage.json").write_text("{}")
    monkeypatch.setattr(belarus_trade, "BOOK_DIR", book)
    monkeypatch.setattr(belarus_trade, "DATA_DIR", data)
    builds = []
    monkeypatch.setattr(b, "build", lambda **options: builds.append(options))

    def run(*argv) -> int:
        return cli.main(["build", *argv])

    unchanged.record(book, data, {"parameters": {}})
    assert run() == 0 and builds == []
    assert run("--force") == 0 and len(builds) == 1
    os.utime(book / "chapters" / "a.ipynb", ns=(1, 1))  # touched: same size, another time
    assert run() == 0 and len(builds) == 2
    unchanged.record(book, data, {"parameters": {}})
    (book / "chapters" / "b.md").write_text("# B")
    assert run() == 0 and len(builds) == 3
    unchanged.record(book, data, {"parameters": {}})
    (book / "_build" / "html" / "index.html").unlink()
    assert run() == 0 and len(builds) == 4
    (book / "_build" / "html" / "index.html").write_text("<html></html>")
    unchanged.record(book, data, {"parameters": {}})
    other = tmp_path / "other-data"
    shutil.copytree(data, other)
    assert run("--data-dir", str(other)) == 0 and len(builds) == 5
    assert run() == 0 and len(builds) == 5
    unchanged.forget(book)  # a build that started and failed leaves no stamp
    assert run() == 0 and len(builds) == 6
