"""``python -m erp_connector.sandbox --port 8100 --db sqlite:///data/sandbox.db …``"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from erp_connector.sandbox.app import DEFAULT_DATABASE_URL
from erp_connector.sandbox.serve import run


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m erp_connector.sandbox",
        description="Serve the sandbox ERP/WMS (faces /erp and /wms) for demos, tests and "
        "benchmarks.",
    )
    cli.add_argument("--host", default="127.0.0.1", help="interface (default: %(default)s)")
    cli.add_argument("--port", type=int, default=8100, help="port (default: %(default)s)")
    cli.add_argument(
        "--db", default=DEFAULT_DATABASE_URL, help="SQLAlchemy URL (default: %(default)s)"
    )
    cli.add_argument("--gateway-url", help="the gateway's base URL; events are not sent without")
    cli.add_argument(
        "--gateway-key",
        default=os.environ.get("CROSSDOCK_SANDBOX_GATEWAY_API_KEY"),
        help="API key sent to the gateway as X-API-Key (default: "
        "$CROSSDOCK_SANDBOX_GATEWAY_API_KEY, which keeps it out of the process list)",
    )
    cli.add_argument(
        "--system", choices=("erp", "wms"), default="erp", help="face served without a prefix"
    )
    cli.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    run(
        args.host,
        args.port,
        args.db,
        args.gateway_url,
        args.gateway_key,
        system=args.system,
        workers=args.workers,
    )


if __name__ == "__main__":
    main()
