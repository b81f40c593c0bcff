"""Segments → X12 text: delimiters, trailing-element suppression, envelopes with counts.

X12 has no release character, so a value that contains a delimiter cannot be
written: :func:`clean_value` removes delimiters from text we only copy (such as
AK404), and :class:`X12Writer` refuses them everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from edi_maps.errors import EdiError
from edi_maps.x12.delimiters import Delimiters


class UnwritableValue(EdiError):
    """A value holds one of the interchange's delimiters."""

    code = "edi.x12.write.delimiter_in_value"


Element = str | Sequence[str]  # a simple element, or a composite's components


@dataclass(frozen=True, slots=True)
class X12Writer:
    delimiters: Delimiters
    line_break: str = ""  # written after each terminator ("\n" for readable output)

    def segment(self, tag: str, *elements: Element) -> str:
        """One segment, trailing empty elements and components suppressed (X12.6)."""
        d = self.delimiters
        forbidden = _forbidden(d)
        parts = [tag]
        for element in elements:
            if isinstance(element, str):
                value = element
                self._check(value, forbidden, tag)
            else:
                components = list(element)
                while components and not components[-1]:
                    components.pop()
                for component in components:
                    self._check(component, forbidden, tag)
                value = d.component.join(components)
            parts.append(value)
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return d.element.join(parts) + d.segment + self.line_break

    @staticmethod
    def _check(value: str, forbidden: frozenset[str], tag: str) -> None:
        # isdisjoint walks the value's characters in C, where a generator over
        # the delimiters ran in Python for every value of the AK2/AK5 that the 997
        # has for each set (1% of translate's instructions, bench/x12_reader.py).
        # It compares single characters, so a longer delimiter (never read, but a
        # caller may build one) is looked for as a substring.
        if not value or (forbidden.isdisjoint(value) and forbidden not in _LONGER):
            return
        if any(char in value for char in forbidden):
            raise UnwritableValue(f"{tag}: value {value!r} contains a delimiter")

    def isa(
        self,
        *,
        sender: tuple[str, str],
        receiver: tuple[str, str],
        date: str,
        time: str,
        version: str,
        control_number: int,
        ack_requested: bool,
        usage: str,
    ) -> str:
        """The fixed-width ISA; ISA11 is the repetition separator from control version 00402."""
        d = self.delimiters
        isa11 = d.repetition if version >= "00402" and d.repetition else "U"
        fields = [
            "00",
            " " * 10,
            "00",
            " " * 10,
            sender[0].ljust(2),
            sender[1].ljust(15)[:15],
            receiver[0].ljust(2),
            receiver[1].ljust(15)[:15],
            date,
            time,
            isa11,
            version,
            f"{control_number:09d}",
            "1" if ack_requested else "0",
            usage,
            d.component,
        ]
        return d.element.join(["ISA", *fields]) + d.segment + self.line_break


@cache
def _forbidden(delimiters: Delimiters) -> frozenset[str]:
    """The delimiters no value may hold (``as_set``, built once per delimiters)."""
    found = frozenset(delimiters.as_set())
    if any(len(char) != 1 for char in found):
        _LONGER.add(found)
    return found


_LONGER: set[frozenset[str]] = set()  # delimiter sets with a delimiter longer than a character


def clean_value(value: str, delimiters: Delimiters, limit: int) -> str:
    """``value`` without delimiters or control characters, cut to ``limit`` (copies of bad data)."""
    forbidden = delimiters.as_set()
    kept = "".join(c for c in value if c not in forbidden and c >= " " and c != "\x7f")
    return kept[:limit]
