"""The console's session cookie and CSRF tokens, on the standard library's HMAC.

The cookie carries no secret: the id of the API key the user logged in with, a
random nonce and an expiry, signed with the console's secret. Each request looks the
key up again, so revoking a key ends its console sessions at once. The cookie is
HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it) and
Secure when the console is served over HTTPS.

CSRF: every form carries ``HMAC(secret, "csrf" + nonce)``; a POST whose token does not
match its cookie's nonce is refused. A visitor who is not logged in gets a cookie
with a nonce too, so that the login form itself is protected (login CSRF). Logging
in issues a fresh nonce, so a nonce planted before login is worthless after it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

COOKIE = "crossdock_console"
LIFETIME_SECONDS = 8 * 3600  # a working day; the user logs in again after it


@dataclass(frozen=True, slots=True)
class Session:
    """What the cookie says: who (``key_id``, None before login), its nonce, until when."""

    key_id: str | None
    nonce: str
    expires: int

    @classmethod
    def anonymous(cls) -> Session:
        return cls(None, secrets.token_hex(16), int(time.time()) + LIFETIME_SECONDS)

    @classmethod
    def for_key(cls, key_id: str) -> Session:
        return cls(key_id, secrets.token_hex(16), int(time.time()) + LIFETIME_SECONDS)


class Signer:
    """Signs and checks cookies and CSRF tokens with one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the console secret must be at least 32 bytes")
        self._secret = secret

    def dump(self, session: Session) -> str:
        payload = json.dumps(
            {"k": session.key_id, "n": session.nonce, "e": session.expires},
            separators=(",", ":"),
        ).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._mac('session', body)}"

    def load(self, value: str | None) -> Session | None:
        """The session a cookie carries; None when it is missing, forged or expired."""
        if not value or "." not in value:
            return None
        body, _, mac = value.rpartition(".")
        if not hmac.compare_digest(mac, self._mac("session", body)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            session = Session(data["k"], str(data["n"]), int(data["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        if session.expires < time.time():
            return None
        return session

    def csrf_token(self, session: Session) -> str:
        return self._mac("csrf", session.nonce)

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(token, self.csrf_token(session))

    def _mac(self, purpose: str, text: str) -> str:
        message = f"{purpose}\x1f{text}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()


def load_secret(configured: str | None, data_dir: Path) -> bytes:
    """The configured secret, or one kept in ``data_dir/console_secret`` (made on first
    use, readable by the owner only) so sessions outlive a restart. Several API
    processes on one machine share the file; on several machines, configure it."""
    if configured:
        return configured.encode()
    path = data_dir / "console_secret"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    # Written whole under a temporary name, then linked into place: link fails when
    # another process got there first, and nobody ever reads a half-written file.
    temporary = data_dir / f".console_secret.{secrets.token_hex(8)}"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(secrets.token_bytes(32))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_bytes()
