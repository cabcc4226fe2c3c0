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

import pandas as pd

from .paths import DATA_DIR

MANIFEST_NAME = "datapackage.json"
READ_LOG_ENV = "BELARUS_TRADE_READ_LOG"
MARKUP = re.compile(r"[<>]")
COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")


class DataError(ValueError):
    """A data file or the manifest breaks the schema; the message is one line for the user."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    return Path(data_dir).resolve() if data_dir else DATA_DIR


def read_manifest(data_dir: str | os.PathLike | None = None) -> dict:
    path = resolve_data_dir(data_dir) / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: no data manifest found") from None
    except json.JSONDecodeError as err:
        raise DataError(f"{path}, line {err.lineno}: manifest is not valid JSON ({err.msg})") from None


def resource_descriptor(name: str, data_dir: str | os.PathLike | None = None) -> dict:
    for resource in read_manifest(data_dir)["resources"]:
        if resource["name"] == name:
            return resource
    raise DataError(f"{resolve_data_dir(data_dir) / MANIFEST_NAME}: no resource named '{name}'")


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
    """Validate every resource of the snapshot; return the list of files checked."""
    directory = resolve_data_dir(data_dir)
    checked = []
    for descriptor in read_manifest(directory)["resources"]:
        validate_file(directory / descriptor["path"], descriptor)
        checked.append(descriptor["path"])
    return checked


def validate_file(path: Path, descriptor: dict) -> pd.DataFrame:
    """Check a CSV against its manifest entry and return it as a typed frame."""
    label = _display_path(path)
    if not path.exists():
        raise DataError(f"{label}: file listed in the manifest is missing")
    raw = path.read_bytes()
    expected_hash = descriptor.get("hash", "").removeprefix("sha256:")
    if expected_hash and hashlib.sha256(raw).hexdigest() != expected_hash:
        raise DataError(
            f"{label}: sha256 does not match the manifest (file changed without "
            f"`python -m belarus_trade record {path.name}`)"
        )
    rows = _parse_rows(label, raw)
    fields = descriptor["schema"]["fields"]
    names = [field["name"] for field in fields]
    header, body = rows[0], rows[1:]
    _check_header(label, header, names)
    if not body:
        raise DataError(f"{label}: file has a header but no data rows")
    for line_no, row in enumerate(body, start=2):
        if len(row) != len(names):
            raise DataError(f"{label}, row {line_no}: {len(row)} fields, expected {len(names)}")
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame.index = range(2, len(body) + 2)
    typed = {field["name"]: _typed_column(label, frame[field["name"]], field) for field in fields}
    frame = pd.DataFrame(typed)
    _check_primary_key(label, frame, descriptor["schema"].get("primaryKey", []))
    for check in descriptor.get("x-group-sums", []):
        _check_group_sum(label, frame, check)
    return frame.reset_index(drop=True)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _parse_rows(label: str, raw: bytes) -> list[list[str]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(f"{label}, row 1: file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line_no = raw[: err.start].count(b"\n") + 1
        raise DataError(f"{label}, row {line_no}: bytes that are not UTF-8 (byte {err.start}); save the file as UTF-8") from None
    if not text.strip():
        raise DataError(f"{label}: file is empty")
    return [row for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row]


def _check_header(label: str, header: list[str], names: list[str]) -> None:
    if header == names:
        return
    missing = [name for name in names if name not in header]
    unexpected = [name for name in header if name not in names]
    if missing:
        hint = f" (found '{unexpected[0]}' instead: renamed?)" if unexpected else ""
        raise DataError(f"{label}, row 1, column '{missing[0]}': required column is missing{hint}")
    if unexpected:
        raise DataError(f"{label}, row 1, column '{unexpected[0]}': column not in the schema")
    raise DataError(f"{label}, row 1: columns are {header}, expected in the order {names}")


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
            raise DataError(f"{label}, row {row}, column '{name}': '{column[row]}' is not true/false")
        return column.map(allowed).astype(bool)
    numbers = pd.to_numeric(column.where(~blank), errors="coerce")
    bad = numbers.isna() & ~blank
    if bad.any():
        row = bad.idxmax()
        value = column[row]
        why = "uses a comma as decimal separator; use a point" if COMMA_DECIMAL.match(value.strip()) else "is not a number"
        raise DataError(f"{label}, row {row}, column '{name}': '{value}' {why}")
    if kind in ("integer", "year"):
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            row = fractional.idxmax()
            raise DataError(f"{label}, row {row}, column '{name}': '{column[row]}' is not a whole number")
    _check_range(label, numbers, name, constraints, kind)
    return numbers.astype("Int64" if blank.any() else "int64") if kind in ("integer", "year") else numbers.astype(float)


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
            raise DataError(f"{label}, row {row}, column '{name}': '{column[row]}' is not one of {allowed}")
    return column.astype(str)


def _check_range(label: str, numbers: pd.Series, name: str, constraints: dict, kind: str) -> None:
    low = constraints.get("minimum")
    high = constraints.get("maximum")
    if kind == "year":
        this_year = dt.date.today().year
        high = this_year if high is None else min(high, this_year)
    if low is not None and (numbers < low).any():
        row = (numbers < low).idxmax()
        what = "before the series starts" if kind == "year" else "below the minimum"
        raise DataError(f"{label}, row {row}, column '{name}': {numbers[row]:g} is {what} ({low})")
    if high is not None and (numbers > high).any():
        row = (numbers > high).idxmax()
        what = "in the future" if kind == "year" else "above the maximum"
        raise DataError(f"{label}, row {row}, column '{name}': {numbers[row]:g} is {what} (latest allowed {high})")


def _check_primary_key(label: str, frame: pd.DataFrame, key: list[str]) -> None:
    if not key:
        return
    duplicated = frame.duplicated(subset=key, keep="first")
    if duplicated.any():
        row = duplicated.idxmax()
        values = ", ".join(f"{k}={frame.at[row, k]}" for k in key)
        raise DataError(f"{label}, row {row}, columns {key}: duplicate key ({values})")


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
    """The snapshot a page was built from: newest retrieval date and a short hash of all files."""
    manifest = read_manifest(data_dir)
    digest = hashlib.sha256("".join(r.get("hash", "") for r in manifest["resources"]).encode()).hexdigest()
    retrieved = max(r.get("retrieved", "") for r in manifest["resources"])
    return {"retrieved": retrieved, "hash": digest[:10]}
