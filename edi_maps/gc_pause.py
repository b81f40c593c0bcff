"""Automatic garbage collection held off while an input is translated.

Translating allocates dozens of container objects per transaction set (rows,
results, canonical objects) and keeps every document until the input's end.
The cyclic collector then walks that growing heap again and again although
none of it forms a cycle (reference counting frees it): on the bench's 850
files it took 36 % of translate's time at 50 MB and 37 % at 1 MB
(``bench/x12_reader.py``, translate; 4.8 → 7.6 MB/s with collection off).
At its end, what the pause allocated joins the oldest generation; whatever
cycles were made meanwhile (by any thread) are collected by the next full
collection.

The switch is process-wide, so overlapping pauses (threads) are counted: the
collector comes back when the last one ends, and only if it was on before the
first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """Hold off automatic collection for the block (nested and concurrent uses nest)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                _promote_to_oldest()
                if _was_enabled:
                    gc.enable()


def _promote_to_oldest() -> None:
    """Move what the pause allocated to the oldest generation, at no cost.

    Otherwise the first collection after the pause is a young-generation one that
    walks every object the translation still holds (0.67 s after the 50 MB bench
    file, a tenth of translating it), and they go on being walked by the middle
    generation. ``freeze`` moves every tracked object to the permanent generation
    and ``unfreeze`` puts them back in the oldest (documented behaviour, both O(1));
    full collections still visit them, so cycles among them are collected as
    ever. Skipped when something else keeps objects frozen (a pre-fork server's
    copy-on-write trick), whose frozen objects ``unfreeze`` would release.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
