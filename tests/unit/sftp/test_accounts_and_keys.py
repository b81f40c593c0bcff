from __future__ import annotations

import stat
from pathlib import Path

import asyncssh
import pytest

from sftp.accounts import StaticAccounts, account, ensure_tree, home_directory
from sftp.server import ensure_host_key


def test_ensure_host_key_makes_a_private_key_once(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "host"
    ensure_host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = asyncssh.read_private_key(str(path))
    ensure_host_key(path)  # kept, not replaced
    assert asyncssh.read_private_key(str(path)).public_data == key.public_data


@pytest.mark.parametrize("name", ["", ".", "..", "a/b"])
def test_account_names_cannot_leave_the_root(name: str) -> None:
    with pytest.raises(ValueError, match="account name"):
        home_directory(Path("/srv/sftp"), name)


def test_accounts_by_user_name(tmp_path: Path) -> None:
    acme = account(tmp_path, "acme-supply", "acme", ["ssh-ed25519 AAAA"])
    assert acme.home == tmp_path / "acme" and acme.inbound == tmp_path / "acme" / "inbound"
    lookup = StaticAccounts([acme])
    assert lookup("acme") is acme and lookup("nobody") is None
    ensure_tree(acme.home)
    assert sorted(path.name for path in acme.home.iterdir()) == ["archive", "inbound", "outbound"]
