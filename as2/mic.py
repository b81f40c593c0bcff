"""The Message Integrity Check of RFC 4130 §7.3.1 (``Received-Content-MIC``).

What is hashed depends on the message (and on RFC 5402 for compression):

- signed: the signed MIME entity, header fields included, exactly as transferred
  (with compression before signing that is the compressed entity; with compression
  after signing, the entity inside the multipart/signed once decompressed);
- unsigned but encrypted or compressed: the innermost MIME entity (decrypted,
  decompressed), header fields included;
- neither: the message body without any header fields.

The receiver computes it (:mod:`as2.inbound`) and the sender precomputes it
(:mod:`as2.outbound`) with the same rule, so the two can be compared.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from as2.algorithms import Digest
from as2.content import Content


@dataclass(frozen=True, slots=True)
class Mic:
    """A digest and its value; ``str()`` gives the header form ``<base64>, sha-256``."""

    digest: Digest
    value: bytes

    @classmethod
    def of(cls, content: Content, digest: Digest) -> Mic:
        return cls(digest, content.digests([digest.hash_algorithm()])[0])

    @property
    def base64(self) -> str:
        return base64.b64encode(self.value).decode("ascii")

    def __str__(self) -> str:
        return f"{self.base64}, {self.digest.value}"

    @classmethod
    def parse(cls, text: str) -> Mic | None:
        """``<base64>, <algorithm>`` with any common algorithm spelling; None if unreadable."""
        value, comma, name = text.rpartition(",")
        if not comma:
            return None
        digest = Digest.lookup(name)
        if digest is None:
            return None
        try:
            raw = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return None
        return cls(digest, raw)

    def matches(self, other: Mic) -> bool:
        return self.digest is other.digest and hmac.compare_digest(self.value, other.value)
