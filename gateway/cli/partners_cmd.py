"""``crossdock partners …`` and ``crossdock db …``: profiles in git, schema up to date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gateway.cli.common import EXIT_OK, EXIT_REJECTED, fail, write_out
from gateway.cli.store_support import print_json, wired
from gateway.domain.control_numbers import Level
from gateway.persistence.migrate import current_revision, head_revision
from gateway.profiles import dump_profiles, load_profiles, profile_json_schema_text
from gateway.profiles.errors import ProfileError
from gateway.services.gaps import control_number_gaps
from gateway.services.partners import export_profiles, import_profiles


def add_commands(commands: Any) -> None:
    partners = commands.add_parser(
        "partners", help="trading partner profiles: import/export YAML, list, show, schema"
    )
    sub = partners.add_subparsers(dest="partners_command", required=True, metavar="ACTION")
    imp = sub.add_parser(
        "import",
        help="create or update profiles from a YAML file or a directory of them",
        description="Validate every profile first: any error (reported with file, line and "
        "field) imports nothing. Importing the same files again changes nothing.",
    )
    imp.add_argument("path", type=Path, metavar="FILE|DIR")
    imp.set_defaults(run=_import)
    exp = sub.add_parser("export", help="print the stored profiles as YAML")
    exp.add_argument("--include-inactive", action="store_true")
    exp.set_defaults(run=_export)
    lst = sub.add_parser("list", help="one line per partner")
    lst.set_defaults(run=_list)
    schema = sub.add_parser("schema", help="print the profile JSON Schema")
    schema.set_defaults(run=_schema)
    gaps = sub.add_parser(
        "gaps",
        help="missing interchange control numbers: inbound (the partner's) and outbound (ours)",
    )
    gaps.add_argument("partner_id")
    gaps.set_defaults(run=_gaps)

    db = commands.add_parser("db", help="the message store's schema")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="apply the migrations (every command does too)")
    upgrade.set_defaults(run=_upgrade)


def _import(arguments: argparse.Namespace) -> int:
    try:
        profiles = load_profiles(arguments.path)
        gw = wired()
        changes = import_profiles(gw.unit_of_work, gw.clock, profiles)
    except ProfileError as error:
        print(f"crossdock: {len(error.problems)} problem(s), nothing imported:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_REJECTED
    except OSError as error:
        return fail(str(error))
    for partner_id, change in sorted(changes.items()):
        print(f"{change:9}  {partner_id}")
    return EXIT_OK


def _export(arguments: argparse.Namespace) -> int:
    gw = wired()
    profiles = export_profiles(gw.unit_of_work, include_inactive=arguments.include_inactive)
    write_out(dump_profiles(profiles))
    return EXIT_OK


def _list(_: argparse.Namespace) -> int:
    gw = wired()
    with gw.unit_of_work() as uow:
        for stored in uow.partners.list_all():
            p = stored.profile
            ids = p.interchange
            state = p.status if stored.active else "inactive"
            print(
                f"{p.id:24} {state:10} {p.standard:8} {p.version:7} "
                f"{ids.partner.qualifier or ''}:{ids.partner.id} → "
                f"{ids.ours.qualifier or ''}:{ids.ours.id}"
            )
    return EXIT_OK


def _gaps(arguments: argparse.Namespace) -> int:
    gw = wired()
    last = gw.numbers.last(arguments.partner_id, Level.INTERCHANGE)
    with gw.unit_of_work() as uow:
        if uow.partners.get(arguments.partner_id) is None:
            return fail(f"no partner {arguments.partner_id}")
        gaps = control_number_gaps(uow, arguments.partner_id, last)
    print_json(
        {
            direction: [{"first_missing": low, "last_missing": high} for low, high in ranges]
            for direction, ranges in (("inbound", gaps.inbound), ("outbound", gaps.outbound))
        }
    )
    return EXIT_REJECTED if gaps.inbound or gaps.outbound else EXIT_OK


def _schema(_: argparse.Namespace) -> int:
    write_out(profile_json_schema_text())
    return EXIT_OK


def _upgrade(_: argparse.Namespace) -> int:
    gw = wired()  # migrates
    print(f"schema at {current_revision(gw.engine)} (head {head_revision()})")
    return EXIT_OK
