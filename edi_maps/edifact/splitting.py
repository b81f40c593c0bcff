"""Splitting a run of whole EDIFACT segments into ``Segment`` objects, fast.

The reader (``reader.py``) finds where runs of whole segments begin and end (after
real terminators, before a new interchange); this module turns each run into
segments. Kept apart so that the scanning state machine and the per-segment hot
path can each be read on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import accumulate
from operator import add, itemgetter

from edi_maps.edifact.segments import Segment
from edi_maps.edifact.service import ServiceChars

BLANK = " \t\r\n\x00\x1a"  # formatting before a segment (line breaks, indentation, padding)
_LINE_BREAKS = "\r\n"
_TAG = itemgetter(slice(0, 3))
_AFTER_TAG = itemgetter(slice(3, 4))


class Splitter:
    """Turns a run of whole segments of one interchange into ``Segment`` objects.

    The fast path (every batch of a well-formed file) is C-level work plus one
    ``Segment`` per segment: split on the terminator with the line break that
    follows it, tags by slicing, offsets by accumulating lengths; released
    terminators and tags that are not three characters are mended, per
    occurrence. Anything else irregular in a batch (line breaks inside segments or
    after only some, indentation, empty segments) sends that batch to the exact,
    slower path, which gives the same segments (a property test checks it).
    """

    def __init__(self, chars: ServiceChars) -> None:
        self.term = chars.segment
        # A release character that is also the terminator cannot release it (which
        # terminator of "00" ends the segment?): such a UNA is invalid, validation says
        # so, and the reader splits on every terminator, the same for any chunk size.
        self.release = None if chars.release == chars.segment else chars.release
        self.element = chars.element
        self.component = chars.component
        self.service = chars.separators
        self.breaks = "".join(c for c in _LINE_BREAKS if c not in self.service)
        self.blank = "".join(c for c in BLANK if c not in self.service)
        # What a batch may split on: the terminator with the line break that goes with
        # it (after it, or CR before a LF terminator), longest first.
        term = self.term
        candidates = (term + "\r\n", term + "\n", term + "\r", "\r" + term, term)
        self.separators = [
            separator
            for separator in dict.fromkeys(candidates)
            if all(c in self.breaks for c in separator.replace(term, "", 1))
        ]

    def __call__(self, raw: str, base: int) -> Iterable[Segment]:
        fast = self.fast(raw, base)
        return self.slow(raw, base) if fast is None else fast

    def fast(self, raw: str, base: int) -> Iterator[Segment] | None:
        """The segments of ``raw`` if it is regular, else None."""
        for separator in self.separators:
            if raw.endswith(separator):
                break
        else:
            return None
        term, release = self.term, self.release
        parts = raw.split(separator)
        parts.pop()  # the empty text after the last terminator
        released = self.released_terminators(raw) if release and release in raw else []
        if separator == term:
            if released and not self.mend(parts, raw, released):
                return None
        elif raw.count(term) - len(released) != len(parts):
            return None  # line breaks after only some segments
        elif released and any(raw.startswith(separator, at) for at in released):
            return None  # a released terminator with a line break after it
        elif release and separator[0] != term and release + separator in raw:
            return None  # a release character before CR and a LF terminator
        count = len(parts)
        if not count:
            return None
        for char in self.breaks:
            if (raw.count(char) != count) if char in separator else (char in raw):
                return None  # line breaks inside segments
        tags = list(map(_TAG, parts))
        joined = "".join(tags)
        if len(joined) != 3 * count or any(c in joined for c in self.blank):
            return None  # an empty, short or indented segment
        after = "".join(map(_AFTER_TAG, parts))
        if after.count(self.element) != len(after) or any(c in joined for c in self.service):
            tags = [self.tag(part) for part in parts]  # a tag that is not three characters
        step = len(separator)
        offsets = map(add, accumulate(map(len, parts), initial=base), range(0, step * count, step))
        return map(Segment, tags, parts, offsets)

    def released_terminators(self, raw: str) -> list[int]:
        """Where ``raw`` holds a terminator after an odd run of release characters.

        Searches for the release character (one C-level search per run), not for the
        pair with the terminator: the terminator is everywhere, which makes a
        two-character search slow.
        """
        release, term = self.release, self.term
        assert release is not None
        found: list[int] = []
        at = raw.find(release)
        while at >= 0:
            end = at + 1
            while raw.startswith(release, end):
                end += 1
            if (end - at) % 2 and raw.startswith(term, end):
                found.append(end)
            at = raw.find(release, end + 1)
        return found

    def mend(self, parts: list[str], raw: str, released: list[int]) -> bool:
        """Join the parts that a split on the bare terminator cut at ``released``
        terminators; False when one ends ``raw`` (the slow path then decides)."""
        term = self.term
        index = previous = 0
        targets: list[int] = []
        for position in released:
            index += raw.count(term, previous, position)  # terminators before this one
            previous = position
            targets.append(index)
        if targets and targets[-1] >= len(parts) - 1:
            return False
        for index in reversed(targets):
            parts[index : index + 2] = [parts[index] + term + parts[index + 1]]
        return True

    def slow(self, raw: str, base: int) -> list[Segment]:
        """Piece by piece: released terminators, line breaks and blanks anywhere."""
        term, release, blank, breaks = self.term, self.release, self.blank, self.breaks
        pieces = raw.split(term)
        last = len(pieces) - 1
        segments: list[Segment] = []
        pending: list[str] = []
        start = at = 0
        for index, piece in enumerate(pieces):
            text = piece
            if not pending:
                text = piece.lstrip(blank)
                start = at + len(piece) - len(text)
            at += len(piece) + len(term)
            for char in breaks:
                if char in text:
                    text = text.replace(char, "")
            pending.append(text)
            if index < last and release is not None and _odd_run(text, release):
                pending.append(term)  # a released terminator: the segment goes on
                continue
            text = "".join(pending)
            pending = []
            if index == last:  # text after the last terminator: only at the end of input
                text = text.rstrip(blank)
            if text:
                segments.append(Segment(self.tag(text), text, base + start))
        return segments

    def tag(self, text: str) -> str:
        """The segment code: the text before the first element (and component) separator."""
        tag = text.partition(self.element)[0]
        return tag.partition(self.component)[0] if self.component in tag else tag

    def released(self, buf: str, at: int, origin: int) -> bool:
        """Whether the character at ``at`` follows an odd run of release characters
        (line breaks inside the run are formatting); ``origin`` begins a segment."""
        release = self.release
        if release is None:
            return False
        count = 0
        position = at - 1
        while position >= origin:
            char = buf[position]
            if char == release:
                count += 1
            elif char not in self.breaks:
                break
            position -= 1
        return count % 2 == 1

    def begins_segment(self, buf: str, at: int, origin: int) -> bool:
        """Whether a segment begins at ``at``: after a real terminator and blanks, or at
        ``origin`` (where the unread text, a segment, begins)."""
        position = at
        while position > origin and buf[position - 1] in self.blank:
            position -= 1
        if position == origin:
            return True
        return buf[position - 1] == self.term and not self.released(buf, position - 1, origin)

    def after_breaks(self, buf: str, at: int) -> int:
        """``at`` moved past the line breaks that follow a terminator."""
        length = len(buf)
        while at < length and buf[at] in self.breaks:
            at += 1
        return at


def _odd_run(text: str, release: str) -> bool:
    """Whether ``text`` ends with an odd number of release characters."""
    return (len(text) - len(text.rstrip(release))) % 2 == 1
