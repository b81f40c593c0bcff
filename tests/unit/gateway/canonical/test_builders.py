"""The builders (gateway/canonical/builders.py) make exactly what the dataclasses'
own constructors make, for every canonical class, with and without the optional
fields; and they refuse classes whose ``__init__`` does more than store fields."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gateway.canonical as canonical
from gateway.canonical.builders import builder

CLASSES = sorted(
    (obj for obj in vars(canonical).values()
     if isinstance(obj, type) and dataclasses.is_dataclass(obj)),
    key=lambda cls: cls.__name__,
)  # fmt: skip


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_builder_makes_what_the_constructor_makes(cls: type, data: st.DataObject) -> None:
    example = data.draw(st.from_type(cls))
    every = {f.name: getattr(example, f.name) for f in dataclasses.fields(cls)}
    # keep the required fields and some of the others: omitted ones take their defaults
    kept = {
        name: value
        for name, value in every.items()
        if _required(cls, name) or data.draw(st.booleans(), label=name)
    }
    built = builder(cls)(**kept)
    expected = cls(**kept)
    assert type(built) is cls
    assert built == expected
    assert repr(built) == repr(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.__setattr__(dataclasses.fields(cls)[0].name, None)


def test_default_factories_give_each_object_its_own_value() -> None:
    make = builder(canonical.PurchaseOrder)
    first, second = make(po_number="1"), make(po_number="2")
    assert first.lines == [] and first.lines is not second.lines
    assert first.references is not second.references


def test_a_builder_wants_the_required_fields_and_no_others() -> None:
    make = builder(canonical.PurchaseOrder)
    with pytest.raises(TypeError):
        make()
    with pytest.raises(TypeError):
        make(po_number="1", colour="blue")


def test_a_builder_refuses_what_it_could_not_stand_in_for() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            raise ValueError

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        value: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        value: int
        twice: int = dataclasses.field(init=False, default=0)

    for cls in (Checked, Unslotted, Derived, int):
        with pytest.raises(TypeError):
            builder(cls)


def _required(cls: Any, name: str) -> bool:
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
