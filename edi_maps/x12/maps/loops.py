"""Cutting a transaction set's rows into the parts its table defines.

The same tag means different things at different places of a set (a REF right
after BEG is the order's, one inside an N1 loop is the party's; a PID inside an
SLN describes the sub-line, not the line), so every map first cuts the rows by
the order of its table and only then reads values. Loops are found by their
trigger segment and by the tags that may follow it; segment order inside a
validated set is already known to be right, so no placement is re-checked here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from edi_maps.x12.maps.base import Row
from edi_maps.x12.maps.common import element


def loops(rows: Sequence[Row], trigger: str, stops: frozenset[str]) -> list[list[Row]]:
    """Each loop ``trigger`` starts, up to the next one; a tag in ``stops`` ends them all."""
    found: list[list[Row]] = []
    for row in rows:
        if row[0] in stops:
            break
        if row[0] == trigger:
            found.append([row])
        elif found:
            found[-1].append(row)
    return found


def until(rows: Sequence[Row], stops: frozenset[str]) -> list[Row]:
    """The rows before the first one whose tag is in ``stops``."""
    kept: list[Row] = []
    for row in rows:
        if row[0] in stops:
            break
        kept.append(row)
    return kept


def split(
    rows: Sequence[Row], nested: Mapping[str, frozenset[str]]
) -> tuple[list[Row], list[list[Row]]]:
    """A level's own rows, and its nested loops (trigger → the tags that may follow it),
    each loop's trigger first."""
    own: list[Row] = []
    found: list[list[Row]] = []
    members: frozenset[str] | None = None
    for row in rows:
        if members is not None and row[0] in members:  # the innermost loop takes it
            found[-1].append(row)
        elif row[0] in nested:
            members = nested[row[0]]
            found.append([row])
        else:
            members = None
            own.append(row)
    return own, found


def first(rows: Sequence[Row], tag: str, *qualifiers: str, position: int = 1) -> Row | None:
    """The first ``tag`` row (with element ``position`` among ``qualifiers``, if given)."""
    for row in rows:
        if row[0] == tag and (not qualifiers or element(row, position) in qualifiers):
            return row
    return None
