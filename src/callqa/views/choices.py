"""The list page's pick-lists: distinct values of a column (a loose index scan, cheap at a million rows),
key moments and contact reasons by title."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import True_

from callqa.analysis.metric_labels import N_
from callqa.analysis.reasons import load_reasons
from callqa.insights.contact_reasons import reason_titles
from callqa.insights.models import InsightFactRow as F
from callqa.interactions.models import InteractionRow

# English titles of the shipped key moments (translated on the page); a centre's own kinds show their name
MOMENT_TITLES = {
    "escalation_request": N_("Escalation request"),
    "cancellation_threat": N_("Cancellation threat"),
    "complaint": N_("Complaint"),
    "legal_threat": N_("Legal threat"),
    "abuse": N_("Abusive language"),
    "competitor_mention": N_("Competitor mentioned"),
    "repeat_contact": N_("Repeat contact"),
    "tried_online": N_("Tried online first"),
    "long_hold": N_("Long hold"),
    "long_silence": N_("Long silence"),
}


def distinct_values(
    session: Session, column: Any, *, where: ColumnElement[bool] | None = None, table: Any = InteractionRow
) -> list[str]:
    """The distinct non-null values of ``column`` in order. Unrestricted (``where`` None or always true), by
    a loose index scan: one index seek per value (``min(column) > previous``) instead of reading every row.
    Within a scope (a supervisor's teams, an agent's own calls) each seek would skip over the rows of
    everyone else, so there the rows in scope are read once instead."""
    if where is not None and not isinstance(where, True_):
        plain = (
            select(column).select_from(table).where(column.is_not(None), where).distinct().order_by(column)
        )
        return [str(v) for v in session.scalars(plain)]
    conditions = [column.is_not(None)]
    first = select(func.min(column).label("v")).select_from(table).where(*conditions)
    walk = first.cte("walk", recursive=True)
    following = select(func.min(column)).select_from(table).where(*conditions, column > walk.c.v)
    walk = walk.union_all(select(following.scalar_subquery()).where(walk.c.v.is_not(None)))
    return [str(v) for v in session.scalars(select(walk.c.v).where(walk.c.v.is_not(None)))]


def moment_choices(kinds: list[str]) -> list[tuple[str, str]]:
    """``(kind, English title)`` of each key-moment kind the analysis finds, by title."""
    titled = [(kind, MOMENT_TITLES.get(kind, kind.replace("_", " ").capitalize())) for kind in kinds]
    return sorted(titled, key=lambda pair: pair[1].casefold())


def reason_choices(session: Session) -> list[tuple[str, str]]:
    """``(id, title)`` of the shipped reason set's reasons and of every other reason the data holds (a
    centre's own set, an earlier one), by title."""
    titles = {reason.id: reason.title for reason in load_reasons().reasons}
    held = [r for r in distinct_values(session, F.reason, table=F) if r and r not in titles]
    titles.update(reason_titles(session, held))
    return sorted(titles.items(), key=lambda pair: pair[1].casefold())
