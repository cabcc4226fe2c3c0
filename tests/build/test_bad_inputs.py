"""Bad inputs stop validation, the CLI and the build with one line naming file, row and column.

Each file in `tests/build/bad_inputs/` is a copy of (part of) a real data file with exactly one defect;
`cases.csv` says which resource it stands in for and what the message must say.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from belarus_trade import BUILD_DIR, CHAPTERS_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.__main__ import main
from belarus_trade.analysis.methods import ParameterError, check_years
from belarus_trade.build import BuildError
from belarus_trade.data.loading import load
from belarus_trade.data.manifest import PENDING_KEY, DataError, read_manifest, snapshot_id
from belarus_trade.data.validation import validate_file, validate_package

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
    assert (CORPUS / "utf16_bom.csv").read_bytes().startswith(b"\xff\xfei\x00s\x00o\x003\x00,\x00")
    assert (CORPUS / "utf16_no_bom.csv").read_bytes().startswith(b"i\x00s\x00o\x003\x00,\x00")
    invisible = {"nul_in_text.csv": "\x00", "c1_control.csv": "\x85", "tab_in_text.csv": "\t"}
    for file_name, character in invisible.items():
        assert (CORPUS / file_name).read_text(encoding="utf-8").count(character) == 1, file_name
    assert '"Gave Belarusian potash and oil products\nalternative' in (CORPUS / "line_break_in_text.csv").read_text(encoding="utf-8")
    assert (CORPUS / "line_break_in_header.csv").read_text(encoding="utf-8").startswith('iso3,indicator,"ye\nar",value\n')


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


def table1_error(tmp_path, edit) -> str:
    """The error of loading Table 1 after a hand edit of its file (`edit(text) -> text`)."""
    data = data_copy(tmp_path)
    path = data / "article_table1_geography.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load("article_table1", data)
    return str(caught.value)


def test_row_numbers_are_file_lines_despite_blank_lines(tmp_path):
    def blank_line_and_bad_value(text):
        lines = text.splitlines(keepends=True)
        lines[3] = lines[3].replace(",42.1", ",4x.1")
        return "".join(lines[:2] + ["\n"] + lines[2:])

    assert_one_line(table1_error(tmp_path, blank_line_and_bad_value),
                    r"article_table1_geography\.csv, row 5, column 'share_pct': '4x\.1' is not a number")


def test_value_with_a_line_break_keeps_the_message_on_one_line(tmp_path):
    assert_one_line(table1_error(tmp_path, lambda text: text.replace(",35.4\n", ',"35\n.4"\n', 1)),
                    r"row 2, column 'share_pct': '35\\n\.4' is not a number")


def load_and_validation_refuse(data, resource: str, pattern: str) -> None:
    """Loading `resource` and validating the whole folder both stop with the same one line."""
    for call in (lambda: load(resource, data), lambda: validate_package(data)):
        with pytest.raises(DataError) as caught:
            call()
        assert_one_line(str(caught.value), pattern)


def test_unrecorded_change_fails_the_checksum(tmp_path):
    """One byte changed, still valid, manifest kept: only the sha256 can tell."""
    data = data_copy(tmp_path)
    path = data / "article_table1_geography.csv"
    raw = path.read_bytes()
    changed = raw.replace(b"export,RU,2012,35.4\n", b"export,RU,2012,35.5\n", 1)
    assert len(changed) == len(raw) and sum(a != b for a, b in zip(raw, changed)) == 1
    path.write_bytes(changed)
    load_and_validation_refuse(data, "article_table1", r"article_table1_geography\.csv: sha256 does not match the manifest")


def test_malformed_manifest_names_the_line(tmp_path):
    data = data_copy(tmp_path)
    manifest = data / "datapackage.json"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = next(i for i, line in enumerate(lines) if line.strip().startswith('"version"'))
    lines[broken] = lines[broken].replace('",', '"', 1)  # drop the comma: the next line is unexpected
    manifest.write_text("".join(lines), encoding="utf-8")
    load_and_validation_refuse(data, "wdi", rf"datapackage\.json, line {broken + 2}: manifest is not valid JSON")


def test_manifest_without_a_schema_is_reported_not_a_key_error(tmp_path):
    data = data_copy(tmp_path)
    manifest = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    del manifest["resources"][2]["schema"]
    (data / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        validate_package(data)
    assert_one_line(str(caught.value), r"datapackage\.json: resource 3 needs .*'schema'")


# --- the manifest is a contract: what it names stays in the data folder, what it states has the right type ----

def edited_manifest(tmp_path: Path, change) -> Path:
    data = data_copy(tmp_path)
    manifest = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    change(manifest)
    (data / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    return data


def wdi_field(manifest: dict, number: int) -> dict:
    return manifest["resources"][0]["schema"]["fields"][number - 1]


NEXT_YEAR = (dt.date.today() + dt.timedelta(days=366)).isoformat()  # a run that passes midnight still sees it ahead
WDI = r"datapackage\.json: resource 1 \('wdi'\)"
MANIFEST_CASES = {
    "absolute_path": (lambda m: m["resources"][0].update(path="/etc/passwd"), rf'{WDI}: path "/etc/passwd" is not a file name in the data folder'),
    "parent_path": (lambda m: m["resources"][0].update(path="../x.csv"), rf'{WDI}: path "\.\./x\.csv" is not a file name in the data folder'),
    "null_path": (lambda m: m["resources"][0].update(path=None), rf"{WDI}: path null is not a file name in the data folder"),
    "hash_not_text": (lambda m: m["resources"][0].update(hash=12345), rf"{WDI}: hash 12345 is not 'sha256:' and 64 hex digits"),
    "minimum_as_text": (lambda m: wdi_field(m, 4)["constraints"].update(minimum="0"),
                        rf"""{WDI}, field 4 \('value'\): constraint 'minimum' must be a number, not "0"$"""),
    "field_without_name": (lambda m: wdi_field(m, 1).pop("name"), rf"{WDI}, field 1: the field needs a 'name'"),
    "unknown_type": (lambda m: wdi_field(m, 3).update(type="date"), rf"""{WDI}, field 3 \('year'\): type "date" is not one of """),
    "unchecked_constraint": (lambda m: wdi_field(m, 1)["constraints"].update(pattern="[A-Z]{3}"),
                             rf"{WDI}, field 1 \('iso3'\): constraint 'pattern' is not one this project checks"),
    "enum_on_a_number": (lambda m: wdi_field(m, 4)["constraints"].update(enum=["1"]),
                         rf"{WDI}, field 4 \('value'\): constraint 'enum' does not apply to a number field"),
    "max_length_not_whole": (lambda m: wdi_field(m, 1)["constraints"].update(maxLength=2.5),
                             rf"{WDI}, field 1 \('iso3'\): constraint 'maxLength' must be a whole number above 0, not 2\.5"),
    "group_sum_over_a_text_field": (lambda m: m["resources"][3]["x-group-sums"][0].update(field="partner"),
                                    r"datapackage\.json: resource 4 \('article_table1'\): x-group-sums 1 needs .*'field' \(a number field\)"),
    "primary_key_not_a_field": (lambda m: m["resources"][0]["schema"].update(primaryKey=["iso3", "Year"]),
                                rf"{WDI}: primaryKey must be a list of fields of the schema, found \"Year\""),
    "duplicate_name": (lambda m: m["resources"][1].update(name="wdi"), r"datapackage\.json: resource 2 \('wdi'\): name 'wdi' is taken by resource 1"),
    "duplicate_pending_name": (lambda m: m[PENDING_KEY][0].update(name="wdi"),
                               rf"datapackage\.json: {PENDING_KEY} 1 \('wdi'\): name 'wdi' is taken by resource 1"),
    "retrieved_not_a_date": (lambda m: m["resources"][0].update(retrieved="not-a-date"),
                             rf'{WDI}: retrieval date "not-a-date" is not a date in the form YYYY-MM-DD'),
    "retrieved_in_the_future": (lambda m: m["resources"][0].update(retrieved=NEXT_YEAR), rf"{WDI}: retrieval date {NEXT_YEAR} is in the future"),
}


@pytest.mark.parametrize("case", MANIFEST_CASES)
def test_manifest_breaking_the_contract_is_refused_in_one_line(tmp_path, case):
    change, expected = MANIFEST_CASES[case]
    data = edited_manifest(tmp_path, change)
    for call in (lambda: validate_package(data), lambda: load("article_table1", data)):
        with pytest.raises(DataError) as caught:
            call()
        assert_one_line(str(caught.value), expected)
        assert "root:" not in str(caught.value)


def test_manifest_with_a_repeated_key_is_refused(tmp_path):
    """JSON keeps the last of two equal keys: a reviewer may read one path while the loader opens another."""
    data = data_copy(tmp_path)
    manifest = data / "datapackage.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('"path": "wdi_belarus_russia.csv",', '"path": "wdi_belarus_russia.csv", "path": "imf_dots_belarus.csv",', 1))
    with pytest.raises(DataError) as caught:
        validate_package(data)
    assert_one_line(str(caught.value), r"datapackage\.json: manifest repeats the key 'path' within one object")


def cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """`python -m belarus_trade ARGV`, run in this process: (exit status, stdout, stderr)."""
    status = main(argv)
    printed = capsys.readouterr()
    return status, printed.out, printed.err


def test_cli_refuses_a_manifest_path_outside_the_data_folder_without_showing_the_file(tmp_path, capsys):
    data = edited_manifest(tmp_path, MANIFEST_CASES["absolute_path"][0])
    status, out, err = cli(["validate", "--data-dir", str(data)], capsys)
    assert status == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and re.search(MANIFEST_CASES["absolute_path"][1], lines[0]), err
    assert "root:" not in err


@pytest.fixture
def fail_if_blocked():
    """A read that blocks (a FIFO without a writer) fails the test instead of hanging the run."""
    def blocked(signum, frame):
        raise TimeoutError("reading blocked")
    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def symlink_outside(path: Path) -> None:
    path.unlink()
    path.symlink_to("/etc/passwd")


def directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


FILE_CASES = {
    "symlink_outside": (symlink_outside, "leads outside the data folder"),
    "directory": (directory, "not a regular file"),
    "fifo": (fifo, "not a regular file"),
    "missing": (Path.unlink, "file listed in the manifest is missing"),
}


@pytest.mark.parametrize("case", FILE_CASES)
def test_data_file_that_is_not_a_regular_file_in_the_folder_is_refused(tmp_path, fail_if_blocked, case):
    replace, problem = FILE_CASES[case]
    data = data_copy(tmp_path)
    replace(data / "wdi_belarus_russia.csv")
    for call in (lambda: validate_package(data), lambda: load("wdi", data), lambda: snapshot_id(data)):
        with pytest.raises(DataError) as caught:
            call()
        assert_one_line(str(caught.value), rf"wdi_belarus_russia\.csv: {problem}")
        assert "root:" not in str(caught.value)


@pytest.mark.parametrize("case", ["symlink_outside", "directory", "fifo"])
def test_manifest_that_is_not_a_regular_file_in_the_folder_is_refused(tmp_path, fail_if_blocked, case):
    replace, problem = FILE_CASES[case]
    data = data_copy(tmp_path)
    replace(data / "datapackage.json")
    with pytest.raises(DataError) as caught:
        validate_package(data)
    assert_one_line(str(caught.value), rf"datapackage\.json: {problem}")
    assert "root:" not in str(caught.value)


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
def last_good_book(built_site):
    """The real book as built, and what a failed build must not touch."""
    link = BUILD_DIR / "html"
    page = link / "chapters" / "multivector.html"
    notebook = CHAPTERS_DIR / "multivector.ipynb"
    return {
        "link": link, "target": os.readlink(link), "page": page, "page_bytes": page.read_bytes(),
        "page_mtime": page.stat().st_mtime_ns, "notebook": notebook, "notebook_bytes": notebook.read_bytes(),
    }


@pytest.mark.parametrize("file_name", BUILD_CASES)
def test_build_stops_on_bad_data_and_keeps_the_last_good_book(tmp_path, last_good_book, build_real_book, file_name):
    case = case_named(file_name)
    data, _ = with_bad_file(tmp_path, case)
    with pytest.raises(BuildError) as caught:
        build_real_book(data_dir=data)
    assert_one_line(str(caught.value), case["expected"])
    good = last_good_book
    assert os.readlink(good["link"]) == good["target"]
    assert good["page"].read_bytes() == good["page_bytes"]
    assert good["page"].stat().st_mtime_ns == good["page_mtime"]
    assert good["notebook"].read_bytes() == good["notebook_bytes"]


@pytest.mark.parametrize("file_name", BUILD_CASES)
def test_cli_validate_reports_one_error_line(tmp_path, capsys, file_name):
    case = case_named(file_name)
    data, _ = with_bad_file(tmp_path, case)
    status, out, err = cli(["validate", "--data-dir", str(data)], capsys)
    assert status == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert re.search(case["expected"], lines[0])


def test_cli_validate_accepts_the_real_snapshot(capsys):
    status, out, err = cli(["validate"], capsys)
    assert status == 0 and err == ""
    resources = json.loads((PROJECT_ROOT / "data" / "datapackage.json").read_text())["resources"]
    assert out.startswith(f"ok: {len(resources)} files")
