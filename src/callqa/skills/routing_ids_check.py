"""Warnings about routing-system ids stored for names callqa does not know: an agent no user has as their
agent name and no interaction names, a queue or a contact reason no interaction has. Such an id is stored
all the same (the agent may start tomorrow, the queue may be new), but is most often a typo, so the caller
shows the warning (O171) beside what it stored."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from callqa.core.errors import ErrorCode
from callqa.insights.models import InsightFactRow
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import AnalysisRow
from callqa.skills.routing_ids import RoutingId
from callqa.users.models import UserRow

CHUNK = 500  # names per IN (…) list
SHOWN = 20  # names a warning lists before "and N more"
WHERE = {
    "user": "known to no user and on no interaction",
    "queue": "on no interaction",
    "reason": "the contact reason of no interaction",
}


def _columns(kind: str) -> list[ColumnElement[str | None] | InstrumentedAttribute[str | None]]:
    """The columns in which a name of ``kind`` is known."""
    if kind == "user":
        return [UserRow.agent_name, InteractionRow.agent]
    if kind == "queue":
        return [InteractionRow.queue]
    return [InsightFactRow.reason, AnalysisRow.data["reason"]["id"].as_string()]  # what the skills read


def _chunks(names: Sequence[str]) -> Iterable[list[str]]:
    it = iter(names)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _known(session: Session, kind: str, names: Sequence[str]) -> set[str]:
    """The ``names`` some column of ``kind`` holds; a later (slower: analyses' JSON) column is asked only
    about the names the earlier ones lack."""
    found: set[str] = set()
    for column in _columns(kind):
        missing = [n for n in names if n not in found]
        for chunk in _chunks(missing):
            rows = session.scalars(select(column).where(column.in_(chunk)).distinct())
            found.update(r for r in rows if r is not None)
    return found


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:SHOWN])
    more = len(names) - SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def unknown_names(session: Session, ids: Iterable[RoutingId]) -> tuple[str, ...]:
    """One O171 warning per system and kind whose names (of ``ids``) callqa does not know; none when every
    name is known."""
    groups: dict[tuple[str, str], set[str]] = {}
    for i in ids:
        groups.setdefault((i.system, i.kind), set()).add(i.callqa_name)
    warnings = []
    for (system, kind), names in sorted(groups.items()):
        wanted = sorted(names)
        known = _known(session, kind, wanted)
        unknown = [n for n in wanted if n not in known]
        if unknown:
            what = {"user": "agent", "queue": "queue", "reason": "contact reason"}[kind]
            plural = "s" if len(unknown) > 1 else ""
            warnings.append(
                ErrorCode.O171.format(
                    system=system, what=f"{what}{plural}", names=_listed(unknown), where=WHERE[kind]
                )
            )
    return tuple(warnings)
