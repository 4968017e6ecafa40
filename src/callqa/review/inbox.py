"""The disputes inbox: open disputes in a supervisor's (or an admin's) scope, oldest first, with their age
and the target time to resolve them (working days, Monday to Friday), overdue ones flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from callqa.access.policies import interaction_scope
from callqa.interactions.models import InteractionRow
from callqa.review.models import DisputeRow, ReviewRow
from callqa.review.schemas import DisputeState
from callqa.scoring.models import CriterionResultRow
from callqa.users.models import UserRow
from callqa.users.schemas import Actor


@dataclass(frozen=True)
class InboxItem:
    id: int
    review_id: int
    interaction_id: int
    external_id: str
    criterion: str
    criterion_title: str
    agent: str  # the disputing agent's display name (the interaction's agent when the user is gone)
    team: str | None
    requested: str
    comment: str
    opened_at: datetime
    due_at: datetime
    overdue: bool
    age_hours: float

    @property
    def link(self) -> str:
        """Where it is resolved: the dispute on the interaction's review."""
        return f"/interactions/{self.interaction_id}#dispute-{self.id}"


def due_after(start: datetime, working_days: int) -> datetime:
    """``start`` plus ``working_days`` days that are Monday to Friday: opened on a Friday at 10:00 with 2
    working days, it is due on Tuesday at 10:00."""
    due, left = start, working_days
    while left > 0:
        due += timedelta(days=1)
        if due.weekday() < 5:
            left -= 1
    return due


def open_disputes(
    session: Session, actor: Actor, *, target_days: int, now: datetime | None = None
) -> list[InboxItem]:
    """The open disputes on interactions ``actor`` sees, oldest first."""
    now = now or datetime.now(UTC)
    query = (
        select(
            DisputeRow,
            ReviewRow.interaction_id,
            InteractionRow,
            CriterionResultRow.title,
            UserRow.display_name,
        )
        .join(ReviewRow, ReviewRow.id == DisputeRow.review_id)
        .join(InteractionRow, InteractionRow.id == ReviewRow.interaction_id)
        .outerjoin(
            CriterionResultRow,
            and_(
                CriterionResultRow.evaluation_id == ReviewRow.evaluation_id,
                CriterionResultRow.criterion == DisputeRow.criterion,
            ),
        )
        .outerjoin(UserRow, UserRow.id == DisputeRow.agent_id)
        .where(DisputeRow.state == DisputeState.OPEN.value, interaction_scope(actor))
        .order_by(DisputeRow.created_at, DisputeRow.id)
    )
    items = []
    for dispute, interaction_id, interaction, title, agent in session.execute(query):
        opened = _aware(dispute.created_at)
        due = due_after(opened, target_days)
        items.append(
            InboxItem(
                id=dispute.id,
                review_id=dispute.review_id,
                interaction_id=interaction_id,
                external_id=interaction.external_id,
                criterion=dispute.criterion,
                criterion_title=title or dispute.criterion,
                agent=agent or interaction.agent or "–",
                team=interaction.team,
                requested=dispute.requested,
                comment=dispute.comment,
                opened_at=opened,
                due_at=due,
                overdue=now > due,
                age_hours=round((now - opened).total_seconds() / 3600, 1),
            )
        )
    return items


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
