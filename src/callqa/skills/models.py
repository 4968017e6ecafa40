"""ORM table of the ids callqa's names have in routing systems: an agent's user id, a queue's id, a contact
reason's skill name — per routing system, so that the exports carry what the routing system knows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType


class RoutingIdRow(Base):
    """One callqa name (agent, queue or contact reason) and its id in one routing system."""

    __tablename__ = "routing_ids"
    __table_args__ = (UniqueConstraint("system", "kind", "callqa_name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    system: Mapped[str] = mapped_column(String(32))  # a key of routing_ids.SYSTEMS, e.g. "connect"
    kind: Mapped[str] = mapped_column(String(16))  # "user", "queue" or "reason"
    callqa_name: Mapped[str] = mapped_column(String(255))  # agent name, queue name or reason id
    external_id: Mapped[str] = mapped_column(String(512))  # as given (a Connect ARN stays an ARN)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
