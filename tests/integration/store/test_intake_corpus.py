"""Every sample of the corpus goes through the intake without crashing it: each ends
in a state the pipeline defines, with its raw bytes kept (bad input is normal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from edi_maps.errors import EdiError
from edi_maps.peek import first_envelope
from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import State, Transport
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.services.intake import Submission
from gateway.settings import Settings
from tests.conftest import SAMPLES, requires_samples, sample_files
from tests.fakes import FixedClock
from tests.partner_profiles import for_sender

FILES = [
    p for p in sample_files("**/*") if p.is_file() and p.suffix.lower() not in {".md", ".json"}
]


@pytest.fixture(scope="module")
def corpus_gateway(tmp_path_factory: pytest.TempPathFactory) -> Gateway:
    root = tmp_path_factory.mktemp("corpus")
    engine: Engine = make_engine(f"sqlite:///{root / 'store.db'}")
    upgrade(engine)
    return gateway(Settings(data_dir=root), clock=FixedClock(), engine=engine, migrate=False)


@requires_samples
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_sample_ends_in_a_defined_state(corpus_gateway: Gateway, path: Path) -> None:
    gw = corpus_gateway
    data = path.read_bytes()
    try:
        envelope = first_envelope(data)
    except EdiError:
        envelope = None
    if envelope is not None:
        sender = (envelope.sender_qualifier, envelope.sender_id)
        receiver = (envelope.receiver_qualifier, envelope.receiver_id)
        partner_id = f"p-{abs(hash((envelope.standard, sender, receiver))) % 10**12}"
        try:
            group = (envelope.group_sender, envelope.group_receiver)
            profile = for_sender(envelope.standard.value, sender, receiver, partner_id, group)
        except ValueError:
            profile = None  # ids no profile may hold (too long, empty): unknown sender then
        if profile is not None:
            with gw.unit_of_work() as uow:
                uow.partners.save(profile, gw.clock.now())
                uow.commit()
    message = gw.intake.receive(data, Submission(Transport.FILE, str(path.name)))
    outcome = gw.intake.process(message.id)
    assert outcome.message.state in {
        State.MAPPED, State.ACKNOWLEDGED, State.VALIDATED, State.REJECTED, State.DUPLICATE
    }  # fmt: skip
    if outcome.message.state is State.REJECTED:
        assert outcome.message.error_code and outcome.message.error_message
    assert gw.payloads.get(message.raw_sha256) == data
