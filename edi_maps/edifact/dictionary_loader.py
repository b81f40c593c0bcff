"""Read the EDIFACT definition files under ``definitions/`` (format:
``definitions/README.md``).

Every file is parsed into plain records first (each error names ``file:line``),
the service directory named by a ``SERVICE`` file is merged in, and only then
are references resolved and checked: every element, composite and segment a
definition names must exist, every code must fit its element, every message
must run from UNH to UNT with its segment groups numbered SG1, SG2, … in order.
Anything the loader does not understand raises :class:`DefinitionError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

from edi_maps.edifact.dictionary import (
    ELEMENT_TYPES,
    REQUIREMENTS,
    CompositeDef,
    Directory,
    ElementDef,
    ElementUse,
    MessageDef,
    SegmentDef,
)
from edi_maps.errors import DefinitionError
from edi_maps.tables import LoopDef, SegmentUse

_ELEMENT_REF = re.compile(r"\d{4}")
_COMPOSITE_REF = re.compile(r"[CS]\d{3}")
_TAG = re.compile(r"[A-Z]{3}")
_REPRESENTATION = re.compile(r"(an|a|n)(\.\.)?([1-9]\d*)")
_GROUP = re.compile(r"SG([1-9]\d*)")
_SYNTAX_DIRECTORY = re.compile(r"syntax\d")

Lines = list[tuple[int, str]]


@dataclass
class _RawElement:
    where: str
    type: str
    min_length: int
    max_length: int
    name: str


@dataclass
class _RawCodes:
    where: str
    codes: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class _RawUse:
    where: str
    ref: str
    requirement: str
    repeat: int


@dataclass
class _RawStructure:  # a segment or a composite before resolution
    where: str
    ident: str
    name: str
    uses: list[_RawUse] = field(default_factory=list)


@dataclass
class _RawDirectory:
    elements: dict[str, _RawElement] = field(default_factory=dict)
    codes: dict[str, _RawCodes] = field(default_factory=dict)
    composites: dict[str, _RawStructure] = field(default_factory=dict)
    segments: dict[str, _RawStructure] = field(default_factory=dict)
    messages: dict[str, tuple[str, Lines]] = field(default_factory=dict)  # type → (file, lines)


def _root() -> Traversable:
    return resources.files("edi_maps.edifact").joinpath("definitions")


def available_directories() -> list[str]:
    """The bundled directories: ``D01B``, ``D96A``, ``syntax3``, ``syntax4``."""
    return sorted(p.name for p in _root().iterdir() if p.is_dir() and not p.name.startswith("_"))


def load_all() -> dict[str, Directory]:
    """Every bundled directory, resolved (each is cached)."""
    return {name: load_directory(name) for name in available_directories()}


@cache
def load_directory(name: str) -> Directory:
    """The resolved directory ``name`` (e.g. ``"D96A"``, ``"syntax4"``)."""
    return _resolve(name, _load_raw(name, messages=True))


def _load_raw(name: str, *, messages: bool) -> _RawDirectory:
    folder = _root().joinpath(name)
    if not folder.is_dir():
        raise DefinitionError(f"no EDIFACT definitions for directory {name}")
    raw = _RawDirectory()
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.is_file() or entry.name == "README.md":
            continue
        where = f"{name}/{entry.name}"
        text = entry.read_text(encoding="utf-8")
        suffix = entry.name.rpartition(".")[2] if "." in entry.name else entry.name
        if suffix == "elements":
            _parse_elements(text, where, raw)
        elif suffix == "codes":
            _parse_codes(text, where, raw)
        elif suffix == "composites":
            _parse_structures(text, where, raw.composites, composite=True)
        elif suffix == "segments":
            _parse_structures(text, where, raw.segments, composite=False)
        elif suffix == "message":
            if messages:
                raw.messages[entry.name.removesuffix(".message")] = (where, _lines(text))
        elif entry.name == "SERVICE":
            _merge_service(raw, text, where)
        else:
            raise DefinitionError(f"{where}: unknown kind of definition file")
    return raw


def _merge_service(raw: _RawDirectory, text: str, where: str) -> None:
    lines = _lines(text)
    if len(lines) != 1 or not _SYNTAX_DIRECTORY.fullmatch(lines[0][1].strip()):
        raise DefinitionError(f"{where}: expected one line naming a syntax directory")
    service = _load_raw(lines[0][1].strip(), messages=False)
    for table, imported in (
        (raw.elements, service.elements),
        (raw.codes, service.codes),
        (raw.composites, service.composites),
        (raw.segments, service.segments),
    ):
        for key, value in imported.items():
            if key in table:
                raise DefinitionError(f"{where}: {key} is also defined by the service directory")
            table[key] = value  # type: ignore[assignment]


def _lines(text: str) -> Lines:
    """(line number, line without comment) for every non-blank line; indentation kept."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            out.append((number, line))
    return out


def _parse_elements(text: str, where: str, into: _RawDirectory) -> None:
    for number, line in _lines(text):
        parts = line.split(maxsplit=2)
        if len(parts) < 3 or line[0].isspace():
            raise DefinitionError(f"{where}:{number}: expected 'ref representation name'")
        ref, representation, name = parts
        if not _ELEMENT_REF.fullmatch(ref):
            raise DefinitionError(f"{where}:{number}: bad element ref {ref!r}")
        match = _REPRESENTATION.fullmatch(representation)
        if not match or match.group(1) not in ELEMENT_TYPES:
            raise DefinitionError(f"{where}:{number}: bad representation {representation!r}")
        high = int(match.group(3))
        low = 1 if match.group(2) else high
        if ref in into.elements:
            raise DefinitionError(f"{where}:{number}: element {ref} is defined twice")
        into.elements[ref] = _RawElement(f"{where}:{number}", match.group(1), low, high, name)


def _parse_codes(text: str, where: str, into: _RawDirectory) -> None:
    current: _RawCodes | None = None
    for number, line in _lines(text):
        if not line[0].isspace():
            ref, *codes = line.split()
            if not _ELEMENT_REF.fullmatch(ref) or "=" in codes:
                raise DefinitionError(f"{where}:{number}: expected 'ref [code …]'")
            if ref in into.codes:
                raise DefinitionError(f"{where}:{number}: code list {ref} is defined twice")
            current = into.codes[ref] = _RawCodes(f"{where}:{number}", list(codes))
            continue
        if current is None:
            raise DefinitionError(f"{where}:{number}: continuation line without a list")
        code, equals, text_ = line.strip().partition("=")
        if equals:  # one code with its text
            code, text_ = code.strip(), text_.strip()
            if not code or " " in code or not text_:
                raise DefinitionError(f"{where}:{number}: expected 'code = text'")
            current.codes.append(code)
            current.texts[code] = text_
        else:
            current.codes.extend(line.split())
    for ref, raw in into.codes.items():
        seen: set[str] = set()
        for code in raw.codes:
            if code in seen:
                raise DefinitionError(f"{raw.where}: code {code} is listed twice for {ref}")
            seen.add(code)


def _parse_repeat(token: str, where: str) -> int:
    if not token.isdigit() or int(token) < 1:
        raise DefinitionError(f"{where}: bad repeat {token!r}")
    return int(token)


def _parse_structures(
    text: str, where: str, into: dict[str, _RawStructure], *, composite: bool
) -> None:
    current: _RawStructure | None = None
    for number, line in _lines(text):
        at = f"{where}:{number}"
        if not line[0].isspace():
            ident, _, name = line.strip().partition(" ")
            valid = _COMPOSITE_REF if composite else _TAG
            if not valid.fullmatch(ident) or not name.strip():
                raise DefinitionError(f"{at}: expected '{'ref' if composite else 'TAG'} name'")
            if ident in into:
                raise DefinitionError(f"{at}: {ident} is defined twice")
            current = into[ident] = _RawStructure(at, ident, name.strip())
            continue
        if current is None:
            raise DefinitionError(f"{at}: indented line before any header")
        parts = line.split()
        if len(parts) not in (2, 3) or parts[1] not in REQUIREMENTS:
            raise DefinitionError(f"{at}: expected 'ref M|C [repeat]'")
        if composite and len(parts) == 3:
            raise DefinitionError(f"{at}: a component does not repeat")
        repeat = _parse_repeat(parts[2], at) if len(parts) == 3 else 1
        current.uses.append(_RawUse(at, parts[0], parts[1], repeat))
    for structure in into.values():
        if not structure.uses:
            raise DefinitionError(f"{structure.where}: {structure.ident} has no positions")


def _resolve(name: str, raw: _RawDirectory) -> Directory:
    elements = {}
    for ref, element in raw.elements.items():
        codes = raw.codes.get(ref)
        elements[ref] = ElementDef(
            ref,
            element.type,
            element.min_length,
            element.max_length,
            element.name,
            frozenset(codes.codes) if codes is not None else None,
            MappingProxyType(dict(codes.texts)) if codes is not None else MappingProxyType({}),
        )
    for ref, codes in raw.codes.items():
        element_def = elements.get(ref)
        if element_def is None:
            raise DefinitionError(f"{codes.where}: code list for unknown element {ref}")
        for code in codes.codes:
            if not _fits(code, element_def):
                raise DefinitionError(
                    f"{codes.where}: code {code!r} does not fit {ref} "
                    f"({element_def.representation})"
                )
    composites = {
        ident: CompositeDef(ident, rc.name, _resolve_uses(rc, elements, None))
        for ident, rc in raw.composites.items()
    }
    segments = {
        tag: SegmentDef(tag, rs.name, _resolve_uses(rs, elements, composites))
        for tag, rs in raw.segments.items()
    }
    messages = {
        message_type: _parse_message(name, message_type, where, lines, segments)
        for message_type, (where, lines) in raw.messages.items()
    }
    return Directory(name, elements, composites, segments, messages)


def _fits(code: str, element: ElementDef) -> bool:
    if not element.min_length <= len(code) <= element.max_length:
        return False
    if element.type == "n":
        return code.isdigit()
    if element.type == "a":
        return not any(char.isdigit() for char in code)
    return True


def _resolve_uses(
    raw: _RawStructure,
    elements: dict[str, ElementDef],
    composites: dict[str, CompositeDef] | None,
) -> tuple[ElementUse, ...]:
    uses = []
    for position, use in enumerate(raw.uses, start=1):
        if use.ref in elements:
            uses.append(
                ElementUse(position, use.requirement, use.repeat, element=elements[use.ref])
            )
        elif composites is not None and use.ref in composites:
            composite = composites[use.ref]
            uses.append(ElementUse(position, use.requirement, use.repeat, composite=composite))
        else:
            kind = "element or composite" if composites is not None else "simple element"
            raise DefinitionError(
                f"{use.where}: {raw.ident} position {position} names {use.ref}, "
                f"which is no {kind} of this directory"
            )
    return tuple(uses)


Children = list[SegmentUse[SegmentDef] | LoopDef[SegmentDef]]


def _parse_message(
    directory: str,
    message_type: str,
    where: str,
    lines: Lines,
    segments: dict[str, SegmentDef],
) -> MessageDef:
    if not lines:
        raise DefinitionError(f"{where}: empty message file")
    number, line = lines[0]
    header = line.split(maxsplit=5)
    if len(header) < 6 or header[0] != "message":
        raise DefinitionError(
            f"{where}:{number}: first line must be 'message TYPE VERSION RELEASE AGENCY name'"
        )
    if header[1] != message_type:
        raise DefinitionError(f"{where}:{number}: header must name message {message_type}")
    # (group name, status, max repeat, children, line) of every open group; the root first
    stack: list[tuple[str, str, int, Children, int]] = [(message_type, "M", 1, [], number)]
    groups = 0
    tags: set[str] = set()
    for number, line in lines[1:]:
        at = f"{where}:{number}"
        parts = line.split()
        if parts[0] == "group":
            if len(parts) != 4 or parts[2] not in REQUIREMENTS:
                raise DefinitionError(f"{at}: expected 'group SGn M|C max'")
            match = _GROUP.fullmatch(parts[1])
            if not match or int(match.group(1)) != groups + 1:
                raise DefinitionError(f"{at}: expected group SG{groups + 1}, got {parts[1]}")
            groups += 1
            stack.append((parts[1], parts[2], _parse_repeat(parts[3], at), [], number))
        elif parts[0] == "end":
            if len(parts) != 1 or len(stack) == 1:
                raise DefinitionError(f"{at}: 'end' without 'group'")
            group, status, max_repeat, children, _ = stack.pop()
            stack[-1][3].append(_group(group, status, max_repeat, children, at))
        else:
            if len(parts) != 3 or parts[1] not in REQUIREMENTS:
                raise DefinitionError(f"{at}: expected 'TAG M|C max'")
            segment = segments.get(parts[0])
            if segment is None:
                raise DefinitionError(f"{at}: segment {parts[0]} is not defined")
            tags.add(parts[0])
            stack[-1][3].append(SegmentUse(segment, parts[1], _parse_repeat(parts[2], at)))
    if len(stack) != 1:
        raise DefinitionError(f"{where}:{stack[-1][4]}: group {stack[-1][0]} has no 'end'")
    children = stack[0][3]
    first, last = children[0] if children else None, children[-1] if children else None
    if not (isinstance(first, SegmentUse) and first.tag == "UNH" and first.mandatory):
        raise DefinitionError(f"{where}: a message starts with 'UNH M 1'")
    if not (isinstance(last, SegmentUse) and last.tag == "UNT" and last.mandatory):
        raise DefinitionError(f"{where}: a message ends with 'UNT M 1'")
    _, _, version, release, agency, name = header
    root = LoopDef(message_type, 1, tuple(children))
    return MessageDef(
        message_type, version, release, agency, name, directory, root, frozenset(tags)
    )


def _group(
    group: str, status: str, max_repeat: int, children: Children, at: str
) -> LoopDef[SegmentDef]:
    """The group as a loop: its trigger (listed as the directory does, ``M 1``) takes
    the group's status, which is what placement reads as the loop's requirement."""
    if not children or not isinstance(children[0], SegmentUse):
        raise DefinitionError(f"{at}: group {group} must start with a segment")
    trigger = children[0]
    if trigger.requirement != "M" or trigger.max_use != 1:
        raise DefinitionError(f"{at}: the trigger of {group} ({trigger.tag}) must be 'M 1'")
    children[0] = SegmentUse(trigger.segment, status, 1)
    return LoopDef(group, max_repeat, tuple(children))
