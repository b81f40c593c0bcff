"""Read the definition files under ``definitions/`` (format: ``definitions/README.md``).

Raw text is parsed into plain records first, overlays are applied per key, and
only then are references resolved, so an overlay may redefine an element used
by an unchanged segment of its base version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from edi_maps.errors import DefinitionError
from edi_maps.tables import UNBOUNDED, LoopDef, SegmentUse
from edi_maps.x12.dictionary import (
    ELEMENT_TYPES,
    REQUIREMENTS,
    CompositeDef,
    Dictionary,
    ElementDef,
    ElementUse,
    SegmentDef,
    SyntaxNote,
    TransactionSetDef,
)

_NOTE = re.compile(r"^([PRECL])((?:\d\d){2,})$")
_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")


@dataclass
class _RawUse:
    ref: str
    requirement: str
    repeat: int


@dataclass
class _RawStructure:  # a segment or a composite before resolution
    ident: str
    name: str
    uses: list[_RawUse] = field(default_factory=list)
    notes: list[SyntaxNote] = field(default_factory=list)


@dataclass
class _RawVersion:
    elements: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)
    codes: dict[str, frozenset[str]] = field(default_factory=dict)
    composites: dict[str, _RawStructure] = field(default_factory=dict)
    segments: dict[str, _RawStructure] = field(default_factory=dict)
    sets: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def _root() -> Traversable:
    return resources.files("edi_maps.x12").joinpath("definitions")


def available_versions() -> list[str]:
    """Versions that have a definition directory, oldest first."""
    return sorted(p.name for p in _root().iterdir() if p.is_dir() and p.name.isdigit())


@cache
def load_dictionary(version: str) -> Dictionary:
    """The resolved dictionary of ``version`` (e.g. ``"004010"``), overlays applied."""
    raw = _load_raw(version)
    return _resolve(version, raw)


def _load_raw(version: str) -> _RawVersion:
    directory = _root().joinpath(version)
    if not directory.is_dir():
        raise DefinitionError(f"no X12 definitions for version {version}")
    base_file = directory.joinpath("BASE")
    merged = _load_raw(base_file.read_text().strip()) if base_file.is_file() else _RawVersion()
    own = _RawVersion()
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        name = entry.name
        text = entry.read_text(encoding="utf-8") if entry.is_file() else ""
        where = f"{version}/{name}"
        if name.endswith(".elements"):
            _parse_elements(text, where, own)
        elif name.endswith(".codes"):
            _parse_codes(text, where, own)
        elif name.endswith(".composites"):
            _parse_structures(text, where, own.composites, composite=True)
        elif name.endswith(".segments"):
            _parse_structures(text, where, own.segments, composite=False)
        elif name.endswith(".set"):
            set_id = name.removesuffix(".set")
            own.sets[set_id] = _lines(text)
    merged.elements.update(own.elements)
    merged.codes.update(own.codes)
    merged.composites.update(own.composites)
    merged.segments.update(own.segments)
    merged.sets.update(own.sets)
    return merged


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, line without comment) for every non-blank line; indentation kept."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            out.append((number, line))
    return out


def _once(table: dict[str, object], key: str, where: str, number: int) -> None:
    if key in table:
        raise DefinitionError(f"{where}:{number}: {key} is defined twice")


def _parse_elements(text: str, where: str, into: _RawVersion) -> None:
    for number, line in _lines(text):
        parts = line.split(maxsplit=4)
        if len(parts) < 5:
            raise DefinitionError(f"{where}:{number}: expected 'ref type min max name'")
        ref, kind, low, high, name = parts
        if kind not in ELEMENT_TYPES or not (low.isdigit() and high.isdigit()):
            raise DefinitionError(f"{where}:{number}: bad type or length in {line.strip()!r}")
        if int(low) > int(high) or int(high) == 0:
            raise DefinitionError(f"{where}:{number}: min {low} above max {high}")
        _once(into.elements, ref, where, number)  # type: ignore[arg-type]
        into.elements[ref] = (kind, int(low), int(high), name)


def _parse_codes(text: str, where: str, into: _RawVersion) -> None:
    current: str | None = None
    pending: dict[str, list[str]] = {}
    for number, line in _lines(text):
        parts = line.split()
        if line[0].isspace():
            if current is None:
                raise DefinitionError(f"{where}:{number}: continuation line without a list")
            pending[current].extend(parts)
            continue
        current = parts[0]
        if current in pending or current in into.codes:
            raise DefinitionError(f"{where}:{number}: code list {current} is defined twice")
        pending[current] = parts[1:]
    for ref, codes in pending.items():
        into.codes[ref] = frozenset(codes)


def _parse_repeat(token: str, where: str, number: int) -> int:
    if token == ">1":
        return UNBOUNDED
    if not token.isdigit() or int(token) < 1:
        raise DefinitionError(f"{where}:{number}: bad repeat {token!r}")
    return int(token)


def _parse_structures(
    text: str, where: str, into: dict[str, _RawStructure], *, composite: bool
) -> None:
    current: _RawStructure | None = None
    for number, line in _lines(text):
        if not line[0].isspace():
            ident, _, name = line.strip().partition(" ")
            valid = re.fullmatch(r"C\d{3}", ident) if composite else _TAG.fullmatch(ident)
            if not valid:
                raise DefinitionError(f"{where}:{number}: bad identifier {ident!r}")
            _once(into, ident, where, number)  # type: ignore[arg-type]
            current = into[ident] = _RawStructure(ident, name.strip())
            continue
        if current is None:
            raise DefinitionError(f"{where}:{number}: indented line before any header")
        parts = line.split()
        if parts[0] == "syntax":
            for token in parts[1:]:
                match = _NOTE.fullmatch(token)
                if not match:
                    raise DefinitionError(f"{where}:{number}: bad syntax note {token!r}")
                digits = match.group(2)
                positions = tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2))
                current.notes.append(SyntaxNote(match.group(1), positions))
            continue
        if len(parts) not in (2, 3) or parts[1] not in REQUIREMENTS:
            raise DefinitionError(f"{where}:{number}: expected 'ref M|O|X [repeat]'")
        repeat = _parse_repeat(parts[2], where, number) if len(parts) == 3 else 1
        current.uses.append(_RawUse(parts[0], parts[1], repeat))


def _resolve(version: str, raw: _RawVersion) -> Dictionary:
    elements = {
        ref: ElementDef(ref, kind, low, high, name, raw.codes.get(ref))
        for ref, (kind, low, high, name) in raw.elements.items()
    }
    for ref in raw.codes:
        if ref not in elements:
            raise DefinitionError(f"{version}: code list for unknown element {ref}")
    composites = {
        ident: CompositeDef(
            ident,
            rc.name,
            _resolve_uses(version, rc, elements, {}),
            tuple(rc.notes),
        )
        for ident, rc in raw.composites.items()
    }
    segments = {
        tag: SegmentDef(
            tag, rs.name, _resolve_uses(version, rs, elements, composites), tuple(rs.notes)
        )
        for tag, rs in raw.segments.items()
    }
    sets = {
        set_id: _parse_set(version, set_id, lines, segments) for set_id, lines in raw.sets.items()
    }
    return Dictionary(version, elements, composites, segments, sets)


def _resolve_uses(
    version: str,
    raw: _RawStructure,
    elements: dict[str, ElementDef],
    composites: dict[str, CompositeDef],
) -> tuple[ElementUse, ...]:
    uses = []
    for position, use in enumerate(raw.uses, start=1):
        if use.ref in elements:
            uses.append(
                ElementUse(position, use.requirement, use.repeat, element=elements[use.ref])
            )
        elif use.ref in composites:
            uses.append(
                ElementUse(position, use.requirement, use.repeat, composite=composites[use.ref])
            )
        else:
            raise DefinitionError(
                f"{version}: {raw.ident}{position:02d} refers to unknown {use.ref}"
            )
    for note in raw.notes:
        if any(p < 1 or p > len(uses) for p in note.positions):
            raise DefinitionError(f"{version}: {raw.ident} syntax note {note} is out of range")
    return tuple(uses)


def _parse_set(
    version: str, set_id: str, lines: list[tuple[int, str]], segments: dict[str, SegmentDef]
) -> TransactionSetDef:
    where = f"{version}/{set_id}.set"
    if not lines or not lines[0][1].startswith("set "):
        raise DefinitionError(f"{where}: first line must be 'set <id> <functional id> <name>'")
    header = lines[0][1].split(maxsplit=3)
    if len(header) < 4 or header[1] != set_id:
        raise DefinitionError(f"{where}:{lines[0][0]}: header must name set {set_id}")
    stack: list[tuple[str, int, list[SegmentUse[SegmentDef] | LoopDef[SegmentDef]]]] = [("", 1, [])]
    tags: set[str] = set()
    for number, line in lines[1:]:
        parts = line.split()
        if parts[0] == "loop":
            if len(parts) != 3:
                raise DefinitionError(f"{where}:{number}: expected 'loop <id> <max>'")
            stack.append((parts[1], _parse_repeat(parts[2], where, number), []))
        elif parts[0] == "end":
            if len(stack) == 1:
                raise DefinitionError(f"{where}:{number}: 'end' without 'loop'")
            loop_id, repeat, children = stack.pop()
            if not children or not isinstance(children[0], SegmentUse):
                raise DefinitionError(f"{where}:{number}: loop {loop_id} must start with a segment")
            if children[0].max_use != 1:
                raise DefinitionError(
                    f"{where}:{number}: loop trigger {loop_id} must have max use 1"
                )
            stack[-1][2].append(LoopDef(loop_id, repeat, tuple(children)))
        else:
            if len(parts) != 3 or parts[1] not in ("M", "O"):
                raise DefinitionError(f"{where}:{number}: expected 'TAG M|O max'")
            if parts[0] not in segments:
                raise DefinitionError(f"{where}:{number}: segment {parts[0]} is not defined")
            tags.add(parts[0])
            use = SegmentUse(segments[parts[0]], parts[1], _parse_repeat(parts[2], where, number))
            stack[-1][2].append(use)
    if len(stack) != 1:
        raise DefinitionError(f"{where}: loop {stack[-1][0]} has no 'end'")
    children = stack[0][2]
    first, last = children[0], children[-1]
    if not (isinstance(first, SegmentUse) and first.tag == "ST"):
        raise DefinitionError(f"{where}: a set starts with ST")
    if not (isinstance(last, SegmentUse) and last.tag == "SE"):
        raise DefinitionError(f"{where}: a set ends with SE")
    root = LoopDef(set_id, 1, tuple(children))
    return TransactionSetDef(set_id, header[2], header[3], version, root, frozenset(tags))
