"""``crossdock render``: canonical JSON → EDI text (SPEC §7), and ``crossdock schema``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from edi_maps.edifact.render import RenderOptions as EdifactRenderOptions
from edi_maps.edifact.render import render_edifact
from edi_maps.edifact.service import ServiceChars
from edi_maps.errors import EdiError
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.render import RenderOptions, render_x12
from gateway.bootstrap import edi_services
from gateway.canonical import CanonicalDocument, ContractError, document_from_dict, schema_text
from gateway.cli.common import EXIT_OK, fail, open_input, write_out


def add_commands(commands: Any) -> None:
    render = commands.add_parser(
        "render",
        help="turn canonical JSON into EDI text on stdout",
        description="Read canonical JSON (one document, a list of documents, or the report of "
        "'crossdock translate') and write one interchange of EDI on stdout; what it writes passes "
        "'crossdock translate' without errors. Exit 2 if the JSON does not fit the contract or "
        "cannot be written in the chosen standard.",
    )
    render.add_argument("path", metavar="PATH.json", help="canonical JSON; - reads stdin")
    render.add_argument(
        "--standard", choices=["x12", "edifact"], default="x12",
        help="standard to write (default: x12)",
    )  # fmt: skip
    render.add_argument(
        "--version",
        help="X12: GS08 (default: 004010); EDIFACT: the directory, D96A or D01B (default: D96A)",
    )
    render.add_argument(
        "--sender", metavar="QUAL:ID",
        help="interchange sender qualifier and id (default: ZZ:CROSSDOCK for X12, "
        "ZZZ:CROSSDOCK for EDIFACT)",
    )  # fmt: skip
    render.add_argument(
        "--receiver", metavar="QUAL:ID",
        help="interchange receiver qualifier and id (default: ZZ:PARTNER for X12, "
        "ZZZ:PARTNER for EDIFACT)",
    )  # fmt: skip
    render.add_argument(
        "--delimiters", metavar="CHARS",
        help="X12: element, component, segment and repetition separators (default: *:~^); "
        "EDIFACT: the six UNA characters, component, element, decimal mark, release, "
        "repetition (space: none) and terminator (default: \":+.? '\")",
    )  # fmt: skip
    render.add_argument("--usage", choices=["P", "T"], default="P",
                        help="P production, T test (ISA15; UNB 0035) (default: P)")  # fmt: skip
    render.add_argument(
        "--syntax", default="UNOC:3", metavar="ID:VERSION",
        help="EDIFACT: UNB syntax identifier and version (default: UNOC:3)",
    )  # fmt: skip
    render.add_argument("--association", metavar="CODE",
                        help="EDIFACT: UNH association assigned code, e.g. EAN008")  # fmt: skip
    render.set_defaults(run=run_render)
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the canonical contract",
        description="Print the JSON Schema (draft 2020-12) of canonical contract v1, generated "
        "from the models; docs/contracts/ holds the same text.",
    )
    schema.set_defaults(run=lambda _arguments: _print_schema())


def _print_schema() -> int:
    write_out(schema_text())
    return EXIT_OK


def _party(value: str, qualifier_length: range = range(2, 3)) -> tuple[str, str]:
    qualifier, _, identifier = value.partition(":")
    if len(qualifier) not in qualifier_length or not identifier:
        raise ValueError(f"{value!r}: expected QUAL:ID, e.g. ZZ:CROSSDOCK")
    return qualifier, identifier


def _documents(data: Any) -> list[CanonicalDocument]:
    if isinstance(data, dict) and "documents" in data and "meta" not in data:
        data = data["documents"]
    items = data if isinstance(data, list) else [data]
    return [document_from_dict(item) for item in items]


def run_render(arguments: argparse.Namespace) -> int:
    try:
        with open_input(arguments.path) as source:
            documents = _documents(json.load(source))
        services = edi_services()
        if arguments.standard == "edifact":
            text = render_edifact(documents, _edifact_options(arguments), services.numbers,
                                  services.clock)  # fmt: skip
        else:
            text = render_x12(documents, _x12_options(arguments), services.numbers,
                              services.clock)  # fmt: skip
    except (OSError, ValueError, ContractError, EdiError) as error:
        return fail(f"{arguments.path}: {error}")
    write_out(text)
    return EXIT_OK


def _x12_options(arguments: argparse.Namespace) -> RenderOptions:
    delimiters = arguments.delimiters or "*:~^"
    if len(delimiters) != 4:
        raise ValueError(
            "--delimiters takes four characters: element, component, segment, repetition"
        )
    return RenderOptions(
        version=arguments.version or "004010",
        sender=_party(arguments.sender or "ZZ:CROSSDOCK"),
        receiver=_party(arguments.receiver or "ZZ:PARTNER"),
        delimiters=Delimiters(*delimiters),
        usage=arguments.usage,
    )


def _edifact_options(arguments: argparse.Namespace) -> EdifactRenderOptions:
    una = arguments.delimiters or ":+.? '"
    if len(una) != 6:
        raise ValueError('--delimiters takes the six UNA characters for EDIFACT, e.g. ":+.? \'"')
    identifier, _, version = arguments.syntax.partition(":")
    if not version.isdigit():
        raise ValueError(f"--syntax {arguments.syntax!r}: expected ID:VERSION, e.g. UNOC:3")
    sender = _party(arguments.sender or "ZZZ:CROSSDOCK", qualifier_length=range(0, 5))
    receiver = _party(arguments.receiver or "ZZZ:PARTNER", qualifier_length=range(0, 5))
    return EdifactRenderOptions(
        version=arguments.version or "D96A",
        association=arguments.association,
        syntax=(identifier, int(version)),
        sender=(sender[1], sender[0]),
        receiver=(receiver[1], receiver[0]),
        chars=ServiceChars.from_una("UNA" + una),
        test=arguments.usage == "T",
    )
