"""ORM tables: scenarios and their versions, practice sessions and their turns, assignments, classes.

Practice results live here and only here: no practice ever writes an ``evaluations`` row, so dashboards,
reports and exports that read evaluations never see practice (docs/training.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType, JsonType


class ScenarioRow(Base):
    """A practice scenario; its scripts live in versions, ``current_version`` is the one practised."""

    __tablename__ = "training_scenarios"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(35))
    scorecard: Mapped[str] = mapped_column(String(255))  # the scorecard whose criteria score the practice
    criterion: Mapped[str | None] = mapped_column(String(255))  # the main criterion it trains
    reason: Mapped[str | None] = mapped_column(String(255))  # the contact reason it comes from
    tags: Mapped[list[str]] = mapped_column(JsonType, default=list)
    origin: Mapped[str] = mapped_column(String(16))  # interaction | suggested | manual
    source_interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="active")  # active | archived
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ScenarioVersionRow(Base):
    """One saved state of a scenario: ``content`` is ``ScenarioContent.as_json()`` (a script per level)."""

    __tablename__ = "training_scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "version"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("training_scenarios.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JsonType)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssignmentRow(Base):
    """A scenario an agent is asked to practise by a date; done when a practice of it finishes."""

    __tablename__ = "training_assignments"
    __table_args__ = (
        Index("ix_training_assignments_agent_id", "agent_id"),
        Index("ix_training_assignments_scenario_id", "scenario_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("training_scenarios.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer, default=1)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    agent_name: Mapped[str] = mapped_column(String(255))  # the ``agent`` on their interactions
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))  # assigned via
    batch: Mapped[str | None] = mapped_column(String(64))  # one team assignment = one batch of rows
    origin: Mapped[str] = mapped_column(String(16))  # manual | coaching | criterion
    coaching_id: Mapped[int | None] = mapped_column(ForeignKey("coaching.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    criterion: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | done | cancelled
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PracticeRow(Base):
    """One practice of one scenario level by one agent, and (when finished) its evaluation."""

    __tablename__ = "training_practices"
    __table_args__ = (
        Index("ix_training_practices_agent_id", "agent_id"),
        Index("ix_training_practices_scenario_id", "scenario_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("training_scenarios.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    agent_name: Mapped[str] = mapped_column(String(255))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_assignments.id", ondelete="SET NULL")
    )
    customer: Mapped[str] = mapped_column(String(16), default="offline")  # offline | llm
    state: Mapped[str] = mapped_column(String(16), default="running")  # running | finished | abandoned
    current_step: Mapped[str | None] = mapped_column(String(64))
    harder_branches: Mapped[int] = mapped_column(Integer, default=0)  # times the answer took on_miss
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scorecard: Mapped[str | None] = mapped_column(String(255))
    scorecard_hash: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    auto_failed: Mapped[bool | None] = mapped_column(Boolean)
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)  # CriterionResult.as_json()


class PracticeTurnRow(Base):
    """A line of a practice: the customer's (from the script) or the agent's answer (typed or spoken)."""

    __tablename__ = "training_practice_turns"
    __table_args__ = (UniqueConstraint("practice_id", "seq"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("training_practices.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # customer | agent
    text: Mapped[str] = mapped_column(Text)  # redacted before it is stored
    step_id: Mapped[str | None] = mapped_column(String(64))
    mood: Mapped[str | None] = mapped_column(String(16))
    input: Mapped[str | None] = mapped_column(String(8))  # typed | voice (agent turns)
    checks: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)  # the step's criteria outcomes
    branch: Mapped[str | None] = mapped_column(String(8))  # pass | miss: where the answer led
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrainingClassRow(Base):
    """A recording-analysis class: a playlist of interactions discussed with a team."""

    __tablename__ = "training_classes"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(255))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft | running | held
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ClassItemRow(Base):
    """One interaction of a class, the moments to discuss, and the analyst's notes (hidden until revealed)."""

    __tablename__ = "training_class_items"
    __table_args__ = (UniqueConstraint("class_id", "position"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    moments: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)  # {turn, ms, label}
    notes: Mapped[str] = mapped_column(Text, default="")
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ClassCommentRow(Base):
    """What an attendee said about one class item; a good answer can become a knowledge-base article."""

    __tablename__ = "training_class_comments"
    __table_args__ = (Index("ix_training_class_comments_item_id", "item_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("training_class_items.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)  # redacted before it is stored
    turn: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("kb_articles.id", ondelete="SET NULL"))
