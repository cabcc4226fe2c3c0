"""The snapshot's manifest, `data/datapackage.json`: read strictly, checked as a contract, and the files it names.

The manifest is a Frictionless Data Package: each resource carries its Table Schema, provenance
(publisher, series, licence, retrieval date) and sha256. Reading it checks everything validation
and loading rely on (names, plain file names in the data folder, schemas with only the constraints
the loader enforces, real retrieval dates), so that a broken manifest stops with one line naming
where, never a KeyError, and nothing it says can lead reading outside the data folder. Here too:
the descriptor of a resource, the snapshot's id, and reading a data file's bytes safely.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import stat
from pathlib import Path

from belarus_trade import DATA_DIR

MANIFEST_NAME = "datapackage.json"
# Series the project fetches only when online: described in the manifest, absent from the offline
# snapshot until a refresh validates a candidate and `snapshot.record` moves it into `resources`.
# Kept outside `resources` so that the manifest stays a valid Frictionless package at every step.
PENDING_KEY = "x-pending-resources"
MISSING = "file listed in the manifest is missing"
# What the manifest may state. Resource names follow Frictionless; a path is a plain file name, so that
# nothing the manifest says can lead reading outside the data folder.
NAME = re.compile(r"[a-z0-9._-]+")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMERIC = {"number", "integer", "year"}
FIELD_TYPES = NUMERIC | {"string", "boolean"}


class DataError(ValueError):
    """A data file or the manifest breaks the schema; the message is one line for the user."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(read_data_file(Path(path))).hexdigest()


def regular_file(path: Path, missing: str = MISSING) -> os.stat_result:
    """Refuse anything but a regular file in the folder that should hold it, before opening it.

    A symlink or manifest entry must not lead reading elsewhere (its content could end up in a
    message), and a FIFO or device would block or never end.
    """
    label = display_path(path)
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
    regular_file(path, missing)
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{display_path(path)}: cannot be read ({error.strerror})") from None


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
            raise error(f"{where}: {what} repeats the key {shown(repeated)} within one object")
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
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def resource_descriptor(name: str, data_dir: str | os.PathLike | None = None) -> dict:
    for resource in read_manifest(data_dir)["resources"]:
        if resource["name"] == name:
            return resource
    raise DataError(f"{resolve_data_dir(data_dir) / MANIFEST_NAME}: no resource named '{name}'")


def pending_descriptor(manifest: dict, name: str) -> dict | None:
    """The description of a series the snapshot does not hold yet, or None."""
    return next((r for r in manifest.get(PENDING_KEY, []) if r["name"] == name), None)


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


def display_path(path: Path) -> str:
    """The path as the manifest names it (a symlink is not followed), relative to the working folder if inside it."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def shown(value: str) -> str:
    """A value quoted for a one-line message: newlines escaped, long text shortened."""
    return repr(value if len(value) <= 40 else value[:37] + "...")
