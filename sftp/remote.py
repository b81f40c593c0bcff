"""A partner's SFTP server as we connect to it: where, who we are, what to trust.

Secrets are resolved by the caller (the gateway reads ``env:`` / ``file:`` references
from the profile): this package is handed a password or a key file path, never a
reference to look up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass(frozen=True, slots=True)
class RemoteServer:
    """Attributes:
    host: the partner's host name or address.
    port: its SSH port.
    username: our user name there.
    host_key: the pinned host key, an OpenSSH public key line
        (``ssh-ed25519 AAAA… [comment]``, or a known_hosts line with the host first).
        Only this key is trusted; an unknown or different key fails the connection.
    private_key_path: our private key (OpenSSH or PEM), if we log in with a key.
    private_key_passphrase: its passphrase, if it has one.
    password: our password, if we log in with one (tried after the key).
    poll_dir: where the partner leaves files for us.
    push_dir: where we leave files for the partner.
    archive_dir: where polled files go once stored (``after_download="archive"``).
    after_download: archive the polled file (rename into ``archive_dir``) or delete it.
    error_dir: where a polled file the gateway refused goes (None: it stays put and is
        offered again at each poll).
    temporary_prefix / temporary_suffix: how a file we push is named while it is being
        written; it gets its final name by a rename once complete.
    settle_seconds: skip polled files modified less than this long ago (for partners that
        write final names directly, so a file still being written is not fetched).
    timeout: seconds for the TCP connect, the SSH banner, authentication and each
        SFTP request.
    """

    host: str
    username: str
    host_key: str
    port: int = 22
    private_key_path: Path | None = None
    private_key_passphrase: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    poll_dir: str = "."
    push_dir: str = "."
    archive_dir: str = "archive"
    after_download: Literal["archive", "delete"] = "archive"
    error_dir: str | None = None
    temporary_prefix: str = "."
    temporary_suffix: str = ".part"
    settle_seconds: float = 0.0
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.private_key_path is None and self.password is None:
            raise ValueError("a private key path or a password is needed")

    @property
    def address(self) -> str:
        """``user@host:port``, for messages and transport ids."""
        return f"{self.username}@{self.host}:{self.port}"
