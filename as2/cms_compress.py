"""CMS CompressedData with zlib (RFC 3274), streamed both ways.

Inflation stops at ``max_size`` bytes (a decompression bomb is refused, not spooled to
exhaustion).
"""

from __future__ import annotations

import zlib

from as2 import der
from as2.content import CHUNK, Content, SpoolOptions
from as2.errors import (
    DECOMPRESSION_FAILED,
    DecompressionFailed,
    MalformedMessage,
    UnsupportedAlgorithm,
    translated,
)

COMPRESSED_DATA = "1.2.840.113549.1.9.16.1.9"
ZLIB = "1.2.840.113549.1.9.16.3.8"
DATA = "1.2.840.113549.1.7.1"
DEFAULT_MAX_SIZE = 4 << 30


def compress(content: Content, *, spool: SpoolOptions | None = None, level: int = 6) -> Content:
    """A DER ContentInfo(CompressedData) holding ``content`` deflated with zlib."""
    out = (spool or SpoolOptions()).spool()
    compressor = zlib.compressobj(level)
    for chunk in content.chunks():
        out.write(compressor.compress(chunk))
    out.write(compressor.flush())
    compressed = out.finish()
    octets = der.header(der.OCTET_STRING, compressed.size)
    explicit_length = len(octets) + compressed.size
    explicit = der.header(0xA0, explicit_length)
    data_oid = der.encode_oid(DATA)
    encap_length = len(data_oid) + len(explicit) + explicit_length
    head = (
        der.wrap(der.INTEGER, b"\x00")
        + der.wrap(der.SEQUENCE, der.encode_oid(ZLIB))
        + der.header(der.SEQUENCE, encap_length)
        + data_oid
        + explicit
        + octets
    )
    body_length = len(head) + compressed.size
    body = der.header(der.SEQUENCE, body_length)
    tagged_length = len(body) + body_length
    oid = der.encode_oid(COMPRESSED_DATA)
    outer_length = len(oid) + len(der.header(0xA0, tagged_length)) + tagged_length
    prefix = der.header(der.SEQUENCE, outer_length) + oid + der.header(0xA0, tagged_length) + body
    return Content.concat([prefix + head, compressed])


def decompress(
    content: Content, *, spool: SpoolOptions | None = None, max_size: int = DEFAULT_MAX_SIZE
) -> Content:
    """The content of a CompressedData (zlib).

    Raises:
        DecompressionFailed: not inflatable, truncated, or larger than ``max_size``.
        MalformedMessage / UnsupportedAlgorithm: not a zlib CompressedData.
    """
    with translated(MalformedMessage, "cannot read the compressed data"):
        reader = der.Reader(content)
        outer = der.expect(reader.tlv(0), der.SEQUENCE, "ContentInfo")
        kids = reader.children(outer)
        if len(kids) != 2 or kids[1].tag != 0xA0 or reader.oid(kids[0]) != COMPRESSED_DATA:
            raise MalformedMessage("not a CMS CompressedData")
        (body,) = reader.children(kids[1])
        fields = reader.children(der.expect(body, der.SEQUENCE, "CompressedData"))
        if len(fields) != 3:
            raise MalformedMessage("CompressedData must have version, algorithm and content")
        algorithm = reader.children(der.expect(fields[1], der.SEQUENCE, "algorithm"))
        if reader.oid(algorithm[0]) != ZLIB:
            raise UnsupportedAlgorithm(
                "compression other than zlib", disposition_modifier=DECOMPRESSION_FAILED
            )
        encapsulated = reader.children(der.expect(fields[2], der.SEQUENCE, "EncapContentInfo"))
        if len(encapsulated) != 2 or encapsulated[1].tag != 0xA0:
            raise MalformedMessage("CompressedData without content")
        (octets,) = reader.children(encapsulated[1])
        chunks = reader.octet_chunks(octets)
        out = (spool or SpoolOptions()).spool()
        inflater = zlib.decompressobj()
        try:
            with translated(DecompressionFailed, "cannot inflate"):
                for chunk in chunks:
                    for piece in chunk.chunks():
                        data: bytes | memoryview = piece
                        while data:
                            out.write(inflater.decompress(data, CHUNK))
                            data = inflater.unconsumed_tail
                            if out.size > max_size:
                                raise DecompressionFailed(
                                    f"decompressed content exceeds {max_size} bytes"
                                )
                out.write(inflater.flush())
                if not inflater.eof:
                    raise DecompressionFailed("compressed data is truncated")
        except BaseException:
            out.discard()
            raise
    return out.finish()
