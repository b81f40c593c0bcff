"""Our inbound SFTP server (asyncssh): one account per partner, public keys only, each
partner confined to its own tree, nothing but SFTP.

Use :func:`run` from a command line (blocks until SIGTERM or SIGINT), or
:class:`SftpServer` (``await start()`` / ``await stop()``) inside an event loop.
What a session may do is in :mod:`sftp.confinement`; what happens to a complete file
in :mod:`sftp.takein`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self, cast

import asyncssh

from sftp.accounts import Account, AccountLookup, ensure_tree
from sftp.confinement import PartnerSftp, Session
from sftp.names import TEMPORARY_SUFFIXES
from sftp.sink import Sink

log = logging.getLogger(__name__)

MB = 1 << 20


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """What one connection may do.

    Attributes:
        max_file_size: bytes; the write that would pass it fails, and the partial file
            is deleted at once (nothing half-stored).
        max_files_per_session: files opened for writing per SSH connection; the next
            open fails with a message to reconnect.
        idle_timeout: seconds without an SFTP request before the connection is closed
            (a take-in the client waits for does not count as idle).
        login_timeout: seconds an unauthenticated connection may take to log in.
    """

    max_file_size: int = 100 * MB
    max_files_per_session: int = 1000
    idle_timeout: float = 300.0
    login_timeout: float = 30.0


class SftpServer:
    """The listening server. Start and stop it from the event loop that runs it."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        host_key_path: Path | Sequence[Path],
        accounts: AccountLookup,
        sink: Sink,
        limits: ServerLimits | None = None,
        temporary_suffixes: tuple[str, ...] = TEMPORARY_SUFFIXES,
    ) -> None:
        """Args:
        host: the address to listen on ("" or "0.0.0.0" for all).
        port: the port; 0 picks a free one (see :attr:`port`).
        host_key_path: our host key file(s), OpenSSH private key format.
        accounts: the account for a user name (called in a worker thread).
        sink: where complete files go (called in a worker thread).
        limits: see :class:`ServerLimits`.
        temporary_suffixes: name endings of files still being written (besides a
            leading dot), never taken in.
        """
        self._host = host
        self._port = port
        paths = [host_key_path] if isinstance(host_key_path, Path) else list(host_key_path)
        self._host_keys = [str(path) for path in paths]
        self._accounts = accounts
        self._sink = sink
        self._limits = limits or ServerLimits()
        self._suffixes = temporary_suffixes
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._sessions: dict[asyncssh.SSHServerConnection, Session] = {}

    @property
    def port(self) -> int:
        """The port it listens on (the chosen one when started with port 0)."""
        if self._acceptor is None:
            raise RuntimeError("the server is not started")
        return self._acceptor.get_port()

    async def start(self) -> None:
        self._acceptor = await asyncssh.listen(
            self._host,
            self._port,
            server_host_keys=self._host_keys,
            server_factory=lambda: _Connection(self),
            sftp_factory=self._sftp,
            sftp_version=3,
            # Nothing but the SFTP subsystem: no shell or exec (no session factory), no
            # scp, no agent or X11 forwarding; port forwarding is refused by _Connection.
            allow_scp=False,
            agent_forwarding=False,
            x11_forwarding=False,
            login_timeout=self._limits.login_timeout,
            # Keepalives find dead peers; the idle timeout is ours (asyncssh has none).
            keepalive_interval=60,
            keepalive_count_max=3,
        )
        log.info("sftp: listening on %s:%s", self._host, self.port)

    async def stop(self) -> None:
        """Stop listening and close every connection (uploads in progress are cut off)."""
        if self._acceptor is None:
            return
        self._acceptor.close()
        connections = list(self._connections)
        for connection in connections:
            connection.close()
        for connection in connections:
            await connection.wait_closed()
        await self._acceptor.wait_closed()
        self._acceptor = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def _sftp(self, chan: asyncssh.SSHServerChannel[bytes]) -> asyncssh.SFTPServer:
        session = self._sessions[cast(asyncssh.SSHServerConnection, chan.get_connection())]
        return PartnerSftp(chan, session, self._sink, self._limits, self._suffixes)

    async def _find(self, username: str) -> Account | None:
        try:
            found = await asyncio.to_thread(self._accounts, username)
            if found is not None:
                await asyncio.to_thread(ensure_tree, found.home)
        except Exception:
            # The lookup's store is down, or the tree cannot be made: the login fails
            # like a wrong key, and the partner's client retries later.
            log.exception("sftp: no account for %r: the lookup failed", username)
            return None
        return found


class _Connection(asyncssh.SSHServer):
    """One client connection: public-key authentication against the partner's account,
    its :class:`Session` and its idle timer."""

    def __init__(self, server: SftpServer) -> None:
        self._server = server
        self._connection: asyncssh.SSHServerConnection | None = None
        self._account: Account | None = None
        self._keys: set[bytes] = set()
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._connection = conn
        self._server._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._connection is not None:
            self._server._connections.discard(self._connection)
            self._server._sessions.pop(self._connection, None)

    async def begin_auth(self, username: str) -> bool:
        self._account = await self._server._find(username)
        self._keys = set()
        if self._account is not None:
            for line in self._account.authorized_keys:
                try:
                    self._keys.add(asyncssh.import_public_key(line).public_data)
                except (asyncssh.KeyImportError, ValueError):
                    log.warning("sftp: account %s has an unreadable key", username)
        return True  # always authenticate: an unknown user fails like a wrong key

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        account = self._account
        return (
            account is not None and username == account.username and key.public_data in self._keys
        )

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def auth_completed(self) -> None:
        assert self._connection is not None and self._account is not None
        self._server._sessions[self._connection] = Session(self._account)
        log.info("sftp: %s logged in", self._account.username)
        self._watch()

    def _watch(self) -> None:
        assert self._connection is not None
        session = self._server._sessions.get(self._connection)
        if session is None:
            return
        timeout = self._server._limits.idle_timeout
        idle = time.monotonic() - session.last_activity
        if session.busy or idle < timeout:
            delay = timeout - idle if not session.busy else timeout
            self._timer = asyncio.get_running_loop().call_later(max(delay, 0.05), self._watch)
            return
        log.info("sftp: %s idle for %.0f s, disconnecting", session.account.username, idle)
        self._connection.disconnect(
            asyncssh.DISC_BY_APPLICATION, f"idle for more than {timeout:g} seconds"
        )


def ensure_host_key(path: Path) -> str:
    """Create an Ed25519 host key at ``path`` (mode 0600) if there is none yet; return
    its public line, also written beside it as ``<path>.pub`` (what partners pin)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asyncssh.generate_private_key("ssh-ed25519").export_private_key()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            target.write(data)
    public = asyncssh.read_private_key(path).export_public_key().decode("ascii").strip()
    Path(f"{path}.pub").write_text(public + "\n")
    return public


def run(
    host: str,
    port: int,
    host_key_path: Path,
    accounts: AccountLookup,
    sink: Sink,
    limits: ServerLimits | None = None,
) -> None:
    """Serve until SIGTERM or SIGINT (for ``crossdock sftp-server``); blocks."""
    asyncio.run(_serve(host, port, host_key_path, accounts, sink, limits))


async def _serve(
    host: str,
    port: int,
    host_key_path: Path,
    accounts: AccountLookup,
    sink: Sink,
    limits: ServerLimits | None,
) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stopping.set)
    server = SftpServer(
        host=host,
        port=port,
        host_key_path=host_key_path,
        accounts=accounts,
        sink=sink,
        limits=limits,
    )
    async with server:
        await stopping.wait()
        log.info("sftp: stopping")
