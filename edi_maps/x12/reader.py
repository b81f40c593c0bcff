"""Streaming X12 tokenizer: bytes → segments → elements, with bounded memory.

Our own rather than pyx12's ``X12Reader``, for measured reasons (STYLE.md, end;
``bench/x12_reader.py``): pyx12 reads 5–9 MB/s, knows only ISA12 00401/00501,
and fails on a UTF-8 BOM, while ``str.split`` on a decoded chunk runs at
100+ MB/s. So the work per chunk is C-level splitting; Python code runs per
interchange boundary, not per character.

Input is decoded ISO-8859-1 (EBCDIC cp037 when the ISA is EBCDIC): one byte is
one character, so character offsets are byte offsets and no byte is lost.
Element values holding UTF-8 sequences are repaired by the maps, not here.

What the reader tolerates (it is formatting, not content): a BOM and
whitespace before an ISA; CR/LF anywhere unless they are a delimiter (files
wrapped at 80 columns); indentation before a segment; a missing terminator
after the file's last segment. What it does not judge: envelope counts and
control numbers, element contents (``envelope.py`` and ``validation.py`` do).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import pairwise
from typing import BinaryIO

from edi_maps.errors import NotEdiError
from edi_maps.x12.delimiters import REPETITION_SEPARATOR_SINCE, Delimiters
from edi_maps.x12.segments import (
    BLANK,
    Garbage,
    Isa,
    Item,
    Segment,
    SegmentBatch,
    control_characters,
)

CHUNK_SIZE = 1 << 17  # 128 KiB: measured (bench/x12_reader.py); memory stays a few chunks
_SNIFF = 128
# Every byte but the control characters (CR and LF are formatting, not data): what
# bytes.translate deletes to tell whether a chunk holds any control character.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b < 32 or b == 127) or b in (10, 13))
_BOM = "\u00ef\u00bb\u00bf"  # UTF-8 byte-order mark seen through ISO-8859-1
_EBCDIC_ISA = b"\xc9\xe2\xc1"  # "ISA" in cp037
# Fixed-width layout of an ISA: ISA16 at index 104, the terminator at 105.
ISA_LENGTH = 106
# Where the sixteen separators stand in a fixed-width ISA.
_ISA_SEPARATOR_AT = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
# How far to look for the 16 ISA separators before calling the ISA broken.
_ISA_SCAN_LIMIT = 512


class X12Reader:
    """Read X12 from bytes or a binary stream, one chunk at a time.

    Args:
        source: the whole input, or a binary file object read in chunks.
        chunk_size: bytes per read; memory stays at a few chunks whatever the input size.

    Raises:
        NotEdiError: (when iterated) the input does not start with an ISA.
    """

    def __init__(self, source: bytes | BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> None:
        self._stream: BinaryIO = (
            io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
        )
        self._chunk_size = chunk_size
        self.encoding = "latin-1"

    def __iter__(self) -> Iterator[Segment]:
        for item in self.items():
            if isinstance(item, Isa):
                segment = Segment(
                    item.delimiters.element.join(item.elements), item.offset, item.delimiters
                )
                segment._elements = item.elements  # split on position, not on the separator
                yield segment
            elif isinstance(item, SegmentBatch):
                for index, text in enumerate(item.segments):
                    if text:
                        yield Segment(text, item.offset(index), item.delimiters)

    def items(self) -> Iterator[Item]:
        """ISA headers, segment batches and garbage, in input order."""
        first = self._stream.read(self._chunk_size)
        while len(first) < _SNIFF:  # small chunks: read enough to see past a BOM and blanks
            more = self._stream.read(self._chunk_size)
            if not more:
                break
            first += more
        head = first[:64].lstrip(b" \t\r\n\x00\x40\x25\x15")
        if head.startswith(_EBCDIC_ISA):
            self.encoding = "cp037"
        text = first.decode(self.encoding)
        if not text.lstrip(BLANK + _BOM).startswith("ISA"):
            raise NotEdiError("not X12: the input does not start with an ISA segment")
        suspect = self.encoding != "latin-1" or bool(first.translate(None, _NOT_CONTROL_BYTES))
        return _Scanner(self._stream, self._chunk_size, self.encoding, text, suspect).run()


class _Scanner:
    """The state machine behind :meth:`X12Reader.items`.

    ``buf[pos:]`` is the unread text; ``base`` is the byte offset of ``buf[0]``.
    The buffer is compacted only when a chunk is appended, so many small
    interchanges in one chunk cost no copying.
    """

    def __init__(
        self, stream: BinaryIO, chunk_size: int, encoding: str, first: str, suspect: bool
    ) -> None:
        self.stream = stream
        self.chunk_size = chunk_size
        self.encoding = encoding
        self.buf = first
        self.pos = 0
        self.base = 0
        self.clear_until = 0  # byte offset up to which no IEA/ISA marker was found
        # byte offset up to which control bytes may have been read
        self.dirty_until = len(first) if suspect else 0
        self.eof = False

    def fill(self) -> bool:
        """Append one more chunk; False at end of input."""
        if self.eof:
            return False
        data = self.stream.read(self.chunk_size)
        if not data:  # a short read is not the end: pipes and sockets return what they have
            self.eof = True
            return False
        self.base += self.pos
        if self.encoding != "latin-1" or data.translate(None, _NOT_CONTROL_BYTES):
            # control bytes (or EBCDIC, where bytes are other characters) in this chunk:
            # its batches look for control characters exactly (SegmentBatch.clean)
            self.dirty_until = self.base + len(self.buf) - self.pos + len(data)
        self.buf = self.buf[self.pos :] + data.decode(self.encoding)
        self.pos = 0
        return True

    def run(self) -> Iterator[Item]:
        at_start = True
        while True:
            self.pos = _skip_blank(self.buf, self.pos, at_start)
            at_start = False
            if self.pos >= len(self.buf):
                if not self.fill():
                    return
                continue
            if not self.buf.startswith("ISA", self.pos):
                yield self.garbage(self.pos + 1)
                continue
            isa = self.read_isa()
            yield isa
            if isinstance(isa, Isa):
                yield from self.interchange_body(isa.delimiters)

    def garbage(self, search_from: int) -> Garbage:
        """Everything from ``pos`` up to the next ISA (or the end) that is not an interchange."""
        relative = search_from - self.pos  # fill() moves pos, so search relative to it
        while True:
            found = _find_isa(self.buf, self.pos + relative)
            if found >= 0:
                break
            relative = max(len(self.buf) - self.pos - 3, 1)
            if not self.fill():
                break
        end = found if found >= 0 else len(self.buf)
        item = Garbage(self.base + self.pos, self.buf[self.pos : end])
        self.pos = end
        return item

    def read_isa(self) -> Isa | Garbage:
        """Parse the ISA at ``pos``; an ISA we cannot parse is garbage up to the next ISA."""
        while len(self.buf) - self.pos < ISA_LENGTH + 2 and self.fill():
            pass
        buf, start = self.buf, self.pos
        separator = buf[start + 3 : start + 4]
        if not separator:
            return self.garbage(start + 1)
        if separator.isalnum():
            # Only a fixed-width ISA can be read with a letter for a separator; it is
            # read so that the sender gets a TA1 (026) rather than silence.
            if any(buf[start + i : start + i + 1] != separator for i in _ISA_SEPARATOR_AT):
                return self.garbage(start + 1)
            position = start + _ISA_SEPARATOR_AT[-1]
        else:
            position = start + 3
            limit = min(len(buf), start + _ISA_SCAN_LIMIT)
            for _ in range(15):  # the separator at index 3 is the first of sixteen
                position = buf.find(separator, position + 1, limit)
                if position < 0:
                    return self.garbage(start + 1)
        component = buf[position + 1 : position + 2]
        terminator = buf[position + 2 : position + 3]
        if not component or not terminator:
            return self.garbage(start + 1)
        raw = buf[start : position + 2]
        if raw.find("ISA" + separator, 3) > 0:  # ran into the next ISA: this one is cut short
            return self.garbage(start + 1)
        body = raw
        if separator not in "\r\n":
            body = body.replace("\r", "").replace("\n", "")
        if separator.isalnum():
            bounds = (*_ISA_SEPARATOR_AT, ISA_LENGTH - 1)
            elements = ["ISA"] + [raw[a + 1 : b] for a, b in pairwise(bounds)]
        else:
            elements = body.split(separator)
            elements[0] = "ISA"
        version = elements[12].strip() if len(elements) > 12 else ""
        isa11 = elements[11] if len(elements) > 11 else ""
        repetition = None
        if version >= REPETITION_SEPARATOR_SINCE and len(isa11) == 1 and not isa11.isalnum():
            repetition = isa11
        delimiters = Delimiters(separator, component, terminator, repetition)
        isa = Isa(elements, delimiters, self.base + start, terminator in raw[:-1])
        self.pos = position + 3
        return isa

    def interchange_body(self, delims: Delimiters) -> Iterator[SegmentBatch]:
        """Segments up to and including the IEA (or up to a new ISA, or the end)."""
        term = delims.segment
        trailer = "IEA" + delims.element
        breaks = "".join(c for c in "\r\n" if c not in delims.as_set())
        while True:
            end, finished = self._interchange_end(term, trailer)
            if end is None:
                if self.fill():
                    continue
                end, finished = len(self.buf), True
            if not finished:
                cut = self.buf.rfind(term, self.pos, end)
                if cut < 0:  # one segment longer than the buffer: read on
                    if self.fill():
                        continue
                    end, finished = len(self.buf), True
                else:
                    end = cut + len(term)
            raw = self.buf[self.pos : end]
            if raw.strip(BLANK):
                suspect = self.base + self.pos < self.dirty_until
                yield _batch(raw, self.base + self.pos, delims, breaks, suspect)
            self.pos = end
            if finished:
                return

    def _interchange_end(self, term: str, trailer: str) -> tuple[int | None, bool]:
        """Where this interchange's text ends in the buffer.

        (end, True): after the IEA's terminator, before a new ISA, or the end of input.
        (end, False): the buffer holds only part of the interchange; emit up to end.
        (None, False): more input is needed to decide.
        """
        buf, pos = self.buf, self.pos
        # Text already searched (less a margin for a marker cut by the buffer's end)
        # holds no IEA or ISA: search only what is new.
        start = max(pos, self.clear_until - self.base - 8)
        iea = _find_segment_start(buf, trailer, term, start, pos)
        isa = _find_segment_start(buf, "ISA", term, start, pos, isa=True)
        if isa >= 0 and (iea < 0 or isa < iea):
            return isa, True
        if iea < 0:
            self.clear_until = self.base + len(buf)
        if iea >= 0:
            stop = buf.find(term, iea)
            if stop >= 0:
                return stop + len(term), True
            return (len(buf), True) if self.eof else (None, False)
        if self.eof:
            return len(buf), True
        if len(buf) - pos >= self.chunk_size:
            return pos + self.chunk_size, False  # batches stay within one chunk
        return None, False


def _batch(raw: str, base: int, delims: Delimiters, breaks: str, suspect: bool) -> SegmentBatch:
    """Split a run of whole segments. C-level work only, bar the indentation case.

    ``suspect``: the bytes may hold control characters (found when they were read),
    so they are looked for exactly; otherwise the batch is clean.
    """
    text = raw
    for char in breaks:
        if char in text:
            text = text.replace(char, "")
    term = delims.segment
    # A component separator right before the terminator is an empty trailing
    # component: no data, and some senders end every segment with one.
    trailing = delims.component + term
    if delims.component in text and trailing in text:
        text = text.replace(trailing, term)
    parts = text.split(term)
    if parts and not parts[-1].strip(BLANK):
        parts.pop()
    if parts and parts[-1].endswith(delims.component):  # last segment, no terminator after it
        parts[-1] = parts[-1].rstrip(delims.component)
    # Indentation: a part starting with a blank sorts before any tag, so one C-level
    # min() rules it out for the whole batch.
    if parts and min(parts)[:1] <= " ":
        parts = [p.lstrip(" \t") for p in parts]
    clean = not suspect or control_characters(delims).search(text) is None
    return SegmentBatch(delims, parts, base, raw, clean)


def _skip_blank(buf: str, position: int, at_start: bool) -> int:
    """Position after the blank (and, at the start of input, BOM) prefix."""
    if at_start and buf.startswith(_BOM, position):
        position += len(_BOM)
    length = len(buf)
    while position < length and buf[position] in BLANK:
        position += 1
    return position


def _find_isa(buf: str, start: int) -> int:
    """Next "ISA" followed by a non-alphanumeric separator, from ``start``."""
    position = start
    while True:
        position = buf.find("ISA", position)
        if position < 0:
            return -1
        following = buf[position + 3 : position + 4]
        if following and not following.isalnum():
            return position
        position += 3


def _find_segment_start(
    buf: str, token: str, term: str, start: int, origin: int, *, isa: bool = False
) -> int:
    """First ``token`` at or after ``start`` that begins a segment; ``origin`` is where
    the unread text begins (a segment boundary).

    A segment begins after a terminator, or after blanks (CR/LF, indentation)
    that follow one; blanks here exclude the terminator itself when it is CR or LF.
    """
    blank = BLANK.replace(term, "")
    position = start
    while True:
        position = _find_isa(buf, position) if isa else buf.find(token, position)
        if position < 0:
            return -1
        before = buf[max(origin, position - 64) : position].rstrip(blank)
        if not before and position - 64 > origin:
            before = buf[origin:position].rstrip(blank)
        if not before or before.endswith(term):
            return position
        position += len(token)
