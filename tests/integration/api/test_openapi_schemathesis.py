"""Schemathesis against our own OpenAPI document: no request a client can make earns a 5xx.

Every operation in ``/openapi.json`` (``POST /as2`` included; the console's pages are not
in it) is called in-process over ASGI, as an admin and as a partner, on a temporary store
seeded with two partners and one processed message each, with requests valid for the
schema and requests that break it. Each answer must not be a server error, must have a
status the operation documents, and must match the documented response schema.

CI keeps it bounded and stable: few examples per operation, a fixed seed, derandomized,
no example database. To explore further on a developer machine::

    CROSSDOCK_SCHEMATHESIS_EXAMPLES=300 CROSSDOCK_SCHEMATHESIS_STORE=postgresql \\
        pytest tests/integration/api/test_openapi_schemathesis.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from sqlalchemy import Engine

from gateway.api import create_app
from gateway.bootstrap import Gateway, gateway
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.settings import Settings, get_settings
from tests.fakes import FixedClock
from tests.integration.api.conftest import seed
from tests.stores import postgres_schema_engine
from tests.unit.as2.pki import make_key_pair, write_pem

EXAMPLES = int(os.environ.get("CROSSDOCK_SCHEMATHESIS_EXAMPLES", "5"))
STORE = os.environ.get("CROSSDOCK_SCHEMATHESIS_STORE", "sqlite")
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
]
# FastAPI's own answer to a JSON body that is not UTF-8, in FastAPI's shape rather than
# ours and with a status the routes do not document. It needs an exception handler for
# HTTPException in gateway/api/app.py; until then this one answer skips the status check.
BODY_NOT_PARSED = {"detail": "There was an error parsing the body"}

# Uploads are bytes whatever their EDI media type: send them as schemathesis sends
# application/octet-stream (without this it skips those cases, with a warning).
schemathesis.serializer.alias(
    ["application/edi-x12", "application/edifact"], "application/octet-stream"
)


@dataclass
class Seeded:
    gw: Gateway
    keys: dict[str, str]


def _config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 20261128,
            "generation": {
                "mode": "all",  # requests valid for the schema and ones that break it
                "max-examples": EXAMPLES,
                "deterministic": True,
                "database": "none",
                # The keys come from the fixture; fuzzing them only reaches the 401.
                "with-security-parameters": False,
            },
            # One request at a time, not sequences linked by the responses' ids.
            "phases": {"stateful": {"enabled": False}},
        }
    )


def _document() -> dict[str, Any]:
    """Our OpenAPI document, from an app that is never started (so nothing is wired).

    Schemathesis needs it at collection to make a test per operation; its lazy loader
    (``from_fixture``) would defer that, but sets a node attribute pytest 9.2 no longer
    has. The app reads the settings for the AS2 path only; the cache is cleared so that
    no test sees settings read at collection.
    """
    try:
        return create_app().openapi()
    finally:
        get_settings.cache_clear()


schema = schemathesis.openapi.from_dict(_document(), config=_config())


@contextmanager
def _store(tmp: Path) -> Iterator[Engine]:
    """A migrated store: a SQLite file (CI), or a throwaway PostgreSQL schema."""
    if STORE == "postgresql":
        yield from postgres_schema_engine()
        return
    engine = make_engine(f"sqlite:///{tmp / 'store.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    # Our AS2 identity, so that POST /as2 takes requests rather than answering 503.
    key, certificate = write_pem(make_key_pair("crossdock.example"), tmp, "ours")
    settings = Settings(
        data_dir=tmp / "data", as2_key=key, as2_certificate=certificate, as2_id="CROSSDOCK"
    )
    with _store(tmp) as engine:
        gw = gateway(settings, clock=FixedClock(), engine=engine, migrate=False)
        keys, _ = seed(gw)
        yield Seeded(gw, keys)


@pytest.fixture(scope="module")
def app(seeded: Seeded) -> FastAPI:
    return create_app(seeded.gw)


@pytest.mark.parametrize("caller", ["admin", "acme"])
@schema.parametrize()
def test_no_request_earns_a_server_error(
    case: schemathesis.Case, caller: str, app: FastAPI, seeded: Seeded
) -> None:
    headers = {"Authorization": f"Bearer {seeded.keys[caller]}"}
    response = case.call(app=app, base_url="http://testserver", headers=headers)
    case.validate_response(response, checks=_checks_for(case, response), headers=headers)


def _checks_for(case: schemathesis.Case, response: Any) -> list[Any]:
    assert _json(response) != BODY_NOT_PARSED, "FastAPI's own 400 escaped our error shape"
    return CHECKS


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
