"""The workflow's world on the real store: profiles, an in-memory ERP and WMS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from gateway.bootstrap import gateway
from gateway.settings import Settings
from tests.fakes import FakeConnector, FixedClock
from tests.integration.workflow.harness import Flow
from tests.partner_profiles import acme

# Tolerances the tests reason about: 2 % on prices (no absolute slack), none on quantities.
PROFILE: dict[str, Any] = {
    "tolerances": {"price_percent": "2", "price_absolute": "0", "quantity_percent": "0"},
    "exception_owners": {"finance": "ap@crossdock.example", "warehouse": "dock@crossdock.example"},
}


def make_flow(store_engine: Engine, tmp_path: Path, clock: FixedClock, **profile: Any) -> Flow:
    systems = {"erp": FakeConnector("erp"), "wms": FakeConnector("wms")}
    gw = gateway(
        Settings(data_dir=tmp_path / "data"),
        clock=clock,
        engine=store_engine,
        migrate=False,
        connectors=systems,
    )
    with gw.unit_of_work() as uow:
        uow.partners.save(acme(**(PROFILE | profile)), clock.now())
        uow.commit()
    return Flow(gw, clock, systems)


@pytest.fixture
def flow(store_engine: Engine, tmp_path: Path, clock: FixedClock) -> Flow:
    return make_flow(store_engine, tmp_path, clock)
