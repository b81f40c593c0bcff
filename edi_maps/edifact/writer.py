"""Segments → EDIFACT text: service characters released, trailing empties suppressed.

The reader's inverse (``tests/property/test_edifact_reader_properties.py``): what
:class:`EdifactWriter` writes, :class:`~edi_maps.edifact.reader.EdifactReader`
reads back value for value, whatever the service characters. Values are text
as the maps see it (``segments.Row``); encoding the result for the
interchange's character set is the caller's step.
"""

from __future__ import annotations

from collections.abc import Sequence

from edi_maps.edifact.segments import Row, escape
from edi_maps.edifact.service import ServiceChars
from edi_maps.errors import EdiError

_LINE_BREAKS = "\r\n"

ElementValue = str | Sequence[str]  # a simple element, or a composite's components


class UnwritableValue(EdiError):
    """A value cannot be written with these service characters: it holds a separator
    and there is no release character, or it holds a line break (which readers
    drop as formatting)."""

    code = "edi.edifact.unwritable"


class EdifactWriter:
    """Write segments with one interchange's service characters.

    Args:
        chars: the service characters (announce them with :meth:`una` unless they
            are the defaults of the syntax level).
        line_break: written after each terminator ("\\n" or "\\r\\n" for readable
            output); it may hold only CR and LF that are not service characters.

    Raises:
        ValueError: ``line_break`` is not a line break the reader would drop.
    """

    __slots__ = ("_breaks", "_line_break", "chars")

    def __init__(self, chars: ServiceChars, line_break: str = "") -> None:
        service = chars.separators
        if any(c not in _LINE_BREAKS or c in service for c in line_break):
            raise ValueError(
                f"line_break {line_break!r} must be CR/LF that are not service characters"
            )
        self.chars = chars
        self._line_break = line_break
        # A CR or LF in a value would be read back as formatting, unless it is a
        # service character (then it is released like any other).
        self._breaks = "".join(c for c in _LINE_BREAKS if c not in service)

    def una(self) -> str:
        """The UNA service string advice announcing :attr:`chars`, with the line break."""
        return self.chars.una() + self._line_break

    def segment(self, tag: str, *elements: ElementValue) -> str:
        """One segment: each element a value or a list of components, service
        characters released, trailing empty components and elements suppressed.

        Raises:
            UnwritableValue: the tag is not one, or a value holds a separator and there
                is no release character, or a value holds a line break.
        """
        chars = self.chars
        if not tag or any(c in chars.separators or c in _LINE_BREAKS for c in tag):
            raise UnwritableValue(f"{tag!r} cannot be written as a segment tag")
        parts = [tag]
        for element in elements:
            if isinstance(element, str):
                parts.append(self._value(tag, element))
            else:
                components = [self._value(tag, value) for value in element]
                while components and not components[-1]:
                    components.pop()
                parts.append(chars.component.join(components))
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return chars.element.join(parts) + chars.segment + self._line_break

    def row(self, row: Row) -> str:
        """A map's row (``row[0] == [tag]``, then each element's components)."""
        if not row or not row[0]:
            raise UnwritableValue(f"row {row!r} has no tag")
        return self.segment(row[0][0], *row[1:])

    def _value(self, tag: str, value: str) -> str:
        if self._breaks and any(c in value for c in self._breaks):
            raise UnwritableValue(f"{tag}: value {value!r} holds a line break")
        if self.chars.release is None and any(c in self.chars.separators for c in value):
            raise UnwritableValue(
                f"{tag}: value {value!r} holds a separator and there is no release character"
            )
        return escape(value, self.chars)
