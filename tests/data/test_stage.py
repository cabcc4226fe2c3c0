"""The data stage imports only from itself and the stages below it (the package's paths, i18n), lazy imports too."""
from __future__ import annotations

import ast

import pytest

from belarus_trade import PROJECT_ROOT

STAGE = PROJECT_ROOT / "belarus_trade" / "data"
BELOW = ("belarus_trade.i18n", "belarus_trade.data")  # and the package itself, for its paths


def allowed(name: str) -> bool:
    return name == "belarus_trade" or any(name == stage or name.startswith(stage + ".") for stage in BELOW)


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


@pytest.mark.parametrize("path", sorted(STAGE.rglob("*.py")), ids=lambda path: path.relative_to(STAGE).as_posix())
def test_a_data_module_imports_nothing_above_the_data_stage(path):
    above = [name for name in package_imports(path) if not allowed(name)]
    assert not above, f"{path.relative_to(PROJECT_ROOT)} imports {above}"
