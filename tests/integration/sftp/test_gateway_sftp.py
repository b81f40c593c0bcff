"""The SFTP transport wired to the gateway: a partner's upload to our server, or a file
polled from its server, is stored raw, processed and delivered once; its 997 comes back
over SFTP (our server's outbound/ or pushed to theirs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import Direction, MessageQuery, State, Transport
from gateway.services.transport_intake import TransportIntake
from gateway.settings import Settings
from gateway.transports.sftp import ProfileAccounts, due_for_poll, poll_partner
from sftp.server import ServerLimits
from tests.conftest import ROOT
from tests.fakes import FakeConnector, FixedClock
from tests.integration.sftp.conftest import HOST, Keys, RunningServer, Sshd, needs_openssh_client
from tests.partner_profiles import acme

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()


def _profile(keys: Keys, **sftp: Any) -> Any:
    return acme(
        transports={
            "sftp": {"inbound": {"account": "acme", "public_keys": [keys.partner.public]}, **sftp},
            "outbound": "sftp",
        }
    )


def _gateway(tmp_path: Path, profile: Any, erp: FakeConnector) -> Gateway:
    settings = Settings(data_dir=tmp_path / "data", sftp_root=tmp_path / "homes")
    wired = gateway(settings, clock=FixedClock(), connectors={"erp": erp})
    with wired.unit_of_work() as uow:
        uow.partners.save(profile, wired.clock.now())
        uow.commit()
    return wired


def _inbound(gw: Gateway) -> list[Any]:
    with gw.unit_of_work() as uow:
        return uow.messages.find(MessageQuery(direction=Direction.INBOUND))


@needs_openssh_client
def test_an_upload_to_our_server_is_processed_once_and_its_997_waits_in_outbound(
    tmp_path: Path, keys: Keys
) -> None:
    erp = FakeConnector("erp")
    gw = _gateway(tmp_path, _profile(keys), erp)
    lookup = ProfileAccounts(gw.unit_of_work, tmp_path / "homes")
    account = lookup("acme")
    assert account is not None and account.partner_id == "acme-supply"
    sink = TransportIntake(gw.intake, gw.pipeline.dispatcher, gw.unit_of_work, Transport.SFTP)
    server = RunningServer(tmp_path, keys, sink, ServerLimits(), [account])
    try:
        (tmp_path / "day1.x12").write_bytes(DAY1)
        done = server.sftp(["cd inbound", "put day1.x12", "put day1.x12"], cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        listing = server.sftp(["ls -1 /archive", "ls -1 /outbound"])
    finally:
        server.stop()
    [message] = _inbound(gw)  # the same file twice is one message
    assert message.transport is Transport.SFTP and message.partner_id == "acme-supply"
    assert message.transport_message_id and "inbound/day1.x12" in message.transport_message_id
    assert message.state is State.DELIVERED
    assert gw.payloads.get(message.raw_sha256) == DAY1
    assert len(erp.records) == 3  # 855, 856, 810 delivered once
    assert "/archive/day1.x12" in listing.stdout and "/archive/day1-2.x12" in listing.stdout
    outbound = sorted(p.name for p in account.outbound.iterdir())
    assert len(outbound) == 2 and any(name.startswith("997") for name in outbound), outbound
    with gw.unit_of_work() as uow:
        acks = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
    assert {m.state for m in acks} == {State.SENT}


def test_profile_accounts_refuse_suspended_and_unknown_partners(tmp_path: Path, keys: Keys) -> None:
    gw = _gateway(tmp_path, _profile(keys), FakeConnector())
    lookup = ProfileAccounts(gw.unit_of_work, tmp_path / "homes")
    assert lookup("nobody") is None
    found = lookup("acme")
    assert found is not None and (found.home / "inbound").is_dir()
    with gw.unit_of_work() as uow:
        uow.partners.save(_profile(keys).model_copy(update={"status": "suspended"}), gw.clock.now())
        uow.commit()
    assert lookup("acme") is None


def _remote(sshd: Sshd, **changes: Any) -> dict[str, Any]:
    return {
        "host": HOST,
        "port": sshd.port,
        "username": "root",
        "host_key": sshd.host_key,
        "credentials": f"file:{sshd.client_key}",
        "poll_path": str(sshd.data / "out"),
        "archive_path": str(sshd.data / "done"),
        **changes,
    }


def test_polling_the_partners_server_stores_processes_and_archives_once(
    tmp_path: Path, keys: Keys, sshd: Sshd
) -> None:
    for folder in ("out", "done"):
        (sshd.data / folder).mkdir(exist_ok=True)
    (sshd.data / "out" / "day1.x12").write_bytes(DAY1)
    erp = FakeConnector("erp")
    profile = _profile(keys, remote=_remote(sshd))
    gw = _gateway(tmp_path, profile, erp)
    first = poll_partner(profile, gw.intake, gw.pipeline.dispatcher, gw.unit_of_work)
    again = poll_partner(profile, gw.intake, gw.pipeline.dispatcher, gw.unit_of_work)
    assert len(first.fetched) == 1 and again.fetched == []
    assert sorted(p.name for p in (sshd.data / "done").iterdir()) == ["day1.x12"]
    assert list((sshd.data / "out").iterdir()) == []
    [message] = _inbound(gw)
    assert message.state is State.DELIVERED and len(erp.records) == 3


def test_a_push_path_sends_our_997_to_the_partners_server(
    tmp_path: Path, keys: Keys, sshd: Sshd
) -> None:
    (sshd.data / "in").mkdir(exist_ok=True)
    profile = _profile(keys, remote=_remote(sshd, push_path=str(sshd.data / "in")))
    gw = _gateway(tmp_path, profile, FakeConnector())
    message = gw.intake.receive(DAY1, _submission())
    gw.pipeline.process_inbound(message.id)
    pushed = sorted(p.name for p in (sshd.data / "in").iterdir())
    assert len(pushed) == 2 and not any(name.startswith(".") for name in pushed), pushed
    with gw.unit_of_work() as uow:
        acks = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
    assert {m.state for m in acks} == {State.SENT}


def _submission() -> Any:
    from gateway.services.intake import Submission

    return Submission(Transport.API, partner_id="acme-supply")


def test_polls_fall_due_at_each_partners_interval(keys: Keys) -> None:
    profile = _profile(
        keys,
        remote={
            "host": HOST, "username": "u", "host_key": keys.their_host.public,
            "credentials": "env:X", "poll_path": "out", "poll_interval_seconds": 300,
        },
    )  # fmt: skip
    due = [t for t in range(0, 1200, 30) if due_for_poll(profile, float(t), 30.0)]
    assert due == [0, 300, 600, 900]
    quiet = _profile(keys)  # no remote server: never polled
    assert not any(due_for_poll(quiet, float(t), 30.0) for t in range(0, 1200, 30))
