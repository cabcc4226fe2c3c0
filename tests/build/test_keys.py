"""Input keys: a chapter re-executes when its code, the `{eval}` expressions of its prose, the
package modules it imports, its parameters or the data it read change, and for nothing else."""
from __future__ import annotations

import shutil

import pytest

from belarus_trade import CHAPTERS_DIR, PROJECT_ROOT
from belarus_trade.build import BuildError, keys
from belarus_trade.build.book import chapters, in_language, read_notebook

CHAPTER = "multivector"


def test_committed_chapters_are_current():
    """The committed notebooks were executed from the committed code, data and environment."""
    fingerprint = keys.environment_fingerprint()
    chapter_list = chapters()
    assert CHAPTER in [c.name for c in chapter_list]
    assert keys.stale_chapters(chapter_list, PROJECT_ROOT / "data", {}, fingerprint) == []


def test_input_key_covers_only_the_modules_a_chapter_imports(tmp_path, monkeypatch):
    """An edit to a module the chapter does not import re-executes nothing; an edit to one it
    imports (directly or through another module), or to the engine, re-executes it."""
    package = tmp_path / "belarus_trade"
    shutil.copytree(keys.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE_DIR", package)
    notebook = read_notebook(CHAPTERS_DIR / "introduction.ipynb")
    closure = {path.relative_to(package).as_posix() for path in keys.module_closure(notebook)}
    assert {"chapters/charts.py", "analysis/methods.py", "data/loading.py", "build/engine.py", "i18n/__init__.py"} <= closure
    assert not {"data/refresh.py", "data/publishers/imf.py", "site/extension.py", "checks/bench.py"} & closure

    def key():
        return keys.input_key(notebook, {}, PROJECT_ROOT / "data", [], "environment")

    before = key()
    for unrelated in ("data/refresh.py", "site/extension.py"):
        (package / unrelated).write_text((package / unrelated).read_text() + "\n# an edit\n")
    assert key() == before
    languages = package / "i18n" / "__init__.py"
    languages.write_text(languages.read_text() + "\n# an edit\n")  # imported through the chart policy
    assert key() != before


def test_new_inline_expression_reexecutes_the_chapter():
    """Prose is not code, but a new `{eval}` in it needs a run to be evaluated."""
    notebook = read_notebook(CHAPTERS_DIR / "introduction.ipynb")
    before = keys.code_of(notebook)
    markdown = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + " Plain words change nothing."
    assert keys.code_of(notebook) == before
    markdown["source"] += " The edition starts in {eval}`start_year`."
    assert keys.code_of(notebook) != before


def test_a_prose_edit_reexecutes_only_the_translated_copies(tmp_path):
    """The English notebook keeps its run; a translated copy holds the English Markdown Sphinx
    translates, so it is run again (else the page would show the old sentence, untranslated)."""
    notebook = read_notebook(CHAPTERS_DIR / "introduction.ipynb")
    keyed = {language: keys.input_key(notebook, in_language({}, language), tmp_path, [], "f") for language in ("en", "ru")}
    markdown = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + " Plain words."
    assert keys.input_key(notebook, in_language({}, "en"), tmp_path, [], "f") == keyed["en"]
    assert keys.input_key(notebook, in_language({}, "ru"), tmp_path, [], "f") != keyed["ru"]


def test_a_chapter_is_keyed_on_the_files_its_module_declares(tmp_path, monkeypatch):
    """The key is known before a chapter runs: READS of its module, each resource mapped to its file
    by the manifest (a series a refresh has not brought yet too), MANIFEST to the manifest itself."""
    data = PROJECT_ROOT / "data"
    assert keys.declared_reads(CHAPTERS_DIR / "introduction.ipynb", data) == ["article_table1_geography.csv"]
    appendix = keys.declared_reads(CHAPTERS_DIR / "data_methods.ipynb", data)
    assert "datapackage.json" in appendix and "unctad_export_concentration.csv" in appendix  # not fetched yet
    assert keys.declared_reads(tmp_path / "no_module_of_this_name.ipynb", data) == []

    package = tmp_path / "belarus_trade"
    (package / "chapters").mkdir(parents=True)
    monkeypatch.setattr(keys, "PACKAGE_DIR", package)
    module = package / "chapters" / "example.ipynb"
    (package / "chapters" / "example.py").write_text('READS = ("wdi", "imf_dots")\n')
    before = keys.declared_reads(module, data)
    assert before == ["imf_dots_belarus.csv", "wdi_belarus_russia.csv"]

    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    reads = keys.declared_reads(module, copy)
    monkeypatch.setattr(keys, "PACKAGE_DIR", PROJECT_ROOT / "belarus_trade")  # the real modules, for the key
    notebook = read_notebook(CHAPTERS_DIR / "introduction.ipynb")
    key = keys.input_key(notebook, {}, copy, reads, "environment")
    (copy / "gsdb_belarus_sanctions.csv").write_text("undeclared\n")
    assert keys.input_key(notebook, {}, copy, reads, "environment") == key
    (copy / "wdi_belarus_russia.csv").write_text("declared\n")
    assert keys.input_key(notebook, {}, copy, reads, "environment") != key
    # A series a refresh has not brought yet is keyed on while absent, so its arrival re-executes.
    waiting = keys.declared_reads(CHAPTERS_DIR / "union_state.ipynb", copy)
    assert "imf_weo_gdp.csv" in waiting and not (copy / "imf_weo_gdp.csv").exists()
    key = keys.input_key(notebook, {}, copy, waiting, "environment")
    (copy / "imf_weo_gdp.csv").write_text("iso3,year,gdp_usd\n")
    assert keys.input_key(notebook, {}, copy, waiting, "environment") != key

    monkeypatch.setattr(keys, "PACKAGE_DIR", package)

    (package / "chapters" / "example.py").write_text('READS = ("wdi", "no_such_series")\n')
    with pytest.raises(BuildError, match="READS names 'no_such_series'"):
        keys.declared_reads(module, data)
    (package / "chapters" / "example.py").write_text('"""A module that forgot its declaration."""\n')
    with pytest.raises(BuildError, match="no READS"):
        keys.declared_reads(module, data)
