"""``crossdock``: translate and acknowledge EDI from the command line (SPEC §7).

Exit status: 0 when every set was accepted, 1 when anything was rejected (the
report is still printed), 2 when the input cannot be read as EDI at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from edi_maps.errors import EdiError
from edi_maps.report import translation_report
from edi_maps.translate import Translation, translate
from edi_maps.x12.acks import AckPolicy
from gateway.bootstrap import edi_services

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossdock",
        description="Crossdock EDI gateway: translate, validate and acknowledge X12 and EDIFACT.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_input(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "path", metavar="PATH", help="file of EDI (any number of interchanges); - reads stdin"
        )
        sub.add_argument(
            "--functional-ack",
            choices=["auto", "997", "999", "none"],
            default="auto",
            help="functional acknowledgement to build: auto = 999 for groups of 005010 and later, "
            "997 before (default: auto)",
        )
        sub.add_argument(
            "--ta1",
            choices=["auto", "always", "never"],
            default="auto",
            help="TA1 interchange acknowledgement: auto = when ISA14 asks for one or the envelope "
            "is bad (default: auto)",
        )

    translate_cmd = commands.add_parser(
        "translate",
        help="validate EDI and print the JSON report (interchanges, documents, acknowledgements)",
        description="Read one file of EDI, validate it and print one JSON object: interchanges "
        "with groups, sets and every error; canonical documents; the acknowledgements that would "
        "be sent back. Exit 0 if everything was accepted, 1 if anything was rejected, 2 if the "
        "input is not EDI.",
    )
    add_input(translate_cmd)
    translate_cmd.add_argument(
        "--compact", action="store_true", help="one-line JSON instead of indented"
    )

    ack_cmd = commands.add_parser(
        "ack",
        help="print only the acknowledgement text (TA1/997/999) for a file of EDI",
        description="Validate a file of EDI and print the acknowledgements that would be sent "
        "back, exactly as they would be sent. Exit status as for translate.",
    )
    add_input(ack_cmd)
    return parser


def _open(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    return Path(path).open("rb")


def _run(arguments: argparse.Namespace) -> Translation:
    services = edi_services()
    policy = AckPolicy(functional=arguments.functional_ack, ta1=arguments.ta1)
    with _open(arguments.path) as source:
        return translate(source, numbers=services.numbers, clock=services.clock, ack_policy=policy)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        translation = _run(arguments)
    except (EdiError, OSError) as error:
        print(f"crossdock: {arguments.path}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        if arguments.command == "translate":
            report = translation_report(translation)
            indent = None if arguments.compact else 2
            json.dump(report, sys.stdout, indent=indent, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            sys.stdout.write("".join(ack.edi for ack in translation.acknowledgements))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_REJECTED if translation.anything_rejected else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
