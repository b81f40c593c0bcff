"""``crossdock translate`` and ``crossdock ack`` (SPEC §7)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from edi_maps.edifact.acks import ContrlPolicy
from edi_maps.errors import EdiError
from edi_maps.report import translation_report
from edi_maps.translate import TranslateOptions, Translation, translate
from edi_maps.x12.acks import AckPolicy
from gateway.bootstrap import edi_services
from gateway.cli.common import EXIT_OK, EXIT_REJECTED, fail, open_input, write_out


def add_commands(commands: Any) -> None:
    translate_cmd = commands.add_parser(
        "translate",
        help="validate EDI and print the JSON report (interchanges, documents, acknowledgements)",
        description="Read one file of EDI, validate it and print one JSON object: interchanges "
        "with groups, sets and every error; canonical documents of the sets not rejected; the "
        "acknowledgements that would be sent back. Exit 0 if everything was accepted, 1 if "
        "anything was rejected (or could not be mapped), 2 if the input is not EDI.",
    )
    _add_input(translate_cmd)
    translate_cmd.add_argument(
        "--compact", action="store_true", help="one-line JSON instead of indented"
    )
    translate_cmd.set_defaults(run=run_translate)
    ack_cmd = commands.add_parser(
        "ack",
        help="print only the acknowledgement text (TA1/997/999/CONTRL) for a file of EDI",
        description="Validate a file of EDI and print the acknowledgements that would be sent "
        "back, exactly as they would be sent. Exit status as for translate.",
    )
    _add_input(ack_cmd)
    ack_cmd.set_defaults(run=run_ack)


def _add_input(sub: argparse.ArgumentParser) -> None:
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
    sub.add_argument(
        "--contrl",
        choices=["always", "auto", "never"],
        default="always",
        help="EDIFACT CONTRL: always = for every interchange; auto = when UNB 0031 asks or "
        "something was rejected (default: always)",
    )


def _translate(arguments: argparse.Namespace) -> Translation:
    services = edi_services()
    options = TranslateOptions(
        x12_acks=AckPolicy(functional=arguments.functional_ack, ta1=arguments.ta1),
        contrl=ContrlPolicy(when=arguments.contrl),
    )
    with open_input(arguments.path) as source:
        return translate(source, numbers=services.numbers, clock=services.clock, options=options)


def run_translate(arguments: argparse.Namespace) -> int:
    try:
        translation = _translate(arguments)
    except (EdiError, OSError) as error:
        return fail(f"{arguments.path}: {error}")
    indent = None if arguments.compact else 2
    write_out(json.dumps(translation_report(translation), indent=indent, ensure_ascii=False) + "\n")
    return EXIT_REJECTED if translation.anything_rejected else EXIT_OK


def run_ack(arguments: argparse.Namespace) -> int:
    try:
        translation = _translate(arguments)
    except (EdiError, OSError) as error:
        return fail(f"{arguments.path}: {error}")
    write_out("".join(ack.edi for ack in translation.acknowledgements))
    return EXIT_REJECTED if translation.anything_rejected else EXIT_OK
