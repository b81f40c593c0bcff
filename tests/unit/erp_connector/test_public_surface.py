"""erp_connector declares its public surface (STYLE.md habit 15)."""

from __future__ import annotations

import inspect

import erp_connector


def test_all_lists_exactly_the_public_members() -> None:
    exported = erp_connector.__all__
    assert len(set(exported)) == len(exported)
    assert exported == sorted(exported, key=lambda name: (not name[0].isupper(), name))
    for name in exported:
        assert hasattr(erp_connector, name), name
    public = {
        name
        for name, value in vars(erp_connector).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(exported)
