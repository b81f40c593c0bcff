"""YAML nodes → plain data for the profile models, remembering where each value was written.

We compose nodes (``yaml.compose`` with the ``SafeLoader``: no Python tags, nothing
executed) instead of calling ``safe_load`` for three reasons:

- every node has a line, so a pydantic error can point at the line to fix;
- PyYAML keeps the last of two equal keys without a word, and we want to say so;
- YAML 1.1 reads ``qualifier: 01`` as the integer 1, ``version: 004010`` as the octal
  2056 and ``name: NO`` as false. Where the model expects text we take the characters
  as written, because that is what a B2B analyst means; where it expects an integer,
  ``010`` is ten, not octal eight.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gateway.profiles._fields import Loc

MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
MERGE_TAG = "tag:yaml.org,2002:merge"
# A profile is a few hundred nodes; aliases can multiply that exponentially ("billion
# laughs"), so conversion stops well before memory does.
MAX_NODES = 100_000


class TooLarge(Exception):
    """The document expands (through aliases) beyond :data:`MAX_NODES` nodes."""


class NodeConverter:
    """Turns the nodes of one YAML document into dicts, lists and scalars.

    Problems that are the file's own (duplicate keys, unsupported tags, recursive
    aliases) are collected in ``problems`` as ``(line, loc, message)``, ``loc`` relative
    to the node passed to :meth:`convert`. Values that could not be read become None
    and their ``loc`` goes to ``dropped``, so that the pydantic errors they cause can be
    left out as consequences.
    """

    def __init__(self) -> None:
        self.problems: list[tuple[int, Loc, str]] = []
        self.dropped: list[Loc] = []
        self._constructor = SafeConstructor()
        self._budget = MAX_NODES
        self._open: set[int] = set()  # nodes being converted: an alias back to one is a cycle
        self._checked: set[int] = set()  # mappings already checked for duplicate keys

    def convert(self, node: Node, hint: object) -> object:
        """The plain value of ``node``, where ``hint`` is the type the model expects there.

        Raises:
            TooLarge: The document expands beyond :data:`MAX_NODES` nodes.
        """
        self._check_duplicates(node)
        return self._value(node, hint, ())

    def _value(self, node: Node, hint: object, loc: Loc) -> object:
        self._budget -= 1
        if self._budget < 0:
            raise TooLarge
        if isinstance(node, ScalarNode):
            return self._scalar(node, hint, loc)
        if id(node) in self._open:
            self._problem(node, loc, "an alias refers back to its own anchor (a cycle)")
            return None
        self._open.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == SEQ_TAG:
                item = _item_hint(hint)
                return [self._value(n, item, (*loc, i)) for i, n in enumerate(node.value)]
            if isinstance(node, MappingNode) and node.tag == MAP_TAG:
                return self._mapping(node, hint, loc)
            self._problem(node, loc, f"unsupported YAML tag {node.tag}")
            return None
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: ScalarNode, hint: object, loc: Loc) -> object:
        try:
            value = self._constructor.construct_object(node, deep=True)
        except ConstructorError as error:
            self._problem(node, loc, str(error.problem or error))
            return None
        # Plain (unquoted) text that YAML resolved to a number, boolean or date, where
        # the model expects a string: keep what was written (``01`` stays "01").
        if node.style is None and _is_number(value) and _unwrap(hint) is int:
            # YAML 1.1 reads ``window_days: 010`` as octal 8 and ``1:30`` as 90; people
            # mean decimal, which pydantic parses from the text (and refuses ``0x10``).
            return node.value
        if node.style is None and not isinstance(value, str) and _wants_text(hint):
            if value is not None:
                return node.value
            # ``segment: ~`` means a tilde where null is not allowed anyway.
            if node.value == "~" and not _is_optional(hint):
                return node.value
        return value

    def _mapping(self, node: MappingNode, hint: object, loc: Loc) -> dict[str, object]:
        try:
            self._constructor.flatten_mapping(node)  # resolves "<<: *anchor" merge keys
        except ConstructorError as error:
            self._problem(node, loc, str(error.problem or error))
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._problem(key_node, loc, "a key must be a plain name, not a list or mapping")
                continue
            key = key_node.value
            result[key] = self._value(value_node, _child_hint(hint, key), (*loc, key))
        return result

    def _check_duplicates(self, node: Node) -> None:
        """Report repeated keys in every mapping under ``node``, before merges mix them."""
        pending: list[tuple[Node, Loc]] = [(node, ())]
        while pending:
            current, loc = pending.pop()
            if id(current) in self._checked:
                continue
            self._checked.add(id(current))
            if isinstance(current, SequenceNode):
                pending.extend((n, (*loc, i)) for i, n in enumerate(current.value))
            elif isinstance(current, MappingNode):
                first_line: dict[str, int] = {}
                for key_node, value_node in current.value:
                    if not isinstance(key_node, ScalarNode) or key_node.tag == MERGE_TAG:
                        continue
                    key, line = key_node.value, key_node.start_mark.line + 1
                    if key in first_line:
                        message = f"duplicate key {key!r} (first at line {first_line[key]})"
                        self.problems.append((line, (*loc, key), message))
                    first_line.setdefault(key, line)
                    pending.append((value_node, (*loc, key)))

    def _problem(self, node: Node, loc: Loc, message: str) -> None:
        self.problems.append((node.start_mark.line + 1, loc, message))
        self.dropped.append(loc)


def locate(root: Node, loc: Loc) -> int:
    """1-based line of the deepest node on ``loc`` that exists in the document.

    A key's own line is used (not its value's, which may start lines later); for a
    missing field that is the line of the key introducing the mapping that lacks it.
    """
    node, line = root, root.start_mark.line
    for part in loc:
        if isinstance(node, MappingNode):
            pairs = [
                (k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(part)
            ]
            if not pairs:
                break
            key_node, node = pairs[-1]  # the last one wins, as when converting
            line = key_node.start_mark.line
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _unwrap(hint: object) -> object:
    """``Annotated[X, …]`` → X and ``X | None`` → X, repeatedly."""
    while True:
        origin = get_origin(hint)
        if origin is Annotated:
            hint = get_args(hint)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(hint) if a is not type(None)]
            if len(options) != 1:
                return hint
            hint = options[0]
        else:
            return hint


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_optional(hint: object) -> bool:
    while get_origin(hint) is Annotated:
        hint = get_args(hint)[0]
    return get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint)


def _wants_text(hint: object) -> bool:
    hint = _unwrap(hint)
    if hint is str:
        return True
    return get_origin(hint) is Literal and all(isinstance(a, str) for a in get_args(hint))


def _child_hint(hint: object, key: str) -> object:
    hint = _unwrap(hint)
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        field = hint.model_fields.get(key)
        return None if field is None else field.annotation
    if get_origin(hint) is dict:
        return get_args(hint)[1]
    return None


def _item_hint(hint: object) -> Any:
    hint = _unwrap(hint)
    return get_args(hint)[0] if get_origin(hint) is list else None
