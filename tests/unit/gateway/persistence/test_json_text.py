"""The store's JSON text: orjson's, with json's reach."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.persistence.json_text import dumps

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_json_values)
def test_reads_back_as_what_json_would_have_stored(value: Any) -> None:
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("value", [{1: "integer key"}, {"big": 2**70}, [-(2**64)]])
def test_what_orjson_refuses_is_still_stored(value: Any) -> None:
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


def test_what_neither_takes_is_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"value": object()})
