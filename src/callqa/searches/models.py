"""ORM table: saved searches (the query string only; who may see which interactions is decided when run)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType, JsonType


class SavedSearchRow(Base):
    __tablename__ = "saved_searches"
    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        Index("ix_saved_searches_team", "team"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict[str, str]] = mapped_column(JsonType)  # the list page's query string, sort included
    team: Mapped[str | None] = mapped_column(String(255))  # shared with this team; None: private
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
