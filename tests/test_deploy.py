"""The deployment examples cannot drift: deploy/compose.yaml and the systemd units name only real ``callqa``
commands with their real options, and only ``CALLQA_*`` variables that are settings."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from callqa.cli import app
from callqa.core.settings import Settings

pytestmark = pytest.mark.issue(20)

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_FILE = DEPLOY / "systemd" / "callqa.env.example"
FROM_THE_WORKERS_BRANCH = {"worker"}  # `callqa worker` is merged from the workers part of issue 20
CALLQA_SERVICES = sorted(name for name, s in COMPOSE["services"].items() if "callqa" in str(s.get("image")))


def cli_command(args: list[str]) -> Any:
    """The click command ``callqa <args>`` runs (following groups such as ``user add``)."""
    command: Any = typer.main.get_command(app)
    for word in args:
        if not hasattr(command, "commands"):  # a command, not a group
            return command
        if word.startswith("-"):
            return None
        sub = command.commands.get(word)
        if sub is None:
            return None
        command = sub
    return command


def check_args(args: list[str], where: str) -> None:
    """``args`` (after ``callqa``) run a real command and use only its options."""
    if args[0] in FROM_THE_WORKERS_BRANCH and cli_command(args[:1]) is None:
        pytest.skip(f"{where}: `callqa {args[0]}` comes with the workers branch")
    command = cli_command(args)
    assert command is not None, f"{where}: `callqa {' '.join(args)}` is no callqa command"
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    used = {arg.split("=")[0] for arg in args if arg.startswith("--")}
    assert used <= known, f"{where}: unknown options {sorted(used - known)} of `callqa {args[0]}`"


def settings_vars(text: str) -> set[str]:
    return set(re.findall(r"\b(CALLQA_[A-Z0-9_]+)", text))


def assert_settings(names: set[str], where: str) -> None:
    fields = {f"CALLQA_{name.upper()}" for name in Settings.model_fields}
    unknown = sorted(names - fields - {"CALLQA_IMAGE"})  # CALLQA_IMAGE: compose's own (which image)
    assert unknown == [], f"{where}: {unknown} are not callqa settings"


def test_compose_names_the_parts_of_a_deployment() -> None:
    services = COMPOSE["services"]
    assert {"postgres", "redis", "web-1", "web-2", "worker-transcribe", "worker-score", "watch"} <= set(
        services
    )
    for name in CALLQA_SERVICES:
        env = services[name]["environment"]
        for var in ("CALLQA_DATABASE_URL", "CALLQA_REDIS_URL", "CALLQA_FILE_STORE", "CALLQA_SECRET_KEY"):
            assert var in env, f"{name} lacks {var}"
        assert "files:/srv/callqa/files" in services[name]["volumes"], f"{name} lacks the shared file store"
    assert services["web-2"]["environment"]["CALLQA_BACKGROUND_JOBS"] == "false"  # periodic jobs run once


@pytest.mark.parametrize("service", CALLQA_SERVICES)
def test_compose_commands_are_callqa_commands(service: str) -> None:
    check_args(COMPOSE["services"][service]["command"], f"compose {service}")


def test_compose_variables_are_settings() -> None:
    assert_settings(settings_vars((DEPLOY / "compose.yaml").read_text("utf-8")), "compose.yaml")
    assert_settings(settings_vars(ENV_FILE.read_text("utf-8")), ENV_FILE.name)


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_units_run_callqa_commands(unit: Path) -> None:
    text = unit.read_text("utf-8")
    [exec_start] = re.findall(r"^ExecStart=(.+)$", text, re.M)
    words = shlex.split(exec_start)
    assert words[0].endswith("/callqa"), exec_start
    args = [w.replace("%i", "8001" if "web@" in unit.name else "transcribe") for w in words[1:]]
    check_args([re.sub(r"\$\{\w+\}", "2", w) for w in args], unit.name)
    assert_settings(settings_vars(text), unit.name)
    assert "EnvironmentFile=/etc/callqa/callqa.env" in text


def test_the_deployment_doc_names_every_example_file() -> None:
    doc = (ROOT / "docs" / "deployment.md").read_text("utf-8")
    for path in (DEPLOY / "compose.yaml", DEPLOY / "nginx.conf", DEPLOY / "Dockerfile", ENV_FILE, *UNITS):
        assert path.relative_to(ROOT).as_posix() in doc, f"docs/deployment.md does not mention {path.name}"
    assert "## Capacity" in doc
