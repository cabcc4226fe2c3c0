"""A data file checked against its manifest entry, so that a malformed file stops a build with one
line naming file, row and column, instead of producing a plausible but wrong chart.

The content is checked before the checksum: the encoding and the CSV's quoting, the header, each
value against its field's type and constraints (printable, unpadded, plain text within its length;
numbers that are numbers, whole and exact where the field says so; no year in the future), then the
primary key, key spellings that differ only in case, and the sums a group of shares must reach.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from belarus_trade.data.manifest import PENDING_KEY, DataError, display_path, read_data_file, read_manifest, resolve_data_dir, shown
from belarus_trade.i18n import tr

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MARKUP = re.compile(r"[<>]")
COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")
WHOLE_NUMBER = r"[+-]?\d+"
UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that `surrogateescape` kept from a non-UTF-8 file
CSV_FIELD = re.compile(r'"(?:[^"]|"")*"(?=,|$)|(?!")[^,]*(?=,|$)')
DEFAULT_MAX_LENGTH = 500  # characters of a text value whose field sets no maxLength
EXACT_INTEGER = 2 ** 53  # the largest whole number a float (pandas, JSON, Vega) holds exactly


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
        check_not_unrecorded(directory / descriptor["path"])
    return checked


def validate_file(path: Path, descriptor: dict) -> pd.DataFrame:
    """Check a CSV against its manifest entry and return it as a typed frame.

    The content is checked before the checksum: an edited file with a defect is reported at the
    defect's row and column, and only a valid but unrecorded change ends at the checksum.
    """
    label = display_path(path)
    raw = read_data_file(path)
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
    _check_key_spelling(label, frame, descriptor["schema"].get("primaryKey", []), fields)
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


def check_not_unrecorded(path: Path) -> None:
    """A series not yet fetched may be absent, but its file may not sit in the folder unrecorded."""
    if path.exists():
        raise DataError(
            f"{display_path(path)}: file is present but the manifest lists it as not yet fetched; "
            f"validate and record it with `python -m belarus_trade record {path.name}`"
        )


def _parse_rows(label: str, raw: bytes, names: list[str]) -> list[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on, so a message points where an editor shows the row."""
    if raw.startswith(UTF8_BOM):
        raise DataError(
            f"{label}, row 1, column '{names[0]}': file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"
        )
    if raw.startswith(UTF16_BOMS) or raw.count(0) > len(raw) // 4:  # without a BOM, ASCII text in UTF-16 is half NUL bytes
        raise DataError(f"{label}, row 1, column '{names[0]}': file is UTF-16; save it as UTF-8")
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
                f"{where}, column '{field['name']}': {shown(value)} uses a comma as decimal separator, "
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
        hint = f" (found {shown(unexpected[0])} instead: renamed?)" if unexpected else ""
        raise DataError(f"{where}, column '{missing[0]}': required column is missing{hint}")
    if unexpected:
        raise DataError(f"{where}, column {shown(unexpected[0])}: column not in the schema")
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
            raise DataError(tr("{label}, row {row}, column '{name}': {value} is not true/false").format(
                label=label, row=row, name=name, value=shown(column[row])))
        return column.map(allowed).astype(bool)
    numbers = pd.to_numeric(column.where(~blank), errors="coerce").astype(float)
    bad = ~blank & ~np.isfinite(numbers)  # 'inf' parses as a number but is no value a source publishes
    if bad.any():
        row = bad.idxmax()
        value = column[row]
        message = (tr("{label}, row {row}, column '{name}': {value} uses a comma as decimal separator; use a point")
                   if COMMA_DECIMAL.match(value.strip()) else tr("{label}, row {row}, column '{name}': {value} is not a number"))
        raise DataError(message.format(label=label, row=row, name=name, value=shown(value)))
    if kind in ("integer", "year"):
        fractional = ~blank & ~column.str.strip().str.fullmatch(WHOLE_NUMBER)
        if fractional.any():
            row = fractional.idxmax()
            raise DataError(tr("{label}, row {row}, column '{name}': {value} is not a whole number").format(
                label=label, row=row, name=name, value=shown(column[row])))
        huge = ~blank & (numbers.abs() > EXACT_INTEGER)  # as int64 it would wrap round; as a float it is already rounded
        if huge.any():
            row = huge.idxmax()
            raise DataError(f"{label}, row {row}, column '{name}': {shown(column[row])} is beyond ±2^53, where whole numbers stop being exact")
    _check_range(label, column, numbers, field)
    return numbers.astype("Int64" if blank.any() else "int64") if kind in ("integer", "year") else numbers


def _string_column(label: str, column: pd.Series, name: str, constraints: dict) -> pd.Series:
    """Text must match exact-match filters and render as it reads: printable characters only (a control
    character crashes the chart renderer), no surrounding space, no markup, a bounded length, the enum's spelling."""
    where = lambda row: f"{label}, row {row}, column '{name}'"
    unprintable = ~column.map(str.isprintable)
    if unprintable.any():
        row = unprintable.idxmax()
        character = next(c for c in column[row] if not c.isprintable())
        raise DataError(
            f"{where(row)}: {shown(column[row])} contains U+{ord(character):04X}, which is not printable text; "
            f"remove control characters, tabs and line breaks"
        )
    padded = column != column.str.strip()
    if padded.any():
        row = padded.idxmax()
        raise DataError(f"{where(row)}: {shown(column[row])} has a leading or trailing space; an exact-match filter would miss it")
    markup = column.str.contains(MARKUP)
    if markup.any():
        row = markup.idxmax()
        raise DataError(f"{where(row)}: contains markup ('<' or '>'); labels must be plain text")
    limit = constraints.get("maxLength", DEFAULT_MAX_LENGTH)
    long = column.str.len() > limit
    if long.any():
        row = long.idxmax()
        raise DataError(f"{where(row)}: value is {len(column[row])} characters long, more than the maximum of {limit}")
    allowed = constraints.get("enum")
    if allowed:
        bad = ~column.isin(allowed)
        if bad.any():
            row = bad.idxmax()
            near = {value.casefold(): value for value in allowed}.get(column[row].casefold())
            hint = f"; did you mean {near!r}?" if near else ""
            raise DataError(f"{where(row)}: {shown(column[row])} is not one of {allowed}{hint}")
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
        raise DataError(f"{label}, row {row}, column '{name}': {shown(column[row])} is {what} ({low})")
    if high is not None and (numbers > high).any():
        row = (numbers > high).idxmax()
        what = f"in the future (latest allowed {high})" if future else f"above the maximum ({high})"
        raise DataError(f"{label}, row {row}, column '{name}': {shown(column[row])} is {what}")


def _check_key_spelling(label: str, frame: pd.DataFrame, key: list[str], fields: list[dict]) -> None:
    """Key values that differ only in case look like one key, but an exact-match filter keeps only one spelling."""
    for name in [f["name"] for f in fields if f["name"] in key and f.get("type", "string") == "string"]:
        column = frame[name]
        first = column.groupby(column.str.casefold(), sort=False).transform("first")
        variant = column != first
        if variant.any():
            row = variant.idxmax()
            earlier = (column == first[row]).idxmax()
            raise DataError(
                f"{label}, row {row}, column '{name}': {shown(column[row])} differs only in case from "
                f"{shown(first[row])} in row {earlier}; spell a key the same way throughout"
            )


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
