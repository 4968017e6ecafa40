"""The callqa configuration file (YAML): one validated model with a section per stage.

Ingest (role words, e-mail domains, CSV columns, file names, audio), analysis, scoring and the optional LLM
judge. This module imports no stage: the stages read their section from here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from callqa.core.document import Role
from callqa.core.errors import CallqaError, ErrorCode

#: The analyzers a pipeline runs when the configuration names none, in order.
DEFAULT_PIPELINE = (
    "callqa.redact.v1",
    "callqa.language.v1",
    "callqa.metrics.v1",
    "callqa.sentiment.v1",
    "callqa.reason.v1",
    "callqa.moments.v1",
    "callqa.friction.v1",
    "callqa.summary.v1",
)
#: The languages analysis tells apart unless configured otherwise.
DEFAULT_LANGUAGES = ("en", "zh", "lt", "fa")
#: The scorecard scores are read from unless one is named.
DEFAULT_SCORECARD = "standard"


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


class AudioConfig(_Config):
    """How call recordings become transcripts (``ingest.audio``)."""

    model: str = Field(
        default="base",
        description="Whisper model: tiny.en, base (installed packages), a folder, or a hub name (network).",
    )
    language: str | None = Field(
        default=None, description="Language of every call; unset: per queue, else detected."
    )
    queue_languages: dict[str, str] = Field(
        default_factory=dict, description="Queue -> language, e.g. {cards-lt: lt}; wins over detection."
    )
    hotwords: list[str] = Field(
        default_factory=list, description="Brand, product and agent names Whisper should expect."
    )
    initial_prompt: str | None = Field(default=None, description="Text Whisper reads as preceding the call.")
    company: list[str] = Field(
        default_factory=list, description="Company names; saying one marks the agent's side."
    )
    channel_roles: dict[int, Role] | None = Field(
        default=None,
        description="Stereo channel -> role, e.g. {0: agent, 1: customer}; unset: decided from what is said.",
    )
    beam_size: int = Field(default=5, ge=1, le=10)
    cpu_threads: int = Field(default=0, ge=0, description="Threads per transcription; 0: cores ÷ workers.")
    keep_original: bool = Field(
        default=False,
        description="Keep the original recording in the file store; by default only the redacted copy stays "
        "and the input file is deleted once its interaction is stored.",
    )
    peaks_per_second: int = Field(default=20, ge=1, le=200, description="Waveform resolution for players.")
    allow_download: bool = Field(default=False, description="Let faster-whisper fetch a hub model (network).")

    def language_for(self, queue: str | None) -> str | None:
        """The language to force for a call in ``queue`` (None: detect)."""
        return self.queue_languages.get(queue or "") or self.language


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
    audio: AudioConfig = Field(default_factory=AudioConfig)
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


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalysisConfig(_Section):
    languages: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LANGUAGES), description="languages in use"
    )
    pipeline: list[str] = Field(default_factory=lambda: list(DEFAULT_PIPELINE), description="analyzer names")
    options: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="keyword options per analyzer, e.g. callqa.metrics.v1: {hold_gap_s: 45}",
    )

    def analyzer_options(self) -> dict[str, dict[str, Any]]:
        options = {name: dict(values) for name, values in self.options.items()}
        options.setdefault("callqa.language.v1", {}).setdefault("languages", self.languages)
        return options


DEFAULT_ITEM_BUDGET_S = 60.0


class ScoringConfig(_Section):
    scorecard: str = Field(DEFAULT_SCORECARD, description="built-in scorecard name or a YAML file path")
    vocabulary: dict[str, list[str]] = Field(
        default_factory=dict, description="replaces scorecard vocabulary entries, e.g. company: [Acme Bank]"
    )
    batch_size: int = Field(50, ge=1, le=10_000)
    item_budget_s: float = Field(
        DEFAULT_ITEM_BUDGET_S,
        gt=0,
        le=86_400,
        description="seconds one interaction may take to analyse and evaluate; a slower one is failed "
        "(S106) and the rest of its batch is stored",
    )


class LlmConfig(_Section):
    enabled: bool = False
    base_url: str = Field("http://127.0.0.1:11434/v1", description="any OpenAI-compatible endpoint")
    model: str = "llama3.1:8b-instruct"
    api_key_env: str | None = Field(None, description="environment variable that holds the API key")
    timeout_s: float = Field(60, gt=0)

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) if self.api_key_env else None


#: What retention can remove, in the order a run applies them (docs/privacy.md, "Retention").
RETENTION_KINDS = (
    "interactions",
    "recording_audio",
    "redacted_audio",
    "transcript_text",
    "analyses",
    "evaluations",
    "reviews",
    "audit_log",
)


def _days(what: str) -> Any:
    return Field(default=None, ge=1, le=36_500, description=f"Days to keep {what} (unset: forever).")


class RetentionDays(_Config):
    """Days to keep each kind of data, counted from the interaction's start (audit entries: their time)."""

    interactions: int | None = _days("whole interactions (everything below, and their dashboard counts)")
    recording_audio: int | None = _days("the original recording, when kept")
    redacted_audio: int | None = _days("the redacted recording (the original goes with it)")
    transcript_text: int | None = _days("transcript text (scores, outcomes and dashboards stay)")
    analyses: int | None = _days("analyses (sentiment, moments, summary) and cached LLM verdicts")
    evaluations: int | None = _days("evaluations with their criterion results (and their reviews)")
    reviews: int | None = _days("reviews, disputes and coaching sessions")
    audit_log: int | None = _days("audit-log entries")

    def days(self, kind: str) -> int | None:
        value: int | None = getattr(self, kind)
        return value


class RetentionRule(RetentionDays):
    """Days for the interactions of one channel and/or queue; kinds it leaves unset follow the defaults."""

    name: str | None = Field(default=None, max_length=64, description="Names the rule in the audit log.")
    channel: str | None = Field(default=None, description="voice, chat, email or social.")
    queue: str | None = Field(default=None, description="A queue as stored on interactions.")

    @model_validator(mode="after")
    def _names_interactions(self) -> RetentionRule:
        if not self.channel and not self.queue:
            raise ValueError("a retention rule needs a channel or a queue (the defaults apply to all)")
        return self

    def label(self) -> str:
        if self.name:
            return self.name
        parts = [f"{k}={v}" for k, v in (("channel", self.channel), ("queue", self.queue)) if v]
        return ",".join(parts)[:64] or "rule"


class RetentionConfig(RetentionDays):
    """The ``retention:`` section: default days per kind, and rules per channel/queue (the first that
    matches an interaction and sets a kind decides that kind)."""

    rules: list[RetentionRule] = Field(default_factory=list)


class CallqaConfig(_Config):
    """The whole config file: one section per stage."""

    ingest: IngestConfig = Field(default_factory=IngestConfig)
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    llm: LlmConfig = Field(default_factory=LlmConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)


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
