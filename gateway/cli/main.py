"""``crossdock``: the gateway from the command line (SPEC §7).

Each command family lives in its own module and registers its subcommands;
this module only assembles them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gateway.cli import (
    items_cmd,
    keys_cmd,
    messages_cmd,
    partners_cmd,
    render_cmd,
    sandbox_cmd,
    sftp_cmd,
    translate_cmd,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossdock",
        description="Crossdock EDI gateway: translate, validate, acknowledge and render X12 and "
        "EDIFACT; receive files into the message store; manage partner profiles.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    translate_cmd.add_commands(commands)
    render_cmd.add_commands(commands)
    messages_cmd.add_commands(commands)
    partners_cmd.add_commands(commands)
    keys_cmd.add_commands(commands)
    sandbox_cmd.add_commands(commands)
    sftp_cmd.add_commands(commands)
    items_cmd.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    status: int = arguments.run(arguments)
    return status


if __name__ == "__main__":
    sys.exit(main())
