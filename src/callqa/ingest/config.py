"""Ingest settings that vary per contact centre: role words, e-mail domains, CSV columns, file names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from callqa.errors import CallqaError, ErrorCode
from callqa.interactions.schemas import Role
from callqa.scoring.config import AnalysisConfig, LlmConfig, ScoringConfig


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CsvColumns(_Config):
    """Which CSV column holds which field. Unset fields are found by common header names."""

    columns: dict[str, str] = Field(
        default_factory=dict,
        description="field name -> CSV header, e.g. {external_id: CallID, text: Utterance}",
    )
    time_unit: str = Field(default="auto", description="Unit of numeric times: auto, ms or s.")
    delimiter: str | None = Field(default=None, description="Field delimiter; sniffed when unset.")

    @field_validator("time_unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if value not in {"auto", "ms", "s"}:
            raise ValueError("time_unit must be auto, ms or s")
        return value


class CsvConfig(_Config):
    turns: CsvColumns = Field(default_factory=CsvColumns)
    metadata: CsvColumns = Field(default_factory=CsvColumns)


class EmailConfig(_Config):
    company_domains: list[str] = Field(
        default_factory=list, description="Sender domains that are the contact centre (the agent side)."
    )
    agent_addresses: list[str] = Field(
        default_factory=list, description="Extra agent addresses (any domain)."
    )


class AwsTranscribeConfig(_Config):
    channel_roles: dict[str, Role] = Field(
        default_factory=lambda: {"ch_0": Role.AGENT, "ch_1": Role.CUSTOMER},
        description="Amazon Transcribe channel label or speaker label -> role.",
    )


class ChatConfig(_Config):
    role_values: dict[str, Role] = Field(
        default_factory=dict,
        description="Extra values of the author/role field -> role, e.g. {operator: agent}.",
    )


class IngestConfig(_Config):
    """The ``ingest:`` section of the callqa config file."""

    source: str | None = Field(
        default=None, description="Source name for every item (overrides the format's)."
    )
    timezone: str = Field(default="UTC", description="Zone for times written without one.")
    filename_pattern: str | None = Field(
        default=None,
        description="Regex with named groups (external_id, agent, team, queue, started_at, date, time, "
        "language, channel, direction, customer, meta_*) applied to file names without extension.",
    )
    roles: dict[str, Role] = Field(
        default_factory=dict, description="Extra transcript role words -> role, e.g. {Supervisor: agent}."
    )
    email: EmailConfig = Field(default_factory=EmailConfig)
    csv: CsvConfig = Field(default_factory=CsvConfig)
    aws: AwsTranscribeConfig = Field(default_factory=AwsTranscribeConfig)
    chat: ChatConfig = Field(default_factory=ChatConfig)
    batch_size: int = Field(
        default=500, ge=1, le=100_000, description="Interactions per database transaction."
    )

    @field_validator("filename_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"filename_pattern is not a valid regular expression: {exc}") from exc
        return value

    def compiled_filename_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.filename_pattern) if self.filename_pattern else None


class CallqaConfig(_Config):
    """The whole config file: one section per stage."""

    ingest: IngestConfig = Field(default_factory=IngestConfig)
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    llm: LlmConfig = Field(default_factory=LlmConfig)


def load_config(path: Path | None) -> CallqaConfig:
    """Read and validate a YAML config file; no file means all defaults."""
    if path is None:
        return CallqaConfig()
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CallqaError(ErrorCode.C100, path=path, reason=exc) from exc
    if not isinstance(raw, dict):
        raise CallqaError(ErrorCode.C100, path=path, reason="top level must be a mapping")
    try:
        return CallqaConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise CallqaError(ErrorCode.C100, path=path, reason=problems) from exc
