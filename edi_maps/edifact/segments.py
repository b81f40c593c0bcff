"""What the EDIFACT reader yields, and how a segment's text splits into values.

A segment stays text (its release characters intact) until someone needs its
values: validation of a clean message touches only tags and a regular expression,
and splitting is where release characters make work (``?+`` is a plus sign in a
value, ``??`` a question mark).
"""

from __future__ import annotations

from dataclasses import dataclass

from edi_maps.edifact.service import ServiceChars

# One data element: its repetitions (one unless the repetition separator is used),
# each a list of components (one for a simple element).
Element = list[list[str]]
# One segment as the maps see it: [[tag], element1 components, element2 components, …],
# first repetition only, release characters removed, values still ISO-8859-1 text.
Row = list[list[str]]


@dataclass(slots=True)
class Segment:
    tag: str
    text: str  # without the terminator; release characters intact
    offset: int  # of its first byte in the input

    def elements(self, chars: ServiceChars) -> list[Element]:
        return split_segment(self.text, chars)


@dataclass(slots=True)
class Una:
    """A service string advice: the characters of the interchange that follows."""

    chars: ServiceChars
    text: str
    offset: int


@dataclass(slots=True)
class Garbage:
    """Bytes outside any interchange (before a UNA/UNB, between UNZ and the next)."""

    text: str
    offset: int


Item = Una | Segment | Garbage


def split_segment(text: str, chars: ServiceChars) -> list[Element]:
    """The segment's elements (the tag first), each as repetitions of components,
    with release characters removed."""
    release = chars.release
    if release is not None and release in text:
        return _split_released(text, chars, release)
    repetition = chars.repetition
    component = chars.component
    out: list[Element] = []
    for element in text.split(chars.element):
        if repetition is not None and repetition in element:
            out.append([value.split(component) for value in element.split(repetition)])
        else:
            out.append([element.split(component)])
    return out


def _split_released(text: str, chars: ServiceChars, release: str) -> list[Element]:
    """The slow path, character by character: only segments holding a release
    character come here."""
    elements: list[Element] = []
    repetitions: Element = []
    components: list[str] = []
    value: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            value.append(char)
            escaped = False
        elif char == release:
            escaped = True
        elif char == chars.component:
            components.append("".join(value))
            value = []
        elif char == chars.repetition:
            components.append("".join(value))
            repetitions.append(components)
            components, value = [], []
        elif char == chars.element:
            components.append("".join(value))
            repetitions.append(components)
            elements.append(repetitions)
            repetitions, components, value = [], [], []
        else:
            value.append(char)
    if escaped:  # a release character with nothing after it stands for itself
        value.append(release)
    components.append("".join(value))
    repetitions.append(components)
    elements.append(repetitions)
    return elements


def row(text: str, chars: ServiceChars) -> Row:
    """The segment as the maps see it (first repetition of each element)."""
    return [element[0] for element in split_segment(text, chars)]


def escape(value: str, chars: ServiceChars) -> str:
    """``value`` with every service character released, for writing."""
    release = chars.release
    if release is None:
        return value
    specials = chars.separators
    if not any(char in value for char in specials):
        return value
    return "".join(release + char if char in specials else char for char in value)
