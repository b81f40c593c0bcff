"""Reusable field types and checks for the profile models (private to the package).

Field-level checks live here; rules that span fields live on the models and report
through :class:`Violations` so that each problem names the field it is about.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import unicodedata
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]

# Every profile model: frozen, so a loaded profile cannot drift from its file; closed to
# unknown keys, so a typo in YAML is an error rather than a silently ignored setting;
# attribute docstrings become descriptions in the JSON Schema an editor shows.
CONFIG = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

# Line breaks and control characters would break an envelope, a log line or a YAML
# plain scalar; nobody means them in a name or an id.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _single_line(value: str) -> str:
    bad = next((c for c in value if unicodedata.category(c) in _FORBIDDEN_CATEGORIES), None)
    if bad is not None:
        raise ValueError(f"must not contain control characters or line breaks (found {bad!r})")
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_single_line)
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
]
# EDIFACT UNB sender/recipient ids allow 35 characters, X12 ISA06/08 fifteen (checked
# on the profile, which knows the standard).
EnvelopeIdText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=35),
    AfterValidator(_single_line),
]
# UNB 0007 partner identification code qualifiers are up to 4 characters, ISA05/07 two.
QualifierText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4, pattern=r"^[A-Za-z0-9]+$"),
]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


HttpUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_http_url),
    Field(json_schema_extra={"format": "uri", "pattern": "^https?://"}),
]

# Key types an OpenSSH authorized_keys / known_hosts line may carry (ssh-keygen -t …).
SSH_KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)


def _openssh_public_key(value: str) -> str:
    """Check the line is ``<type> <base64 blob> [comment]`` and the blob names that type.

    Decoding the blob's first field catches keys pasted truncated, with the wrong type
    word, or a private key or a fingerprint pasted by mistake.
    """
    fields = value.split(None, 2)
    if len(fields) < 2 or fields[0] not in SSH_KEY_TYPES:
        raise ValueError(
            "must be an OpenSSH public key line such as 'ssh-ed25519 AAAA… comment' "
            f"(key types: {', '.join(sorted(SSH_KEY_TYPES))})"
        )
    try:
        blob = base64.b64decode(fields[1], validate=True)
        (length,) = struct.unpack(">I", blob[:4])
        embedded = blob[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError):
        raise ValueError("the key data is not valid OpenSSH base64") from None
    if embedded != fields[0]:
        raise ValueError(f"the key data is a {embedded or 'damaged'} key, not {fields[0]}")
    return value


OpenSshPublicKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_openssh_public_key),
    Field(json_schema_extra={"pattern": rf"^({'|'.join(sorted(SSH_KEY_TYPES))}) AAAA"}),
]

_SECRET_REFERENCE = re.compile(r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:/\S.*)$")


def _secret_reference(value: str) -> str:
    if not _SECRET_REFERENCE.match(value):
        raise ValueError(
            "must be a secret reference, env:VARIABLE or file:/absolute/path; "
            "profiles are kept in git, so never a literal password or key"
        )
    return value


SecretReference = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_secret_reference),
    Field(json_schema_extra={"pattern": _SECRET_REFERENCE.pattern}),
]


class Violations:
    """Cross-field problems of one model, raised together, each at its own ``loc``.

    A ``ValidationError`` raised inside a pydantic validator keeps its line errors, so
    ``acks.functional`` is reported as ``acks.functional`` and not as the whole profile.
    """

    def __init__(self) -> None:
        self._errors: list[InitErrorDetails] = []

    def add(self, loc: Loc, message: str, value: object = None) -> None:
        """Record that the field at ``loc`` (relative to the model) breaks a rule."""
        error = PydanticCustomError("profile_rule", message.replace("{", "(").replace("}", ")"))
        self._errors.append(InitErrorDetails(type=error, loc=loc, input=value))

    def raise_if_any(self, title: str) -> None:
        """Raise every recorded problem at once; do nothing when there are none."""
        if self._errors:
            raise ValidationError.from_exception_data(title, self._errors)
