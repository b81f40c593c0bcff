"""gateway.profiles declares its surface and stays in its layer (below ports, above domain)."""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import gateway.profiles

PACKAGE = Path(gateway.profiles.__file__).parent
# pyproject's import-linter contract puts gateway.profiles between gateway.ports and
# gateway.domain; this keeps the rule checked even while other layers are missing.
ALLOWED = {"pydantic", "pydantic_core", "yaml", "gateway.domain", "gateway.profiles"}


def test_all_lists_exactly_the_public_members() -> None:
    exported = gateway.profiles.__all__
    assert len(set(exported)) == len(exported)
    public = {
        name
        for name, value in vars(gateway.profiles).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(exported)


def test_imports_stay_within_the_layer() -> None:
    for module in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or any(
                    name == a or name.startswith(a + ".") for a in ALLOWED
                )
                assert allowed, f"{module.name} imports {name}"
