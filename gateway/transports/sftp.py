"""The SFTP transport wired to the store: accounts from partner profiles, outbound over
our server's mailbox or the partner's server, and polling the partner's server."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from gateway.domain.tracking import MessageRecord, Transport
from gateway.observability.adapters import ObservedSink
from gateway.ports import Dispatcher, UnitOfWork
from gateway.profiles.model import PartnerProfile
from gateway.profiles.transports import SftpRemote
from gateway.services.intake import Intake
from gateway.services.transport_intake import TransportIntake
from gateway.transports.errors import TransportRefused
from gateway.transports.secrets import secret
from sftp import (
    Account,
    PollResult,
    RemoteServer,
    SftpMailbox,
    SftpPusher,
    account,
    poll,
)
from sftp.accounts import ensure_tree

log = logging.getLogger(__name__)


class ProfileAccounts:
    """``sftp.AccountLookup`` over the partner profiles: asked at every login, so a new
    key or a suspended partner takes effect without a restart."""

    def __init__(self, unit_of_work: Callable[[], UnitOfWork], root: Path) -> None:
        self._uow = unit_of_work
        self._root = root

    def __call__(self, username: str) -> Account | None:
        with self._uow() as uow:
            partners = uow.partners.list_all(include_inactive=False)
        for stored in partners:
            profile = stored.profile
            sftp = profile.transports.sftp
            if sftp is None or sftp.inbound is None or sftp.inbound.account != username:
                continue
            if profile.status == "suspended":
                return None
            found = account(self._root, profile.id, username, sftp.inbound.public_keys)
            ensure_tree(found.home)
            return found
        return None


def remote_server(profile: PartnerProfile) -> RemoteServer:
    """The partner's server as the client connects to it, secrets resolved.

    Raises:
        TransportRefused: the profile names no remote server, or its secret is missing.
    """
    remote = profile.transports.sftp.remote if profile.transports.sftp else None
    if remote is None:
        raise TransportRefused(f"partner {profile.id} has no SFTP server of its own")
    return _remote(remote)


def _remote(remote: SftpRemote) -> RemoteServer:
    kind, _, where = remote.credentials.partition(":")
    key_path, password = (
        (Path(where), None) if kind == "file" else (None, secret(remote.credentials))
    )
    return RemoteServer(
        host=remote.host,
        port=remote.port,
        username=remote.username,
        host_key=remote.host_key,
        private_key_path=key_path,
        password=password,
        poll_dir=remote.poll_path or ".",
        push_dir=remote.push_path or ".",
        archive_dir=remote.archive_path,
        after_download=remote.after_download,
    )


class SftpOutbound:
    """``OutboundTransport`` "sftp": pushed to the partner's server when the profile gives
    a push path there, else left in the partner's ``outbound/`` on our server."""

    def __init__(self, root: Path) -> None:
        self._mailbox = SftpMailbox(root)
        self._pusher = SftpPusher(remote_server)

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        sftp = profile.transports.sftp
        if sftp is not None and sftp.remote is not None and sftp.remote.push_path:
            return self._pusher.send(profile, message, payload)
        return self._mailbox.send(profile, message, payload)


def poll_partner(
    profile: PartnerProfile,
    intake: Intake,
    dispatcher: Dispatcher,
    unit_of_work: Callable[[], UnitOfWork],
    *,
    spool_dir: Path | None = None,
    max_file_size: int | None = None,
) -> PollResult:
    """Fetch what the partner left on its server: each file stored and queued before it is
    archived or deleted there (a crash in between fetches it again as the same message).

    Raises:
        SftpError: connecting or transferring failed (retryable or not, as classified).
        TransportRefused: the profile names no server to poll.
    """
    sink = ObservedSink(TransportIntake(intake, dispatcher, unit_of_work, Transport.SFTP))
    result = poll(
        remote_server(profile), profile.id, sink, spool_dir=spool_dir, max_file_size=max_file_size
    )
    if result.fetched or result.refused:
        log.info(
            "polled %s: %d fetched, %d refused",
            profile.id,
            len(result.fetched),
            len(result.refused),
        )
    return result


def due_for_poll(profile: PartnerProfile, now: float, every: float) -> bool:
    """Whether a poll of this partner falls in the beat window ``(now - every, now]``: a
    stateless schedule, each partner at its own interval."""
    remote = profile.transports.sftp.remote if profile.transports.sftp else None
    if remote is None or not remote.poll_path or profile.status == "suspended":
        return False
    interval = remote.poll_interval_seconds
    return int(now // interval) != int((now - every) // interval)
