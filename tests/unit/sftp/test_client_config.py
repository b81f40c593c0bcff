from __future__ import annotations

from pathlib import Path

import pytest

import sftp
from sftp.client import pinned_key
from sftp.errors import SftpConfigurationError
from sftp.remote import RemoteServer

ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIHKaLRBiIu0Y6TjmHw6ZkjMnWHRS0hXY6KtDVmB1e2Ir"


@pytest.mark.parametrize(
    "line",
    [
        f"ssh-ed25519 {ED25519}",
        f"ssh-ed25519 {ED25519} partner host key",
        f"[sftp.partner.example]:2222 ssh-ed25519 {ED25519}",
        f"sftp.partner.example,10.0.0.1 ssh-ed25519 {ED25519} comment",
    ],
)
def test_pinned_key_reads_public_key_and_known_hosts_lines(line: str) -> None:
    key = pinned_key(line)
    assert key.get_name() == "ssh-ed25519" and key.get_base64() == ED25519


@pytest.mark.parametrize("line", ["", "ssh-ed25519", "ssh-ed25519 not-base64!", "ssh-foo AAAA"])
def test_unusable_pinned_keys_are_configuration_errors(line: str) -> None:
    with pytest.raises(SftpConfigurationError):
        pinned_key(line)


def test_remote_needs_a_credential_and_hides_secrets() -> None:
    with pytest.raises(ValueError, match="private key path or a password"):
        RemoteServer(host="h", username="u", host_key=f"ssh-ed25519 {ED25519}")
    remote = RemoteServer(
        host="h", username="u", host_key=f"ssh-ed25519 {ED25519}", password="hunter2"
    )
    assert "hunter2" not in repr(remote) and remote.address == "u@h:22"


def test_missing_private_key_is_a_configuration_error(tmp_path: Path) -> None:
    remote = RemoteServer(
        host="127.0.0.1",
        port=1,
        username="u",
        host_key=f"ssh-ed25519 {ED25519}",
        private_key_path=tmp_path / "missing",
    )
    with pytest.raises(SftpConfigurationError), sftp.client.connect(remote):
        pass


def test_public_surface() -> None:
    public = {
        name
        for name, value in vars(sftp).items()
        if not name.startswith("_") and not isinstance(value, type(sftp))
    } - {"annotations"}
    assert public == set(sftp.__all__)
