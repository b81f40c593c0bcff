"""docker-compose.yml cannot run here (no Docker engine): check that it parses and that
every service, command, queue and setting it names exists in the project."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.cli.main import _parser
from gateway.settings import _ENVIRONMENT
from gateway.tasks.app import QUEUES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def test_the_services_of_the_production_shape_are_there() -> None:
    assert set(SERVICES) == {"api", "worker", "beat", "redis", "postgres", "sandbox", "sftp"}


@pytest.mark.parametrize("name", ["api", "worker", "beat", "sandbox", "sftp"])
def test_our_services_wait_for_healthy_dependencies(name: str) -> None:
    depends = SERVICES[name]["depends_on"]
    assert {"postgres", "redis"} <= set(depends)
    assert all(rule["condition"] == "service_healthy" for rule in depends.values())
    for dependency in depends:
        assert "healthcheck" in SERVICES[dependency], f"{dependency} has no healthcheck"


@pytest.mark.parametrize("name", ["api", "sandbox", "sftp"])
def test_crossdock_commands_exist_with_those_options(name: str) -> None:
    command = SERVICES[name]["command"]
    assert command[0] == "crossdock"
    arguments = _parser().parse_args(command[1:])
    assert callable(arguments.run)


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_run_our_app_on_our_queues(name: str) -> None:
    command = SERVICES[name]["command"]
    assert command[:3] == ["celery", "-A", "celery_app"]
    assert (ROOT / "celery_app.py").exists()
    if "-Q" in command:
        queues = command[command.index("-Q") + 1].split(",")
        assert set(queues) == set(QUEUES)


def test_every_setting_named_is_one_the_gateway_reads() -> None:
    known = set(_ENVIRONMENT) | {"CROSSDOCK_SANDBOX_GATEWAY_API_KEY"}
    for name in ("api", "worker", "beat", "sandbox"):
        for variable in SERVICES[name]["environment"]:
            if re.match(r"CROSSDOCK_(ERP|WMS)_", variable):
                continue  # SystemSettings fields, read by prefix
            assert variable in known, f"{name}: {variable} is read by nothing"


def test_secrets_come_from_the_environment() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${POSTGRES_PASSWORD:?" in text  # no default: compose refuses to start without
    assert not re.search(r"PASSWORD: [A-Za-z0-9]+\s*$", text, re.MULTILINE)


def test_the_image_copies_what_exists() -> None:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
