"""The refresh diff: years added, revisions by size, series appearing and disappearing; `--dry-run`
prints it and leaves the data folder byte for byte as it was."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from belarus_trade import __main__ as cli
from belarus_trade.data import manifest
from belarus_trade.data import refresh as refresh_module
from belarus_trade.data.changes import compare, format_changes
from belarus_trade.data.loading import load
from belarus_trade.data.manifest import resource_descriptor
from belarus_trade.data.refresh import Job, book_partners, refresh

TODAY = dt.date(2026, 11, 25)  # after the snapshot's retrieval date, not in the future
GDP_2023 = ("BLR", "NY.GDP.MKTP.CD", "2023")


def data_files(data_dir) -> dict[str, bytes]:
    """Every file of the data folder, byte for byte (a left-over candidate shows up too)."""
    return {str(path.relative_to(data_dir)): path.read_bytes() for path in sorted(data_dir.rglob("*")) if path.is_file()}


def wdi_candidate(wdi: pd.DataFrame) -> pd.DataFrame:
    """The World Bank's next release, as a test imagines it: 2025 for Belarus's trade ratios, Belarus's
    GDP of 2023 revised up 5%, its exports share of 2024 revised down 1%, Russia's trade ratio as a new series."""
    frame = wdi.copy()
    gdp = (frame.iso3 == "BLR") & (frame.indicator == "NY.GDP.MKTP.CD") & (frame.year == 2023)
    frame.loc[gdp, "value"] *= 1.05
    exports = (frame.iso3 == "BLR") & (frame.indicator == "NE.EXP.GNFS.ZS") & (frame.year == 2024)
    frame.loc[exports, "value"] *= 0.99
    added = pd.DataFrame({
        "iso3": ["BLR", "BLR", "RUS"], "indicator": ["NE.EXP.GNFS.ZS", "NE.IMP.GNFS.ZS", "NE.TRD.GNFS.ZS"],
        "year": [2025, 2025, 2024], "value": [60.5, 62.25, 42.5],
    })
    return pd.concat([frame, added], ignore_index=True).sort_values(["iso3", "indicator", "year"], ignore_index=True)


def dots_candidate(dots: pd.DataFrame) -> pd.DataFrame:
    """The IMF's next release: Montserrat gone (not a partner the book reads), one figure revised."""
    frame = dots[dots.partner != "Montserrat"].copy()
    russia = (frame.reporter == "Belarus, Rep. of") & (frame.partner == "Russian Federation") & (frame.year == 2020)
    frame.loc[russia & (frame.flow == "exports_fob"), "value_musd"] += 100.0
    return frame


# --- the diff itself --------------------------------------------------------------------------

def test_diff_lists_years_added_revisions_by_size_and_new_series():
    wdi = load("wdi")
    changes = compare("wdi", wdi, wdi_candidate(wdi), resource_descriptor("wdi")["schema"])
    assert changes.years_added == [2025] and changes.years_removed == []
    assert changes.series_added == [("RUS", "NE.TRD.GNFS.ZS")] and changes.series_removed == []
    assert (changes.rows_added, changes.rows_removed) == (3, 0)
    first, second = changes.revisions
    assert (first.key, first.column) == (GDP_2023, "value")
    assert first.new == pytest.approx(first.old * 1.05) and first.relative == pytest.approx(0.05)
    assert second.key == ("BLR", "NE.EXP.GNFS.ZS", "2024") and second.relative == pytest.approx(-0.01)


def test_diff_of_an_unchanged_frame_is_empty():
    wdi = load("wdi")
    changes = compare("wdi", wdi, wdi.copy(), resource_descriptor("wdi")["schema"])
    assert changes.unchanged and format_changes(changes) == "wdi: 196 → 196 rows; no key added or removed, no value revised"


def test_diff_names_disappearing_series_and_revised_flags():
    dots = load("imf_dots")
    candidate = dots_candidate(dots)
    flagged = candidate.index[0]
    candidate.loc[flagged, "estimated"] = not candidate.loc[flagged, "estimated"]
    changes = compare("imf_dots", dots, candidate, resource_descriptor("imf_dots")["schema"])
    assert changes.series_removed == [("Belarus, Rep. of", "Montserrat", "imports_cif")]
    assert changes.years_removed == [] and changes.rows_removed == 1
    money, flag = changes.revisions  # numbers first, by size; a changed flag after them
    assert money.key == ("Belarus, Rep. of", "Russian Federation", "exports_fob", "2020") and money.absolute == pytest.approx(100.0)
    assert flag.column == "estimated" and {flag.old, flag.new} == {"true", "false"} and flag.relative is None


def test_diff_of_a_resource_without_years_counts_new_keys():
    gsdb = load("gsdb")
    changes = compare("gsdb", gsdb.iloc[1:], gsdb, resource_descriptor("gsdb")["schema"])
    assert changes.years_added == [] and changes.series_added == [(str(gsdb.case_id.iloc[0]),)]


def test_text_diff_shows_old_new_and_change_and_counts_the_rest():
    wdi = load("wdi")
    candidate = wdi.copy()
    candidate["value"] = candidate["value"] * (1 + candidate.index.to_series() / 1000)  # 195 revisions, row 195 the largest
    text = format_changes(compare("wdi", wdi, candidate, resource_descriptor("wdi")["schema"]), top=3)
    lines = text.splitlines()
    assert lines[0] == "wdi: 196 → 196 rows (0 added, 0 removed)"
    assert lines[1] == "  values revised: 195, largest first"
    largest = wdi.iloc[195]
    assert lines[2].startswith(f"    {largest.iso3} / {largest.indicator} / {largest.year}, value: ")
    assert lines[2].endswith(", +19.5%)")
    assert lines[5] == "    … and 192 more" and len(lines) == 6


# --- refresh, dry run and real ----------------------------------------------------------------

def fake_jobs(data_dir, fetched: list[str] | None = None) -> list[Job]:
    """Jobs that hand back the candidates above instead of asking the publishers."""
    def fetch(name, candidate):
        def run(start, end):
            if fetched is not None:  # the snapshot's own files when this series is fetched
                fetched.append((name, {path: body for path, body in data_files(data_dir).items() if not path.startswith(".candidate-")}))
            return candidate(load(name, data_dir))
        return run
    return [Job("wdi", fetch("wdi", wdi_candidate)), Job("imf_dots", fetch("imf_dots", dots_candidate), tracked=book_partners)]


def test_dry_run_prints_the_diff_and_changes_nothing(data_copy):
    before = data_files(data_copy)
    lines = []
    outcomes = refresh(data_copy, fake_jobs(data_copy), today=TODAY, log=lines.append, dry_run=True)
    assert [(o.resource, o.status) for o in outcomes] == [("wdi", "would replace"), ("imf_dots", "would replace")]
    assert data_files(data_copy) == before
    text = "\n".join(lines)
    assert "wdi: fetched 199 rows, 2000–2025" in text
    assert "  years added: 2025" in text
    assert "  iso3, indicator appearing (1): RUS / NE.TRD.GNFS.ZS" in text
    assert "  reporter, partner, flow disappearing (1): Belarus, Rep. of / Montserrat / imports_cif" in text
    assert "    BLR / NY.GDP.MKTP.CD / 2023, value: " in text and "+5.0%)" in text
    assert refresh_module.summary(outcomes, dry_run=True) == (
        "dry run: wdi, imf_dots would change; nothing in the data folder was changed", 0)


def test_every_diff_comes_before_anything_is_swapped_in(data_copy):
    before = data_files(data_copy)
    fetched, lines = [], []
    outcomes = refresh(data_copy, fake_jobs(data_copy, fetched), today=TODAY, log=lines.append)
    assert [o.status for o in outcomes] == ["replaced", "replaced"]
    assert [files for _, files in fetched] == [before, before], "the second series was fetched after the first was swapped in"
    diffs = [n for n, line in enumerate(lines) if line.startswith(("wdi: 196 → 199 rows", "imf_dots: 9690 → 9689 rows"))]
    outcome_lines = [n for n, line in enumerate(lines) if line.startswith(("wdi: replaced", "imf_dots: replaced"))]
    assert len(diffs) == 2 and len(outcome_lines) == 2 and max(diffs) < min(outcome_lines)
    assert load("wdi", data_copy).year.max() == 2025


def test_command_line_dry_run_prints_the_diff_and_leaves_data_alone(data_copy, monkeypatch, capsys):
    monkeypatch.setattr(manifest, "DATA_DIR", data_copy)
    monkeypatch.setattr(refresh_module, "default_jobs", lambda *args: fake_jobs(data_copy))
    before = data_files(data_copy)
    assert cli.main(["refresh", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "  years added: 2025" in printed and "wdi: would replace — 199 rows; dry run" in printed
    assert printed.rstrip().endswith("dry run: wdi, imf_dots would change; nothing in the data folder was changed")
    assert data_files(data_copy) == before
