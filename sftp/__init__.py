"""SFTP transport: our inbound SFTP server (asyncssh) and a client that polls and pushes
to partners' servers (paramiko).

What the gateway provides: a :class:`Sink` (raw bytes in, message id out, idempotent
by transport message id) and an :data:`AccountLookup` (user name → :class:`Account`).
What it gets: :func:`run` / :class:`SftpServer` for ``crossdock sftp-server``,
:func:`poll` for the polling task, and two outbound transports, :class:`SftpMailbox`
(our server's ``outbound/``) and :class:`SftpPusher` (the partner's server).
"""

from sftp.accounts import Account, AccountLookup, StaticAccounts, account, home_directory
from sftp.errors import (
    SftpAuthFailed,
    SftpConfigurationError,
    SftpConnectionFailed,
    SftpError,
    SftpHostKeyMismatch,
    SftpIncompatiblePeer,
    SftpNotFound,
    SftpPermissionDenied,
    SftpTransferFailed,
    map_paramiko_errors,
)
from sftp.mailbox import SftpMailbox
from sftp.poller import Fetched, PollResult, Refused, poll
from sftp.pusher import SftpPusher, push
from sftp.remote import RemoteServer
from sftp.server import ServerLimits, SftpServer, ensure_host_key, run
from sftp.sink import DirectorySink, Sink
from sftp.takein import IntakeFailed

__all__ = [
    "Account",
    "AccountLookup",
    "DirectorySink",
    "Fetched",
    "IntakeFailed",
    "PollResult",
    "Refused",
    "RemoteServer",
    "ServerLimits",
    "SftpAuthFailed",
    "SftpConfigurationError",
    "SftpConnectionFailed",
    "SftpError",
    "SftpHostKeyMismatch",
    "SftpIncompatiblePeer",
    "SftpMailbox",
    "SftpNotFound",
    "SftpPermissionDenied",
    "SftpPusher",
    "SftpServer",
    "SftpTransferFailed",
    "Sink",
    "StaticAccounts",
    "account",
    "ensure_host_key",
    "home_directory",
    "map_paramiko_errors",
    "poll",
    "push",
    "run",
]
