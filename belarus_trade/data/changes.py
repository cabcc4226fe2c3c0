"""What changed between two versions of one resource: years, series and values, by the manifest's key.

`make refresh` prints this diff for every candidate before anything is swapped in, and the
book's What changed page shows the same diff between editions. Rows are matched on the
resource's primary key from `data/datapackage.json`; the key's year field (if it has one) gives
the years added and removed, its other fields name a series (a partner, an indicator, a case),
and every other field is a value that may be revised. Revisions are ranked by relative size,
because the values of one resource mix units (per cent of GDP beside US dollars).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TOP = 10  # revisions and series listed per resource; the rest are counted


@dataclass(frozen=True)
class Revision:
    """One value of one row (`key`, the primary key's values as text) that differs."""

    key: tuple[str, ...]
    column: str
    old: float | str | None
    new: float | str | None

    @property
    def absolute(self) -> float | None:
        return self.new - self.old if _both_numbers(self.old, self.new) else None

    @property
    def relative(self) -> float | None:
        """Change as a share of the old value; None when the old value is zero or not a number."""
        return self.absolute / abs(self.old) if self.absolute is not None and self.old != 0 else None

    def size(self) -> float:
        """For ranking: relative size, a revision from zero counting as infinite, a text or a
        missing value below every number."""
        if self.absolute is None:
            return -1.0
        return math.inf if self.relative is None else abs(self.relative)


@dataclass
class ResourceChanges:
    resource: str
    key: list[str]  # the primary key
    series_key: list[str]  # the key without its year field
    old_rows: int
    new_rows: int
    rows_added: int = 0
    rows_removed: int = 0
    years_added: list[int] = field(default_factory=list)
    years_removed: list[int] = field(default_factory=list)
    series_added: list[tuple[str, ...]] = field(default_factory=list)
    series_removed: list[tuple[str, ...]] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)  # largest first

    @property
    def unchanged(self) -> bool:
        return not (self.rows_added or self.rows_removed or self.revisions)


def year_field(schema: dict) -> str | None:
    """The key field that holds the year (type `year`), if the key has one."""
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    return next((name for name in schema.get("primaryKey", []) if types.get(name) == "year"), None)


def compare(resource: str, old: pd.DataFrame | None, new: pd.DataFrame, schema: dict) -> ResourceChanges:
    """Compare two validated frames of `resource` (old None: the snapshot did not hold it).

    Without a primary key a whole row is its key: rows appear and disappear, none is revised."""
    key = list(schema.get("primaryKey") or [f["name"] for f in schema["fields"]])
    year = year_field(schema)
    series_key = [name for name in key if name != year]
    old = new.iloc[0:0] if old is None else old
    values = [f["name"] for f in schema["fields"] if f["name"] not in key and f["name"] in old.columns]
    old_rows, new_rows = old.set_index(key), new.set_index(key)
    common = new_rows.index.intersection(old_rows.index)
    changes = ResourceChanges(
        resource, key, series_key, len(old), len(new),
        rows_added=len(new_rows.index.difference(old_rows.index)),
        rows_removed=len(old_rows.index.difference(new_rows.index)),
    )
    if year:
        old_years, new_years = set(old[year].dropna().astype(int)), set(new[year].dropna().astype(int))
        changes.years_added, changes.years_removed = sorted(new_years - old_years), sorted(old_years - new_years)
    if series_key:
        old_series, new_series = _series(old, series_key), _series(new, series_key)
        changes.series_added, changes.series_removed = _as_text(new_series - old_series), _as_text(old_series - new_series)
    revisions = []
    for column in values:
        before, after = old_rows[column].reindex(common), new_rows[column].reindex(common)
        changed = ~((before == after).fillna(False).astype(bool) | (before.isna() & after.isna())).to_numpy()
        for row_key, old_value, new_value in zip(common[changed], before[changed], after[changed]):
            row_key = row_key if isinstance(row_key, tuple) else (row_key,)
            revisions.append(Revision(tuple(str(part) for part in row_key), column, _scalar(old_value), _scalar(new_value)))
    changes.revisions = sorted(revisions, key=lambda r: (-r.size(), r.key, r.column))
    return changes


def _series(frame: pd.DataFrame, series_key: list[str]) -> set[tuple]:
    return set(frame[series_key].drop_duplicates().itertuples(index=False, name=None))


def _as_text(series: set[tuple]) -> list[tuple[str, ...]]:
    """Sorted on the values themselves (case 595 before case 1138), then shown as text."""
    return [tuple(str(part) for part in row) for row in sorted(series)]


def _scalar(value) -> float | str | None:
    """A cell as a plain Python value: text as it is, a flag as the data files write it, a number as float."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    return None if pd.isna(value) else float(value)


def _both_numbers(*values) -> bool:
    return all(isinstance(v, float) for v in values)


def format_value(value: float | str | None) -> str:
    """A value as the diff shows it: thousands separated, big numbers whole, small ones to six figures."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if abs(value) >= 1e6 else f"{value:,.6g}"


def format_absolute(revision: Revision) -> str:
    """The change with its sign, e.g. `+936,074,842`; empty for a text or missing value."""
    if revision.absolute is None:
        return ""
    shown = format_value(revision.absolute)
    return shown if shown.startswith("-") else "+" + shown


def format_relative(revision: Revision, from_zero: str = "from zero") -> str:
    """The change as a percentage of the old value, e.g. `+1.3%`; empty for a text or missing value."""
    if revision.absolute is None:
        return ""
    return f"{revision.relative:+.1%}" if revision.relative is not None else from_zero


def format_changes(changes: ResourceChanges, top: int = TOP) -> str:
    """The diff as plain text for the terminal: one line per fact, the largest `top` revisions."""
    head = f"{changes.resource}: {changes.old_rows} → {changes.new_rows} rows"
    if changes.unchanged:
        return f"{head}; no key added or removed, no value revised"
    lines = [f"{head} ({changes.rows_added} added, {changes.rows_removed} removed)"]
    for label, years in (("years added", changes.years_added), ("years removed", changes.years_removed)):
        if years:
            lines.append(f"  {label}: {', '.join(map(str, years))}")
    series_name = ", ".join(changes.series_key)
    for label, series in (("appearing", changes.series_added), ("disappearing", changes.series_removed)):
        if series:
            shown = "; ".join(" / ".join(s) for s in series[:top])
            lines.append(f"  {series_name} {label} ({len(series)}): {shown}{_more(len(series), top)}")
    if changes.revisions:
        lines.append(f"  values revised: {len(changes.revisions)}, largest first")
        for revision in changes.revisions[:top]:
            change = f" ({format_absolute(revision)}, {format_relative(revision)})" if revision.absolute is not None else ""
            lines.append(f"    {' / '.join(revision.key)}, {revision.column}: {format_value(revision.old)} → {format_value(revision.new)}{change}")
        if len(changes.revisions) > top:
            lines.append(f"    … and {len(changes.revisions) - top} more")
    return "\n".join(lines)


def _more(count: int, top: int) -> str:
    return f"; … and {count - top} more" if count > top else ""
