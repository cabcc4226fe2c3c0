"""What a chapter reads the snapshot with: validated loading, and a record of what each chapter reads.

Every load validates the file against its manifest entry (`validation`) and checksum, so that a
malformed file stops a build with one line naming file, row and column, instead of producing a
plausible but wrong chart; a validated frame is cached per file version and handed out as a copy.
Chapters import this module alone (`from belarus_trade.data import loading as data`), so it also
offers what their cells and tests look up in the manifest (`__all__`).
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from belarus_trade.data.manifest import (
    MANIFEST_NAME,
    PENDING_KEY,
    DataError,
    pending_descriptor,
    read_manifest,
    regular_file,
    resolve_data_dir,
    resource_descriptor,
)
from belarus_trade.data.validation import check_not_unrecorded, validate_file

__all__ = ["PENDING_KEY", "READ_LOG_ENV", "DataError", "load", "load_if_held", "manifest_as_read", "read_manifest",
           "resolve_data_dir", "resource_descriptor", "validate_file"]

READ_LOG_ENV = "BELARUS_TRADE_READ_LOG"


def manifest_as_read(data_dir: str | os.PathLike | None = None) -> dict:
    """The manifest for display in a chapter; recorded as read, so a changed manifest re-executes it."""
    _record_read(resolve_data_dir(data_dir) / MANIFEST_NAME)
    return read_manifest(data_dir)


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
    check_not_unrecorded(path)
    return None


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one resource of the snapshot, validated against its schema and checksum."""
    directory = resolve_data_dir(data_dir)
    descriptor = resource_descriptor(name, directory)
    path = directory / descriptor["path"]
    _record_read(path)
    return _validated_frame(str(path), descriptor_key(descriptor), regular_file(path).st_mtime_ns).copy()


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
