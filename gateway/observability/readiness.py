"""What ``/readyz`` checks: the database, the broker and the payload store answer.

Each check returns None when the dependency is reachable, else a short reason (the
exception's type and message, never a URL with its password). Every check is bounded
by a timeout of about a second, so a probe never hangs on a dead dependency.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import Engine, text

TIMEOUT_SECONDS = 1.0


def database(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        return _reason(error)
    return None


def broker(url: str, folder: Path) -> str | None:
    """Redis answers PING, or the folder broker's queue folder is writable."""
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
        except Exception as error:
            return _reason(error)
        finally:
            client.close()
        return None
    return writable(folder / "queue")


def writable(folder: Path) -> str | None:
    """A file can be created (and removed) in ``folder``: the payload store, the folder
    broker."""
    probe = folder / f".readyz-{uuid.uuid4().hex}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        probe.unlink()
    except OSError as error:
        return _reason(error)
    return None


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]
