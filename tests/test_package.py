"""The package's shape is its map (issue 22): stage folders in order, imports only downwards (lazy
imports too), nothing else at the top, no module longer than a reader can hold."""
from __future__ import annotations

import ast

import pytest

from belarus_trade import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "belarus_trade"
# Lowest first: a module may import from its own stage and the stages before it.
STAGES = ("i18n", "data", "analysis", "chapters", "build", "site", "publish", "checks")
MAX_LINES = 400


def stage_of(module: str) -> int:
    """The rank of a `belarus_trade...` module's stage; -1 for the package itself (its paths)."""
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else -1


def package_imports(path) -> list[str]:
    """The `belarus_trade` modules a file imports, relative imports made absolute."""
    package = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    package = package.removesuffix(".__init__") if path.name == "__init__.py" else package.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            found.append(".".join(part for part in (base, node.module) if part))
    return [name for name in found if name.split(".")[0] == "belarus_trade"]


MODULES = sorted(path for stage in STAGES for path in (PACKAGE / stage).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.relative_to(PACKAGE).as_posix())
def test_a_module_imports_nothing_from_a_later_stage(path):
    own = STAGES.index(path.relative_to(PACKAGE).parts[0])
    above = [name for name in package_imports(path) if stage_of(name) > own]
    assert not above, f"{path.relative_to(PROJECT_ROOT)} imports {above}"


def test_the_top_level_holds_only_the_stages():
    top = {path.name for path in PACKAGE.iterdir() if path.name != "__pycache__"}
    assert top == {"__init__.py", "__main__.py", *STAGES}
    for stage in STAGES:
        assert ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text())), f"{stage} says what it is for"


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {path.relative_to(PACKAGE).as_posix(): count for path in PACKAGE.rglob("*.py")
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_check_itself_sees_an_upward_import():
    assert stage_of("belarus_trade.build.pipeline") > stage_of("belarus_trade.data.loading") > stage_of("belarus_trade")
