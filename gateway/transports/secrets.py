"""Secrets a profile names but never holds: ``env:NAME`` or ``file:/path``."""

from __future__ import annotations

import os
from pathlib import Path

from gateway.transports.errors import TransportRefused


class SecretMissing(TransportRefused):
    code = "transport.secret_missing"


def secret(reference: str) -> str:
    """The secret a reference names.

    Raises:
        SecretMissing: the variable is unset or the file unreadable (an operator's fix).
    """
    kind, _, where = reference.partition(":")
    if kind == "env":
        value = os.environ.get(where)
        if value is None:
            raise SecretMissing(f"secret {reference} is not set")
        return value
    try:
        return Path(where).read_text().strip()
    except OSError as error:
        raise SecretMissing(f"secret {reference} cannot be read: {error.strerror}") from error
