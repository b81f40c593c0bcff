"""Each package declares its public surface; ``gateway/__init__.py`` stays empty
(STYLE.md: importing ``gateway`` must not pull in the API or the composition root)."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["edi_maps", "edi_maps.x12"])
def test_all_lists_exactly_the_exported_members(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    assert exported == set(module.__all__) and len(exported) == len(module.__all__)
    for member in exported:
        assert hasattr(module, member), f"{name}.{member} is listed but missing"
    public = {
        n for n, value in vars(module).items()
        if not n.startswith("_") and not inspect.ismodule(value) and n != "annotations"
    }  # fmt: skip
    assert public == exported, f"{name}: public but not in __all__: {public - exported}"


def test_gateway_package_is_empty() -> None:
    assert (ROOT / "gateway" / "__init__.py").read_text() == ""
