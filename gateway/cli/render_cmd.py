"""``crossdock render``: canonical JSON → EDI text (SPEC §7), and ``crossdock schema``."""

from __future__ import annotations

import argparse
import json
from typing import Any

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
        "--standard", choices=["x12"], default="x12", help="standard to write (default: x12)"
    )
    render.add_argument(
        "--version", default="004010", help="version to write: GS08 (default: 004010)"
    )
    render.add_argument(
        "--sender", default="ZZ:CROSSDOCK", metavar="QUAL:ID",
        help="interchange sender qualifier and id (default: ZZ:CROSSDOCK)",
    )  # fmt: skip
    render.add_argument(
        "--receiver", default="ZZ:PARTNER", metavar="QUAL:ID",
        help="interchange receiver qualifier and id (default: ZZ:PARTNER)",
    )  # fmt: skip
    render.add_argument("--delimiters", default="*:~^", metavar="ECSR",
                        help="element, component, segment and repetition separators, in that "
                        "order (default: *:~^)")  # fmt: skip
    render.add_argument("--usage", choices=["P", "T"], default="P",
                        help="usage indicator: P production, T test (default: P)")  # fmt: skip
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


def _party(value: str) -> tuple[str, str]:
    qualifier, _, identifier = value.partition(":")
    if len(qualifier) != 2 or not identifier:
        raise ValueError(f"{value!r}: expected QUAL:ID, e.g. ZZ:CROSSDOCK")
    return qualifier, identifier


def _documents(data: Any) -> list[CanonicalDocument]:
    if isinstance(data, dict) and "documents" in data and "meta" not in data:
        data = data["documents"]
    items = data if isinstance(data, list) else [data]
    return [document_from_dict(item) for item in items]


def run_render(arguments: argparse.Namespace) -> int:
    try:
        delimiters = arguments.delimiters
        if len(delimiters) != 4:
            raise ValueError(
                "--delimiters takes four characters: element, component, segment, repetition"
            )
        options = RenderOptions(
            version=arguments.version,
            sender=_party(arguments.sender),
            receiver=_party(arguments.receiver),
            delimiters=Delimiters(*delimiters),
            usage=arguments.usage,
        )
        with open_input(arguments.path) as source:
            documents = _documents(json.load(source))
        services = edi_services()
        text = render_x12(documents, options, services.numbers, services.clock)
    except (OSError, ValueError, ContractError, EdiError) as error:
        return fail(f"{arguments.path}: {error}")
    write_out(text)
    return EXIT_OK
