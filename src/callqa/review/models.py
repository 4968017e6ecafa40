"""ORM tables: reviews of evaluations, criterion overrides, disputes, in-app notifications, review queues and
when reviewers open a review form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
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


class ReviewRow(Base):
    """A person's review of one AI evaluation; its state follows draft → shared → acknowledged /
    disputed → final. The final score is the AI's with the overrides applied."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("evaluation_id"), Index("ix_reviews_interaction_id", "interaction_id"))

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    auto_failed: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OverrideRow(Base):
    """A criterion outcome changed by a person, with the reason; the AI's outcome is kept beside it."""

    __tablename__ = "review_overrides"
    __table_args__ = (Index("ix_review_overrides_review_id", "review_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    ai_outcome: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DisputeRow(Base):
    """An agent's dispute of one criterion of a shared review, and how it was resolved."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_review_id", "review_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    requested: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationRow(Base):
    """A message for one user in the app (a review shared with them, a dispute to answer ...)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # who, which interaction, the criterion's title ...: the page words them in the reader's language
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationMailRow(Base):
    """A user's opt-in to receive their notifications by e-mail, and the address."""

    __tablename__ = "notification_mail"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(320))
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QueueRow(Base):
    """A review queue: interactions picked by sampling strategies, shared out among analysts."""

    __tablename__ = "review_queues"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    spec: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # archived: done items kept


class QueueItemRow(Base):
    """One interaction to review in a queue, why it was picked, and who is to review it."""

    __tablename__ = "review_queue_items"
    __table_args__ = (
        UniqueConstraint("queue_id", "interaction_id"),
        Index("ix_review_queue_items_assignee", "assigned_to", "done_at"),
        Index("ix_review_queue_items_interaction_id", "interaction_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("review_queues.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # what the reason names (the failed critical criterion's id and title, the score ...): worded by the page
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class ReviewOpenRow(Base):
    """A reviewer opened an interaction's review form (the page view): the start of their time on it."""

    __tablename__ = "review_opens"
    __table_args__ = (Index("ix_review_opens_user", "user_id", "interaction_id", "opened_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SelfEvaluationRow(Base):
    """The agent's own grading of a shared review's interaction, made before QA's outcomes are shown."""

    __tablename__ = "self_evaluations"
    __table_args__ = (UniqueConstraint("review_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcomes: Mapped[dict[str, Any]] = mapped_column(JsonType)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewCommentRow(Base):
    """A reviewer's comment on a review: on one criterion (left unchanged), or anchored to a transcript turn
    and/or a time in the recording. Redacted before it is stored; seen by whoever sees the review."""

    __tablename__ = "review_comments"
    __table_args__ = (Index("ix_review_comments_review_id", "review_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion: Mapped[str | None] = mapped_column(String(64))
    turn: Mapped[int | None] = mapped_column(Integer)  # the 0-based turn index, as #turn-N on the page
    at_ms: Mapped[int | None] = mapped_column(BigInteger)  # a position in the recording
    text: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
