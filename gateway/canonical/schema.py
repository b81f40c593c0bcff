"""JSON Schema (draft 2020-12) of contract v1, generated from the dataclasses.

The checked-in copy (``docs/contracts/canonical-v1.schema.json``) is what
adapters and partners read; a test fails when it and the models disagree.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from gateway.canonical.documents import BODY_TYPES, CONTRACT_VERSION, Meta

SCHEMA_ID = f"https://crossdock.dev/contracts/canonical-v{CONTRACT_VERSION}.schema.json"
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def canonical_schema() -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    _define(Meta, definitions)
    variants = []
    for kind, body in BODY_TYPES.items():
        _define(body, definitions)
        variants.append(
            {
                "properties": {
                    "meta": {"properties": {"kind": {"const": kind.value}}},
                    "body": {"$ref": f"#/$defs/{body.__name__}"},
                }
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"Crossdock canonical document, contract v{CONTRACT_VERSION}",
        "type": "object",
        "required": ["meta", "body"],
        "additionalProperties": False,
        "properties": {"meta": {"$ref": "#/$defs/Meta"}, "body": {"type": "object"}},
        "oneOf": variants,
        "$defs": dict(sorted(definitions.items())),
    }


def schema_text() -> str:
    return json.dumps(canonical_schema(), indent=2, sort_keys=False) + "\n"


def _define(cls: type, definitions: dict[str, Any]) -> None:
    if cls.__name__ in definitions:
        return
    definitions[cls.__name__] = {}  # placeholder against recursion
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required = []
    for field in dataclasses.fields(cls):
        properties[field.name] = _type_schema(hints[field.name], definitions)
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            required.append(field.name)
    entry: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        entry["required"] = required
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        entry["description"] = " ".join(cls.__doc__.split())
    definitions[cls.__name__] = entry


def _type_schema(hint: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return {"anyOf": [_type_schema(options[0], definitions), {"type": "null"}]}
    origin = typing.get_origin(hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return {"type": "array", "items": _type_schema(item, definitions)}
    if origin is dict:
        return {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}
    if hint is Decimal:
        return {"type": "string", "pattern": DECIMAL_PATTERN}
    if hint is datetime:
        return {"type": "string", "format": "date-time"}
    if hint is date:
        return {"type": "string", "format": "date"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        _define(hint, definitions)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    return {"type": "string", "minLength": 1}
