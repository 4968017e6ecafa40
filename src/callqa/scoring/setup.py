"""Build what scoring needs from the configuration: the analysis pipeline and the detectors' services."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from callqa.analysis.defaults import build_pipeline
from callqa.analysis.pipeline import Pipeline
from callqa.core.config import CallqaConfig
from callqa.ml.llm import LlmJudge
from callqa.scoring.cache import DatabaseVerdictCache
from callqa.scoring.detectors import Services


def configured_pipeline(config: CallqaConfig) -> Pipeline:
    return build_pipeline(config.analysis.pipeline, config.analysis.analyzer_options())


def configured_services(config: CallqaConfig, factory: sessionmaker[Session]) -> Services:
    """The shared embedder (loaded on first use) and the LLM judge when ``llm.enabled``."""
    judge = None
    if config.llm.enabled:
        judge = LlmJudge(
            config.llm.base_url,
            config.llm.model,
            api_key=config.llm.api_key(),
            timeout_s=config.llm.timeout_s,
            cache=DatabaseVerdictCache(factory),
        )
    return Services(llm=judge)
