"""Bad inputs stop validation, the CLI and the build with one line naming file, row and column.

Each file in `tests/bad_inputs/` is a copy of (part of) a real data file with exactly one defect;
`cases.csv` says which resource it stands in for and what the message must say.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from belarus_trade.build import BuildError, build
from belarus_trade.data import DataError, load, read_manifest, validate_file, validate_package
from belarus_trade.methods import ParameterError, check_years
from belarus_trade.paths import BUILD_DIR, CHAPTERS_DIR, DATA_DIR, PROJECT_ROOT

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = list(csv.DictReader((CORPUS / "cases.csv").open(encoding="utf-8", newline="")))
ONE_LINE = re.compile(r"[^\n\r]+")


def descriptor_of(resource: str, data_dir: Path) -> dict:
    (descriptor,) = [r for r in read_manifest(data_dir)["resources"] if r["name"] == resource]
    return descriptor


def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def with_bad_file(tmp_path: Path, case: dict) -> tuple[Path, dict]:
    """A copy of the snapshot whose file for the case's resource is the bad file."""
    data = data_copy(tmp_path)
    descriptor = descriptor_of(case["resource"], data)
    shutil.copyfile(CORPUS / case["file"], data / descriptor["path"])
    return data, descriptor


def assert_one_line(message: str, pattern: str) -> None:
    assert ONE_LINE.fullmatch(message), f"not a single line: {message!r}"
    assert re.search(pattern, message), f"{message!r} does not match {pattern!r}"


def test_corpus_index_lists_every_file_once():
    listed = [case["file"] for case in CASES]
    on_disk = sorted(p.name for p in CORPUS.iterdir() if p.name != "cases.csv")
    assert sorted(listed) == on_disk
    resources = {r["name"] for r in read_manifest()["resources"]}
    assert {case["resource"] for case in CASES} <= resources
    for case in CASES:
        file_name = descriptor_of(case["resource"], DATA_DIR)["path"]
        assert re.escape(file_name) in case["expected"], case["file"]
        assert re.search(r"row \d+, columns? '", case["expected"]), case["file"]


def test_corpus_bytes_are_what_the_cases_say():
    assert (CORPUS / "empty.csv").read_bytes() == b""
    assert (CORPUS / "utf8_bom.csv").read_bytes().startswith(b"\xef\xbb\xbfiso3,")
    cp1251 = (CORPUS / "cp1251.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        cp1251.decode("utf-8")
    assert "Белстат" in cp1251.decode("cp1251")
    header_only = (CORPUS / "header_only.csv").read_text(encoding="utf-8")
    assert header_only.count("\n") == 1 and header_only.startswith("case_id,")
    assert "<script>alert(1)</script>" in (CORPUS / "script_partner.csv").read_text(encoding="utf-8")
    assert '"35,4"' in (CORPUS / "comma_decimal_quoted.csv").read_text(encoding="utf-8")
    assert "\nexport,RU,2012,35,4\n" in (CORPUS / "comma_decimal_unquoted.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_bad_file_is_rejected_with_file_row_and_column(tmp_path, case):
    data, descriptor = with_bad_file(tmp_path, case)
    unchecked = {k: v for k, v in descriptor.items() if k != "hash"}
    with pytest.raises(DataError) as caught:
        validate_file(data / descriptor["path"], unchecked)
    assert_one_line(str(caught.value), case["expected"])


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_defect_is_reported_before_the_checksum(tmp_path, case):
    """A hand-edited file with a defect is reported where the defect is, not as a checksum mismatch."""
    data, _ = with_bad_file(tmp_path, case)
    with pytest.raises(DataError) as caught:
        load(case["resource"], data)
    assert_one_line(str(caught.value), case["expected"])


def test_row_numbers_are_file_lines_despite_blank_lines(tmp_path):
    data = data_copy(tmp_path)
    path = data / "article_table1_geography.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",42.1", ",4x.1")
    path.write_text("".join(lines[:2] + ["\n"] + lines[2:]), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load("article_table1", data)
    assert_one_line(str(caught.value), r"article_table1_geography\.csv, row 5, column 'share_pct': '4x\.1' is not a number")


def test_value_with_a_line_break_keeps_the_message_on_one_line(tmp_path):
    data = data_copy(tmp_path)
    path = data / "article_table1_geography.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",35.4\n", ',"35\n.4"\n', 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load("article_table1", data)
    assert_one_line(str(caught.value), r"row 2, column 'share_pct': '35\\n\.4' is not a number")


def test_unrecorded_change_fails_the_checksum(tmp_path):
    """One byte changed, still valid, manifest kept: only the sha256 can tell."""
    data = data_copy(tmp_path)
    path = data / "article_table1_geography.csv"
    raw = path.read_bytes()
    changed = raw.replace(b"export,RU,2012,35.4\n", b"export,RU,2012,35.5\n", 1)
    assert len(changed) == len(raw) and sum(a != b for a, b in zip(raw, changed)) == 1
    path.write_bytes(changed)
    for call in (lambda: load("article_table1", data), lambda: validate_package(data)):
        with pytest.raises(DataError) as caught:
            call()
        assert_one_line(str(caught.value), r"article_table1_geography\.csv: sha256 does not match the manifest")


def test_malformed_manifest_names_the_line(tmp_path):
    data = data_copy(tmp_path)
    manifest = data / "datapackage.json"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = next(i for i, line in enumerate(lines) if line.strip().startswith('"version"'))
    lines[broken] = lines[broken].replace('",', '"', 1)  # drop the comma: the next line is unexpected
    manifest.write_text("".join(lines), encoding="utf-8")
    for call in (lambda: load("wdi", data), lambda: validate_package(data)):
        with pytest.raises(DataError) as caught:
            call()
        assert_one_line(str(caught.value), rf"datapackage\.json, line {broken + 2}: manifest is not valid JSON")


def test_manifest_without_a_schema_is_reported_not_a_key_error(tmp_path):
    data = data_copy(tmp_path)
    manifest = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    del manifest["resources"][2]["schema"]
    (data / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        validate_package(data)
    assert_one_line(str(caught.value), r"datapackage\.json: resource 3 needs .*'schema'")


@pytest.mark.parametrize(
    "start_year, end_year, parameter",
    [
        (2020, 2012, "end_year"),  # end before start
        (2012.5, 2020, "start_year"),  # not a whole year
        ("2012", 2020, "start_year"),  # text, as papermill may pass it
        (True, 2020, "start_year"),  # bool is an int in Python, not a year
        (2012, 2250, "end_year"),  # out of range
        (1900, 2020, "start_year"),  # out of range
    ],
)
def test_check_years_names_the_parameter(start_year, end_year, parameter):
    with pytest.raises(ParameterError) as caught:
        check_years(start_year, end_year)
    assert_one_line(str(caught.value), rf"^parameter {parameter}: ")


def test_check_years_accepts_a_valid_window():
    check_years(2012, 2024)
    check_years(2020, 2020)


# --- the build and the command line --------------------------------------------------------

BUILD_CASES = ["negative_value.csv", "comma_decimal_unquoted.csv", "cp1251.csv"]


def case_named(file_name: str) -> dict:
    (case,) = [case for case in CASES if case["file"] == file_name]
    return case


@pytest.fixture(scope="module")
def last_good_book():
    """Build the real book (incremental: quick when up to date) and record what a failed build must not touch."""
    build(log=lambda message: None)
    link = BUILD_DIR / "html"
    page = link / "chapters" / "multivector.html"
    notebook = CHAPTERS_DIR / "multivector.ipynb"
    return {
        "link": link, "target": os.readlink(link), "page": page, "page_bytes": page.read_bytes(),
        "page_mtime": page.stat().st_mtime_ns, "notebook": notebook, "notebook_bytes": notebook.read_bytes(),
    }


@pytest.mark.parametrize("file_name", BUILD_CASES)
def test_build_stops_on_bad_data_and_keeps_the_last_good_book(tmp_path, last_good_book, file_name):
    case = case_named(file_name)
    data, _ = with_bad_file(tmp_path, case)
    with pytest.raises(BuildError) as caught:
        build(data_dir=data, log=lambda message: None)
    assert_one_line(str(caught.value), case["expected"])
    good = last_good_book
    assert os.readlink(good["link"]) == good["target"]
    assert good["page"].read_bytes() == good["page_bytes"]
    assert good["page"].stat().st_mtime_ns == good["page_mtime"]
    assert good["notebook"].read_bytes() == good["notebook_bytes"]


@pytest.mark.parametrize("file_name", BUILD_CASES)
def test_cli_validate_reports_one_error_line(tmp_path, file_name):
    case = case_named(file_name)
    data, _ = with_bad_file(tmp_path, case)
    result = subprocess.run(
        [sys.executable, "-m", "belarus_trade", "validate", "--data-dir", str(data)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert re.search(case["expected"], lines[0])


def test_cli_validate_accepts_the_real_snapshot():
    result = subprocess.run(
        [sys.executable, "-m", "belarus_trade", "validate"], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120
    )
    assert result.returncode == 0 and result.stderr == ""
    resources = json.loads((PROJECT_ROOT / "data" / "datapackage.json").read_text())["resources"]
    assert result.stdout.startswith(f"ok: {len(resources)} files")
