"""What the X12 reader yields: ISA headers, batches of segments, garbage, and a
per-segment view. Kept apart from the reader so that consumers (the validator,
the maps) depend on these shapes, not on how bytes are scanned."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from edi_maps.x12.delimiters import Delimiters

BLANK = " \t\r\n\x00\x1a"  # formatting between segments (CR/LF, indentation, padding)


@dataclass(slots=True)
class Isa:
    """An ISA as found: elements split on the declared separator, with the facts
    the envelope check needs to judge its fixed-width layout."""

    elements: list[str]  # [ "ISA", ISA01 … ISA16 ]
    delimiters: Delimiters
    offset: int
    terminator_inside: bool  # the segment terminator occurs before ISA16


@dataclass(slots=True)
class SegmentBatch:
    """Consecutive segments of one interchange: the hot path hands these on whole.

    ``segments[i]`` is one segment's text, tag first, CR/LF and indentation
    removed, without its terminator. Elements are split by whoever needs them:
    splitting every segment into lists here would cost more than reading
    (``bench/x12_reader.py``). Offsets are computed only when asked for.
    """

    delimiters: Delimiters
    segments: list[str]
    base: int  # byte offset of raw[0]
    raw: str
    clean: bool = True  # no control character in any segment (delimiters aside)
    _ends: list[int] | None = field(default=None, repr=False)
    _cursor: int = field(default=0, repr=False)  # raw position after the last located ST

    def locate_set_header(self, index: int) -> int:
        """Byte offset of ``segments[index]``, an ST, for ST after ST in input order.

        Every set's start is recorded, so this runs once per set: it searches the raw
        text for the ST forward from the previous one (C speed) instead of splitting
        the whole chunk. Every segment equal to this text is itself an ST, and STs
        are located in order, so the first match after the cursor is this one.
        :meth:`offset` is the exact fallback (a wrapped ST, an out-of-order request).
        """
        text, raw, term = self.segments[index], self.raw, self.delimiters.segment
        found = raw.find(text, self._cursor)
        while found >= 0:
            start = found
            while start > 0 and raw[start - 1] in BLANK and raw[start - 1] != term:
                start -= 1  # formatting between the previous terminator and this segment
            if start == 0 or raw.endswith(term, 0, start):
                self._cursor = found + len(text)
                return self.base + found
            found = raw.find(text, found + 1)
        return self.offset(index)

    def offset(self, index: int) -> int:
        """Byte offset of the first character of ``segments[index]`` (its tag)."""
        if self._ends is None:
            self._ends = list(accumulate(map(len, self.raw.split(self.delimiters.segment))))
        start = self._ends[index - 1] + index * len(self.delimiters.segment) if index else 0
        raw, length = self.raw, len(self.raw)
        while start < length and raw[start] in BLANK and raw[start] != self.delimiters.segment:
            start += 1
        return self.base + start


@dataclass(slots=True)
class Garbage:
    """Bytes outside any interchange that are not whitespace."""

    offset: int
    text: str


Item = Isa | SegmentBatch | Garbage


class Segment:
    """One segment with its byte offset: the convenient, slower view."""

    __slots__ = ("_elements", "delimiters", "offset", "text")

    def __init__(self, text: str, offset: int, delimiters: Delimiters) -> None:
        self.text = text
        self.offset = offset
        self.delimiters = delimiters
        self._elements: list[str] | None = None

    @property
    def elements(self) -> list[str]:
        """``[tag, element1, element2, …]``, split on first use."""
        if self._elements is None:
            self._elements = self.text.split(self.delimiters.element)
        return self._elements

    @property
    def tag(self) -> str:
        return self.text.partition(self.delimiters.element)[0]

    def element(self, position: int) -> str:
        """Element ``position`` (1-based, as in BEG03); ``""`` when absent."""
        elements = self.elements
        return elements[position] if position < len(elements) else ""

    def components(self, position: int) -> list[str]:
        return self.element(position).split(self.delimiters.component)

    def repetitions(self, position: int) -> list[str]:
        value = self.element(position)
        rep = self.delimiters.repetition
        return value.split(rep) if rep and value else [value]

    def __repr__(self) -> str:
        return f"Segment({self.text!r} @{self.offset})"


@cache
def control_characters(delims: Delimiters) -> re.Pattern[str]:
    """Control characters that are not delimiters: never data (X12.5)."""
    allowed = {c for c in delims.as_set() if c < " " or c == "\x7f"}
    controls = "".join(re.escape(chr(c)) for c in [*range(32), 127] if chr(c) not in allowed)
    return re.compile(f"[{controls}]")
