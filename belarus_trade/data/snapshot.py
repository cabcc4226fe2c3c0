"""Build and record the project's own data snapshot.

`import_reference_extracts` turns the reference extracts in `shared/data` (World Bank WDI,
IMF DOTS, GSDB) into the project's tidy files once; `record` refreshes a file's checksum,
size and coverage in the manifest after an intentional change, so that any unintended change
is caught by the checksum on the next load.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from belarus_trade.data.manifest import MANIFEST_NAME, PENDING_KEY, DataError, check_retrieval_date, read_manifest, resolve_data_dir, sha256_of
from belarus_trade.data.validation import validate_file


def import_reference_extracts(shared_data: Path, data_dir: Path | None = None) -> list[str]:
    """Convert the shared reference extracts into the snapshot's tidy formats and record them."""
    data_dir = resolve_data_dir(data_dir)
    wdi = pd.read_csv(shared_data / "world_bank_wdi_belarus_russia.csv")
    wdi.sort_values(["iso3", "indicator", "year"]).to_csv(data_dir / "wdi_belarus_russia.csv", index=False)

    dots = pd.read_csv(shared_data / "imf_dots_belarus_1992_2020.csv")
    dots["estimated"] = dots.pop("note").eq("e").map({True: "true", False: "false"})
    dots.sort_values(["reporter", "partner", "flow", "year"]).to_csv(data_dir / "imf_dots_belarus.csv", index=False)

    gsdb = pd.read_csv(shared_data / "gsdb_v3_belarus_cases.csv", dtype=str, keep_default_na=False)
    gsdb.to_csv(data_dir / "gsdb_belarus_sanctions.csv", index=False)
    files = ["wdi_belarus_russia.csv", "imf_dots_belarus.csv", "gsdb_belarus_sanctions.csv"]
    for name in files:
        record(name, data_dir)
    return files


def record(file_name: str, data_dir: Path | None = None, retrieved: str | None = None) -> dict:
    """Validate a changed file and write its sha256, size, coverage (and retrieval date) to the manifest.

    A series the snapshot did not hold yet moves from the pending list into `resources`.
    """
    if retrieved is not None:
        check_retrieval_date(file_name, retrieved)
    data_dir = resolve_data_dir(data_dir)
    manifest = read_manifest(data_dir)
    descriptor = next((r for r in manifest["resources"] if r["path"] == file_name), None)
    if descriptor is None:
        pending = manifest.get(PENDING_KEY, [])
        descriptor = next((r for r in pending if r["path"] == file_name), None)
        if descriptor is None:
            raise DataError(f"{data_dir / MANIFEST_NAME}: no resource has the path '{file_name}'")
        if not retrieved:
            raise DataError(f"{file_name}: first record of a fetched series; give its retrieval date (--retrieved YYYY-MM-DD)")
        pending.remove(descriptor)
        manifest["resources"].append(descriptor)
    path = data_dir / file_name
    unchecked = {k: v for k, v in descriptor.items() if k != "hash"}
    frame = validate_file(path, unchecked)
    descriptor["hash"] = "sha256:" + sha256_of(path)
    descriptor["bytes"] = path.stat().st_size
    descriptor["coverage"] = {"rows": len(frame)}
    year_fields = [f["name"] for f in descriptor["schema"]["fields"] if f.get("type") == "year"]
    if year_fields:
        years = frame[year_fields[0]].dropna()
        descriptor["coverage"].update(first_year=int(years.min()), last_year=int(years.max()))
    if retrieved:
        descriptor["retrieved"] = retrieved
    if not manifest.get(PENDING_KEY):
        manifest.pop(PENDING_KEY, None)
    write_manifest(manifest, data_dir)
    return descriptor


def write_manifest(manifest: dict, data_dir: Path) -> None:
    """Write atomically: a half-written manifest would break every later load."""
    target = data_dir / MANIFEST_NAME
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(target)
