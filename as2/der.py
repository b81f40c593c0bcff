"""A minimal BER/DER walker over :class:`~as2.content.Content`, for the big parts of CMS.

asn1crypto parses a whole structure in memory and copies every value it touches; an
EnvelopedData or CompressedData of 100 MB would be copied several times. This module
walks tag-length-value headers only, so the big OCTET STRING (the encrypted or
compressed content, possibly BER-chunked with indefinite lengths as OpenSSL streams
it) is read chunk by chunk; the small parts around it (RecipientInfos, algorithm
identifiers) are handed to asn1crypto as bytes. It also writes DER headers for the
structures we stream out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from as2.content import Content
from as2.errors import MalformedMessage

SEQUENCE = 0x30
SET = 0x31
OCTET_STRING = 0x04
OID = 0x06
INTEGER = 0x02
MAX_DEPTH = 48
SMALL = 1 << 16


@dataclass(frozen=True, slots=True)
class Tlv:
    """One element: its identifier octet and where its parts are in the content."""

    tag: int
    start: int
    value_start: int
    value_end: int
    end: int

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)


class Reader:
    """Reads elements of one content; remembers each element it has measured, so the
    end of an indefinite-length element is found by one walk, not one per level."""

    __slots__ = ("_cache", "_data", "content")

    def __init__(self, content: Content) -> None:
        self.content = content
        self._cache: dict[int, Tlv] = {}
        # small structures are read from one bytes object: slicing beats Content.read
        self._data: bytes | None = content.tobytes() if content.size <= SMALL else None

    def _read(self, start: int, end: int) -> bytes:
        if self._data is not None:
            return self._data[start:end]
        return self.content.read(start, end)

    def tlv(self, offset: int = 0, limit: int | None = None, depth: int = 0) -> Tlv:
        """The element starting at ``offset`` (which must end by ``limit``)."""
        cached = self._cache.get(offset)
        limit = self.content.size if limit is None else limit
        if cached is not None and cached.end <= limit:
            return cached
        if depth > MAX_DEPTH:
            raise MalformedMessage("ASN.1 nested too deeply")
        head = self._read(offset, min(offset + 10, limit))
        if len(head) < 2:
            raise MalformedMessage(f"ASN.1 element cut short at offset {offset}")
        tag, first = head[0], head[1]
        if tag & 0x1F == 0x1F:
            raise MalformedMessage("ASN.1 high tag numbers are not used by CMS")
        if first == 0x80:
            if not tag & 0x20:
                raise MalformedMessage("indefinite length on a primitive ASN.1 element")
            position = offset + 2
            while True:
                child = self.tlv(position, limit, depth + 1)
                if child.tag == 0 and child.value_start == child.end:
                    found = Tlv(tag, offset, offset + 2, position, child.end)
                    break
                position = child.end
        else:
            if first < 0x80:
                size, length = 2, first
            else:
                count = first & 0x7F
                if count > 8 or 2 + count > len(head):
                    raise MalformedMessage(f"bad ASN.1 length at offset {offset}")
                size, length = 2 + count, int.from_bytes(head[2 : 2 + count], "big")
            end = offset + size + length
            if end > limit:
                raise MalformedMessage(f"ASN.1 element at offset {offset} runs past its container")
            found = Tlv(tag, offset, offset + size, end, end)
        self._cache[offset] = found
        return found

    def children(self, parent: Tlv) -> list[Tlv]:
        """The elements inside a constructed element (end-of-contents excluded)."""
        if not parent.constructed:
            raise MalformedMessage("expected a constructed ASN.1 element")
        found: list[Tlv] = []
        position = parent.value_start
        while position < parent.value_end:
            child = self.tlv(position, parent.value_end)
            found.append(child)
            position = child.end
        return found

    def octet_chunks(self, tlv: Tlv, depth: int = 0) -> Iterator[Content]:
        """The value of an OCTET STRING (any tag), primitive or BER-constructed, in pieces."""
        if not tlv.constructed:
            yield self.content.view(tlv.value_start, tlv.value_end)
            return
        if depth > MAX_DEPTH:
            raise MalformedMessage("constructed OCTET STRING nested too deeply")
        for child in self.children(tlv):
            if child.tag not in (OCTET_STRING, OCTET_STRING | 0x20):
                raise MalformedMessage(f"constructed OCTET STRING holds tag 0x{child.tag:02x}")
            yield from self.octet_chunks(child, depth + 1)

    def element(self, tlv: Tlv) -> bytes:
        """A copy of the whole element (for the small parts handed to asn1crypto)."""
        if tlv.end - tlv.start > 16 << 20:
            raise MalformedMessage("ASN.1 element too large to parse in memory")
        return self._read(tlv.start, tlv.end)

    def value(self, tlv: Tlv) -> bytes:
        """A copy of a small primitive element's value."""
        if tlv.constructed:
            return b"".join(c.tobytes() for c in self.octet_chunks(tlv))
        return self._read(tlv.value_start, tlv.value_end)

    def oid(self, tlv: Tlv) -> str:
        """Dotted text of an OBJECT IDENTIFIER element."""
        expect(tlv, OID, "object identifier")
        return decode_oid(self._read(tlv.value_start, tlv.value_end))


def expect(tlv: Tlv, tag: int, what: str) -> Tlv:
    if tlv.tag != tag:
        raise MalformedMessage(f"{what}: expected tag 0x{tag:02x}, found 0x{tlv.tag:02x}")
    return tlv


def decode_oid(data: bytes) -> str:
    if not data or len(data) > 64 or data[-1] & 0x80:
        raise MalformedMessage("bad object identifier")
    arcs: list[int] = []
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


# -- writing ---------------------------------------------------------------------------------


def header(tag: int, length: int) -> bytes:
    """A DER identifier and definite length."""
    if length < 0x80:
        return bytes((tag, length))
    size = (length.bit_length() + 7) // 8
    return bytes((tag, 0x80 | size)) + length.to_bytes(size, "big")


def wrap(tag: int, value: bytes) -> bytes:
    return header(tag, len(value)) + value


def encode_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return wrap(OID, bytes(body))


def sniff_content_type(content: Content) -> str:
    """The dotted OID of a CMS ContentInfo's contentType, read from its first bytes
    (the whole structure is not walked)."""
    head = content.read(0, 64)
    if len(head) < 4 or head[0] != SEQUENCE:
        raise MalformedMessage("not a CMS ContentInfo (no SEQUENCE)")
    first = head[1]
    offset = 2 if first <= 0x80 else 2 + (first & 0x7F)
    if offset + 2 > len(head) or head[offset] != OID or head[offset + 1] > 0x40:
        raise MalformedMessage("not a CMS ContentInfo (no content type)")
    return decode_oid(head[offset + 2 : offset + 2 + head[offset + 1]])


def encode_integer(value: int) -> bytes:
    """A DER INTEGER (two's complement, minimal)."""
    length = value.bit_length() // 8 + 1 if value >= 0 else (value + 1).bit_length() // 8 + 1
    return wrap(INTEGER, value.to_bytes(length, "big", signed=True))


def set_of(elements: list[bytes]) -> bytes:
    """A DER SET OF: the encodings sorted (X.690 §11.6)."""
    return wrap(SET, b"".join(sorted(elements)))


def read_integer(reader: Reader, tlv: Tlv) -> int:
    expect(tlv, INTEGER, "integer")
    data = reader.value(tlv)
    if not data or len(data) > 64:
        raise MalformedMessage("bad integer")
    return int.from_bytes(data, "big", signed=True)
