"""What the CLI, the API and the pages share: the query checked and narrowed to what the actor may see,
skill cells as rows (JSON and CSV), routing as rows, and the simulation's checks."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.core.csvfile import write_rows
from callqa.core.errors import CallqaError, ErrorCode
from callqa.insights.contact_reasons import reason_titles
from callqa.insights.models import InsightFactRow
from callqa.insights.synthetic import SOURCE
from callqa.insights.synthetic_skills import PlantedSkill, planted_skills
from callqa.interactions.models import InteractionRow
from callqa.skills.profiles import KINDS, Profiles, SkillCell, SkillQuery, explain
from callqa.skills.routing import ReasonRouting, Routing
from callqa.skills.routing_ids import RoutingId
from callqa.users.schemas import Actor, UserRole

DEFAULT_DAYS = 90  # the period measured when none is given
CELL_COLUMNS = (
    *("agent", "team", "kind", "reason", "reason_title", "language", "channel", "n", "level", "composite"),
    *("qa", "qa_low", "qa_high", "csat", "csat_n", "csat_low", "csat_high", "predicted_csat"),
    *("recontact", "team_recontact", "handle_ratio", "team_qa", "team_csat", "sentence"),
)


def checked(
    first: date | None = None,
    last: date | None = None,
    *,
    team: str | None = None,
    agent: str | None = None,
) -> SkillQuery:
    """The query, refused with a coded error when the period is backwards."""
    if first is not None and last is not None and first > last:
        raise CallqaError(ErrorCode.O130, first=first, last=last)
    return SkillQuery(first, last, team=team, agent=agent)


def with_default_period(session: Session, query: SkillQuery) -> SkillQuery:
    """A query with no period gets the last ``DEFAULT_DAYS`` days that hold facts."""
    if query.first is not None or query.last is not None:
        return query
    last = session.scalar(select(func.max(InsightFactRow.day)))
    if last is None:
        return query
    return replace(query, first=last - timedelta(days=DEFAULT_DAYS - 1), last=last)


def narrowed(query: SkillQuery, actor: Actor) -> SkillQuery:
    """The query limited to the cells ``actor`` sees: staff all, a supervisor their teams' agents, an
    agent their own (an agent with no agent name: none)."""
    if actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST):
        return query
    if actor.role is UserRole.SUPERVISOR:
        return SkillQuery(query.first, query.last, query.team, query.agent, actor.led_teams)
    return SkillQuery(query.first, query.last, query.team, actor.agent_name or "", query.teams)


def owner_of(session: Session, agent: str | None, team: str | None) -> Owner:
    """Whose work a filter asks for: the team given, else the agent's latest team in the facts."""
    if team is None and agent is not None:
        latest = select(InsightFactRow.team).where(InsightFactRow.agent == agent)
        team = session.scalar(latest.order_by(InsightFactRow.day.desc()).limit(1))
    return Owner(agent=agent, team=team)


def visible_ids(session: Session, actor: Actor, found: Iterable[RoutingId]) -> list[RoutingId]:
    """The routing-system ids ``actor`` may read: every queue's and reason's, and the user ids of the agents
    whose routing skills they may export (a supervisor: their teams' agents, by each one's latest team)."""
    kept, owners = [], {}
    for ident in found:
        if ident.kind == "user":
            if ident.callqa_name not in owners:
                owners[ident.callqa_name] = owner_of(session, ident.callqa_name, None)
            if not allowed(actor, Action.SKILL_EXPORT, owners[ident.callqa_name]):
                continue
        kept.append(ident)
    return kept


def check_agent(session: Session, query: SkillQuery) -> None:
    """Refuse an agent name with no interactions in the period (a typo would show an empty table)."""
    if query.agent is None:
        return
    stmt = select(exists().where(InsightFactRow.agent == query.agent))
    if query.first is not None:
        stmt = stmt.where(InsightFactRow.day >= query.first)
    if query.last is not None:
        stmt = stmt.where(InsightFactRow.day <= query.last)
    if not session.scalar(stmt):
        period = f"{query.first or 'start'} – {query.last or 'end'}"
        raise CallqaError(ErrorCode.O133, agent=query.agent, period=period)


def of_kind(profiles: Profiles, kind: str | None) -> list[SkillCell]:
    """The cells of one kind (None: all), refused with a coded error for an unknown kind."""
    if kind is None:
        return profiles.cells
    if kind not in KINDS:
        raise CallqaError(ErrorCode.O131, kind=kind, known=", ".join(KINDS))
    return profiles.of_kind(kind)


def titles_of(session: Session, reasons: Iterable[str | None]) -> dict[str, str]:
    """Each contact reason's title as its analyses recorded it (its id when none did)."""
    return reason_titles(session, sorted({r for r in reasons if r}))


def cell_titles(session: Session, cells: Iterable[SkillCell]) -> dict[str, str]:
    return titles_of(session, (c.reason for c in cells))


def routing_titles(session: Session, routing: Routing) -> dict[str, str]:
    return titles_of(session, (r.reason for r in routing.reasons))


def cell_row(cell: SkillCell, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A cell as a row; ``reason_title`` is the reason's title (``titles``: id → title), the id kept in
    ``reason``."""
    title = (titles or {}).get(cell.reason, cell.reason) if cell.reason is not None else None
    named = {"kind": cell.kind, "reason_title": title, "sentence": explain(cell, titles=titles)}
    return {name: named[name] if name in named else getattr(cell, name) for name in CELL_COLUMNS}


def cells_csv(cells: Sequence[SkillCell], titles: Mapping[str, str] | None = None) -> str:
    out = io.StringIO()
    rows = (cell_row(c, titles) for c in cells)
    write_rows(out, ([row[name] for name in CELL_COLUMNS] for row in rows), CELL_COLUMNS)
    return out.getvalue()


def reason_json(routing: ReasonRouting, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {
        "queue": routing.queue,
        "reason": routing.reason,
        "reason_title": (titles or {}).get(routing.reason, routing.reason),
        "volume": routing.volume,
        "today": routing.today.__dict__,
        "expected": routing.expected.__dict__,
        "agents": [
            {k: v for k, v in a.__dict__.items() if k != "cell"}
            | {"sentence": explain(a.cell, titles=titles)}
            for a in routing.ranked
        ],
    }


def routing_json(routing: Routing, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    query = routing.query
    return {
        "period": {"first": query.first, "last": query.last},
        "queues": routing.queues(),
        "reasons": [reason_json(r, titles) for r in routing.reasons],
    }


def synthetic_truth(session: Session, seed: int) -> dict[str, PlantedSkill]:
    """The skills planted in the synthetic centre generated here with ``seed`` (refused when there is none:
    only there is the truth about each agent known)."""
    synthetic = InteractionRow.source == SOURCE
    if not session.scalar(select(exists().where(synthetic))):
        raise CallqaError(
            ErrorCode.O132,
            reason="no synthetic centre here to replay (make one with callqa insights generate)",
        )
    mine = synthetic & InteractionRow.external_id.startswith(f"syn-{seed}-", autoescape=True)
    agents = sorted(a for a in session.scalars(select(InteractionRow.agent).where(mine).distinct()) if a)
    if not agents:
        raise CallqaError(
            ErrorCode.O132,
            reason=f"the synthetic centre here was not generated with seed {seed}; give its --seed",
        )
    return planted_skills(agents, seed)
