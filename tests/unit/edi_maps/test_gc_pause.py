"""The collector is held off while translating and comes back as it was."""

from __future__ import annotations

import gc
import io
import sys
import threading
import weakref
from collections.abc import Iterator

import pytest

from edi_maps.errors import EdiError
from edi_maps.gc_pause import collection_paused
from edi_maps.translate import translate
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.fakes import FixedClock


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_block_runs_without_automatic_collection_and_it_comes_back() -> None:
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outermost() -> None:
    with collection_paused():
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_an_error_inside_still_brings_it_back() -> None:
    with pytest.raises(RuntimeError), collection_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_end_with_the_last_one() -> None:
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collection_paused():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())  # the other thread's pause ended before this one

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collection_paused():
        pass
    second_done.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_translate_pauses_the_collector_and_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    states: list[bool] = []
    module = sys.modules["edi_maps.translate"]  # the package exports the function by that name

    real = module._translate

    def spy(*args: object) -> object:
        states.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(module, "_translate", spy)
    with pytest.raises(EdiError):  # not EDI: the collector must come back all the same
        translate(io.BytesIO(b"hello"), numbers=InMemoryControlNumbers(), clock=FixedClock())
    assert states == [False]
    assert gc.isenabled()


def test_what_the_pause_allocated_leaves_the_young_generation() -> None:
    """Else the first collection after it walks everything the translation still holds."""
    gc.disable()  # no collection may move them meanwhile: where they are is the pause's doing
    with collection_paused():
        kept = [[index] for index in range(50_000)]
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert all(id(item) in oldest for item in kept[::1000])


def test_objects_someone_else_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collection_paused():
            kept = [[index] for index in range(1_000)]
        assert gc.get_freeze_count() == frozen
        assert kept
    finally:
        gc.unfreeze()


def test_cycles_made_during_the_pause_are_still_collected() -> None:
    class Node:
        partner: object

    with collection_paused():
        first, second = Node(), Node()
        first.partner, second.partner = second, first
        alive = weakref.ref(first)
        del first, second
    gc.collect()
    assert alive() is None
