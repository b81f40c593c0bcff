"""``crossdock keys …`` and ``crossdock serve``: the HTTP API and who may call it.

The first admin key can only come from here: nobody holds a key to ask the API.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gateway.api import create_key
from gateway.cli.common import EXIT_OK, EXIT_REJECTED, fail
from gateway.cli.store_support import serving, wired
from gateway.domain.access import Role
from gateway.domain.errors import GatewayError


def add_commands(commands: Any) -> None:
    keys = commands.add_parser("keys", help="API keys: create (shown once), list, revoke")
    sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = sub.add_parser("create", help="issue a key; its secret is printed once")
    create.add_argument("--name", required=True, help="who or what will use it")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--partner", help="the partner a partner key acts for")
    create.set_defaults(run=_create)
    lst = sub.add_parser("list", help="keys with their role and partner (never the secret)")
    lst.set_defaults(run=_list)
    revoke = sub.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=_revoke)
    serve = commands.add_parser("serve", help="run the HTTP API (OpenAPI at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)


def _create(arguments: argparse.Namespace) -> int:
    try:
        new = create_key(wired(), arguments.name, arguments.role, arguments.partner)
    except GatewayError as error:
        return fail(str(error))
    record = new.record
    print(
        f"key {record.id} ({record.role}{f' for {record.partner_id}' if record.partner_id else ''})"
    )
    print(new.secret)
    print("keep the secret now: only its hash is stored", file=sys.stderr)
    return EXIT_OK


def _list(_: argparse.Namespace) -> int:
    gw = wired()
    with gw.unit_of_work() as uow:
        for key in uow.api_keys.list_all():
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            print(
                f"{key.id}  {key.prefix}…  {key.role:8} {key.partner_id or '-':20} "
                f"{state:18} {key.name}"
            )
    return EXIT_OK


def _revoke(arguments: argparse.Namespace) -> int:
    gw = wired()
    with gw.unit_of_work() as uow:
        revoked = uow.api_keys.revoke(arguments.key_id, gw.clock.now())
        uow.commit()
    if not revoked:
        print(f"crossdock: no active key {arguments.key_id}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"revoked {arguments.key_id}")
    return EXIT_OK


def _serve(arguments: argparse.Namespace) -> int:
    import uvicorn  # only this command needs the server

    from gateway.api import create_app
    from gateway.observability.process import configure_process
    from gateway.settings import get_settings

    configure_process(get_settings(), "crossdock-api")
    # log_config=None: uvicorn's own dictConfig would replace our JSON handler.
    app = create_app(serving())
    uvicorn.run(app, host=arguments.host, port=arguments.port, log_config=None)
    return EXIT_OK
