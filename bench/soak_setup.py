"""The stack side of the soak benchmark (``soak.py``): AS2 keys for both stations,
our SFTP server started as a process of the stack, and Acme's partner profile with an
AS2 station and an SFTP account.

Why a module of its own: what the stack needs before the first document is sent,
apart from the traffic and the measuring; the identities here are shared with the
senders in ``soak_traffic.py``.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.as2 import make_keys
from bench.sftp import _free_port, _keygen
from demo.live import LiveStack
from gateway.profiles import load_profiles
from gateway.profiles.model import PartnerProfile

REPO = Path(__file__).resolve().parent.parent
PARTNER_AS2_ID, OUR_AS2_ID, SFTP_ACCOUNT = "ACMESUPPLY", "CROSSDOCK", "acme"


@dataclass(frozen=True)
class Setup:
    keys: Path
    sftp_port: int
    env: dict[str, str]


def prepare(work: Path) -> Setup:
    keys = work / "keys"
    make_keys(keys)  # sender.* is Acme's station, receiver.* ours
    _keygen(keys / "sftp_client")
    port = _free_port()
    env = {
        "CROSSDOCK_AS2_ID": OUR_AS2_ID,
        "CROSSDOCK_AS2_KEY": str(keys / "receiver.key"),
        "CROSSDOCK_AS2_CERTIFICATE": str(keys / "receiver.crt"),
        "CROSSDOCK_SFTP_HOST": "127.0.0.1",
        "CROSSDOCK_SFTP_PORT": str(port),
    }
    return Setup(keys, port, env)


def acme_profile(setup: Setup) -> PartnerProfile:
    """Acme as the demo has it, plus inbound 850s, an AS2 station and an SFTP account."""
    acme = next(p for p in load_profiles(REPO / "demo" / "partners") if p.id == "acme-supply")
    data = acme.model_dump(mode="json", exclude_none=True)
    data["documents"].append({"direction": "inbound", "transaction_set": "850"})
    data["transports"] = {
        "api": {"enabled": True},
        "as2": {
            "as2_id": PARTNER_AS2_ID,
            "url": "http://127.0.0.1:9/as2",  # never used: nothing goes out to Acme
            "partner_certificate": (setup.keys / "sender.crt").read_text(),
        },
        "sftp": {
            "inbound": {
                "account": SFTP_ACCOUNT,
                "public_keys": [(setup.keys / "sftp_client.pub").read_text().strip()],
            }
        },
    }
    return PartnerProfile.model_validate(data)


def start_sftp(stack: LiveStack, setup: Setup) -> Any:
    """Our SFTP server as a process of the stack; returns the client's view of it."""
    from sftp import ensure_host_key
    from sftp.remote import RemoteServer

    public = ensure_host_key(stack.settings.effective_sftp_host_key)
    stack._spawn("sftp", "-m", "gateway.cli.main", "sftp-server")
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", setup.sftp_port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError("the SFTP server did not start") from None
            time.sleep(0.2)
    return RemoteServer(host="127.0.0.1", port=setup.sftp_port, username=SFTP_ACCOUNT,
                        host_key=public, private_key_path=setup.keys / "sftp_client",
                        push_dir="inbound", timeout=120)  # fmt: skip
