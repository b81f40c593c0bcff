"""``crossdock items …``: the copy of the ERP's item master the 856 rule resolves items
through (SPEC §5). Beat refreshes it hourly; this refreshes it now."""

from __future__ import annotations

import argparse
from typing import Any

from gateway.cli.common import EXIT_OK, fail
from gateway.cli.store_support import wired
from gateway.domain.errors import GatewayError


def add_commands(commands: Any) -> None:
    items = commands.add_parser("items", help="the ERP's item master: sync, count")
    sub = items.add_subparsers(dest="items_command", required=True, metavar="ACTION")
    sync = sub.add_parser("sync", help="read the ERP's item master now (CROSSDOCK_ERP_URL)")
    sync.set_defaults(run=_sync)
    count = sub.add_parser("count", help="how many items the gateway's copy holds")
    count.set_defaults(run=_count)


def _sync(_: argparse.Namespace) -> int:
    try:
        synced = wired().items.sync()
    except GatewayError as error:
        return fail(f"{error} [{error.code}]")
    print(f"item master: {synced.items} items, {synced.codes} identifiers")
    return EXIT_OK


def _count(_: argparse.Namespace) -> int:
    print(wired().items.count())
    return EXIT_OK
