"""Byte-exact MIME: entities and multipart bodies as ranges of the bytes received.

The stdlib ``email`` package re-serialises what it parses (line endings, header
folding, boundaries), which changes the bytes a signature covers. Here an entity is
a :class:`~as2.content.Content` range: ``raw`` is the entity exactly as transferred
(what a multipart/signed signature and the MIC cover, RFC 1847 §2.1 / RFC 4130
§7.3.1) and ``body`` the bytes after its header block. Nothing is canonicalised: a
payload with bare LFs sent as binary is hashed as it came.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from as2.content import CHUNK, Content, SpoolOptions
from as2.errors import MalformedMessage
from as2.headers import (
    Headers,
    format_parameters,
    new_boundary,
    parse_block,
    parse_parameters,
    render,
)

MAX_HEADER_BLOCK = 64 * 1024
DEFAULT_MEDIA_TYPE = "text/plain"


@dataclass(frozen=True, slots=True)
class MimeEntity:
    """One MIME entity: its header fields and its bytes as transferred."""

    headers: Headers
    raw: Content
    """Header block, blank line and body, exactly as received (the signed bytes)."""
    body: Content
    """The bytes after the blank line, still in their Content-Transfer-Encoding."""
    media_type: str = field(init=False)
    params: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        media_type, params = parse_parameters(
            self.headers.get("Content-Type") or DEFAULT_MEDIA_TYPE
        )
        object.__setattr__(self, "media_type", media_type)
        object.__setattr__(self, "params", params)

    @property
    def transfer_encoding(self) -> str:
        return (self.headers.get("Content-Transfer-Encoding") or "binary").strip().lower()

    @property
    def filename(self) -> str | None:
        disposition = self.headers.get("Content-Disposition")
        if disposition:
            _, params = parse_parameters(disposition)
            if params.get("filename"):
                return params["filename"]
        return self.params.get("name")

    def decoded_body(self, spool: SpoolOptions | None = None) -> Content:
        """The body with its Content-Transfer-Encoding undone."""
        return decode_transfer_encoding(self.body, self.transfer_encoding, spool)


def parse_entity(raw: Content) -> MimeEntity:
    """Split a MIME entity into header fields and body (CRLF or LF line ends)."""
    head = raw.read(0, MAX_HEADER_BLOCK + 4)
    if head.startswith(b"\r\n"):
        return MimeEntity(Headers(), raw, raw.view(2))
    if head.startswith(b"\n"):
        return MimeEntity(Headers(), raw, raw.view(1))
    ends = [(i, n) for i, n in ((head.find(b"\r\n\r\n"), 4), (head.find(b"\n\n"), 2)) if i >= 0]
    if not ends:
        raise MalformedMessage("no end of the MIME header block (blank line) found")
    index, length = min(ends)
    if index > MAX_HEADER_BLOCK:
        raise MalformedMessage(f"MIME header block longer than {MAX_HEADER_BLOCK} bytes")
    headers = parse_block(head[:index])
    return MimeEntity(headers, raw, raw.view(index + length))


def entity_from_http(headers: Headers, body: Content) -> MimeEntity:
    """The outermost entity: its header fields came as HTTP headers, ``raw`` is the body."""
    return MimeEntity(headers, body, body)


def make_entity(fields: Iterable[tuple[str, str]], body: Content) -> MimeEntity:
    """An entity we build: rendered header block, CRLF, body."""
    fields = list(fields)
    raw = Content.concat([render(fields) + b"\r\n", body])
    return MimeEntity(Headers(fields), raw, raw.view(raw.size - body.size))


# -- multipart ------------------------------------------------------------------------------


def _delimiter_ok(content: Content, after: int) -> tuple[bool, bool, int]:
    """Whether a delimiter ends at ``after``: (valid, is the close delimiter, where the
    next line starts). A valid delimiter is followed by ``--``, transport padding and a
    line end, or the end of the content."""
    tail = content.read(after, after + 256)
    close = tail.startswith(b"--")
    rest = tail[2:] if close else tail
    match = re.match(rb"[ \t]*(\r?\n|$)", rest)
    if match is None:
        if close:  # a close delimiter may be followed by an epilogue without a line end
            return True, True, content.size
        return False, False, 0
    return True, close, after + (2 if close else 0) + match.end()


def split_multipart(entity: MimeEntity) -> list[MimeEntity]:
    """The body parts of a multipart entity, each a byte-exact range of ``entity.body``.

    The line end before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), so
    a part ends before it.
    """
    boundary = entity.params.get("boundary")
    if not boundary:
        raise MalformedMessage(f"{entity.media_type} without a boundary parameter")
    if len(boundary) > 200:
        raise MalformedMessage("multipart boundary longer than 200 characters")
    body = entity.body
    delimiter = b"--" + boundary.encode("latin-1")
    # the first delimiter: at the very start, or at the start of a line
    if body.startswith(delimiter) and _delimiter_ok(body, len(delimiter))[0]:
        position = 0
    else:
        position = _find_delimiter(body, delimiter, 0)
        if position < 0:
            raise MalformedMessage(f"multipart boundary {boundary!r} not found")
    parts: list[MimeEntity] = []
    while True:
        valid, close, start = _delimiter_ok(body, position + len(delimiter))
        if not valid:
            raise MalformedMessage("malformed multipart delimiter line")
        if close:
            break
        if (
            body.view(start).startswith(delimiter)
            and _delimiter_ok(body, start + len(delimiter))[0]
        ):
            end, next_position = start, start  # an empty part
        else:
            next_position = _find_delimiter(body, delimiter, start)
            if next_position < 0:
                raise MalformedMessage("multipart body without a closing delimiter")
            end = next_position - 1  # the LF before the delimiter
            if end > start and body.read(end - 1, end) == b"\r":
                end -= 1
        parts.append(parse_entity(body.view(start, max(start, end))))
        position = next_position
    if not parts:
        raise MalformedMessage("multipart body without parts")
    return parts


def _find_delimiter(body: Content, delimiter: bytes, start: int) -> int:
    """The index of the next ``delimiter`` that begins a line at or after ``start``."""
    needle = b"\n" + delimiter
    search = max(start - 1, 0)
    while True:
        index = body.find(needle, search)
        if index < 0:
            return -1
        position = index + 1
        if position >= start and _delimiter_ok(body, position + len(delimiter))[0]:
            return position
        search = index + 1


@dataclass(frozen=True, slots=True)
class SignedParts:
    """A multipart/signed entity's two parts (RFC 1847)."""

    signed: MimeEntity
    signature: bytes
    micalg: str | None


def split_signed(entity: MimeEntity) -> SignedParts:
    parts = split_multipart(entity)
    if len(parts) != 2:
        raise MalformedMessage(f"multipart/signed with {len(parts)} parts instead of 2")
    signed, signature = parts
    if signature.media_type not in {"application/pkcs7-signature", "application/x-pkcs7-signature"}:
        raise MalformedMessage(f"multipart/signed whose signature part is {signature.media_type}")
    return SignedParts(signed, signature.decoded_body().tobytes(), entity.params.get("micalg"))


def multipart_signed(signed_raw: Content, signature: bytes, micalg: str) -> tuple[str, Content]:
    """Content-Type and body of a multipart/signed (RFC 1847) around ``signed_raw``,
    which is joined, not copied; the signature part is base64."""
    boundary = new_boundary()
    content_type = format_parameters(
        "multipart/signed",
        [("protocol", "application/pkcs7-signature"), ("micalg", micalg), ("boundary", boundary)],
    )
    signature_part = b"".join(
        [
            f"\r\n--{boundary}\r\n".encode(),
            render(
                [
                    ("Content-Type", 'application/pkcs7-signature; name="smime.p7s"'),
                    ("Content-Transfer-Encoding", "base64"),
                    ("Content-Disposition", 'attachment; filename="smime.p7s"'),
                ]
            ),
            b"\r\n",
            encode_base64_lines(signature),
            f"--{boundary}--\r\n".encode(),
        ]
    )
    return content_type, Content.concat([f"--{boundary}\r\n".encode(), signed_raw, signature_part])


# -- transfer encodings -----------------------------------------------------------------------


def decode_transfer_encoding(
    body: Content, encoding: str, spool: SpoolOptions | None = None
) -> Content:
    """Undo a Content-Transfer-Encoding; binary, 7bit and 8bit are returned as they are."""
    encoding = encoding.strip().lower()
    if encoding in {"", "binary", "7bit", "8bit"}:
        return body
    if encoding == "base64":
        return decode_base64(body, spool)
    if encoding == "quoted-printable":
        return Content.of(binascii.a2b_qp(body.tobytes()))
    raise MalformedMessage(f"unknown Content-Transfer-Encoding {encoding!r}")


_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]")


def decode_base64(body: Content, spool: SpoolOptions | None = None) -> Content:
    """Streamed base64 decoding; line breaks and other white space are ignored."""
    out = (spool or SpoolOptions()).spool()
    carry = b""
    try:
        for chunk in body.chunks(CHUNK):
            data = carry + _NOT_BASE64.sub(b"", chunk)
            usable = len(data) - len(data) % 4
            carry = data[usable:]
            if usable:
                out.write(base64.b64decode(data[:usable], validate=True))
        if carry.strip(b"="):
            raise MalformedMessage("base64 body ends in the middle of a quantum")
    except binascii.Error as exc:
        out.discard()
        raise MalformedMessage(f"bad base64: {exc}") from exc
    return out.finish()


def encode_base64_lines(data: bytes, width: int = 76) -> bytes:
    """Base64 in CRLF-terminated lines of ``width`` characters (RFC 2045 §6.8)."""
    text = base64.b64encode(data)
    return b"".join(text[i : i + width] + b"\r\n" for i in range(0, len(text), width))


def looks_like_base64(content: Content) -> bool:
    """A DER body starts with 0x30; a base64 one with printable base64 characters."""
    head = content.read(0, 64)
    return bool(re.fullmatch(rb"[A-Za-z0-9+/=\s]+", head)) and head[0] != 0x30
