"""Partner profiles for tests: the demo's two suppliers, with overrides."""

from __future__ import annotations

from typing import Any

from gateway.profiles.model import PartnerProfile


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def acme(**changes: Any) -> PartnerProfile:
    """X12 004010 supplier ZZ:ACMESUPPLY → ZZ:CROSSDOCK (demo/inbound/acme_*.x12)."""
    base = {
        "id": "acme-supply",
        "name": "Acme Supply",
        "standard": "x12",
        "version": "004010",
        "interchange": {
            "partner": {"qualifier": "ZZ", "id": "ACMESUPPLY"},
            "ours": {"qualifier": "ZZ", "id": "CROSSDOCK"},
        },
        "group": {"partner": "ACMESUPPLY", "ours": "CROSSDOCK"},
    }
    return PartnerProfile.model_validate(_merge(base, changes))


def nordfrost(**changes: Any) -> PartnerProfile:
    """EDIFACT D96A supplier 14:4012345000009 → 14:5412345000013 (demo DESADV)."""
    base = {
        "id": "nordfrost",
        "name": "Nordfrost GmbH",
        "standard": "edifact",
        "version": "D96A",
        "syntax": "UNOC:3",
        "interchange": {
            "partner": {"qualifier": "14", "id": "4012345000009"},
            "ours": {"qualifier": "14", "id": "5412345000013"},
        },
        "acks": {"functional": "contrl"},
    }
    return PartnerProfile.model_validate(_merge(base, changes))


def for_sender(
    standard: str,
    sender: tuple[str, str],
    receiver: tuple[str, str],
    partner_id: str,
    group: tuple[str | None, str | None] = (None, None),
) -> PartnerProfile:
    """A permissive profile for any sample's sender (the corpus test)."""
    x12 = standard == "x12"
    return PartnerProfile.model_validate(
        {
            "id": partner_id,
            "name": partner_id,
            "standard": standard,
            "version": "004010" if x12 else "D96A",
            "interchange": {
                "partner": {"qualifier": sender[0] or None, "id": sender[1]},
                "ours": {"qualifier": receiver[0] or None, "id": receiver[1]},
            },
            **({"group": {"partner": group[0] or "ANY", "ours": group[1] or "ANY"}} if x12 else {}),
            **({} if x12 else {"acks": {"functional": "contrl"}}),
        }
    )
