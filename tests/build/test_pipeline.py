"""The pipe from data to book on a small book: exactly the chapters whose code, parameters or read
data changed re-execute, in every language, and the new numbers and charts reach the pages."""
from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from belarus_trade.__main__ import main
from belarus_trade.build import unchanged
from belarus_trade.build.book import chapters
from belarus_trade.build.keys import declared_reads
from belarus_trade.build.pipeline import build
from belarus_trade.chapters.charts import stored_figures
from belarus_trade.chapters.prose import value_shown
from belarus_trade.data.snapshot import record
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE

CHAPTER = "multivector"


def quiet(message):
    pass


def readers_of(book: Path, data: Path, file_name: str) -> set[str]:
    """Chapters that declare they read `file_name` (a change to the manifest also concerns the
    chapters that display it)."""
    names = {file_name, "datapackage.json"}
    return {c.name for c in chapters(book) if names & set(declared_reads(c.path, data))}


def test_jobs_zero_is_refused_in_one_line(capsys):
    assert main(["build", "--jobs", "0"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: jobs 0:") and error.count("\n") == 1


def test_incremental_build_reexecutes_only_on_code_parameter_or_data_change(small_book):
    book, data = small_book(f"chapters/{CHAPTER}", "bibliography")
    notebook_path = book / "chapters" / f"{CHAPTER}.ipynb"
    first = build(book, data, log=quiet)
    # The committed notebooks are the English runs; a copy without _build runs each translation once.
    translations = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
    assert sorted((run["chapter"], run["language"]) for run in first["executed"]) == sorted(
        (chapter.name, language) for chapter in chapters(book) for language in translations) and first["rendered"]

    noop = build(book, data, log=quiet)
    assert noop == {"executed": [], "rendered": False}
    assert unchanged.up_to_date(book, data, {"parameters": {}}), "a build leaves the signature the CLI's no-op path checks"

    # Prose only: the English run is kept; a translated copy, which carries the English Markdown
    # that Sphinx translates, is run again; both re-rendered.
    notebook = json.loads(notebook_path.read_text())
    markdown = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + "\n\nAn added sentence."
    notebook_path.write_text(json.dumps(notebook))
    prose = build(book, data, log=quiet)
    assert sorted((run["chapter"], run["language"]) for run in prose["executed"]) == [
        (notebook_path.stem, language) for language in translations] and prose["rendered"]

    # A data file the chapter reads: re-executed, and the glued number moves.
    wdi = data / "wdi_belarus_russia.csv"
    text = wdi.read_text()
    old = next(line for line in text.splitlines() if line.startswith("BLR,NE.EXP.GNFS.ZS,2024,"))
    wdi.write_text(text.replace(old, "BLR,NE.EXP.GNFS.ZS,2024,70.5"))
    record(wdi.name, data)
    changed = build(book, data, log=quiet)
    assert {run["chapter"] for run in changed["executed"]} == readers_of(book, data, wdi.name)
    assert value_shown(json.loads(notebook_path.read_text()), "exports_pct_gdp_latest") == "70.5"

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
    unrelated = build(book, data, log=quiet)
    assert {run["chapter"] for run in unrelated["executed"]} == readers_of(book, data, "datapackage.json") and unrelated["rendered"]
    assert CHAPTER not in readers_of(book, data, "datapackage.json")  # the data appendix reads it, and this book leaves it out

    # Code: re-executed.
    notebook = json.loads(notebook_path.read_text())
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
    code["source"] = "".join(code["source"]) + "\n# a comment changes the code"
    notebook_path.write_text(json.dumps(notebook))
    recoded = build(book, data, log=quiet)["executed"]
    assert sorted((r["chapter"], r["language"]) for r in recoded) == [(CHAPTER, language) for language in sorted(LANGUAGES)]

    # Parameters (book-wide): every chapter re-executed under them, then stable again.
    with_parameters = build(book, data, parameters={"end_year": 2022}, log=quiet)
    assert {r["chapter"] for r in with_parameters["executed"]} == {c.name for c in chapters(book)}
    assert build(book, data, parameters={"end_year": 2022}, log=quiet)["executed"] == []


def test_new_year_of_data_reexecutes_exactly_the_dependent_chapters(small_book):
    """The analyst's routine: add a year to one series, rebuild; only chapters that read it rerun,
    and their charts and glued numbers move."""
    book, data = small_book(f"chapters/{CHAPTER}", "bibliography")
    build(book, data, log=quiet)
    wdi = data / "wdi_belarus_russia.csv"
    wdi.write_text(wdi.read_text() + "WLD,NE.TRD.GNFS.ZS,2023,58.5\n")
    record(wdi.name, data)
    readers = readers_of(book, data, wdi.name)
    assert CHAPTER in readers and len(readers) < len(chapters(book))
    report = build(book, data, log=quiet)
    assert {run["chapter"] for run in report["executed"]} == readers
    notebook = json.loads((book / "chapters" / f"{CHAPTER}.ipynb").read_text())
    assert value_shown(notebook, "world_trade_latest_year") == "2023"
    (rows,) = stored_figures(notebook)["fig-1-openness"]["datasets"].values()
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
    build(book, data, log=quiet)
    files = write_fetched_series(data)
    readers = set().union(*(readers_of(book, data, name) for name in files))
    assert readers == {"pre_sanction", "union_state", "conclusion", "data_methods"}
    report = build(book, data, log=quiet)
    assert {run["chapter"] for run in report["executed"]} == readers

    pre_sanction = json.loads((book / "chapters" / "pre_sanction.ipynb").read_text())
    (structure,) = stored_figures(pre_sanction)["fig-4-imports-structure"]["datasets"].values()
    assert {(row["period"], row["sitc_section"]) for row in structure} == {(p, str(s)) for p in ("2012", "2021") for s in range(10)}
    (concentration,) = stored_figures(pre_sanction)["fig-6-concentration"]["datasets"].values()
    assert {row["economy"] for row in concentration} == {"Belarus", "Russian Federation"}
    assert re.fullmatch(r"\d+\.\d and 5\.5", value_shown(pre_sanction, "comtrade_machinery_imports"))  # 3 / 55 of the 2021 flow
    assert re.search(r"^Belarus's index was 0\.\d{3} in 2012 and 0\.154 in 20\d\d; it fell in \d+ of the \d+ year-on-year steps",
                     value_shown(pre_sanction, "concentration_index_sentence"))

    union_state = json.loads((book / "chapters" / "union_state.ipynb").read_text())
    (ktes_rows,) = stored_figures(union_state)["fig-6c-ktes"]["datasets"].values()
    (ktes_2024,) = [row for row in ktes_rows if row["year"] == 2024 and row["series"].startswith("Computed")]
    assert ktes_2024["gdp_source"] == "IMF WEO" and ktes_2024["gdp_sum_bn_usd"] == 2200.0

    site = book / "_build" / "html" / "chapters"
    page = (site / "pre_sanction.html").read_text()
    assert "UN Comtrade (public API, SITC Rev. 3 sections)" in page and "UNCTADstat, Merchandise" in page
    assert "Not drawn (the article's chart covers" not in text_outside_code(page)
    assert value_shown(pre_sanction, "concentration_coverage").startswith("UNCTAD's values behind Figure 6 in this snapshot: ")
    appendix = (site / "data_methods.html").read_text()
    assert appendix.count("Filled: the data reach") == 3 and "not yet fetched" not in appendix
