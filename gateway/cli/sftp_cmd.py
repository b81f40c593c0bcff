"""``crossdock sftp-server``: our SFTP server, one confined account per partner profile
(``transports.sftp.inbound``), each upload stored raw and queued like an API upload."""

from __future__ import annotations

import argparse
from typing import Any

from gateway.cli.common import EXIT_OK


def add_commands(commands: Any) -> None:
    server = commands.add_parser(
        "sftp-server",
        help="run the SFTP server partners upload to (public keys from their profiles)",
    )
    server.add_argument("--host", help="listen address (CROSSDOCK_SFTP_HOST, 0.0.0.0)")
    server.add_argument("--port", type=int, help="listen port (CROSSDOCK_SFTP_PORT, 2222)")
    server.set_defaults(run=_run)


def _run(arguments: argparse.Namespace) -> int:
    from gateway.cli.store_support import serving
    from gateway.domain.tracking import Transport
    from gateway.observability.adapters import ObservedSink
    from gateway.observability.process import configure_process
    from gateway.services.transport_intake import TransportIntake
    from gateway.settings import get_settings
    from gateway.transports.sftp import ProfileAccounts
    from sftp import ServerLimits, ensure_host_key, run

    configure_process(get_settings(), "crossdock-sftp")  # asyncssh quiet: a line per packet
    gw = serving()
    settings = gw.settings
    host_key = settings.effective_sftp_host_key
    public = ensure_host_key(host_key)
    host = arguments.host or settings.sftp_host
    port = arguments.port if arguments.port is not None else settings.sftp_port
    print(f"SFTP server on {host}:{port}; partners pin this host key: {public}", flush=True)
    sink = ObservedSink(
        TransportIntake(gw.intake, gw.pipeline.dispatcher, gw.unit_of_work, Transport.SFTP)
    )
    run(
        host,
        port,
        host_key,
        ProfileAccounts(gw.unit_of_work, settings.effective_sftp_root),
        sink,
        ServerLimits(max_file_size=settings.max_upload_bytes),
    )
    return EXIT_OK
