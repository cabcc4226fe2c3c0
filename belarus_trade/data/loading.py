"""The data snapshot: its manifest, validated loading, and a record of what each chapter reads.

`data/datapackage.json` is a Frictionless Data Package: each resource carries its Table
Schema, provenance (publisher, series, licence, retrieval date) and sha256. Every load
validates the file against that schema so that a malformed file stops a build with one
line naming file, row and column, instead of producing a plausible but wrong chart.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from belarus_trade import DATA_DIR
from belarus_trade.i18n import tr

MANIFEST_NAME = "datapackage.json"
# Series the project fetches only when online: described in the manifest, absent from the offline
# snapshot until a refresh validates a candidate and `snapshot.record` moves it into `resources`.
# Kept outside `resources` so that the manifest stays a valid Frictionless package at every step.
PENDING_KEY = "x-pending-resources"
READ_LOG_ENV = "BELARUS_TRADE_READ_LOG"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MARKUP = re.compile(r"[<>]")
COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")
WHOLE_NUMBER = r"[+-]?\d+"
UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that `surrogateescape` kept from a non-UTF-8 file
CSV_FIELD = re.compile(r'"(?:[^"]|"")*"(?=,|$)|(?!")[^,]*(?=,|$)')
MISSING = "file listed in the manifest is missing"
DEFAULT_MAX_LENGTH = 500  # characters of a text value whose field sets no maxLength
# What the manifest may state. Resource names follow Frictionless; a path is a plain file name, so that
# nothing the manifest says can lead reading outside the data folder.
NAME = re.compile(r"[a-z0-9._-]+")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
EXACT_INTEGER = 2 ** 53  # the largest whole number a float (pandas, JSON, Vega) holds exactly
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMERIC = {"number", "integer", "year"}
FIELD_TYPES = NUMERIC | {"string", "boolean"}


class DataError(ValueError):
    """A data file or the manifest breaks the schema; the message is one line for the user."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(read_data_file(Path(path))).hexdigest()


def _regular_file(path: Path, missing: str = MISSING) -> os.stat_result:
    """Refuse anything but a regular file in the folder that should hold it, before opening it.

    A symlink or manifest entry must not lead reading elsewhere (its content could end up in a
    message), and a FIFO or device would block or never end.
    """
    label = _display_path(path)
    if Path(os.path.realpath(path)).parent != Path(os.path.realpath(path.parent)):
        raise DataError(f"{label}: leads outside the data folder (a symlink?); copy the file in instead")
    try:
        status = path.stat()
    except FileNotFoundError:
        raise DataError(f"{label}: {missing}") from None
    except OSError as error:
        raise DataError(f"{label}: cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(status.st_mode):
        raise DataError(f"{label}: not a regular file (a folder, pipe or device?)")
    return status


def read_data_file(path: Path, missing: str = MISSING) -> bytes:
    _regular_file(path, missing)
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{_display_path(path)}: cannot be read ({error.strerror})") from None


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    return Path(data_dir).resolve() if data_dir else DATA_DIR


def read_manifest(data_dir: str | os.PathLike | None = None) -> dict:
    path = resolve_data_dir(data_dir) / MANIFEST_NAME
    manifest = strict_json(read_data_file(path, missing="no data manifest found"), str(path), "manifest")
    _check_manifest(path, manifest)
    return manifest


def strict_json(raw: bytes, where: str, what: str, error: type[Exception] = None):
    """A JSON file people write (the manifest, an edition's record), read strictly: UTF-8, and no key
    twice in one object (with two, a reader may see one value and the loader use the other). A fault
    is one `error` (DataError by default) naming `where`."""
    error = error or DataError

    def unique(pairs: list[tuple]) -> dict:
        keys = [key for key, _ in pairs]
        repeated = next((key for key in keys if keys.count(key) > 1), None)
        if repeated is not None:
            raise error(f"{where}: {what} repeats the key {_show(repeated)} within one object")
        return dict(pairs)

    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=unique)
    except UnicodeDecodeError:
        raise error(f"{where}: {what} is not UTF-8") from None
    except json.JSONDecodeError as err:
        raise error(f"{where}, line {err.lineno}: {what} is not valid JSON ({err.msg})") from None


def _check_manifest(path: Path, manifest) -> None:
    """The manifest is a contract: anything loading relies on must be there with the right type and stay
    in the data folder; say where it breaks in one line instead of failing with a KeyError, or reading elsewhere."""
    resources = manifest.get("resources") if isinstance(manifest, dict) else None
    if not isinstance(resources, list):
        raise DataError(f"{path}: manifest has no list of 'resources'")
    pending = manifest.get(PENDING_KEY, [])
    if not isinstance(pending, list):
        raise DataError(f"{path}: '{PENDING_KEY}' must be a list of resources")
    seen = {"name": {}, "path": {}}
    for place, resource in [(f"resource {n}", r) for n, r in enumerate(resources, 1)] + \
                           [(f"{PENDING_KEY} {n}", r) for n, r in enumerate(pending, 1)]:
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not (isinstance(fields, list) and "name" in resource and "path" in resource):
            raise DataError(f"{path}: {place} needs a 'name', a 'path' and a 'schema' with 'fields'")
        name = resource["name"]
        if not (isinstance(name, str) and NAME.fullmatch(name)):
            raise DataError(f"{path}: {place}: name {_json(name)} must be lowercase letters, digits, '.', '-' or '_'")
        where = f"{path}: {place} ('{name}')"
        if not (isinstance(resource["path"], str) and FILE_NAME.fullmatch(resource["path"])):
            raise DataError(f"{where}: path {_json(resource['path'])} is not a file name in the data folder")
        for key, taken in seen.items():  # names and paths are unique across resources and pending ones
            if resource[key] in taken:
                raise DataError(f"{where}: {key} '{resource[key]}' is taken by {taken[resource[key]]}")
            taken[resource[key]] = place
        if "hash" in resource and not (isinstance(resource["hash"], str) and SHA256.fullmatch(resource["hash"])):
            raise DataError(f"{where}: hash {_json(resource['hash'])} is not 'sha256:' and 64 hex digits")
        if "retrieved" in resource:
            check_retrieval_date(where, resource["retrieved"])
        check_schema(where, schema, resource.get("x-group-sums", []))


def check_schema(where: str, schema: dict, group_sums) -> None:
    """Fields, key and group sums must name what validation looks up, or loading fails with a KeyError."""
    kinds = {}
    for number, field in enumerate(schema["fields"], 1):
        name = field.get("name") if isinstance(field, dict) else None
        if not (isinstance(name, str) and name.isprintable() and name.strip()):
            raise DataError(f"{where}, field {number}: the field needs a 'name' (printable text)")
        if name in kinds:
            raise DataError(f"{where}, field {number} ('{name}'): a field of this name comes earlier")
        kinds[name] = _check_field(f"{where}, field {number} ('{name}')", field)
    key = schema.get("primaryKey", [])
    unknown = next((k for k in key if not _names_field(k, kinds)), None) if isinstance(key, list) else key
    if unknown is not None:
        raise DataError(f"{where}: primaryKey must be a list of fields of the schema, found {_json(unknown)}")
    if not isinstance(group_sums, list):
        raise DataError(f"{where}: x-group-sums must be a list")
    for number, check in enumerate(group_sums, 1):
        by, field = (check.get("by"), check.get("field")) if isinstance(check, dict) else (None, None)
        if not (isinstance(by, list) and all(_names_field(k, kinds) for k in by) and _names_field(field, kinds, "number")
                and _is_number(check.get("equals")) and _is_number(check.get("tolerance"))):
            raise DataError(f"{where}: x-group-sums {number} needs 'by' (fields), 'field' (a number field), 'equals' and 'tolerance' (numbers)")


def _names_field(value, kinds: dict, kind: str | None = None) -> bool:
    return isinstance(value, str) and value in kinds and kind in (None, kinds[value])


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# Constraints the loader enforces: the field types each applies to, and what its value must be.
CONSTRAINTS = {
    "required": (FIELD_TYPES, "true or false", lambda value: isinstance(value, bool)),
    "enum": ({"string"}, "a list of texts", lambda value: isinstance(value, list) and len(value) > 0 and all(isinstance(v, str) for v in value)),
    "minimum": (NUMERIC, "a number", _is_number),
    "maximum": (NUMERIC, "a number", _is_number),
    "maxLength": ({"string"}, "a whole number above 0", lambda value: isinstance(value, int) and not isinstance(value, bool) and value > 0),
}


def _check_field(where: str, field: dict) -> str:
    """A constraint the loader would ignore, or one of the wrong type, is refused rather than trusted."""
    kind = field.get("type", "string")
    if kind not in FIELD_TYPES:
        raise DataError(f"{where}: type {_json(kind)} is not one of {sorted(FIELD_TYPES)}")
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        raise DataError(f"{where}: 'constraints' must be an object")
    for name, value in constraints.items():
        if name not in CONSTRAINTS:
            raise DataError(f"{where}: constraint '{name}' is not one this project checks ({', '.join(CONSTRAINTS)})")
        kinds, what, valid = CONSTRAINTS[name]
        if kind not in kinds:
            raise DataError(f"{where}: constraint '{name}' does not apply to a {kind} field")
        if not valid(value):
            raise DataError(f"{where}: constraint '{name}' must be {what}, not {_json(value)}")
    return kind


def check_retrieval_date(where: str, value) -> None:
    """Pages show the newest retrieval date as the snapshot's age: it must be a real date, not a later one."""
    try:
        date = dt.date.fromisoformat(value) if isinstance(value, str) and ISO_DATE.fullmatch(value) else None
    except ValueError:
        date = None
    if date is None:
        raise DataError(f"{where}: retrieval date {_json(value)} is not a date in the form YYYY-MM-DD")
    today = dt.date.today()
    if date > today:
        raise DataError(f"{where}: retrieval date {value} is in the future (today is {today.isoformat()})")


def _json(value) -> str:
    """A manifest value for a one-line message, as JSON: escaped, and shortened when long."""
    shown = json.dumps(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


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
    return _validated_frame(str(path), descriptor_key(descriptor), _regular_file(path).st_mtime_ns).copy()


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


def _display_path(path: Path) -> str:
    """The path as the manifest names it (a symlink is not followed), relative to the working folder if inside it."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
        hint = f" (found {_show(unexpected[0])} instead: renamed?)" if unexpected else ""
        raise DataError(f"{where}, column '{missing[0]}': required column is missing{hint}")
    if unexpected:
        raise DataError(f"{where}, column {_show(unexpected[0])}: column not in the schema")
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
                label=label, row=row, name=name, value=_show(column[row])))
        return column.map(allowed).astype(bool)
    numbers = pd.to_numeric(column.where(~blank), errors="coerce").astype(float)
    bad = ~blank & ~np.isfinite(numbers)  # 'inf' parses as a number but is no value a source publishes
    if bad.any():
        row = bad.idxmax()
        value = column[row]
        message = (tr("{label}, row {row}, column '{name}': {value} uses a comma as decimal separator; use a point")
                   if COMMA_DECIMAL.match(value.strip()) else tr("{label}, row {row}, column '{name}': {value} is not a number"))
        raise DataError(message.format(label=label, row=row, name=name, value=_show(value)))
    if kind in ("integer", "year"):
        fractional = ~blank & ~column.str.strip().str.fullmatch(WHOLE_NUMBER)
        if fractional.any():
            row = fractional.idxmax()
            raise DataError(tr("{label}, row {row}, column '{name}': {value} is not a whole number").format(
                label=label, row=row, name=name, value=_show(column[row])))
        huge = ~blank & (numbers.abs() > EXACT_INTEGER)  # as int64 it would wrap round; as a float it is already rounded
        if huge.any():
            row = huge.idxmax()
            raise DataError(f"{label}, row {row}, column '{name}': {_show(column[row])} is beyond ±2^53, where whole numbers stop being exact")
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
            f"{where(row)}: {_show(column[row])} contains U+{ord(character):04X}, which is not printable text; "
            f"remove control characters, tabs and line breaks"
        )
    padded = column != column.str.strip()
    if padded.any():
        row = padded.idxmax()
        raise DataError(f"{where(row)}: {_show(column[row])} has a leading or trailing space; an exact-match filter would miss it")
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
            raise DataError(f"{where(row)}: {_show(column[row])} is not one of {allowed}{hint}")
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
                f"{label}, row {row}, column '{name}': {_show(column[row])} differs only in case from "
                f"{_show(first[row])} in row {earlier}; spell a key the same way throughout"
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
