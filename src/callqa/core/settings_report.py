"""What the settings page shows: every setting with its value and where it came from, secrets masked, and
the configuration file's sections. Read-only: nothing here changes a setting."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from dotenv import dotenv_values
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from callqa.core.config import CallqaConfig
from callqa.core.settings import Settings

MASK = "••••••"


class Source(StrEnum):
    ENVIRONMENT = "environment"
    DOTENV = ".env"
    STARTUP = "start-up"  # given by the program that started the server (`callqa serve` options, tests)
    CONFIG_FILE = "config file"
    DEFAULT = "default"


@dataclass(frozen=True)
class SettingLine:
    name: str
    env_name: str
    value: str
    source: Source
    secret: bool
    description: str

    @property
    def from_environment(self) -> bool:
        """Set by the environment (or its .env file): only a restart with another value changes it."""
        return self.source in (Source.ENVIRONMENT, Source.DOTENV)


@dataclass(frozen=True)
class ConfigSection:
    name: str
    source: Source
    text: str  # the section as YAML


def _env_file(settings: Settings) -> Path | None:
    name = settings.model_config.get("env_file")
    return Path(str(name)) if isinstance(name, str | os.PathLike) else None


def _shown(name: str, value: Any) -> str:
    if isinstance(value, SecretStr):
        return MASK if value.get_secret_value() else ""
    if value is None:
        return ""
    if name == "database_url":
        try:
            return make_url(str(value)).render_as_string(hide_password=True)
        except ArgumentError:
            return MASK  # not a URL we can read: it may hold a password, so show none of it
    if isinstance(value, list | dict):
        # a webhook's secret is a SecretStr: JSON mode writes it as stars
        dumped = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
        return json.dumps(dumped if isinstance(value, list) else value, ensure_ascii=False)
    return str(value)


def describe(settings: Settings, environ: Mapping[str, str] | None = None) -> list[SettingLine]:
    """Every setting in declaration order: its value as shown (secrets masked) and its source."""
    env = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
    env_file = _env_file(settings)
    dotenv = (
        {k.upper() for k in dotenv_values(env_file)} if env_file is not None and env_file.is_file() else set()
    )
    prefix = str(settings.model_config.get("env_prefix", ""))
    lines = []
    for name, field in type(settings).model_fields.items():
        env_name = f"{prefix}{name}".upper()
        value = getattr(settings, name)
        if env_name in env:
            source = Source.ENVIRONMENT
        elif env_name in dotenv:
            source = Source.DOTENV
        elif name in settings.model_fields_set:
            source = Source.STARTUP
        else:
            source = Source.DEFAULT
        secret = "SecretStr" in str(field.annotation)
        lines.append(
            SettingLine(name, env_name, _shown(name, value), source, secret, field.description or "")
        )
    return lines


def config_sections(settings: Settings) -> list[ConfigSection]:
    """Each section of the configuration file as YAML, marked as from the file or all defaults."""
    config = settings.config
    defaults = CallqaConfig()
    sections = []
    for name in type(config).model_fields:
        section = getattr(config, name)
        dumped = section.model_dump(mode="json")
        source = (
            Source.CONFIG_FILE
            if settings.config_file is not None and dumped != getattr(defaults, name).model_dump(mode="json")
            else Source.DEFAULT
        )
        text = yaml.safe_dump({name: dumped}, allow_unicode=True, sort_keys=False, default_flow_style=False)
        sections.append(ConfigSection(name, source, text))
    return sections
