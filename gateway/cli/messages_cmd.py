"""``crossdock receive`` and ``crossdock messages …``: the intake and message tracking."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gateway.cli.common import EXIT_OK, EXIT_REJECTED, fail
from gateway.cli.store_support import print_json, wired
from gateway.domain.errors import GatewayError
from gateway.domain.tracking import Direction, MessageQuery, MessageRecord, State, Transport
from gateway.services.intake import Submission


def add_commands(commands: Any) -> None:
    receive = commands.add_parser(
        "receive",
        help="take files of EDI in as a partner would send them (store, identify, validate, "
        "acknowledge, map)",
        description="Store each file's raw bytes, then process it: find the partner from the "
        "envelope, detect duplicates, validate, acknowledge and map. Exit 1 if any file was "
        "rejected or a duplicate.",
    )
    receive.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    receive.set_defaults(run=_receive)
    messages = commands.add_parser("messages", help="message tracking: list, show, replay")
    sub = messages.add_subparsers(dest="messages_command", required=True, metavar="ACTION")
    lst = sub.add_parser("list", help="recent messages, newest first")
    lst.add_argument("--partner")
    lst.add_argument("--state", choices=[s.value for s in State])
    lst.add_argument("--direction", choices=[d.value for d in Direction])
    lst.add_argument("--number", help="PO, ASN or invoice number")
    lst.add_argument("--icn", help="interchange control number")
    lst.add_argument("--limit", type=int, default=50)
    lst.set_defaults(run=_list)
    show = sub.add_parser("show", help="a message with its sets and history (JSON)")
    show.add_argument("message_id")
    show.set_defaults(run=_show)
    for parent, name in ((sub, "replay"), (commands, "replay")):  # also `crossdock replay ID`
        replay = parent.add_parser(
            name,
            help="start again what stopped: a rejected or failed message from its raw bytes, "
            "or the dead-lettered deliveries of a mapped one",
        )
        replay.add_argument("message_id")
        replay.add_argument("--reason", default="replayed from the command line")
        replay.set_defaults(run=_replay)


def _receive(arguments: argparse.Namespace) -> int:
    gw = wired()
    status = EXIT_OK
    for path in arguments.paths:
        try:
            with path.open("rb") as handle:
                message = gw.intake.receive(handle, Submission(Transport.FILE, str(path)))
        except (OSError, GatewayError) as error:
            status = fail(f"{path}: {error}")
            continue
        outcome = gw.pipeline.process_inbound(message.id)
        final = outcome.message
        sets = ", ".join(f"{t.transaction_set} {t.state}" for t in outcome.transactions)
        acks = ", ".join(a.document_type or "" for a in outcome.acknowledgements)
        print(f"{path}: {final.state} (message {final.id}, partner {final.partner_id or '-'})")
        if sets:
            print(f"    sets: {sets}")
        if acks:
            print(f"    acknowledged with: {acks}")
        if final.error_message:
            print(f"    reason: {final.error_message}")
        if final.state in (State.REJECTED, State.DUPLICATE):
            status = max(status, EXIT_REJECTED)
    return status


def _list(arguments: argparse.Namespace) -> int:
    gw = wired()
    query = MessageQuery(
        partner_id=arguments.partner,
        state=State(arguments.state) if arguments.state else None,
        direction=Direction(arguments.direction) if arguments.direction else None,
        business_number=arguments.number,
        interchange_control_number=arguments.icn,
        limit=arguments.limit,
    )
    with gw.unit_of_work() as uow:
        for m in uow.messages.find(query):
            kind = m.document_type or m.standard or "-"
            print(
                f"{m.received_at:%Y-%m-%d %H:%M:%S}  {m.id}  {m.direction:8} {m.state:13} "
                f"{m.partner_id or '-':20} {kind:7} {m.interchange_control_number or '-'}"
            )
    return EXIT_OK


def _show(arguments: argparse.Namespace) -> int:
    gw = wired()
    with gw.unit_of_work() as uow:
        message = uow.messages.get(arguments.message_id)
        if message is None:
            return fail(f"no message {arguments.message_id}")
        sets = uow.messages.transactions_of(message.id)
        history = uow.messages.history(message.id)
    print_json(
        {
            "message": _message_json(message),
            "transactions": [asdict(t) | {"document": None} for t in sets],
            "history": [asdict(h) for h in history],
        }
    )
    return EXIT_OK


def _replay(arguments: argparse.Namespace) -> int:
    gw = wired()
    try:
        gw.pipeline.replay(arguments.message_id, arguments.reason)
    except GatewayError as error:
        return fail(str(error))
    with gw.unit_of_work() as uow:
        message = uow.messages.get(arguments.message_id)
    assert message is not None
    print(f"{arguments.message_id}: {message.state}")
    return EXIT_OK if message.state is not State.REJECTED else EXIT_REJECTED


def _message_json(message: MessageRecord) -> dict[str, Any]:
    return asdict(message)
