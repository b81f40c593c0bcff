"""Profile data for the profile tests: minimal valid profiles and OpenSSH key lines."""

from __future__ import annotations

import base64
import copy
import struct
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.profiles import PartnerProfile, Problem, ProfileError, load_profiles_text

MINIMAL_X12: dict[str, Any] = {
    "id": "acme",
    "name": "Acme Industrial Supply",
    "standard": "x12",
    "version": "004010",
    "interchange": {
        "partner": {"qualifier": "01", "id": "123456789"},
        "ours": {"qualifier": "ZZ", "id": "CROSSDOCK"},
    },
    "group": {"partner": "ACME", "ours": "CROSSDOCK"},
}

MINIMAL_EDIFACT: dict[str, Any] = {
    "id": "globex",
    "name": "Globex Logistik GmbH",
    "standard": "edifact",
    "version": "D96A",
    "interchange": {
        "partner": {"qualifier": "14", "id": "4012345000009"},
        "ours": {"id": "CROSSDOCK"},
    },
}


def ssh_key(kind: str = "ssh-ed25519", comment: str = "partner@example", seed: int = 1) -> str:
    """An OpenSSH public key line whose blob names ``kind`` (the key bytes are made up)."""

    def field(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    blob = field(kind.encode()) + field(bytes([seed % 256]) * 32)
    line = f"{kind} {base64.b64encode(blob).decode()}"
    return f"{line} {comment}" if comment else line


def with_changes(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``base`` where each dotted key of ``changes`` is set (or removed
    when its value is ``...``)."""
    data = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        if value is ...:
            target.pop(last, None)
        else:
            target[last] = value
    return data


def problems_of(data: dict[str, Any]) -> dict[str, str]:
    """field → message for every problem pydantic finds in ``data`` ({} when valid)."""
    try:
        PartnerProfile.model_validate(data)
    except ValidationError as error:
        return {p.field: p.message for p in ProfileError.from_validation_error(error).problems}
    return {}


X12_YAML = """\
id: acme
name: Acme Industrial Supply
standard: x12
version: 004010
interchange:
  partner: {qualifier: 01, id: 123456789}
  ours: {qualifier: ZZ, id: CROSSDOCK}
group: {partner: ACME, ours: CROSSDOCK}
"""


def problems(text: str, source: str | None = "acme.yaml") -> list[Problem]:
    """The problems ``load_profiles_text`` raises for ``text`` (it must raise)."""
    with pytest.raises(ProfileError) as caught:
        load_profiles_text(text, source)
    return caught.value.problems


def placed(found: list[Problem]) -> list[tuple[int | None, str]]:
    """(line, field) of each problem, the part the line-number tests compare."""
    return [(p.line, p.field) for p in found]
