"""``crossdock sftp-server`` as an operator runs it: accounts from the imported profiles,
an OpenSSH client's upload lands in the message store, processed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.integration.sftp.conftest import (
    HOST,
    Keys,
    free_port,
    needs_openssh_client,
    wait_for_port,
)
from tests.partner_profiles import acme

pytestmark = needs_openssh_client


def _crossdock(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli.main", *arguments],
        env=env, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_the_command_serves_profile_accounts_into_the_store(tmp_path: Path, keys: Keys) -> None:
    env = {**os.environ, "CROSSDOCK_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    profile = acme(
        transports={"sftp": {"inbound": {"account": "acme", "public_keys": [keys.partner.public]}}}
    )
    (tmp_path / "acme.yaml").write_text(yaml.safe_dump(profile.model_dump(mode="json")))
    imported = _crossdock(env, "partners", "import", str(tmp_path / "acme.yaml"))
    assert imported.returncode == 0, imported.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli.main", "sftp-server", "--host", HOST,
         "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(port, 30)
        host_key = (tmp_path / "data" / "sftp_host_ed25519_key.pub").read_text().split()[:2]
        known = tmp_path / "known_hosts"
        known.write_text(f"[{HOST}]:{port} {' '.join(host_key)}\n")
        (tmp_path / "day1.x12").write_bytes(
            (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()
        )
        upload = subprocess.run(
            ["sftp", "-F", "/dev/null", "-i", str(keys.partner.private), "-o", "IdentitiesOnly=yes",
             "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=yes",
             "-o", "BatchMode=yes", "-P", str(port), "-b", "-", f"acme@{HOST}"],
            input="cd inbound\nput day1.x12\n", capture_output=True, text=True, timeout=60,
            cwd=tmp_path,
        )  # fmt: skip
        assert upload.returncode == 0, upload.stderr
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode(errors="replace")
    assert server.returncode == 0, output
    listed = _crossdock(env, "messages", "list", "--direction", "inbound")
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    shown = _crossdock(env, "messages", "show", line.split()[2])
    message = json.loads(shown.stdout)["message"]
    assert message["transport"] == "sftp" and message["partner_id"] == "acme-supply"
    assert message["state"] == "mapped"  # no ERP configured: mapped, waiting for one
    archived = tmp_path / "data" / "sftp" / "acme" / "archive" / "day1.x12"
    assert archived.read_bytes().startswith(b"ISA*")
