"""ORM tables: scorecard versions, analyses, evaluations with their criterion results, LLM verdict cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType, JsonType


class ScorecardRow(Base):
    """One version of a scorecard; a changed YAML (or vocabulary) is a new version, old ones stay."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("name", "version"), UniqueConstraint("name", "content_hash"))

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # builtin | file | editor: the store scores with the newest editor version, else the built-in
    origin: Mapped[str] = mapped_column(String(16), server_default="builtin")


class AnalysisRow(Base):
    """The latest analyzer output for an interaction (language, metrics, sentiment, moments, summary)."""

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("interaction_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    pipeline: Mapped[str] = mapped_column(String(512))
    interaction_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(35))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _as_stored(column: str) -> Any:
    """A column default: the value given for ``column`` in the same INSERT (the AI's own result, which the
    official columns also start from)."""

    def default(context: DefaultExecutionContext) -> Any:
        return context.get_current_parameters().get(column)  # type: ignore[no-untyped-call]

    return default


class EvaluationRow(Base):
    """An evaluation of one interaction with one scorecard version; re-scoring adds a row, keeps the old.

    ``score``, ``raw_score``, ``auto_failed`` and ``passed`` are the **official** result: the AI's until a
    person's review of it is shared with the agent, the reviewed one from then on (``review.publish``);
    ``ai_*`` keep what the AI said, ``review_state`` the state of the review that counts (None: not reviewed).
    """

    __tablename__ = "evaluations"
    __table_args__ = (
        Index("ix_evaluations_interaction_id", "interaction_id", "is_current"),
        Index("ix_evaluations_scorecard_name", "scorecard_name", "is_current"),
        Index("ix_evaluations_created_at", "created_at"),
        # the list sorted by score or final score walks these (views.search)
        Index("ix_evaluations_sort_ai_score", "scorecard_name", "is_current", "ai_score", "interaction_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"))
    scorecard_name: Mapped[str] = mapped_column(String(128))
    engine_version: Mapped[str] = mapped_column(String(64))
    pipeline: Mapped[str] = mapped_column(String(512))
    interaction_hash: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    raw_score: Mapped[float | None] = mapped_column(Float)
    auto_failed: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)
    is_current: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ai_score: Mapped[float | None] = mapped_column(Float, default=_as_stored("score"))
    ai_auto_failed: Mapped[bool | None] = mapped_column(Boolean, default=_as_stored("auto_failed"))
    review_state: Mapped[str | None] = mapped_column(String(16))


class CriterionResultRow(Base):
    """One criterion of an evaluation: ``outcome`` is the official one (a shared review's where a person
    changed it), ``ai_outcome`` what the AI decided; explanation and evidence are the AI's."""

    __tablename__ = "criterion_results"
    __table_args__ = (
        Index("ix_criterion_results_evaluation_id", "evaluation_id"),
        Index("ix_criterion_results_criterion", "criterion", "outcome"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    section: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    critical: Mapped[bool] = mapped_column(Boolean)
    explanation: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    ai_outcome: Mapped[str | None] = mapped_column(String(8), default=_as_stored("outcome"))


class LlmVerdictRow(Base):
    """Cached LLM judge answers, keyed by a hash of prompt version, model, question and transcript."""

    __tablename__ = "llm_verdicts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    prompt_version: Mapped[str] = mapped_column(String(128))
    value: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScoreFailureRow(Base):
    """An interaction ``callqa score`` could not score, with the coded cause (never its text)."""

    __tablename__ = "score_failures"
    __table_args__ = (Index("ix_score_failures_interaction_id", "interaction_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    scorecard_name: Mapped[str] = mapped_column(String(128))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
