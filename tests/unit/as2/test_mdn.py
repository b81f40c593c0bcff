from __future__ import annotations

import dataclasses

import pytest

from as2 import Digest, Disposition, Mic, build_mdn, check_mdn, is_mdn, read_mdn, receive
from as2.content import Content
from as2.errors import (
    DecryptionFailed,
    MdnAuthenticationFailed,
    MdnMalformed,
    MdnUnsigned,
    MdnWrongMessage,
    MicMismatch,
    NegativeDisposition,
)
from as2.mime import parse_entity, split_multipart, split_signed
from tests.unit.as2 import messages as m
from tests.unit.as2.pki import Pki

PAYLOAD = b"UNA:+.? 'UNB+UNOC:3+PARTNER+CROSSDOCK'\n"


def _received(pki: Pki, **kw):
    content_type, body = m.signed(m.entity(PAYLOAD), pki.partner)
    headers = m.headers(content_type, **kw)
    return receive(
        headers,
        body,
        local=pki.local(),
        find_partner=lambda _: pki.policy(require_encryption=False),
    )


def test_signed_mdn_round_trip(pki: Pki) -> None:
    result = _received(pki)
    mdn = build_mdn(result)
    assert mdn.signed and mdn.disposition == Disposition.processed()
    fields = dict(mdn.headers)
    assert fields["AS2-From"] == "CROSSDOCK" and fields["AS2-To"] == "PARTNER"
    assert fields["Content-Type"].startswith("multipart/signed")
    assert "micalg=sha-256" in fields["Content-Type"]
    assert is_mdn(mdn.headers, mdn.body)
    # the partner reads it with its view of us
    receipt = read_mdn(mdn.headers, mdn.body, partner=pki.our_policy())
    assert receipt.signed and receipt.signer == pki.ours.certificate
    assert receipt.original_message_id == "msg-1@partner.example"
    assert receipt.mic is not None and result.mic is not None and receipt.mic.matches(result.mic)
    assert receipt.disposition == Disposition.processed()
    check_mdn(
        receipt, message_id="<msg-1@partner.example>", expected_mic=result.mic, require_signed=True
    )


def test_unsigned_mdn_when_not_asked_for_a_signed_one(pki: Pki) -> None:
    result = _received(pki, options=None)
    mdn = build_mdn(result)
    assert not mdn.signed
    assert dict(mdn.headers)["Content-Type"].startswith("multipart/report")
    receipt = read_mdn(mdn.headers, mdn.body, partner=pki.our_policy())
    assert not receipt.signed
    # no micalg named: the MIC uses the signature's digest (and is still returned)
    assert receipt.mic is not None and receipt.mic.digest is Digest.SHA256
    with pytest.raises(MdnUnsigned):
        check_mdn(
            receipt,
            message_id="msg-1@partner.example",
            expected_mic=result.mic,
            require_signed=True,
        )


def test_error_dispositions_fall_out_of_the_error(pki: Pki) -> None:
    content_type, body = m.encrypted(m.entity(PAYLOAD), pki.stranger.certificate)
    result = receive(
        m.headers(content_type), body, local=pki.local(), find_partner=lambda _: pki.policy()
    )
    assert isinstance(result.error, DecryptionFailed)
    mdn = build_mdn(result)
    receipt = read_mdn(mdn.headers, mdn.body, partner=pki.our_policy())
    assert str(receipt.disposition) == (
        "automatic-action/MDN-sent-automatically; processed/error: decryption-failed"
    )
    assert receipt.mic is None
    assert "could not be processed" in receipt.explanation
    with pytest.raises(NegativeDisposition) as caught:
        check_mdn(
            receipt, message_id="msg-1@partner.example", expected_mic=None, require_signed=True
        )
    assert caught.value.receipt is receipt


def test_duplicate_is_a_warning_that_still_counts_as_delivered(pki: Pki) -> None:
    result = _received(pki)
    mdn = build_mdn(result, duplicate=True)
    receipt = read_mdn(mdn.headers, mdn.body, partner=pki.our_policy())
    assert receipt.disposition == Disposition.duplicate()
    assert receipt.disposition.is_warning and not receipt.disposition.is_error
    check_mdn(
        receipt, message_id="msg-1@partner.example", expected_mic=result.mic, require_signed=True
    )


def test_injected_message_id_does_not_reach_the_mdn(pki: Pki) -> None:
    result = _received(pki, message_id="<x@y>\r\nX-Injected: 1", sender="PARTNER")
    mdn = build_mdn(result)
    for _name, value in mdn.headers:
        assert "\r" not in value and "\n" not in value
    assert b"\nX-Injected" not in mdn.body


def test_mic_mismatch_and_wrong_message(pki: Pki) -> None:
    result = _received(pki)
    mdn = build_mdn(result)
    receipt = read_mdn(mdn.headers, mdn.body, partner=pki.our_policy())
    assert result.mic is not None
    other = Mic(result.mic.digest, bytes(len(result.mic.value)))
    with pytest.raises(MicMismatch):
        check_mdn(
            receipt, message_id="msg-1@partner.example", expected_mic=other, require_signed=True
        )
    with pytest.raises(MicMismatch):
        check_mdn(
            dataclasses.replace(receipt, mic=None),
            message_id="msg-1@partner.example",
            expected_mic=result.mic,
            require_signed=True,
        )
    with pytest.raises(MdnWrongMessage):
        check_mdn(receipt, message_id="other@x", expected_mic=result.mic, require_signed=True)


def test_mdn_signed_by_someone_else(pki: Pki) -> None:
    mdn = build_mdn(_received(pki))
    with pytest.raises(MdnAuthenticationFailed):
        read_mdn(mdn.headers, mdn.body, partner=pki.policy())  # expects the partner's cert


def test_tampered_mdn(pki: Pki) -> None:
    mdn = build_mdn(_received(pki))
    tampered = mdn.body.replace(b"; processed", b"; processeD")
    with pytest.raises(MdnAuthenticationFailed):  # IntegrityCheckFailed is reported as one
        read_mdn(mdn.headers, tampered, partner=pki.our_policy())


def test_not_an_mdn() -> None:
    assert not is_mdn({"Content-Type": "application/edi-x12"}, b"ISA")
    with pytest.raises(MdnMalformed):
        read_mdn({"Content-Type": "text/plain"}, b"hello", partner=None)  # type: ignore[arg-type]


def test_report_structure(pki: Pki) -> None:
    mdn = build_mdn(_received(pki))
    entity = parse_entity(
        Content.of(f"Content-Type: {dict(mdn.headers)['Content-Type']}\r\n\r\n".encode() + mdn.body)
    )
    report = split_signed(entity).signed
    assert report.media_type == "multipart/report"
    assert report.params["report-type"] == "disposition-notification"
    text, notification = split_multipart(report)
    assert text.media_type == "text/plain"
    body = notification.body.tobytes()
    assert b"Original-Recipient: rfc822; CROSSDOCK\r\n" in body
    assert b"Final-Recipient: rfc822; CROSSDOCK\r\n" in body
    assert b"Original-Message-ID: <msg-1@partner.example>\r\n" in body
    assert b"Received-Content-MIC: " in body and b", sha-256\r\n" in body


@pytest.mark.parametrize(
    ("text", "kind", "modifier", "error"),
    [
        ("automatic-action/MDN-sent-automatically; processed", None, None, False),
        (
            "Automatic-Action/MDN-Sent-Automatically; Processed/Warning: duplicate-document",
            "warning",
            "duplicate-document",
            False,
        ),
        (
            "automatic-action/MDN-sent-automatically;processed/error:authentication-failed",
            "error",
            "authentication-failed",
            True,
        ),
        (
            "automatic-action/MDN-sent-automatically; failed/Failure: unsupported format",
            "failure",
            "unsupported format",
            True,
        ),
        ("processed/Error: decryption-failed", "error", "decryption-failed", True),
    ],
)
def test_disposition_parsing(
    text: str, kind: str | None, modifier: str | None, error: bool
) -> None:
    disposition = Disposition.parse(text)
    assert disposition.kind == kind and disposition.modifier == modifier
    assert disposition.is_error is error


def test_mic_text() -> None:
    mic = Mic.parse(" x2qVhXhXxTq3ug3ipPw8Y+5Sf2OL3f3A4S0iuGHJ0Ho=, SHA256 ")
    assert mic is not None and mic.digest is Digest.SHA256
    assert str(mic) == "x2qVhXhXxTq3ug3ipPw8Y+5Sf2OL3f3A4S0iuGHJ0Ho=, sha-256"
    assert Mic.parse("no comma") is None and Mic.parse("!!!, sha1") is None
    assert Mic.parse("AAAA, md5") is None
