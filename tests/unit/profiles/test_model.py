"""The profile model: minimal profiles are valid, and each rule names the field it is about."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.profiles import (
    As2Transport,
    DocumentRule,
    EnvelopeId,
    PartnerProfile,
    Problem,
    ProfileError,
)
from tests.unit.profiles.builders import (
    MINIMAL_EDIFACT,
    MINIMAL_X12,
    problems_of,
    ssh_key,
    with_changes,
)


def test_minimal_x12_profile_takes_the_defaults() -> None:
    profile = PartnerProfile.model_validate(MINIMAL_X12)
    assert profile.status == "active" and profile.usage == "P"
    assert profile.acks.functional == "auto" and profile.acks.expect_within_minutes == 60
    assert profile.duplicates.window_days == 30 and profile.duplicates.acknowledge
    assert profile.validation.unsupported_sets == "envelope_only"
    assert profile.transports.api.enabled and profile.transports.outbound is None
    assert profile.documents == [] and profile.exception_owners == {}


def test_minimal_edifact_profile_needs_no_group_nor_qualifier() -> None:
    profile = PartnerProfile.model_validate(MINIMAL_EDIFACT)
    assert profile.group is None and profile.interchange.ours.qualifier is None


def test_envelope_ids_and_names_are_stripped() -> None:
    data = with_changes(
        MINIMAL_X12, {"interchange.partner.id": "123456789      ", "name": "  Acme  "}
    )
    profile = PartnerProfile.model_validate(data)
    assert profile.interchange.partner.id == "123456789" and profile.name == "Acme"


def test_profiles_are_frozen() -> None:
    profile = PartnerProfile.model_validate(MINIMAL_X12)
    with pytest.raises(ValidationError):
        profile.name = "Other"


def test_sender_and_receiver_keys_identify_the_envelope() -> None:
    x12 = PartnerProfile.model_validate(MINIMAL_X12)
    assert x12.sender_key() == ("x12", "01", "123456789")
    assert x12.receiver_key() == ("x12", "ZZ", "CROSSDOCK")
    edifact = PartnerProfile.model_validate(MINIMAL_EDIFACT)
    assert edifact.receiver_key() == ("edifact", "", "CROSSDOCK")


def test_exchanges_answers_per_direction_and_set() -> None:
    data = with_changes(
        MINIMAL_X12,
        {"documents": [{"direction": "inbound", "transaction_set": "856", "map": "acme_856"}]},
    )
    profile = PartnerProfile.model_validate(data)
    assert profile.exchanges("inbound", "856")
    assert not profile.exchanges("outbound", "856") and not profile.exchanges("inbound", "850")
    assert profile.documents == [
        DocumentRule(direction="inbound", transaction_set="856", map="acme_856")
    ]


AS2 = {"as2_id": "ACME AS2", "url": "https://as2.acme.example/as2", "partner_certificate": None}
REMOTE = {
    "host": "sftp.acme.example",
    "username": "crossdock",
    "host_key": ssh_key("ssh-rsa"),
    "credentials": "env:ACME_SFTP_KEY",
}

X12_RULES: list[tuple[dict[str, Any], str, str]] = [
    ({"version": "D96A"}, "version", "004010"),
    ({"version": "4010"}, "version", "pattern"),
    ({"syntax": "UNOA:3"}, "syntax", "EDIFACT"),
    ({"interchange.partner.qualifier": ...}, "interchange.partner.qualifier", "two-character"),
    ({"interchange.ours.qualifier": "ZZZ"}, "interchange.ours.qualifier", "two-character"),
    ({"interchange.partner.id": "A" * 16}, "interchange.partner.id", "15"),
    ({"group": ...}, "group", "GS02/GS03"),
    ({"group.partner": "A"}, "group.partner", "2 to 15"),
    ({"group.ours": "B" * 16}, "group.ours", "2 to 15"),
    ({"delimiters": {"element": "*", "component": ">", "segment": "~", "release": "?"}},
     "delimiters.release", "X12 has no"),
    ({"delimiters": {"element": "*", "component": ">", "segment": "~", "decimal": "."}},
     "delimiters.decimal", "X12 has no"),
    ({"acks.functional": "contrl"}, "acks.functional", "EDIFACT"),
    ({"acks.functional": "999"}, "acks.functional", "005010"),
    ({"documents": [{"direction": "inbound", "transaction_set": "ORDERS"}]},
     "documents[0].transaction_set", "not x12"),
    ({"documents": [{"direction": "inbound", "transaction_set": "850"},
                    {"direction": "outbound", "transaction_set": "850"},
                    {"direction": "inbound", "transaction_set": "850", "map": "other"}]},
     "documents[2]", "already listed at documents[0]"),
]  # fmt: skip

EDIFACT_RULES: list[tuple[dict[str, Any], str, str]] = [
    ({"version": "004010"}, "version", "D96A"),
    ({"syntax": "UNOC"}, "syntax", "pattern"),
    ({"acks.functional": "997"}, "acks.functional", "CONTRL"),
    ({"acks.functional": "999"}, "acks.functional", "CONTRL"),
    ({"documents": [{"direction": "inbound", "transaction_set": "856"}]},
     "documents[0].transaction_set", "not edifact"),
    ({"interchange.partner.id": "4" * 36}, "interchange.partner.id", "35"),
    ({"interchange.partner.qualifier": "ABCDE"}, "interchange.partner.qualifier", "4"),
    ({"group": {"partner": "", "ours": "X"}}, "group.partner", "at least 1"),
]  # fmt: skip

COMMON_RULES: list[tuple[dict[str, Any], str, str]] = [
    ({"id": "Acme"}, "id", "pattern"),
    ({"name": "Acme\nSupply"}, "name", "line breaks"),
    ({"status": "paused"}, "status", "'active'"),
    ({"delimiters": {"element": "*", "component": "*", "segment": "~"}},
     "delimiters.component", "already the element"),
    ({"delimiters": {"element": "A", "component": ">", "segment": "~"}},
     "delimiters.element", "letter"),
    ({"delimiters": {"element": "**", "component": ">", "segment": "~"}},
     "delimiters.element", "at most 1"),
    ({"documents": [{"direction": "inbound", "transaction_set": "846"}]},
     "documents[0].transaction_set", "unknown transaction set"),
    ({"acks.expect_within_minutes": 0}, "acks.expect_within_minutes", "greater than 0"),
    ({"acks.ta1": "sometimes"}, "acks.ta1", "'auto'"),
    ({"acks.functionnal": "997"}, "acks.functionnal", "Extra inputs"),
    ({"validation.max_set_segments": 0}, "validation.max_set_segments", "greater than 0"),
    ({"duplicates.window_days": -1}, "duplicates.window_days", "greater than 0"),
    ({"contacts": [{"name": "Dana", "email": "dana at acme"}]}, "contacts[0].email", "pattern"),
    ({"exception_owners": {"Procurement": "buyers@example.com"}},
     "exception_owners.Procurement", "pattern"),
    ({"transports.outbound": "as2"}, "transports.outbound", "not configured"),
    ({"transports.outbound": "api", "transports.api": {"enabled": False}},
     "transports.outbound", "not configured"),
    ({"transports.as2": {**AS2, "mdn_mode": "async"}}, "transports.as2.mdn_url", "async"),
    ({"transports.as2": {**AS2, "url": "ftp://as2.acme.example"}}, "transports.as2.url", "https"),
    ({"transports.as2": {**AS2, "as2_id": "A" * 129}}, "transports.as2.as2_id", "pattern"),
    ({"transports.as2": {k: v for k, v in AS2.items() if k != "partner_certificate"}},
     "transports.as2.partner_certificate", "required"),
    ({"transports.as2": {**AS2, "partner_certificate": "-----BEGIN PRIVATE KEY-----\nx\n"}},
     "transports.as2.partner_certificate", "private key"),
    ({"transports.as2": {**AS2, "encryption_algorithm": "des_cbc"}},
     "transports.as2.encryption_algorithm", "aes256_cbc"),
    ({"transports.sftp": {}}, "transports.sftp", "inbound account"),
    ({"transports.sftp": {"inbound": {"account": "acme", "public_keys": []}}},
     "transports.sftp.inbound.public_keys", "at least 1"),
    ({"transports.sftp": {"inbound": {"account": "acme", "public_keys": ["ssh-ed25519 !!"]}}},
     "transports.sftp.inbound.public_keys[0]", "base64"),
    ({"transports.sftp": {"inbound": {"account": "acme",
                                      "public_keys": [ssh_key("ssh-ed25519").replace(
                                          "ssh-ed25519", "ssh-rsa", 1)]}}},
     "transports.sftp.inbound.public_keys[0]", "ssh-ed25519 key, not ssh-rsa"),
    ({"transports.sftp": {"inbound": {"account": "-acme", "public_keys": [ssh_key()]}}},
     "transports.sftp.inbound.account", "pattern"),
    ({"transports.sftp": {"remote": {**REMOTE, "credentials": "hunter2"}}},
     "transports.sftp.remote.credentials", "never a literal password"),
    ({"transports.sftp": {"remote": {k: v for k, v in REMOTE.items() if k != "host_key"}}},
     "transports.sftp.remote.host_key", "required"),
    ({"transports.sftp": {"remote": {**REMOTE, "host": "sftp://sftp.acme.example"}}},
     "transports.sftp.remote.host", "pattern"),
    ({"transports.sftp": {"remote": {**REMOTE, "port": 70000}}},
     "transports.sftp.remote.port", "65535"),
]  # fmt: skip


def _ids(rules: list[tuple[dict[str, Any], str, str]]) -> list[str]:
    return [field for _, field, _ in rules]


@pytest.mark.parametrize(("changes", "field", "words"), X12_RULES, ids=_ids(X12_RULES))
def test_x12_rules_name_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    problems = problems_of(with_changes(MINIMAL_X12, changes))
    assert field in problems, problems
    assert words in problems[field]


@pytest.mark.parametrize(("changes", "field", "words"), EDIFACT_RULES, ids=_ids(EDIFACT_RULES))
def test_edifact_rules_name_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    problems = problems_of(with_changes(MINIMAL_EDIFACT, changes))
    assert field in problems, problems
    assert words in problems[field]


@pytest.mark.parametrize(("changes", "field", "words"), COMMON_RULES, ids=_ids(COMMON_RULES))
def test_common_rules_name_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    problems = problems_of(with_changes(MINIMAL_X12, changes))
    assert field in problems, problems
    assert words in problems[field]


def test_999_is_fine_from_005010_on() -> None:
    data = with_changes(MINIMAL_X12, {"version": "005010", "acks.functional": "999"})
    assert problems_of(data) == {}


def test_edifact_may_use_release_decimal_and_repetition() -> None:
    delimiters = {"element": "+", "component": ":", "segment": "'", "release": "?",
                  "decimal": ",", "repetition": "*"}  # fmt: skip
    assert problems_of(with_changes(MINIMAL_EDIFACT, {"delimiters": delimiters})) == {}


def test_a_bad_section_does_not_hide_the_rules_of_the_others() -> None:
    data = with_changes(
        MINIMAL_X12,
        {
            "delimiters": {"element": "*", "component": "*", "segment": "~"},
            "acks.functional": "contrl",
            "interchange.partner.id": "A" * 16,
            "group": ...,
        },
    )
    assert set(problems_of(data)) == {
        "delimiters.component",
        "acks.functional",
        "interchange.partner.id",
        "group",
    }


def test_transports_accept_every_channel() -> None:
    data = with_changes(
        MINIMAL_X12,
        {
            "transports.as2": {**AS2, "mdn_mode": "async", "mdn_url": "https://us.example/mdn"},
            "transports.sftp": {
                "inbound": {"account": "acme_edi", "public_keys": [ssh_key(), ssh_key("ssh-rsa")]},
                "remote": {**REMOTE, "credentials": "file:/run/secrets/acme_sftp_key"},
            },
            "transports.outbound": "sftp",
        },
    )
    assert problems_of(data) == {}


def test_certificate_pem_text_is_kept_with_one_final_newline() -> None:
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n\n"
    transport = As2Transport(as2_id="ACME", url="https://a.example", partner_certificate=pem)
    assert transport.partner_certificate == pem.rstrip("\n") + "\n"
    path = As2Transport(as2_id="ACME", url="https://a.example", partner_certificate=" a.pem ")
    assert path.partner_certificate == "a.pem"


def test_envelope_id_can_be_built_directly() -> None:
    assert EnvelopeId(id=" ACME ").id == "ACME"


def test_profile_error_lists_every_problem_one_per_line() -> None:
    error = ProfileError(
        [
            Problem("partners/acme.yaml", 7, "acks.functional", "CONTRL is EDIFACT's"),
            Problem(None, 3, "", "not valid YAML"),
            Problem("api", None, "id", "does not match"),
        ]
    )
    assert error.code == "partners.invalid" and not error.retryable
    assert str(error).splitlines() == [
        "partners/acme.yaml:7: acks.functional: CONTRL is EDIFACT's",
        "<text>:3: not valid YAML",
        "api: id: does not match",
    ]
