from __future__ import annotations

import pytest

from as2 import der
from as2.content import Content
from as2.errors import MalformedMessage


def test_indefinite_lengths_and_chunked_octet_strings() -> None:
    # SEQUENCE (indefinite) { OID 1.2.3, [0] (constructed, indefinite) { "ab", { "c" }, "" } }
    chunked = b"\xa0\x80" + b"\x04\x02ab" + b"\x24\x80\x04\x01c\x00\x00" + b"\x04\x00" + b"\x00\x00"
    data = b"\x30\x80" + der.encode_oid("1.2.3") + chunked + b"\x00\x00"
    reader = der.Reader(Content.of(data))
    outer = reader.tlv(0)
    assert outer.end == len(data)
    oid, octets = reader.children(outer)
    assert reader.oid(oid) == "1.2.3"
    assert b"".join(c.tobytes() for c in reader.octet_chunks(octets)) == b"abc"


def test_lengths_are_checked_against_the_container() -> None:
    with pytest.raises(MalformedMessage):
        der.Reader(Content.of(b"\x30\x05\x04\x01")).tlv(0)
    with pytest.raises(MalformedMessage):
        der.Reader(Content.of(b"\x04\x80\x00\x00")).tlv(0)  # indefinite primitive
    with pytest.raises(MalformedMessage):
        der.Reader(Content.of(b"\x30\x80\x04\x01a")).tlv(0)  # no end-of-contents


def test_nesting_is_bounded() -> None:
    deep = b"\x30\x80" * 200 + b"\x00\x00" * 200
    with pytest.raises(MalformedMessage, match="deeply"):
        der.Reader(Content.of(deep)).tlv(0)


@pytest.mark.parametrize("value", [0, 1, 127, 128, 255, 256, 2**64 + 1, -1, -129])
def test_integers_round_trip(value: int) -> None:
    encoded = der.encode_integer(value)
    reader = der.Reader(Content.of(encoded))
    assert der.read_integer(reader, reader.tlv(0)) == value


@pytest.mark.parametrize(
    "oid", ["1.2.840.113549.1.9.16.1.23", "2.16.840.1.101.3.4.1.46", "2.999.3"]
)
def test_oids_round_trip(oid: str) -> None:
    encoded = der.encode_oid(oid)
    reader = der.Reader(Content.of(encoded))
    assert reader.oid(reader.tlv(0)) == oid


def test_set_of_is_sorted_and_long_lengths() -> None:
    assert der.set_of([b"\x04\x01b", b"\x04\x01a"]) == b"\x31\x06\x04\x01a\x04\x01b"
    assert der.header(0x04, 300) == b"\x04\x82\x01\x2c"
