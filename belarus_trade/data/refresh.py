"""Refresh the snapshot from the publishers: fetch → validate → diff → replace, never the other way round.

Each job fetches one resource's series, writes a candidate file, validates it against the
manifest's schema and against the file it would replace (coverage may grow, not shrink), and
prints its diff against the snapshot (`changes`: years, series, largest revisions). Only when
every job has been tried are the validated candidates swapped in, each with its checksum,
coverage and retrieval date recorded; a dry run stops before that and changes nothing. A failed or
partial fetch leaves the last good file in place and says which series failed and why; with
no network the whole refresh stops after the first attempt with one line. Every request goes
through `publishers.client.http_get_bytes` under hard `Limits` (time per request and per run,
bytes per answer and unpacked, pages per series), so a misbehaving server fails its series the
same way, and a line per request shows progress.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from belarus_trade.data.changes import TOP, ResourceChanges, compare, format_changes, year_field
from belarus_trade.data.economies import BELARUS_M49, FIGURE_6_M49, RUSSIA_M49
from belarus_trade.data.manifest import DataError, pending_descriptor, read_manifest, resolve_data_dir
from belarus_trade.data.publishers import comtrade, imf, unctad, wdi
from belarus_trade.data.publishers.client import LIMITS, Limits, PublisherError, bounded_getters, http_get_bytes, http_get_json
from belarus_trade.data.snapshot import record
from belarus_trade.data.validation import validate_file

WDI_INDICATORS = ["NE.EXP.GNFS.ZS", "NE.IMP.GNFS.ZS", "NE.TRD.GNFS.ZS", "TX.VAL.MRCH.CD.WT", "TM.VAL.MRCH.CD.WT", "NY.GDP.MKTP.CD"]
WDI_COUNTRIES = {"BLR": WDI_INDICATORS, "RUS": ["NY.GDP.MKTP.CD"], "WLD": ["NE.TRD.GNFS.ZS"]}
FIRST_YEAR = {"wdi": 2000, "imf_dots": 1992, "weo_gdp": 1992, "comtrade_sitc": 2000, "unctad_concentration": 1995}
WEO_COUNTRIES = ["BLR", "RUS"]
# The Comtrade preview answers at most 500 records; 20 years × 2 flows × 10 sections stay below.
COMTRADE_YEARS_PER_CALL = 20
CONCENTRATION_ECONOMIES = {str(code) for code in FIGURE_6_M49}  # UNCTAD's economy codes are text

# The snapshot keeps the IMF's DOTS-era labels, which the book's methods use; IMTS codes of
# the countries the methods name are mapped back to them (other partners keep IMTS labels).
# CL_COUNTRY names G998 "European Union (EU)"; any "European Union ..." label becomes the DOTS one.
EU_LABEL = "European Union"
DOTS_LABELS = {
    "BLR": "Belarus, Rep. of", "RUS": "Russian Federation", "CHN": "China, P.R.: Mainland",
    "ARM": "Armenia, Rep. of", "AZE": "Azerbaijan, Rep. of", "GEO": "Georgia", "KAZ": "Kazakhstan, Rep. of",
    "KGZ": "Kyrgyz Rep.", "MDA": "Moldova, Rep. of", "TJK": "Tajikistan, Rep. of", "TKM": "Turkmenistan",
    "UKR": "Ukraine", "UZB": "Uzbekistan, Rep. of", "G001": "World", "G998": EU_LABEL,
}
MIRROR_REPORTERS = [code for code in DOTS_LABELS if code not in ("BLR", "G001", "G998")]
REQUIRED_IMF_PARTNERS = ["World", "Russian Federation", "China, P.R.: Mainland", EU_LABEL]


@dataclass
class Job:
    resource: str
    fetch: Callable[[int, int], pd.DataFrame]
    check: Callable[[pd.DataFrame], None] | None = None
    tracked: Callable[[pd.DataFrame], pd.DataFrame] = lambda frame: frame  # rows whose coverage must not shrink


@dataclass
class Outcome:
    resource: str
    status: str  # "added", "replaced", "unchanged", "failed", "offline" (no connection could be made); dry run: "would add", "would replace"
    detail: str


def fetch_wdi_snapshot(start: int, end: int, get=http_get_json, max_pages: int = LIMITS.pages) -> pd.DataFrame:
    frames = [wdi.fetch_wdi(indicators, country, start, end, get=get, max_pages=max_pages)
              for country, indicators in WDI_COUNTRIES.items()]
    return pd.concat(frames, ignore_index=True).sort_values(["iso3", "indicator", "year"], ignore_index=True)


def fetch_imf_snapshot(start: int, end: int, get=http_get_json) -> pd.DataFrame:
    names = {**dots_labels(imf.fetch_imf_country_names(get=get)), **DOTS_LABELS}
    by_partner = imf.fetch_imf_trade("BLR", imf.IMF_ALL_CODES, start, end, country_names=names, get=get)
    mirror = imf.fetch_imf_trade(MIRROR_REPORTERS, "BLR", start, end, country_names=names, get=get)
    frame = pd.concat([by_partner, mirror], ignore_index=True)
    return frame.sort_values(["reporter", "partner", "flow", "year"], ignore_index=True)


def dots_labels(names: dict[str, str | None]) -> dict[str, str | None]:
    """The codelist's names with every European Union variant ("European Union (EU)") under the one DOTS label."""
    return {code: EU_LABEL if (name or "").startswith(EU_LABEL) else name for code, name in names.items()}


def fetch_weo_snapshot(start: int, end: int, get=http_get_json) -> pd.DataFrame:
    """Completed years only: the WEO runs on into the IMF's projections, which are not data."""
    frame = imf.fetch_weo_gdp(WEO_COUNTRIES, get=get)
    return frame[frame.year.between(start, end - 1)].reset_index(drop=True)


def fetch_comtrade_snapshot(start: int, end: int, get=http_get_json) -> pd.DataFrame:
    """Belarus's reports of trade with Russia by SITC section, in calls small enough for the preview API.

    A span of years without any record (Belarus has published no detail since 2022) is skipped;
    only a refresh that finds no record at all fails.
    """
    frames = []
    for first in range(start, end + 1, COMTRADE_YEARS_PER_CALL):
        last = min(first + COMTRADE_YEARS_PER_CALL - 1, end)
        try:
            frames.append(comtrade.fetch_comtrade_sitc(BELARUS_M49, RUSSIA_M49, (first, last), get=get))
        except PublisherError as error:
            if error.kind != "empty":
                raise
    if not frames:
        raise PublisherError("UN Comtrade", f"S3 {BELARUS_M49}-{RUSSIA_M49}", "empty", f"no records in {start}-{end}")
    return pd.concat(frames, ignore_index=True)


def fetch_concentration_snapshot(start: int, end: int, get_bytes=http_get_bytes,
                                 max_unpacked: int = LIMITS.unpacked_bytes) -> pd.DataFrame:
    """The export concentration index of the article's Figure 6 economies, from UNCTAD's bulk file."""
    frame = unctad.fetch_unctad_concentration(get_bytes=get_bytes, max_unpacked=max_unpacked)
    frame["economy_code"] = frame.economy_code.str.lstrip("0")
    chosen = frame.economy_code.isin(CONCENTRATION_ECONOMIES) & frame.year.between(start, end)
    return frame[chosen].reset_index(drop=True)


def require_belarus(frame: pd.DataFrame) -> None:
    if str(BELARUS_M49) not in set(frame.economy_code):
        raise DataError("UNCTAD refresh: the bulk file has no export concentration index for Belarus (112)")


def require_partners(frame: pd.DataFrame) -> None:
    missing = sorted(set(REQUIRED_IMF_PARTNERS) - set(frame.partner))
    if missing:
        raise DataError(f"IMF refresh: partners the book needs are missing: {missing}")


def book_partners(frame: pd.DataFrame) -> pd.DataFrame:
    """The IMF rows the book's methods read; other partners may be relabelled by the IMF."""
    names = set(DOTS_LABELS.values()) | set(REQUIRED_IMF_PARTNERS)
    return frame[frame.reporter.isin(names) & frame.partner.isin(names)]


def default_jobs(get=http_get_json, get_bytes=http_get_bytes, limits: Limits = LIMITS) -> list[Job]:
    return [
        Job("wdi", lambda start, end: fetch_wdi_snapshot(start, end, get, limits.pages)),
        Job("imf_dots", lambda start, end: fetch_imf_snapshot(start, end, get), require_partners, book_partners),
        Job("weo_gdp", lambda start, end: fetch_weo_snapshot(start, end, get)),
        Job("comtrade_sitc", lambda start, end: fetch_comtrade_snapshot(start, end, get)),
        Job("unctad_concentration", lambda start, end: fetch_concentration_snapshot(start, end, get_bytes, limits.unpacked_bytes), require_belarus),
    ]


@dataclass
class Candidate:
    """A fetched series, written beside the file it would replace, validated and compared with it."""

    resource: str
    path: Path
    target: Path
    held: bool  # the snapshot has a file of this series
    same_bytes: bool
    changes: ResourceChanges


def refresh(data_dir: Path | None = None, jobs: list[Job] | None = None, today: dt.date | None = None,
            log=print, limits: Limits = LIMITS, dry_run: bool = False, top: int = TOP) -> list[Outcome]:
    """Fetch and validate every series, print each candidate's diff against the snapshot (its `top`
    largest revisions), and only then swap in the candidates that validated; with `dry_run`, stop
    after the diffs and change nothing. Returns one outcome per job.

    Without `jobs`, the project's jobs fetch within `limits`, their run time counted from now.
    """
    data_dir = resolve_data_dir(data_dir)
    today = today or dt.date.today()
    prepared: list[Candidate | Outcome] = []
    try:
        for job in jobs if jobs is not None else default_jobs(*bounded_getters(limits, log), limits):
            if prepared and isinstance(prepared[-1], Outcome) and prepared[-1].status == "offline":
                prepared.append(Outcome(job.resource, "offline", "skipped: no network"))
                continue
            prepared.append(_prepare(job, data_dir, today, log, top))
        outcomes = [_settle(item, data_dir, today, dry_run) if isinstance(item, Candidate) else item for item in prepared]
    finally:
        for item in prepared:
            if isinstance(item, Candidate):
                item.path.unlink(missing_ok=True)
    for outcome in outcomes:
        if outcome.status != "offline":
            log(f"{outcome.resource}: {outcome.status} — {outcome.detail}")
    return outcomes


def _kept(held: dict | None) -> str:
    return f"kept the snapshot retrieved {held.get('retrieved')}" if held else "the snapshot still lacks this series"


def _prepare(job: Job, data_dir: Path, today: dt.date, log, top: int) -> Candidate | Outcome:
    """Fetch, write the candidate, validate it and print its diff; nothing in the snapshot changes."""
    manifest = read_manifest(data_dir)
    held = next((r for r in manifest["resources"] if r["name"] == job.resource), None)
    descriptor = held or pending_descriptor(manifest, job.resource)
    target = data_dir / descriptor["path"]
    try:
        fetched = job.fetch(FIRST_YEAR.get(job.resource, 2000), today.year)
    except PublisherError as error:
        status = "offline" if error.kind == "offline" else "failed"
        return Outcome(job.resource, status, f"{error}; {_kept(held)}")
    year = year_field(descriptor["schema"])
    span = f", {fetched[year].min()}–{fetched[year].max()}" if year in fetched and len(fetched) else ""
    log(f"{job.resource}: fetched {len(fetched)} rows{span}")
    candidate = target.with_name(f".candidate-{target.name}")
    columns = [field["name"] for field in descriptor["schema"]["fields"]]
    _write_csv(fetched[columns], candidate)
    try:
        unchecked = {key: value for key, value in descriptor.items() if key != "hash"}
        new = validate_file(candidate, unchecked)
        old = validate_file(target, unchecked) if held else None
        changes = compare(job.resource, old, new, descriptor["schema"])
        log(format_changes(changes, top))
        if held:
            series_key = [k for k in descriptor["schema"]["primaryKey"] if k != "year"]
            _check_coverage(job.resource, series_key, job.tracked(old), job.tracked(new))
        if job.check:
            job.check(new)
    except DataError as error:
        candidate.unlink(missing_ok=True)
        return Outcome(job.resource, "failed", f"candidate rejected: {error}; {_kept(held)}")
    except BaseException:  # a bug or an interrupt: no candidate is left in the data folder
        candidate.unlink(missing_ok=True)
        raise
    same_bytes = bool(held) and candidate.read_bytes() == target.read_bytes()
    return Candidate(job.resource, candidate, target, bool(held), same_bytes, changes)


def _settle(candidate: Candidate, data_dir: Path, today: dt.date, dry_run: bool) -> Outcome:
    """Swap a validated candidate in and record it, or (dry run) only say what would happen."""
    if candidate.same_bytes:
        if dry_run:
            return Outcome(candidate.resource, "unchanged", "same values; dry run: retrieval date not recorded")
        record(candidate.target.name, data_dir, retrieved=today.isoformat())
        return Outcome(candidate.resource, "unchanged", f"same values; retrieval date set to {today.isoformat()}")
    if dry_run:
        changes = candidate.changes
        return Outcome(candidate.resource, "would replace" if candidate.held else "would add",
                       f"{changes.new_rows} rows; dry run: the snapshot keeps its file")
    os.replace(candidate.path, candidate.target)
    entry = record(candidate.target.name, data_dir, retrieved=today.isoformat())
    coverage = entry.get("coverage", {})
    # Known gaps are written by people; a refresh may have filled some of them.
    review = "; its known_gaps in the manifest may be out of date" if candidate.held and entry.get("known_gaps") else ""
    return Outcome(candidate.resource, "replaced" if candidate.held else "added",
                   f"{coverage.get('rows')} rows, {coverage.get('first_year')}–{coverage.get('last_year')}{review}")


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write in the snapshot's own conventions (booleans as true/false, no index)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].map({True: "true", False: "false"})
    frame.to_csv(path, index=False)


def _check_coverage(resource: str, key: list[str], old: pd.DataFrame, new: pd.DataFrame) -> None:
    """A refresh may extend or revise a series (rows with the same `key`) but must not lose years it had."""
    old_span = old.groupby(key).year.agg(["min", "max"])
    new_span = new.groupby(key).year.agg(["min", "max"]).reindex(old_span.index)
    lost = new_span["max"].isna() | (new_span["max"] < old_span["max"]) | (new_span["min"] > old_span["min"])
    if lost.any():
        series = lost[lost].index[0]
        raise DataError(f"{resource}: candidate covers less than the snapshot for {series} ({int(lost.sum())} series shrink)")


def summary(outcomes: list[Outcome], dry_run: bool = False) -> tuple[str, int]:
    """One line for the analyst and an exit status: 0 all refreshed, 1 some failed, 2 offline."""
    if outcomes and all(o.status == "offline" for o in outcomes):
        return "offline: no network reached the publishers; the snapshot is unchanged", 2
    failed = [o for o in outcomes if o.status in ("failed", "offline")]
    if dry_run:
        changing = [o.resource for o in outcomes if o.status in ("would replace", "would add")]
        would = f"{', '.join(changing)} would change" if changing else "no series would change"
        not_fetched = f"; {', '.join(o.resource for o in failed)} failed (see the lines above)" if failed else ""
        return f"dry run: {would}{not_fetched}; nothing in the data folder was changed", 1 if failed else 0
    if failed:
        return f"refresh incomplete: {', '.join(o.resource for o in failed)} not refreshed (see the lines above); nothing else changed", 1
    return f"refreshed {len(outcomes)} resources", 0
