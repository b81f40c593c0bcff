"""Set control numbers seen in a group, kept small for groups of many sets."""

from __future__ import annotations

from bisect import bisect_left


class SeenNumbers:
    """Set control numbers seen in one group, to find duplicates (AK5 23).

    ST02 is text ("0001" and "1" differ), but senders number sets sequentially:
    digit-only numbers are kept as ranges per width (a few ints for a whole
    group); anything else goes in a plain set.
    """

    def __init__(self) -> None:
        self._ranges: dict[int, _Ranges] = {}
        self._other: set[str] = set()

    def add(self, number: str) -> bool:
        """Record ``number``; False if it was seen before."""
        if not (number.isascii() and number.isdigit()):
            if number in self._other:
                return False
            self._other.add(number)
            return True
        ranges = self._ranges.get(len(number))
        if ranges is None:
            ranges = self._ranges[len(number)] = _Ranges()
        return ranges.add(int(number))


class _Ranges:
    """Disjoint, non-adjacent closed ranges of ints, sorted."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, value: int) -> bool:
        starts, ends = self._starts, self._ends
        if ends and ends[-1] == value - 1:  # the usual case: the next number in sequence
            ends[-1] = value
            return True
        at = bisect_left(ends, value)
        if at < len(starts) and starts[at] <= value:
            return False  # inside a range: seen
        if at < len(starts) and starts[at] == value + 1:
            starts[at] = value
            if at > 0 and ends[at - 1] == value - 1:
                ends[at - 1] = ends[at]
                del starts[at], ends[at]
        elif at > 0 and ends[at - 1] == value - 1:
            ends[at - 1] = value
        else:
            starts.insert(at, value)
            ends.insert(at, value)
        return True
