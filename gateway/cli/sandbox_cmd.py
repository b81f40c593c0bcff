"""``crossdock sandbox``: the sandbox ERP/WMS shipped with the project, for the demo,
the tests and the benchmarks (a reference for what an ERP integration needs)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from gateway.cli.common import EXIT_OK


def add_commands(commands: Any) -> None:
    sandbox = commands.add_parser(
        "sandbox",
        help="run the sandbox ERP/WMS (faces /erp and /wms; switchable faults at /_faults)",
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8100)
    sandbox.add_argument("--db", default="sqlite:///data/sandbox.db", help="SQLAlchemy URL")
    sandbox.add_argument("--gateway-url", help="where ERP/WMS events go (the gateway's API)")
    sandbox.add_argument("--workers", type=int, default=1)
    sandbox.set_defaults(run=_run)


def _run(arguments: argparse.Namespace) -> int:
    from erp_connector.sandbox import run  # the entrypoint wires the adapter, not the core

    run(
        arguments.host,
        arguments.port,
        arguments.db,
        arguments.gateway_url,
        os.environ.get("CROSSDOCK_SANDBOX_GATEWAY_API_KEY"),
        workers=arguments.workers,
    )
    return EXIT_OK
