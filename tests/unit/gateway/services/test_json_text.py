"""Finding a NUL in a client's JSON before any of it reaches the store."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.services.json_text import nul_at


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"meta": {"partner_id": "acme"}, "body": {"lines": [{"item": "A"}]}}, None),
        ({"meta": {"partner_id": "ac\x00me"}}, "meta.partner_id"),
        ({"body": {"lines": [{"item": "A"}, {"item": "B\x00"}]}}, "body.lines[1].item"),
        # A key is kept as text as well; the path names it without the NUL itself.
        ({"body": {"no\x00te": "x"}}, "body.no\\x00te"),
        ("\x00", ""),
        ([1, 2.5, None, True, "fine"], None),
    ],
)
def test_the_first_nul_is_named_by_its_path(value: Any, path: str | None) -> None:
    assert nul_at(value) == path


def test_the_first_in_document_order_is_named() -> None:
    assert nul_at({"a": ["ok", "\x00"], "b": "\x00"}) == "a[1]"
    assert nul_at({"a": "\x00", "b\x00": "ok"}) == "a"
    assert nul_at({"a": "ok", "b\x00": "\x00"}) == "b\\x00"


def test_json_as_deep_as_the_parser_goes_is_walked_without_recursion() -> None:
    depth = 10_000  # deeper than the interpreter's recursion limit
    nested = json.loads("[" * 900 + '"\\u0000"' + "]" * 900)
    assert nul_at(nested) == "[0]" * 900
    value: Any = "end\x00"
    for _ in range(depth):
        value = [value]
    assert nul_at(value) == "[0]" * depth
