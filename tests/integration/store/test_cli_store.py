"""``crossdock partners`` / ``receive`` / ``messages`` on the embedded store (SQLite in a
data folder chosen by CROSSDOCK_DATA_DIR), as an operator would use them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.cli.main import main
from gateway.settings import get_settings
from tests.conftest import ROOT

DEMO = ROOT / "demo"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CROSSDOCK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_import_twice_changes_nothing_and_export_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["partners", "import", str(DEMO / "partners")]) == 0
    assert capsys.readouterr().out.split() == ["created", "acme-supply", "created", "nordfrost"]
    assert main(["partners", "import", str(DEMO / "partners")]) == 0
    assert capsys.readouterr().out.split() == [
        "unchanged", "acme-supply", "unchanged", "nordfrost"
    ]  # fmt: skip
    assert main(["partners", "export"]) == 0
    exported = tmp_path / "exported.yaml"
    exported.write_text(capsys.readouterr().out)
    assert main(["partners", "import", str(exported)]) == 0
    assert "updated" not in capsys.readouterr().out


def test_a_bad_file_names_file_line_and_field_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "profiles"
    shutil.copytree(DEMO / "partners", folder)
    broken = (
        (folder / "nordfrost.yaml").read_text().replace("functional: contrl", "functional: 998")
    )
    (folder / "nordfrost.yaml").write_text(broken)
    line = broken.splitlines().index("  functional: 998") + 1
    assert main(["partners", "import", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "nothing imported" in err
    assert f"nordfrost.yaml:{line}: acks.functional" in err
    assert main(["partners", "list"]) == 0
    assert capsys.readouterr().out == ""  # acme-supply, though valid, was not imported either


def test_two_profiles_claiming_one_envelope_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "profiles"
    shutil.copytree(DEMO / "partners", folder)
    twin = (folder / "acme-supply.yaml").read_text().replace("id: acme-supply", "id: acme-twin")
    (folder / "acme-twin.yaml").write_text(twin)
    assert main(["partners", "import", str(folder)]) == 1
    assert "already uses the envelope ids ZZ:ACMESUPPLY" in capsys.readouterr().err


def test_receive_tracks_states_duplicates_and_unknown_senders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["partners", "import", str(DEMO / "partners" / "acme-supply.yaml")])
    capsys.readouterr()
    day1 = DEMO / "inbound" / "acme_supply_day1.x12"
    desadv = DEMO / "inbound" / "nordfrost_desadv_d96a.edi"
    assert main(["receive", str(day1)]) == 0
    out = capsys.readouterr().out
    assert ": mapped (message" in out and "acknowledged with: TA1, 997" in out
    assert main(["receive", str(day1), str(desadv)]) == 1
    out = capsys.readouterr().out
    assert ": duplicate (message" in out
    assert "unknown sender 14:4012345000009 → 14:5412345000013" in out
    assert main(["messages", "list", "--state", "duplicate"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    message_id = line.split()[2]
    assert main(["messages", "show", message_id]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["message"]["duplicate_of"]
    assert [h["to_state"] for h in shown["history"]] == ["received", "duplicate"]
    assert main(["partners", "import", str(DEMO / "partners" / "nordfrost.yaml")]) == 0
    main(["messages", "list", "--state", "rejected"])
    rejected = capsys.readouterr().out.splitlines()[-1].split()[2]
    assert main(["replay", rejected]) == 0  # the same as `messages replay`
    assert capsys.readouterr().out.strip().endswith("mapped")


def test_gaps_report_missing_control_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["partners", "import", str(DEMO / "partners" / "acme-supply.yaml")])
    text = (DEMO / "inbound" / "acme_supply_day1.x12").read_text("latin-1")
    for number in (101, 104):
        path = tmp_path / f"{number}.x12"
        path.write_text(text.replace("000000101", f"{number:09d}"), "latin-1")
        main(["receive", str(path)])
    capsys.readouterr()
    assert main(["partners", "gaps", "acme-supply"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "inbound": [{"first_missing": 102, "last_missing": 103}],
        "outbound": [],  # every number we allocated went on a TA1 or 997
    }


def test_the_first_admin_key_comes_from_the_command_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib
    import sqlite3

    assert main(["keys", "create", "--name", "ops lead", "--role", "admin"]) == 0
    out = capsys.readouterr().out.splitlines()
    key_id, secret = out[0].split()[1], out[1]
    assert secret.startswith("cdk_") and len(secret) > 40
    with sqlite3.connect(data_dir / "crossdock.db") as db:
        stored = db.execute("SELECT key_sha256, prefix FROM api_keys").fetchall()
    assert stored == [(hashlib.sha256(secret.encode()).hexdigest(), secret[:12])]
    assert main(["keys", "create", "--name", "x", "--role", "partner"]) == 2
    assert "a partner key names its partner" in capsys.readouterr().err
    assert main(["keys", "revoke", key_id]) == 0
    assert main(["keys", "revoke", key_id]) == 1
    assert main(["keys", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
