"""What a chapter reads the snapshot with: validated loading.

Every load validates the file against its manifest entry (`validation`) and checksum, so that a
malformed file stops a build with one line naming file, row and column, instead of producing a
plausible but wrong chart; a validated frame is cached per file version and handed out as a copy.
Which files a chapter may read is its own declaration (`READS`, checked by its context and
keyed on by the build), not something loading reports.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from belarus_trade.data.manifest import (
    MANIFEST_NAME,
    DataError,
    pending_descriptor,
    read_manifest,
    regular_file,
    resolve_data_dir,
    resource_descriptor,
)
from belarus_trade.data.validation import check_not_unrecorded, validate_file


def load_if_held(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame | None:
    """Load a resource that only an online refresh brings; None while the snapshot lacks it.

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
    check_not_unrecorded(path)
    return None


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one resource of the snapshot, validated against its schema and checksum."""
    directory = resolve_data_dir(data_dir)
    descriptor = resource_descriptor(name, directory)
    path = directory / descriptor["path"]
    return _validated_frame(str(path), descriptor_key(descriptor), regular_file(path).st_mtime_ns).copy()


def descriptor_key(descriptor: dict) -> str:
    """A hashable form of a descriptor so validated frames can be cached per file version."""
    return json.dumps(descriptor, sort_keys=True)


@lru_cache(maxsize=32)
def _validated_frame(path: str, descriptor_json: str, _mtime_ns: int) -> pd.DataFrame:
    return validate_file(Path(path), json.loads(descriptor_json))
