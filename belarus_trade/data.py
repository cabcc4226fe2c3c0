"""The data snapshot: its manifest, validated loading, and a record of what each chapter reads.

`data/datapackage.json` is a Frictionless Data Package: each resource carries its Table
Schema, provenance (publisher, series, licence, retrieval date) and sha256. Every load
validates the file against that schema so that a malformed file stops a build with one
line naming file, row and column, instead of producing a plausible but wrong chart.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from .paths import DATA_DIR

MANIFEST_NAME = "datapackage.json"
# Series the project fetches only when online: described in the manifest, absent from the offline
# snapshot until a refresh validates a candidate and `snapshot.record` moves it into `resources`.
# Kept outside `resources` so that the manifest stays a valid Frictionless package at every step.
PENDING_KEY = "x-pending-resources"
READ_LOG_ENV = "BELARUS_TRADE_READ_LOG"
UTF8_BOM = b"\xef\xbb\xbf"
MARKUP = re.compile(r"[<>]")
COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")
WHOLE_NUMBER = r"[+-]?\d+"
UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that `surrogateescape` kept from a non-UTF-8 file
CSV_FIELD = re.compile(r'"(?:[^"]|"")*"(?=,|$)|(?!")[^,]*(?=,|$)')


class DataError(ValueError):
    """A data file or the manifest breaks the schema; the message is one line for the user."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    return Path(data_dir).resolve() if data_dir else DATA_DIR


def read_manifest(data_dir: str | os.PathLike | None = None) -> dict:
    path = resolve_data_dir(data_dir) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: no data manifest found") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: manifest is not UTF-8") from None
    except json.JSONDecodeError as err:
        raise DataError(f"{path}, line {err.lineno}: manifest is not valid JSON ({err.msg})") from None
    _check_manifest(path, manifest)
    return manifest


def _check_manifest(path: Path, manifest) -> None:
    """Valid JSON can still lack what loading needs; say so instead of failing with a KeyError."""
    resources = manifest.get("resources") if isinstance(manifest, dict) else None
    if not isinstance(resources, list):
        raise DataError(f"{path}: manifest has no list of 'resources'")
    pending = manifest.get(PENDING_KEY, [])
    if not isinstance(pending, list):
        raise DataError(f"{path}: '{PENDING_KEY}' must be a list of resources")
    for where, resource in [(f"resource {n}", r) for n, r in enumerate(resources, 1)] + \
                           [(f"{PENDING_KEY} {n}", r) for n, r in enumerate(pending, 1)]:
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not (isinstance(fields, list) and "name" in resource and "path" in resource):
            raise DataError(f"{path}: {where} needs a 'name', a 'path' and a 'schema' with 'fields'")


def manifest_as_read(data_dir: str | os.PathLike | None = None) -> dict:
    """The manifest for display in a chapter; recorded as read, so a changed manifest re-executes it."""
    _record_read(resolve_data_dir(data_dir) / MANIFEST_NAME)
    return read_manifest(data_dir)


def resource_descriptor(name: str, data_dir: str | os.PathLike | None = None) -> dict:
    for resource in read_manifest(data_dir)["resources"]:
        if resource["name"] == name:
            return resource
    raise DataError(f"{resolve_data_dir(data_dir) / MANIFEST_NAME}: no resource named '{name}'")


def pending_descriptor(manifest: dict, name: str) -> dict | None:
    """The description of a series the snapshot does not hold yet, or None."""
    return next((r for r in manifest.get(PENDING_KEY, []) if r["name"] == name), None)


def load_if_held(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame | None:
    """Load a resource that only an online refresh brings; None while the snapshot lacks it.

    The absent file is still recorded as read, so the chapter re-executes once a refresh adds it.
    A file that sits in the folder without having been recorded is an error, not silently ignored.
    """
    directory = resolve_data_dir(data_dir)
    manifest = read_manifest(directory)
    if any(r["name"] == name for r in manifest["resources"]):
        return load(name, directory)
    pending = pending_descriptor(manifest, name)
    if pending is None:
        raise DataError(f"{directory / MANIFEST_NAME}: no resource named '{name}'")
    path = directory / pending["path"]
    _record_read(path)
    _check_not_unrecorded(path)
    return None


def _check_not_unrecorded(path: Path) -> None:
    if path.exists():
        raise DataError(
            f"{_display_path(path)}: file is present but the manifest lists it as not yet fetched; "
            f"validate and record it with `python -m belarus_trade record {path.name}`"
        )


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one resource of the snapshot, validated against its schema and checksum."""
    directory = resolve_data_dir(data_dir)
    descriptor = resource_descriptor(name, directory)
    path = directory / descriptor["path"]
    _record_read(path)
    return _validated_frame(str(path), descriptor_key(descriptor), path.stat().st_mtime_ns).copy()


def descriptor_key(descriptor: dict) -> str:
    """A hashable form of a descriptor so validated frames can be cached per file version."""
    return json.dumps(descriptor, sort_keys=True)


@lru_cache(maxsize=32)
def _validated_frame(path: str, descriptor_json: str, _mtime_ns: int) -> pd.DataFrame:
    return validate_file(Path(path), json.loads(descriptor_json))


def _record_read(path: Path) -> None:
    """Tell the build which files a chapter read, so a change to them re-executes it."""
    log = os.environ.get(READ_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{path}\n")


def validate_package(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Validate every resource of the snapshot; return the list of files checked.

    A series not yet fetched may be absent, but not present without having been recorded."""
    directory = resolve_data_dir(data_dir)
    manifest = read_manifest(directory)
    checked = []
    for descriptor in manifest["resources"]:
        validate_file(directory / descriptor["path"], descriptor)
        checked.append(descriptor["path"])
    for descriptor in manifest.get(PENDING_KEY, []):
        _check_not_unrecorded(directory / descriptor["path"])
    return checked


def validate_file(path: Path, descriptor: dict) -> pd.DataFrame:
    """Check a CSV against its manifest entry and return it as a typed frame.

    The content is checked before the checksum: an edited file with a defect is reported at the
    defect's row and column, and only a valid but unrecorded change ends at the checksum.
    """
    label = _display_path(path)
    if not path.exists():
        raise DataError(f"{label}: file listed in the manifest is missing")
    raw = path.read_bytes()
    fields = descriptor["schema"]["fields"]
    names = [field["name"] for field in fields]
    records = _parse_rows(label, raw, names)
    (header_line, header), body = records[0], records[1:]
    _check_header(label, header_line, header, names)
    if not body:
        raise DataError(f"{label}, row {header_line + 1}, column '{names[0]}': file has a header but no data rows")
    for line_no, row in body:
        if len(row) != len(names):
            _field_count_error(label, line_no, row, fields)
    frame = pd.DataFrame([row for _, row in body], columns=names, dtype=object)
    frame.index = [line_no for line_no, _ in body]
    typed = {field["name"]: _typed_column(label, frame[field["name"]], field) for field in fields}
    frame = pd.DataFrame(typed)
    _check_primary_key(label, frame, descriptor["schema"].get("primaryKey", []))
    for check in descriptor.get("x-group-sums", []):
        _check_group_sum(label, frame, check)
    expected_hash = descriptor.get("hash", "").removeprefix("sha256:")
    if expected_hash and hashlib.sha256(raw).hexdigest() != expected_hash:
        raise DataError(
            f"{label}: sha256 does not match the manifest (file changed without "
            f"`python -m belarus_trade record {path.name}`)"
        )
    return frame.reset_index(drop=True)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _parse_rows(label: str, raw: bytes, names: list[str]) -> list[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on, so a message points where an editor shows the row."""
    if raw.startswith(UTF8_BOM):
        raise DataError(
            f"{label}, row 1, column '{names[0]}': file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"
        )
    try:
        text, undecoded = raw.decode("utf-8"), False
    except UnicodeDecodeError:
        text, undecoded = raw.decode("utf-8", errors="surrogateescape"), True
    if not text.strip():
        raise DataError(f"{label}, row 1, column '{names[0]}': file is empty; expected a header row")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, line_no = [], 1
    try:
        for row in reader:
            if row:
                records.append((line_no, row))
            line_no = reader.line_num + 1
    except csv.Error as err:
        line = io.StringIO(text, newline="").readlines()[line_no - 1].rstrip("\r\n")
        column = _name_at(names, _broken_field(line))
        raise DataError(f"{label}, row {line_no}, column '{column}': quotes do not pair up ({err})") from None
    if undecoded:
        line_no, index = next((n, i) for n, row in records for i, value in enumerate(row) if UNDECODED.search(value))
        raise DataError(
            f"{label}, row {line_no}, column '{_name_at(names, index)}': bytes that are not UTF-8 "
            f"(cp1251 or latin-1?); save the file as UTF-8"
        )
    return records


def _broken_field(line: str) -> int:
    """Position of the first field on a line whose quoting csv rejected."""
    position = index = 0
    while (match := CSV_FIELD.match(line, position)) and match.end() < len(line):
        position, index = match.end() + 1, index + 1
    return index


def _name_at(names: list[str], index: int) -> str:
    return names[min(index, len(names) - 1)]


def _show(value: str) -> str:
    """A value quoted for a one-line message: newlines escaped, long text shortened."""
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _field_count_error(label: str, line_no: int, row: list[str], fields: list[dict]) -> NoReturn:
    """Name the column where a row's field count goes wrong: a missing value or a split decimal comma."""
    names = [field["name"] for field in fields]
    where = f"{label}, row {line_no}"
    if len(row) < len(names):
        raise DataError(
            f"{where}, column '{names[len(row)]}': value missing; the row has {len(row)} fields, expected {len(names)}"
        )
    for index, field in enumerate(fields[: len(row) - 1]):
        value = f"{row[index]},{row[index + 1]}"
        if field.get("type") == "number" and COMMA_DECIMAL.match(value):
            raise DataError(
                f"{where}, column '{field['name']}': {_show(value)} uses a comma as decimal separator, "
                f"which splits the row into {len(row)} fields; use a point"
            )
    raise DataError(
        f"{where}, column '{names[-1]}': {len(row)} fields, expected {len(names)}; an unquoted comma in a value?"
    )


def _check_header(label: str, line_no: int, header: list[str], names: list[str]) -> None:
    if header == names:
        return
    where = f"{label}, row {line_no}"
    missing = [name for name in names if name not in header]
    unexpected = [name for name in header if name not in names]
    if missing:
        hint = f" (found '{unexpected[0]}' instead: renamed?)" if unexpected else ""
        raise DataError(f"{where}, column '{missing[0]}': required column is missing{hint}")
    if unexpected:
        raise DataError(f"{where}, column '{unexpected[0]}': column not in the schema")
    repeated = next((name for name in header if header.count(name) > 1), None)
    if repeated:
        raise DataError(f"{where}, column '{repeated}': column appears more than once")
    index = next(i for i, (found, wanted) in enumerate(zip(header, names)) if found != wanted)
    raise DataError(f"{where}, column '{header[index]}': in position {index + 1}, where the schema has '{names[index]}'")


def _typed_column(label: str, column: pd.Series, field: dict) -> pd.Series:
    name, kind = field["name"], field.get("type", "string")
    constraints = field.get("constraints", {})
    blank = column.str.strip() == ""
    if constraints.get("required") and blank.any():
        raise DataError(f"{label}, row {blank.idxmax()}, column '{name}': value is required")
    if kind == "string":
        return _string_column(label, column, name, constraints)
    if kind == "boolean":
        allowed = {"true": True, "false": False}
        bad = ~column.isin(allowed)
        if bad.any():
            row = bad.idxmax()
            raise DataError(f"{label}, row {row}, column '{name}': {_show(column[row])} is not true/false")
        return column.map(allowed).astype(bool)
    numbers = pd.to_numeric(column.where(~blank), errors="coerce").astype(float)
    bad = ~blank & ~np.isfinite(numbers)  # 'inf' parses as a number but is no value a source publishes
    if bad.any():
        row = bad.idxmax()
        value = column[row]
        why = "uses a comma as decimal separator; use a point" if COMMA_DECIMAL.match(value.strip()) else "is not a number"
        raise DataError(f"{label}, row {row}, column '{name}': {_show(value)} {why}")
    if kind in ("integer", "year"):
        fractional = ~blank & ~column.str.strip().str.fullmatch(WHOLE_NUMBER)
        if fractional.any():
            row = fractional.idxmax()
            raise DataError(f"{label}, row {row}, column '{name}': {_show(column[row])} is not a whole number")
    _check_range(label, column, numbers, field)
    return numbers.astype("Int64" if blank.any() else "int64") if kind in ("integer", "year") else numbers


def _string_column(label: str, column: pd.Series, name: str, constraints: dict) -> pd.Series:
    markup = column.str.contains(MARKUP)
    if markup.any():
        row = markup.idxmax()
        raise DataError(f"{label}, row {row}, column '{name}': contains markup ('<' or '>'); labels must be plain text")
    allowed = constraints.get("enum")
    if allowed:
        bad = ~column.isin(allowed)
        if bad.any():
            row = bad.idxmax()
            raise DataError(f"{label}, row {row}, column '{name}': {_show(column[row])} is not one of {allowed}")
    return column.astype(str)


def _check_range(label: str, column: pd.Series, numbers: pd.Series, field: dict) -> None:
    """Bounds from the schema; a year also may not lie after the current one."""
    name, is_year = field["name"], field.get("type") == "year"
    low = field.get("constraints", {}).get("minimum")
    high = field.get("constraints", {}).get("maximum")
    this_year = dt.date.today().year
    future = is_year and (high is None or high > this_year)
    if future:
        high = this_year
    if low is not None and (numbers < low).any():
        row = (numbers < low).idxmax()
        what = "before the series starts" if is_year else "below the minimum"
        raise DataError(f"{label}, row {row}, column '{name}': {_show(column[row])} is {what} ({low})")
    if high is not None and (numbers > high).any():
        row = (numbers > high).idxmax()
        what = f"in the future (latest allowed {high})" if future else f"above the maximum ({high})"
        raise DataError(f"{label}, row {row}, column '{name}': {_show(column[row])} is {what}")


def _check_primary_key(label: str, frame: pd.DataFrame, key: list[str]) -> None:
    if not key:
        return
    duplicated = frame.duplicated(subset=key, keep="first")
    if duplicated.any():
        row = duplicated.idxmax()
        same = (frame[key] == frame.loc[row, key]).all(axis=1)
        values = ", ".join(f"{k}={frame.at[row, k]}" for k in key)
        columns = ("column " if len(key) == 1 else "columns ") + ", ".join(f"'{k}'" for k in key)
        raise DataError(f"{label}, row {row}, {columns}: duplicate key ({values}), first at row {same.idxmax()}")


def _check_group_sum(label: str, frame: pd.DataFrame, check: dict) -> None:
    """Shares of one group (e.g. one flow and year) must add up to a total within rounding."""
    sums = frame.groupby(check["by"])[check["field"]].sum()
    off = (sums - check["equals"]).abs() > check["tolerance"]
    if off.any():
        group = sums[off].index[0]
        group = group if isinstance(group, tuple) else (group,)
        members = (frame[check["by"]] == pd.Series(group, index=check["by"])).all(axis=1)
        row = members[members].index[0]
        where = ", ".join(f"{k}={v}" for k, v in zip(check["by"], group))
        raise DataError(
            f"{label}, row {row}, column '{check['field']}': values for {where} sum to "
            f"{sums[off].iloc[0]:.2f}, expected {check['equals']} ± {check['tolerance']}"
        )


def snapshot_id(data_dir: str | os.PathLike | None = None) -> dict:
    """The snapshot a page was built from: newest retrieval date and a short hash of all files.

    Hashes the files themselves (in the manifest's "sha256:..." form, so a recorded snapshot keeps
    its id): the id names the bytes read, even if a file was changed without `record`.
    """
    directory = resolve_data_dir(data_dir)
    manifest = read_manifest(directory)
    hashes = "".join("sha256:" + sha256_of(directory / r["path"]) for r in manifest["resources"])
    digest = hashlib.sha256(hashes.encode()).hexdigest()
    retrieved = max(r.get("retrieved", "") for r in manifest["resources"])
    return {"retrieved": retrieved, "hash": digest[:10]}
