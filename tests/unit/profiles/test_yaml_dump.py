"""Profiles written to YAML read back equal, reviewable, and as people type them."""

from __future__ import annotations

import textwrap

import pytest

from gateway.profiles import PartnerProfile, dump_profile, dump_profiles, load_profiles_text
from tests.unit.profiles.builders import (
    MINIMAL_EDIFACT,
    MINIMAL_X12,
    X12_YAML,
    problems,
    ssh_key,
    with_changes,
)


def test_unquoted_numbers_stay_the_text_as_written() -> None:
    text = textwrap.dedent(
        """\
        id: 0042
        name: NO
        standard: x12
        version: 004010
        interchange:
          partner: {qualifier: 01, id: 000123}
          ours: {qualifier: ZZ, id: 1e5}
        group: {partner: 0012, ours: 2026-01-01}
        delimiters: {element: "*", component: ">", segment: ~}
        documents:
          - {direction: inbound, transaction_set: 850, map: ~}
        acks: {functional: 997, expect_within_minutes: 010}
        duplicates: {window_days: 1_000}
        """
    )
    [profile] = load_profiles_text(text)
    assert profile.id == "0042" and profile.name == "NO" and profile.version == "004010"
    assert profile.sender_key() == ("x12", "01", "000123")
    assert profile.receiver_key() == ("x12", "ZZ", "1e5")
    assert profile.group is not None and profile.group.partner == "0012"
    assert profile.group.ours == "2026-01-01"
    assert profile.delimiters is not None and profile.delimiters.segment == "~"
    assert profile.documents[0].transaction_set == "850" and profile.documents[0].map is None
    assert profile.acks.functional == "997" and profile.acks.expect_within_minutes == 10
    assert profile.duplicates.window_days == 1000
    dumped = dump_profile(profile)
    assert "qualifier: '01'" in dumped and "version: '004010'" in dumped
    assert "name: 'NO'" in dumped and 'segment: "~"' in dumped
    assert load_profiles_text(dumped) == [profile]


@pytest.mark.parametrize("written", ["0x10", "1:30", "0o10", "1e3"])
def test_integers_are_decimal_digits(written: str) -> None:
    [problem] = problems(X12_YAML + f"duplicates:\n  window_days: {written}\n")
    assert (problem.line, problem.field) == (10, "duplicates.window_days")
    assert "valid integer" in problem.message


def full_profile() -> PartnerProfile:
    """A profile where every section differs from its defaults."""
    pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
    data = with_changes(
        MINIMAL_X12,
        {
            "status": "testing",
            "version": "005010",
            "usage": "T",
            "delimiters": {"element": "*", "component": ":", "segment": "'", "repetition": "^"},
            "documents": [
                {"direction": "outbound", "transaction_set": "850"},
                {"direction": "inbound", "transaction_set": "856", "map": "acme_856_pack"},
            ],
            "acks": {"functional": "999", "ta1": "always", "expect_within_minutes": None},
            "validation": {"unsupported_sets": "reject", "max_set_segments": 5000},
            "duplicates": {"window_days": 7, "acknowledge": False},
            "transports": {
                "as2": {
                    "as2_id": "ACME AS2",
                    "url": "https://as2.acme.example/receive",
                    "partner_certificate": pem,
                    "signing_algorithm": "sha512",
                    "encryption_algorithm": "aes128_gcm",
                    "mdn_mode": "async",
                    "mdn_url": "https://edi.us.example/mdn",
                    "mdn_signed": False,
                },
                "sftp": {
                    "inbound": {"account": "acme", "public_keys": [ssh_key(), ssh_key("ssh-rsa")]},
                    "remote": {
                        "host": "sftp.acme.example",
                        "port": 2222,
                        "username": "crossdock",
                        "host_key": ssh_key("ecdsa-sha2-nistp256", comment=""),
                        "credentials": "file:/run/secrets/acme",
                        "poll_path": "/out",
                        "push_path": "/in",
                        "poll_interval_seconds": 60,
                    },
                },
                "api": {"enabled": False},
                "outbound": "as2",
            },
            "contacts": [{"name": "Dana Whitfield", "email": "dana@acme.example", "role": "EDI"}],
            "exception_owners": {"procurement": "buyers@us.example", "finance": "ap@us.example"},
        },
    )
    return PartnerProfile.model_validate(data)


def test_a_full_profile_round_trips() -> None:
    profile = full_profile()
    text = dump_profile(profile)
    assert load_profiles_text(text) == [profile]
    assert "partner_certificate: |\n      -----BEGIN CERTIFICATE-----\n" in text
    assert "&" not in text and "*id" not in text  # no anchors or aliases


def test_dumps_leave_defaults_out_and_keep_field_order() -> None:
    text = dump_profile(PartnerProfile.model_validate(MINIMAL_X12))
    assert text == textwrap.dedent(
        """\
        id: acme
        name: Acme Industrial Supply
        standard: x12
        version: '004010'
        interchange:
          partner:
            qualifier: '01'
            id: '123456789'
          ours:
            qualifier: ZZ
            id: CROSSDOCK
        group:
          partner: ACME
          ours: CROSSDOCK
        """
    )


def test_dump_profiles_reads_back_equal() -> None:
    profiles = [
        full_profile(),
        PartnerProfile.model_validate(MINIMAL_EDIFACT),
        PartnerProfile.model_validate(with_changes(MINIMAL_X12, {"id": "acme-2"})),
    ]
    assert load_profiles_text(dump_profiles(profiles)) == profiles


def test_control_character_delimiters_round_trip() -> None:
    delimiters = {"element": "\x1d", "component": "\x1f", "segment": "\n", "repetition": "\x1e"}
    profile = PartnerProfile.model_validate(with_changes(MINIMAL_X12, {"delimiters": delimiters}))
    text = dump_profile(profile)
    assert 'element: "\\x1D"' in text and 'segment: "\\n"' in text
    assert load_profiles_text(text) == [profile]
