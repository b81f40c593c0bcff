"""Streaming EDIFACT tokenizer: bytes → service string advice, segments and garbage.

Our own rather than pydifact's, for measured reasons (STYLE.md, end;
``bench/edifact_reader.py``): pydifact tokenizes one character at a time
(~1.3 MB/s) and reads only one UNA per input, while ``str.split`` on a decoded
chunk runs at hundreds of MB/s. So, as in ``edi_maps/x12/reader.py``, the work per
chunk is C-level splitting (``splitting.py``); Python code runs per segment only to
build its ``Segment``, and per batch and interchange boundary, never per character
(~55 MB/s on one core, ``bench/edifact_reader.py``).

Input is decoded ISO-8859-1: one byte is one character, so character offsets are
byte offsets and no byte is lost. Values are decoded from the interchange's
character set (UNB S001, ``charsets.py``) by whoever uses them.

**Which service characters hold.** Before every interchange the reader yields a
:class:`~edi_maps.edifact.segments.Una`: the UNA itself when the interchange has
one (``text`` is its nine characters), else a synthesised one with ``text == ""``
at the UNB's offset, carrying the defaults the UNB implies. A consumer keeps the
``chars`` of the latest ``Una``: they hold for every segment up to the next
``Una``. Without a UNA, the character after "UNB" decides (ISO 9735 defaults):

- ``+``: syntax level A defaults (``:+.? '``), with the repetition separator
  ``*`` when S001's version (0002) is 4;
- IS3 (0x1D): syntax level B defaults (IS1, IS3, IS4, no release character);
- the element separator of the previous interchange of the same input: that
  interchange's characters (a sender that wrote one UNA for a whole file);
- anything else: the UNB cannot be read, and it is garbage.

**Where an interchange ends.** After its UNZ; or where a UNA or a UNB begins a
segment (a new interchange when the previous one lost its UNZ: the second
interchange may bring its own UNA and separators); or at the end of the input (a
missing UNZ is not the reader's business: validation reports it). Bytes after a
UNZ that do not open an interchange are :class:`Garbage`, with their offset.

**Formatting, dropped.** A UTF-8 BOM and blanks before an interchange; CR and LF
anywhere (line breaks after terminators, and files wrapped at a fixed width)
unless they are themselves a service character; indentation and NUL/SUB padding
before a segment. A release character releases the next character that is not a
dropped line break.

**Release characters.** A terminator preceded by an odd run of release
characters is data (``?'``); an even run (``??'``) is a released release
character followed by a real terminator. Segment texts keep their release
characters; ``Segment.elements`` removes them.

Not judged here: envelope counts and references, tags, element contents, the
character repertoire (validation and ``charsets.py`` do).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from edi_maps.edifact.segments import Garbage, Item, Segment, Una
from edi_maps.edifact.service import UNA_LENGTH, ServiceChars
from edi_maps.edifact.splitting import BLANK, Splitter
from edi_maps.errors import NotEdiError

CHUNK_SIZE = 1 << 17  # 128 KiB, as for X12: memory stays a few chunks whatever the input size
_BOM = "\u00ef\u00bb\u00bf"  # UTF-8 byte-order mark seen through ISO-8859-1
_GARBAGE_PIECE = 1 << 18  # garbage is handed on in pieces of this many bytes (the last shorter)
_SNIFF = 128  # bytes read before deciding whether the input is EDIFACT at all
_LOOKAHEAD = 256  # characters wanted after a UNA/UNB to read its characters and S001
_LEVEL_A_ELEMENT = "+"
_LEVEL_B_ELEMENT = "\x1d"  # IS3
# A segment that ends an interchange (UNZ) or begins one (UNA, UNB): one C-level search
# skips the UNH/UNT of every message.
_MARKER = re.compile("UN[ABZ]")
_OPENING = re.compile("UN[AB]")


class EdifactReader:
    """Read EDIFACT from bytes or a binary stream, one chunk at a time.

    Args:
        source: the whole input, or a binary file object read in chunks.
        chunk_size: bytes per read; memory stays at a few chunks (plus the longest
            segment) whatever the input size.

    Raises:
        NotEdiError: (when iterated) the input does not start with a UNA or UNB.
    """

    def __init__(self, source: bytes | BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
        self._stream: BinaryIO = (
            io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
        )
        self._chunk_size = chunk_size

    def __iter__(self) -> Iterator[Segment]:
        """Every segment, UNB…UNZ included, in input order (no UNA, no garbage)."""
        for item in self.items():
            if type(item) is Segment:
                yield item

    def items(self) -> Iterator[Item]:
        """UNA advices (real or synthesised, see the module docstring), segments and
        garbage, in input order."""
        first = self._stream.read(self._chunk_size)
        while len(first) < _SNIFF:  # small chunks: read enough to see past a BOM and blanks
            more = self._stream.read(self._chunk_size)
            if not more:
                break
            first += more
        text = first.decode("latin-1")
        head = text.lstrip(BLANK).removeprefix(_BOM).lstrip(BLANK)
        if not head:
            raise NotEdiError("not EDIFACT: the input is empty")
        if not (head.startswith(("UNA", "UNB")) and _opens(head, 0)):
            raise NotEdiError("not EDIFACT: the input does not start with a UNA or UNB segment")
        return _Scanner(self._stream, self._chunk_size, text).run()


def _opens(buf: str, at: int) -> bool:
    """Whether the "UNA"/"UNB"/"UNZ" at ``at`` is a segment tag, not part of a word:
    a separator follows it."""
    following = buf[at + 3 : at + 4]
    return bool(following) and not following.isalnum() and following != " "


class _Scanner:
    """The state machine behind :meth:`EdifactReader.items`.

    ``buf[pos:]`` is the unread text; ``base`` is the byte offset of ``buf[0]``.
    The buffer is compacted only when a chunk is appended.
    """

    def __init__(self, stream: BinaryIO, chunk_size: int, first: str) -> None:
        self.stream = stream
        self.chunk_size = chunk_size
        self.buf = first
        self.pos = 0
        self.base = 0
        self.eof = False
        self.clear_until = 0  # byte offset up to which no UNA/UNB/UNZ begins a segment

    def fill(self) -> bool:
        """Append one more chunk; False at end of input."""
        if self.eof:
            return False
        data = self.stream.read(self.chunk_size)
        if not data:  # a short read is not the end: pipes and sockets return what they have
            self.eof = True
            return False
        self.base += self.pos
        self.buf = self.buf[self.pos :] + data.decode("latin-1")
        self.pos = 0
        return True

    def skip(self, blank: str, *, bom: bool = False) -> None:
        """Move ``pos`` past blanks (and byte-order marks, between interchanges)."""
        buf, pos, length = self.buf, self.pos, len(self.buf)
        while pos < length:
            if buf[pos] in blank:
                pos += 1
            elif bom and buf.startswith(_BOM, pos):
                pos += len(_BOM)
            else:
                break
        self.pos = pos

    def run(self) -> Iterator[Item]:
        previous: ServiceChars | None = None
        while True:
            self.skip(BLANK, bom=True)
            if self.pos >= len(self.buf):
                if self.fill():
                    continue
                return
            while len(self.buf) - self.pos < _LOOKAHEAD and self.fill():
                pass
            buf, pos = self.buf, self.pos
            chars: ServiceChars | None = None
            if buf.startswith("UNA", pos) and _opens(buf, pos) and len(buf) - pos >= UNA_LENGTH:
                una = buf[pos : pos + UNA_LENGTH]
                chars = ServiceChars.from_una(una)
                yield Una(chars, una, self.base + pos)
                self.pos = pos + UNA_LENGTH
            elif buf.startswith("UNB", pos) and _opens(buf, pos):
                chars = _unb_chars(buf, pos, previous)
                if chars is not None:
                    yield Una(chars, "", self.base + pos)
            if chars is None:
                yield from self.garbage()
                continue
            previous = chars
            for batch in self.interchange(chars):
                yield from batch  # one generator frame per segment, not two

    def garbage(self) -> Iterator[Garbage]:
        """Everything from ``pos`` up to the next UNA/UNB (or the end) that is not an
        interchange, in pieces of at most ``_GARBAGE_PIECE`` bytes so that memory stays
        bounded."""
        relative = 1  # where the search resumes, from pos (which fill() moves)
        while True:
            found = _find_opening(self.buf, self.pos + relative)
            if found >= 0:
                break
            # Text before the last three characters is judged: an opening there would
            # have been found. The rest waits for what follows it.
            judged = max(len(self.buf) - 3, self.pos + relative)
            while judged - self.pos >= _GARBAGE_PIECE:  # the same pieces for any chunk size
                yield Garbage(self.buf[self.pos : self.pos + _GARBAGE_PIECE], self.base + self.pos)
                self.pos += _GARBAGE_PIECE
            relative = judged - self.pos
            if not self.fill():
                found = len(self.buf)
                break
        while found > self.pos:
            end = min(found, self.pos + _GARBAGE_PIECE)
            yield Garbage(self.buf[self.pos : end], self.base + self.pos)
            self.pos = end

    def interchange(self, chars: ServiceChars) -> Iterator[Iterable[Segment]]:
        """Batches of segments up to and including the UNZ (or up to a new UNA/UNB, or
        the end)."""
        split = Splitter(chars)
        blank = split.blank
        self.clear_until = 0
        own_unb = True  # the UNB at the start is this interchange's own, not a new one
        while True:
            self.skip(blank)
            if self.pos >= len(self.buf):
                if self.fill():
                    continue
                return
            buf, pos = self.buf, self.pos
            start = pos + 3 if own_unb and buf.startswith("UNB", pos) else pos
            marker, tag = self.next_marker(start, split)
            end: int | None
            if tag == "UNZ":
                end = self.segment_end(marker + 3, split)
            elif tag:  # UNA or UNB: a new interchange begins there
                end = marker
            else:
                end = self.last_segment_end(split)
            if end is None:
                if self.fill():
                    continue
                end = len(self.buf)
            if end > pos:
                yield split(self.buf[pos:end], self.base + pos)
            self.pos = end
            own_unb = False
            if tag:
                return

    def next_marker(self, start: int, split: Splitter) -> tuple[int, str]:
        """The first UNA/UNB/UNZ at or after ``start`` that begins a segment, and its tag;
        ``(-1, "")`` when the buffer holds none (yet)."""
        buf = self.buf
        position = max(start, self.clear_until - self.base)
        while True:
            found = _MARKER.search(buf, position)
            if found is None:
                self.clear_until = self.base + max(len(buf) - 3, position)
                return -1, ""
            at = found.start()
            if at + 3 >= len(buf) and not self.eof:  # what follows is not read yet
                self.clear_until = self.base + at
                return -1, ""
            if _opens(buf, at) and split.begins_segment(buf, at, self.pos):
                return at, found.group()
            position = at + 1

    def segment_end(self, start: int, split: Splitter) -> int | None:
        """After the first real terminator at or after ``start`` (and the line breaks
        that follow it); None when the buffer holds none."""
        buf, term = self.buf, split.term
        at = buf.find(term, start)
        while at >= 0 and split.released(buf, at, self.pos):
            at = buf.find(term, at + 1)
        return None if at < 0 else split.after_breaks(buf, at + 1)

    def last_segment_end(self, split: Splitter) -> int | None:
        """After the last real terminator in the buffer (and its line breaks).

        A terminator in the buffer's last two characters is taken only when there is
        no other: the CR/LF after it may still be unread, and a batch whose last
        segment lacks the line break of the others leaves the fast path.
        """
        buf, term, pos = self.buf, split.term, self.pos
        for limit in (len(buf) - 2, len(buf)):
            at = buf.rfind(term, pos, limit)
            while at >= 0 and split.released(buf, at, pos):
                at = buf.rfind(term, pos, at)
            if at >= 0:
                return split.after_breaks(buf, at + 1)
        return None


def _find_opening(buf: str, start: int) -> int:
    """Next "UNA"/"UNB" followed by a separator, from ``start``; -1 when none."""
    position = start
    while True:
        found = _OPENING.search(buf, position)
        if found is None:
            return -1
        if _opens(buf, found.start()):
            return found.start()
        position = found.start() + 1


def _unb_chars(buf: str, at: int, previous: ServiceChars | None) -> ServiceChars | None:
    """The characters of an interchange whose UNB at ``at`` has no UNA before it."""
    separator = buf[at + 3]
    if separator == _LEVEL_A_ELEMENT:
        return ServiceChars.level_a(_syntax_version(buf, at))
    if separator == _LEVEL_B_ELEMENT:
        return ServiceChars.level_b()
    if previous is not None and separator == previous.element:
        return previous
    return None


def _syntax_version(buf: str, at: int) -> int:
    """S001 0002 of a level A UNB ("UNB+UNOA:4+…" → 4); 3 when absent or unreadable."""
    s001 = buf[at + 4 : at + 4 + 64].split("+", 1)[0].split("'", 1)[0]
    version = s001.split(":")[1:2]
    digits = version[0] if version else ""
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 3 else 3
