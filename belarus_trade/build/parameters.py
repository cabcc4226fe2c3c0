"""Parameters checked before anything runs: only those a chapter declares, years in order, and a
window holding at least two years of every series a chapter cannot do without.

A bad `make window START=… END=…` used to fail minutes later inside a notebook; here it is
refused in one line naming the parameter, or the chapter and the series.
"""
from __future__ import annotations

import ast
from pathlib import Path

from belarus_trade import DATA_DIR
from belarus_trade.build.book import Chapter, read_notebook

WINDOW_KEY = "belarus_trade_window"  # notebook metadata: {"needs": [series a window's years must hold]}
MIN_YEARS_IN_WINDOW = 2  # a chapter compares a first and a last year


def check_parameters(chapter_list: list[Chapter], parameters: dict, data_dir: Path = DATA_DIR) -> None:
    """Refuse parameters a chapter does not declare, impossible years, and a window without the
    data a chapter needs, before executing anything."""
    from belarus_trade.analysis.methods import ParameterError, check_years

    for chapter in chapter_list:
        notebook = read_notebook(chapter.path)
        declared = declared_parameters(notebook)
        unknown = sorted(set(parameters) - set(declared))
        if unknown:
            raise ParameterError(f"parameter {unknown[0]}: unknown to chapter {chapter.name} (it accepts {', '.join(declared)})")
        years = {name: parameters.get(name, declared[name]) for name in ("start_year", "end_year") if name in declared}
        if len(years) == 2:
            check_years(years["start_year"], years["end_year"])
            check_window_has_data(chapter, notebook, years["start_year"], years["end_year"], data_dir)


def check_window_has_data(chapter: Chapter, notebook: dict, start_year: int, end_year: int, data_dir: Path) -> None:
    """A chapter lists in its metadata (`belarus_trade_window.needs`) the series it cannot do
    without; a window holding fewer than two of their years is refused here, naming the series,
    instead of failing inside the notebook."""
    from belarus_trade.analysis.methods import ParameterError
    from belarus_trade.data.manifest import DataError, read_manifest

    needs = notebook.get("metadata", {}).get(WINDOW_KEY, {}).get("needs", [])
    resources = {r["name"]: r for r in read_manifest(data_dir)["resources"]}
    for name in needs:
        if name not in resources:
            raise DataError(f"chapter {chapter.name} needs the series {name}, which the data manifest does not list")
        coverage = resources[name].get("coverage", {})
        first, last = coverage.get("first_year"), coverage.get("last_year")
        if first is None or last is None:
            continue
        held = min(end_year, last) - max(start_year, first) + 1
        if held < MIN_YEARS_IN_WINDOW:
            raise ParameterError(
                f"years {start_year}–{end_year}: chapter {chapter.name} needs {name} ({resources[name].get('title', name)}), "
                f"which holds {first}–{last}; choose years that include at least {MIN_YEARS_IN_WINDOW} of them")


def declared_parameters(notebook: dict) -> dict:
    """Names and default values of the chapter's `parameters` cell."""
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse("".join(cell["source"]))
            return {
                node.targets[0].id: ast.literal_eval(node.value)
                for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
            }
    return {}
