"""Hypothesis: any valid profile reads back equal from its own YAML, and fits the schema."""

from __future__ import annotations

from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.profiles import (
    EDIFACT_MESSAGES,
    X12_TRANSACTION_SETS,
    PartnerProfile,
    dump_profile,
    dump_profiles,
    load_profiles_text,
    profile_json_schema,
)
from tests.unit.profiles.builders import ssh_key

# Any printable text, including what YAML would misread unquoted (01, NO, ~, "a: b").
_TEXT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
_YAML_LOOKALIKES = st.sampled_from(
    ["01", "004010", "0x1F", "1e3", "NO", "on", "~", "null", "2026-01-01", "1:30", "- a", "#x"]
)


def text(max_size: int) -> st.SearchStrategy[str]:
    """Stripped, non-empty, single-line text of at most ``max_size`` characters."""
    free = st.text(_TEXT_CHARS, min_size=1, max_size=max_size).map(str.strip).filter(bool)
    return _YAML_LOOKALIKES.filter(lambda s: len(s) <= max_size) | free


def codes(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


@st.composite
def documents(draw: st.DrawFn, sets: tuple[str, ...]) -> list[dict[str, Any]]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["inbound", "outbound"]), st.sampled_from(sets)),
            unique=True,
            max_size=6,
        )
    )
    maps = st.none() | codes(r"[a-z][a-z0-9_]{0,20}") | text(30)
    return [
        {"direction": direction, "transaction_set": ts, "map": draw(maps)} for direction, ts in keys
    ]


@st.composite
def profiles(draw: st.DrawFn) -> PartnerProfile:
    standard = draw(st.sampled_from(["x12", "edifact"]))
    x12 = standard == "x12"
    qualifier = codes(r"[0-9A-Z]{2}") if x12 else st.none() | codes(r"[0-9A-Za-z]{1,4}")
    envelope_id = text(15 if x12 else 35)
    data: dict[str, Any] = {
        "id": draw(codes(r"[a-z0-9][a-z0-9_-]{1,63}")),
        "name": draw(text(60)),
        "status": draw(st.sampled_from(["active", "testing", "suspended"])),
        "standard": standard,
        "version": draw(codes(r"00[3-9][0-9]{3}") if x12 else codes(r"D[0-9]{2}[A-C]")),
        "usage": draw(st.sampled_from(["T", "P"])),
        "interchange": {
            side: {"qualifier": draw(qualifier), "id": draw(envelope_id)}
            for side in ("partner", "ours")
        },
        "documents": draw(documents(X12_TRANSACTION_SETS if x12 else EDIFACT_MESSAGES)),
        "contacts": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": text(40),
                        "email": codes(r"[a-z0-9._]{1,10}@[a-z0-9]{1,10}\.[a-z]{2,4}"),
                    },
                    optional={"role": st.none() | text(20)},
                ),
                max_size=2,
            )
        ),
        "exception_owners": draw(
            st.dictionaries(codes(r"[a-z][a-z0-9_]{0,15}"), text(40), max_size=3)
        ),
    }
    if x12:
        data["group"] = {
            "partner": draw(codes(r"[A-Z0-9]{2,15}")),
            "ours": draw(text(15).filter(lambda s: len(s) >= 2)),
        }
        data["acks"] = {"functional": draw(st.sampled_from(["auto", "997", "none"]))}
    else:
        data["syntax"] = draw(st.none() | codes(r"UNO[A-Z]:[1-4]"))
        data["acks"] = {"functional": draw(st.sampled_from(["auto", "contrl", "none"]))}
        data["delimiters"] = draw(
            st.none() | st.just({"element": "+", "component": ":", "segment": "'", "release": "?"})
        )
    data["acks"]["expect_within_minutes"] = draw(st.none() | st.integers(1, 10_000))
    if draw(st.booleans()):
        data["transports"] = {
            "as2": {
                "as2_id": draw(codes(r"[!-~]([ -~]{0,20}[!-~])?")),
                "url": "https://as2.example/receive",
                "partner_certificate": draw(st.none() | text(40)),
            },
            "sftp": {
                "inbound": {
                    "account": "partner",
                    "public_keys": [ssh_key(seed=draw(st.integers(0, 255)))],
                }
            },
            "outbound": draw(st.sampled_from(["as2", "sftp", "api"])),
        }
    return PartnerProfile.model_validate(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_a_profile_reads_back_equal_from_its_yaml(profile: PartnerProfile) -> None:
    assert load_profiles_text(dump_profile(profile)) == [profile]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(profiles(), max_size=3, unique_by=lambda p: p.id))
def test_profile_lists_read_back_equal(profiles: list[PartnerProfile]) -> None:
    assert load_profiles_text(dump_profiles(profiles)) == profiles


_VALIDATOR = jsonschema.Draft202012Validator(profile_json_schema())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_what_we_write_fits_the_published_schema(profile: PartnerProfile) -> None:
    data = profile.model_dump(mode="json", exclude_defaults=True)
    assert [error.message for error in _VALIDATOR.iter_errors(data)] == []
