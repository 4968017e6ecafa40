"""Configuration sections for analysis, scoring and the optional LLM judge (``callqa.yaml``)."""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from callqa.analysis.defaults import DEFAULT_PIPELINE
from callqa.analysis.language import DEFAULT_LANGUAGES


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


class ScoringConfig(_Section):
    scorecard: str = Field("standard", description="built-in scorecard name or a YAML file path")
    vocabulary: dict[str, list[str]] = Field(
        default_factory=dict, description="replaces scorecard vocabulary entries, e.g. company: [Acme Bank]"
    )
    batch_size: int = Field(50, ge=1, le=10_000)


class LlmConfig(_Section):
    enabled: bool = False
    base_url: str = Field("http://127.0.0.1:11434/v1", description="any OpenAI-compatible endpoint")
    model: str = "llama3.1:8b-instruct"
    api_key_env: str | None = Field(None, description="environment variable that holds the API key")
    timeout_s: float = Field(60, gt=0)

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) if self.api_key_env else None
