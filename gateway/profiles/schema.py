"""JSON Schema (draft 2020-12) of a partner profile, generated from the pydantic models.

The checked-in copy (``docs/contracts/partner-profile.schema.json``) lets editors check
profile YAML as it is typed and lets other tools read our format; a test fails when it
and the models disagree. The models stay the authority: the schema describes profiles
as :func:`gateway.profiles.dump_profile` writes them, and our loader is more forgiving
(it reads ``qualifier: 01`` unquoted as the string ``"01"``, where the schema sees 1).
"""

from __future__ import annotations

import json
from typing import Any

from gateway.profiles.model import (
    EDIFACT_DIRECTORY,
    EDIFACT_MESSAGES,
    PROFILE_SCHEMA_VERSION,
    X12_TRANSACTION_SETS,
    X12_VERSION,
    PartnerProfile,
)

SCHEMA_ID = "https://crossdock.dev/contracts/partner-profile.schema.json"
# Versions from 005010 on, where the 999 exists.
_X12_999_VERSION = r"^00(50[1-9]\d|5[1-9]\d\d|[6-9]\d{3})$"


def profile_json_schema() -> dict[str, Any]:
    """The schema of one profile, with the rules that depend on the standard added.

    pydantic cannot express "if standard is x12 then …"; the ``allOf`` below repeats
    those rules of :class:`~gateway.profiles.PartnerProfile` in JSON Schema terms so
    that an editor flags them too.
    """
    schema = PartnerProfile.model_json_schema()
    generated_defs = schema.pop("$defs")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": f"Crossdock partner trading profile, schema v{PROFILE_SCHEMA_VERSION}",
        "allOf": [_x12_rules(), _edifact_rules(), _x12_999_rule()],
        "$defs": generated_defs,
    }


def profile_json_schema_text() -> str:
    """The schema as the checked-in file holds it: sorted keys, two-space indent."""
    return json.dumps(profile_json_schema(), indent=2, sort_keys=True) + "\n"


def _when_standard(standard: str, then: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"properties": {"standard": {"const": standard}}, "required": ["standard"]},
        "then": then,
    }


def _x12_rules() -> dict[str, Any]:
    envelope_id = {
        "required": ["qualifier"],
        "properties": {
            "qualifier": {"type": "string", "minLength": 2, "maxLength": 2},
            "id": {"maxLength": 15},
        },
    }
    group_id = {"minLength": 2, "maxLength": 15}
    return _when_standard(
        "x12",
        {
            "required": ["group"],
            "properties": {
                "version": {"pattern": X12_VERSION},
                "syntax": {"type": "null"},
                "interchange": {"properties": {"partner": envelope_id, "ours": envelope_id}},
                "group": {"type": "object", "properties": {"partner": group_id, "ours": group_id}},
                "delimiters": {
                    "properties": {"release": {"type": "null"}, "decimal": {"type": "null"}}
                },
                "documents": {
                    "items": {
                        "properties": {"transaction_set": {"enum": list(X12_TRANSACTION_SETS)}}
                    }
                },
                "acks": {"properties": {"functional": {"enum": ["auto", "997", "999", "none"]}}},
            },
        },
    )


def _edifact_rules() -> dict[str, Any]:
    return _when_standard(
        "edifact",
        {
            "properties": {
                "version": {"pattern": EDIFACT_DIRECTORY},
                "documents": {
                    "items": {"properties": {"transaction_set": {"enum": list(EDIFACT_MESSAGES)}}}
                },
                "acks": {"properties": {"functional": {"enum": ["auto", "contrl", "none"]}}},
            },
        },
    )


def _x12_999_rule() -> dict[str, Any]:
    return {
        "if": {
            "properties": {
                "acks": {"properties": {"functional": {"const": "999"}}, "required": ["functional"]}
            },
            "required": ["acks"],
        },
        "then": {"properties": {"version": {"pattern": _X12_999_VERSION}}},
    }
