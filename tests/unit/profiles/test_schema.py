"""The checked-in JSON Schema matches the models, and says what the models say."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gateway.profiles import (
    PROFILE_SCHEMA_VERSION,
    PartnerProfile,
    load_profiles,
    profile_json_schema,
    profile_json_schema_text,
)
from tests.conftest import FIXTURES
from tests.unit.profiles.builders import MINIMAL_EDIFACT, MINIMAL_X12, with_changes

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_FILE = ROOT / "docs" / "contracts" / "partner-profile.schema.json"
# Same convention as the golden files (tests/fixtures/README.md): regenerate, then read
# the diff before committing it.
REGENERATE = os.environ.get("CROSSDOCK_REGEN_SCHEMA") == "1"


def test_checked_in_schema_matches_the_models() -> None:
    text = profile_json_schema_text()
    if REGENERATE:
        SCHEMA_FILE.write_text(text)
    assert SCHEMA_FILE.is_file() and SCHEMA_FILE.read_text() == text, (
        "the profile models changed: regenerate with CROSSDOCK_REGEN_SCHEMA=1 "
        ".venv/bin/pytest tests/unit/profiles/test_schema.py and review the diff "
        "(bump PROFILE_SCHEMA_VERSION if old profiles no longer load)"
    )


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = profile_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("/partner-profile.schema.json")
    assert f"v{PROFILE_SCHEMA_VERSION}" in schema["title"]
    assert json.loads(profile_json_schema_text()) == schema


def _errors(data: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(profile_json_schema())
    return [error.message for error in validator.iter_errors(data)]


@pytest.mark.parametrize("profile", load_profiles(FIXTURES / "partners"), ids=lambda p: p.id)
def test_example_profiles_validate_as_written_by_dump(profile: PartnerProfile) -> None:
    assert _errors(profile.model_dump(mode="json", exclude_defaults=True)) == []
    assert _errors(profile.model_dump(mode="json")) == []


@pytest.mark.parametrize(
    ("base", "changes"),
    [
        (MINIMAL_X12, {"group": ...}),
        (MINIMAL_X12, {"version": "D96A"}),
        (MINIMAL_X12, {"interchange.partner.qualifier": ...}),
        (MINIMAL_X12, {"interchange.ours.id": "C" * 16}),
        (MINIMAL_X12, {"acks.functional": "contrl"}),
        (MINIMAL_X12, {"acks.functional": "999"}),
        (MINIMAL_X12, {"documents": [{"direction": "inbound", "transaction_set": "ORDERS"}]}),
        (MINIMAL_EDIFACT, {"version": "005010"}),
        (MINIMAL_EDIFACT, {"acks.functional": "997"}),
        (MINIMAL_EDIFACT, {"documents": [{"direction": "inbound", "transaction_set": "850"}]}),
    ],
)
def test_schema_states_the_rules_that_depend_on_the_standard(
    base: dict[str, Any], changes: dict[str, Any]
) -> None:
    data = with_changes(base, changes)
    assert _errors(base) == []
    assert _errors(data) != []


def test_999_from_005010_on_is_fine_in_the_schema_too() -> None:
    assert _errors(with_changes(MINIMAL_X12, {"version": "005010", "acks.functional": "999"})) == []
    assert _errors(with_changes(MINIMAL_X12, {"version": "006020", "acks.functional": "999"})) == []
