"""One source of truth for the environment: requirements.txt pins everything, environment.yml
(conda) defers to it, and the running environment is the pinned one."""
from __future__ import annotations

import re
import sys
from importlib.metadata import PackageNotFoundError, version

import yaml

from belarus_trade import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)$")


def pins() -> dict[str, str]:
    found = {}
    for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"requirements.txt: '{line}' is not pinned with =="
        found[match.group(1).lower()] = match.group(2)
    return found


def test_every_requirement_is_pinned_and_core_tools_are_there():
    pinned = pins()
    for tool in ("jupyter-book", "altair", "vl-convert-python", "papermill", "nbval", "pandas", "playwright", "pytest",
                 "jupyterlab-myst", "ruff"):
        assert tool in pinned, tool
    assert pinned["jupyter-book"].startswith("1."), "jupyter-book 2.x needs the network for its theme"


def test_conda_environment_defers_to_requirements():
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    assert "python=3.11" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert "-r requirements.txt" in pip_section
    conda_packages = [d for d in dependencies if isinstance(d, str)]
    assert set(conda_packages) <= {"python=3.11", "pip"}, "pin packages in requirements.txt, not in environment.yml"


def test_running_environment_matches_the_pins():
    assert sys.version_info[:2] == (3, 11)
    mismatched = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            mismatched[name] = ("missing", pinned)
            continue
        if installed != pinned:
            mismatched[name] = (installed, pinned)
    assert not mismatched
