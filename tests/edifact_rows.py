"""EDIFACT text → the rows of each message, for map tests, without the reader.

Deliberately simple (whole input in memory, UNA or level-A defaults, the
interchange's character set applied to values): the map tests must not depend on
the streaming reader, which has its own tests. Also: rows → text, to round-trip
what a map writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from edi_maps.edifact.segments import Row, escape, row
from edi_maps.edifact.service import UNA_LENGTH, ServiceChars

_CODECS = {"UNOA": "ascii", "UNOB": "ascii", "UNOC": "latin-1", "UNOD": "iso8859-2",
           "UNOE": "iso8859-5", "UNOF": "iso8859-7", "UNOW": "utf-8", "UNOY": "utf-8"}  # fmt: skip


@dataclass
class Message:
    rows: list[Row]  # UNH … UNT
    chars: ServiceChars
    message_type: str  # UNH S009 0065
    version: str  # "D96A"
    association: str | None


def split_segments(text: str, chars: ServiceChars) -> list[str]:
    """Segment texts, honouring the release character; line breaks after a
    terminator are dropped."""
    out: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif chars.release is not None and char == chars.release:
            current.append(char)
            escaped = True
        elif char == chars.segment:
            out.append("".join(current).strip("\r\n"))
            current = []
        else:
            current.append(char)
    rest = "".join(current).strip()
    if rest:
        out.append(rest)
    return [s.lstrip("\r\n\t ") for s in out if s.strip()]


def messages(data: bytes) -> list[Message]:
    """Every UNH…UNT message of ``data`` (several interchanges allowed)."""
    text = data.decode("latin-1").lstrip("\ufeff\u00ef\u00bb\u00bf \r\n")
    found: list[Message] = []
    while text:
        start = text.find("UNA") if text.startswith("UNA") else text.find("UNB")
        if start < 0:
            break
        text = text[start:]
        if text.startswith("UNA"):
            chars = ServiceChars.from_una(text[:UNA_LENGTH])
            text = text[UNA_LENGTH:].lstrip("\r\n")
        else:
            chars = ServiceChars.level_a()
        end = _interchange_end(text, chars)
        segments = split_segments(text[:end], chars)
        text = text[end:].lstrip("\r\n ")
        syntax = row(segments[0], chars)[1][0] if segments else "UNOC"
        codec = _CODECS.get(syntax, "latin-1")
        current: Message | None = None
        for segment in segments:
            values = [[_decode(v, codec) for v in c] for c in row(segment, chars)]
            tag = values[0][0]
            if tag == "UNH":
                header = values[2] + [""] * 5
                current = Message([], chars, header[0], header[1] + header[2],
                                  header[4] or None)  # fmt: skip
            if current is not None:
                current.rows.append(values)
            if tag == "UNT" and current is not None:
                found.append(current)
                current = None
    return found


def _interchange_end(text: str, chars: ServiceChars) -> int:
    for index, segment in enumerate(_positions(text, chars)):
        if text.startswith("UNZ", segment) or (index and text.startswith(("UNA", "UNB"), segment)):
            if text.startswith("UNZ", segment):
                close = text.find(chars.segment, segment)
                return len(text) if close < 0 else close + 1
            return segment
    return len(text)


def _positions(text: str, chars: ServiceChars) -> list[int]:
    """Where each segment starts (after a terminator and line breaks)."""
    starts = [0]
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif chars.release is not None and char == chars.release:
            escaped = True
        elif char == chars.segment:
            following = index + 1
            while following < len(text) and text[following] in "\r\n \t":
                following += 1
            starts.append(following)
    return starts


def _decode(value: str, codec: str) -> str:
    try:
        return value.encode("latin-1").decode(codec)
    except UnicodeError:
        return value


def to_text(rows: list[Row], chars: ServiceChars | None = None) -> str:
    """Rows as segment text (values released), one segment per line."""
    chars = chars or ServiceChars.level_a()
    lines = []
    for one in rows:
        elements = [chars.component.join(escape(v, chars) for v in c) for c in one]
        lines.append(chars.element.join(elements) + chars.segment)
    return "\n".join(lines) + "\n"


def read_back(rows: list[Row], chars: ServiceChars | None = None) -> list[Row]:
    """``rows`` written as text and split again: what a reader would give a map."""
    chars = chars or ServiceChars.level_a()
    return [row(s, chars) for s in split_segments(to_text(rows, chars), chars)]
