from __future__ import annotations

import inspect

import as2


def test_all_lists_exactly_the_exported_members() -> None:
    exported = set(as2.__all__)
    assert len(exported) == len(as2.__all__)
    public = {
        name
        for name, value in vars(as2).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert public == exported, f"public but not in __all__: {public - exported}"
    for name in ("receive", "build_mdn", "build_message", "read_mdn", "check_mdn", "send"):
        assert callable(getattr(as2, name))
