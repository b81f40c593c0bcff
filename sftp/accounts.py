"""Partner accounts on our SFTP server, and the directory tree each one is confined to.

Every partner gets a home directory holding three folders, and sees nothing else::

    <root>/<username>/
        inbound/    the partner uploads here; a file is taken in when it is complete
        outbound/   our documents and acknowledgements for the partner to fetch
        archive/    files taken in, moved here once their raw bytes were stored

Accounts come from the partner profiles (``transports.sftp.inbound``); the server asks
an :data:`AccountLookup` at each login, so a profile change needs no restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

INBOUND = "inbound"
OUTBOUND = "outbound"
ARCHIVE = "archive"
FOLDERS = (INBOUND, OUTBOUND, ARCHIVE)


@dataclass(frozen=True, slots=True)
class Account:
    """One partner's login on our server.

    Attributes:
        partner_id: the profile id, passed to the sink with every file.
        username: the SSH user name the partner logs in with.
        authorized_keys: the partner's public keys, OpenSSH ``authorized_keys`` lines.
        home: the directory the partner is confined to (its ``/``).
    """

    partner_id: str
    username: str
    authorized_keys: tuple[str, ...]
    home: Path

    @property
    def inbound(self) -> Path:
        return self.home / INBOUND

    @property
    def outbound(self) -> Path:
        return self.home / OUTBOUND

    @property
    def archive(self) -> Path:
        return self.home / ARCHIVE


AccountLookup = Callable[[str], Account | None]
"""The account for a user name, None when there is none (or the partner is suspended).
Called once per login attempt, in a worker thread: it may query a database."""


def home_directory(root: Path, username: str) -> Path:
    """Where the account ``username`` lives under the server's ``root``; the mailbox and
    the accounts must agree on it, so both call this."""
    if not username or "/" in username or username in (".", ".."):
        raise ValueError(f"not a usable account name: {username!r}")
    return root / username


def account(root: Path, partner_id: str, username: str, authorized_keys: Iterable[str]) -> Account:
    """An account whose home is :func:`home_directory` under ``root``."""
    return Account(partner_id, username, tuple(authorized_keys), home_directory(root, username))


def ensure_tree(home: Path) -> None:
    """Create the home directory and its three folders if they are missing."""
    for folder in FOLDERS:
        (home / folder).mkdir(parents=True, exist_ok=True)


class StaticAccounts:
    """A fixed set of accounts, looked up by user name (tests, benchmarks, small setups)."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self._by_name = {item.username: item for item in accounts}

    def __call__(self, username: str) -> Account | None:
        return self._by_name.get(username)
