from __future__ import annotations

import base64

import pytest

from as2.content import Content
from as2.errors import MalformedMessage
from as2.mime import (
    decode_base64,
    encode_base64_lines,
    parse_entity,
    split_multipart,
    split_signed,
)


def test_entity_keeps_raw_bytes_and_splits_headers() -> None:
    raw = (
        b"Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        b"ISA*00\nGS*\n"
    )
    entity = parse_entity(Content.of(raw))
    assert entity.media_type == "application/edi-x12"
    assert entity.raw.tobytes() == raw
    assert entity.body.tobytes() == b"ISA*00\nGS*\n"  # bare LFs untouched


def test_entity_with_lf_only_headers_and_without_headers() -> None:
    entity = parse_entity(Content.of(b"Content-Type: text/plain\n\nbody\r\n"))
    assert entity.media_type == "text/plain" and entity.body.tobytes() == b"body\r\n"
    bare = parse_entity(Content.of(b"\r\nbody"))
    assert len(bare.headers) == 0 and bare.body.tobytes() == b"body"
    with pytest.raises(MalformedMessage):
        parse_entity(Content.of(b"Content-Type: text/plain\r\nno blank line"))


SIGNED_PART = (
    b"Content-Type: application/edi-x12\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"SVNBKjAwKi4uLn4K\r\n"
    b"R1MqLi4ufgo=\r\n"  # ends with a CRLF that belongs to the content
)


def _multipart_signed(part: bytes, eol: bytes = b"\r\n") -> tuple[Content, str]:
    boundary = "----=_Part_0_1.2"
    body = (
        b"This is a preamble"
        + eol
        + b"--"
        + boundary.encode()
        + b"   "
        + eol  # transport padding after a delimiter
        + part
        + eol
        + b"--"
        + boundary.encode()
        + eol
        + b"Content-Type: application/pkcs7-signature"
        + eol
        + b"Content-Transfer-Encoding: base64"
        + eol
        + eol
        + base64.b64encode(b"\x30\x03\x02\x01\x01")
        + eol
        + b"--"
        + boundary.encode()
        + b"--"
        + eol
        + b"epilogue --"
        + boundary.encode().upper()
        + eol
    )
    header = (
        f'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; '
        f'micalg=sha-256; boundary="{boundary}"'
    ).encode()
    return Content.of(header + eol + eol + body), boundary


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"])
def test_multipart_signed_first_part_is_exact(eol: bytes) -> None:
    raw, _ = _multipart_signed(SIGNED_PART, eol)
    parts = split_signed(parse_entity(raw))
    assert parts.signed.raw.tobytes() == SIGNED_PART  # not decoded, not re-encoded
    assert parts.signature == b"\x30\x03\x02\x01\x01"
    assert parts.micalg == "sha-256"
    assert parts.signed.decoded_body().tobytes() == b"ISA*00*...~\nGS*...~\n"


def test_a_line_that_only_starts_like_the_boundary_is_content() -> None:
    part = b"Content-Type: text/plain\r\n\r\n------=_Part_0_1.2X is not a delimiter\r\n"
    raw, _ = _multipart_signed(part)
    assert split_signed(parse_entity(raw)).signed.raw.tobytes() == part


def test_multipart_errors() -> None:
    with pytest.raises(MalformedMessage, match="boundary"):
        split_multipart(parse_entity(Content.of(b"Content-Type: multipart/mixed\r\n\r\n")))
    with pytest.raises(MalformedMessage):
        split_multipart(
            parse_entity(Content.of(b"Content-Type: multipart/mixed; boundary=b\r\n\r\nnone"))
        )
    unclosed = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX: 1\r\n\r\nbody"
    with pytest.raises(MalformedMessage, match="closing"):
        split_multipart(parse_entity(Content.of(unclosed)))
    one_part = (
        b"Content-Type: multipart/signed; boundary=b\r\n\r\n--b\r\nX: 1\r\n\r\nbody\r\n--b--\r\n"
    )
    with pytest.raises(MalformedMessage, match="1 parts"):
        split_signed(parse_entity(Content.of(one_part)))


def test_base64_streaming_matches_one_shot() -> None:
    data = bytes(range(256)) * 5000
    encoded = Content.of(encode_base64_lines(data))
    assert decode_base64(encoded).tobytes() == data
    with pytest.raises(MalformedMessage):
        decode_base64(Content.of(b"QUJD\r\nR"))
