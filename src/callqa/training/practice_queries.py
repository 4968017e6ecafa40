"""What the practice pages and API read: a practice as JSON, an agent's practices, what they may practise,
and finished practices as the quality file and the ability profile show them (apart from real quality)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.coaching.abilities import ABILITIES
from callqa.training.library import content_of
from callqa.training.models import AssignmentRow, PracticeRow, ScenarioRow
from callqa.training.practice import turns_of
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

LIST_LIMIT = 200


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def practice_json(session: Session, practice: PracticeRow) -> dict[str, Any]:
    """The practice with its scenario's brief, every line said, each answer's checks and branch, and (when
    finished) the score and per-criterion results with the agent's own words as evidence."""
    scenario = session.get(ScenarioRow, practice.scenario_id)
    brief = ""
    if scenario is not None:
        brief = content_of(session, scenario, practice.version).level(practice.level).brief
    return {
        "id": practice.id,
        "scenario_id": practice.scenario_id,
        "title": scenario.title if scenario is not None else "",
        "language": scenario.language if scenario is not None else "en",
        "brief": brief,
        "version": practice.version,
        "level": practice.level,
        "agent": practice.agent_name,
        "assignment_id": practice.assignment_id,
        "customer": practice.customer,
        "state": practice.state,
        "current_step": practice.current_step,
        "harder_branches": practice.harder_branches,
        "started_at": _iso(practice.started_at),
        "finished_at": _iso(practice.finished_at),
        "scorecard": practice.scorecard,
        "score": practice.score,
        "passed": practice.passed,
        "auto_failed": practice.auto_failed,
        "results": practice.results or [],
        "turns": [
            {
                "seq": t.seq,
                "role": t.role,
                "text": t.text,
                "step_id": t.step_id,
                "mood": t.mood,
                "input": t.input,
                "checks": t.checks or [],
                "branch": t.branch,
                "at": _iso(t.created_at),
            }
            for t in turns_of(session, practice.id)
        ],
    }


def practices(
    session: Session, *, agent_name: str | None = None, agent_id: int | None = None
) -> list[PracticeRow]:
    """Practices, newest first (at most ``LIST_LIMIT``), of one agent when named."""
    query = (
        select(PracticeRow).order_by(PracticeRow.started_at.desc(), PracticeRow.id.desc()).limit(LIST_LIMIT)
    )
    if agent_name is not None:
        query = query.where(PracticeRow.agent_name == agent_name)
    if agent_id is not None:
        query = query.where(PracticeRow.agent_id == agent_id)
    return list(session.scalars(query))


def summary_json(practice: PracticeRow, titles: dict[int, str]) -> dict[str, Any]:
    return {
        "id": practice.id,
        "scenario_id": practice.scenario_id,
        "title": titles.get(practice.scenario_id, ""),
        "level": practice.level,
        "agent": practice.agent_name,
        "state": practice.state,
        "score": practice.score,
        "passed": practice.passed,
        "harder_branches": practice.harder_branches,
        "started_at": _iso(practice.started_at),
        "finished_at": _iso(practice.finished_at),
    }


def scenario_titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(ScenarioRow.id, ScenarioRow.title).where(ScenarioRow.id.in_(ids)))
    return {i: t for i, t in rows}


@dataclass(frozen=True)
class Practisable:
    """A scenario the agent may practise now, with their open assignment of it (if any)."""

    scenario: ScenarioRow
    levels: tuple[int, ...]
    assignment: AssignmentRow | None


def practisable(session: Session, agent_id: int) -> list[Practisable]:
    """Scenarios assigned to the agent (open assignments first, by due date), then every other active one."""
    assigned = list(
        session.scalars(
            select(AssignmentRow)
            .where(AssignmentRow.agent_id == agent_id, AssignmentRow.state == "open")
            .order_by(AssignmentRow.due_on.is_(None), AssignmentRow.due_on, AssignmentRow.id)
        )
    )
    active = {
        s.id: s
        for s in session.scalars(
            select(ScenarioRow)
            .where(ScenarioRow.state == "active")
            .order_by(ScenarioRow.title, ScenarioRow.id)
        )
    }
    found: list[Practisable] = []
    for a in assigned:
        scenario = active.get(a.scenario_id)
        if scenario is not None:
            found.append(Practisable(scenario, content_of(session, scenario).levels, a))
    taken = {p.scenario.id for p in found}
    found.extend(
        Practisable(s, content_of(session, s).levels, None) for s in active.values() if s.id not in taken
    )
    return found


@dataclass(frozen=True)
class PracticeEntry:
    """A finished practice as the agent's quality file lists it: labelled practice, never a score of work."""

    practice_id: int
    at: datetime
    scenario: str
    level: int
    score: float | None
    passed: bool | None


def _finished(session: Session, agent_name: str) -> list[PracticeRow]:
    """The agent's finished practices (a staff member's trials are nobody's quality file)."""
    return list(
        session.scalars(
            select(PracticeRow)
            .join(UserRow, UserRow.id == PracticeRow.agent_id)
            .where(
                PracticeRow.agent_name == agent_name,
                PracticeRow.state == "finished",
                UserRow.role == UserRole.AGENT.value,
            )
            .order_by(PracticeRow.finished_at.desc(), PracticeRow.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def finished_entries(session: Session, agent_name: str) -> list[PracticeEntry]:
    rows = _finished(session, agent_name)
    titles = scenario_titles(session, {p.scenario_id for p in rows})
    return [
        PracticeEntry(p.id, p.finished_at, titles.get(p.scenario_id, ""), p.level, p.score, p.passed)
        for p in rows
        if p.finished_at is not None
    ]


def practice_rates(session: Session, agent_name: str) -> dict[str, tuple[int, int]]:
    """Per criterion, (passed, applicable) over the agent's finished practices: the practice series of the
    ability profile, kept apart from the rates of real work."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in _finished(session, agent_name):
        for r in p.results or []:
            if r.get("outcome") in ("pass", "fail"):
                counts[str(r["id"])][1] += 1
                counts[str(r["id"])][0] += r["outcome"] == "pass"
    return {c: (n[0], n[1]) for c, n in counts.items()}


def practice_abilities(rates: dict[str, tuple[int, int]]) -> dict[str, float | None]:
    """The practice series of the ability profile: each ability's pass rate over the criteria mapped to it,
    counted over practices only."""
    found: dict[str, float | None] = {}
    for ability, criteria in ABILITIES.items():
        passed = sum(rates[c][0] for c in criteria if c in rates)
        applicable = sum(rates[c][1] for c in criteria if c in rates)
        found[ability] = passed / applicable if applicable else None
    return found


def practice_file(session: Session, agent_name: str) -> dict[str, Any]:
    """The practice part of an agent's quality file: finished practices, and pass rates per criterion and
    per ability over them — shown beside real quality, never mixed into it."""
    rates = practice_rates(session, agent_name)
    return {
        "entries": finished_entries(session, agent_name),
        "criteria": {c: {"passed": p, "applicable": n} for c, (p, n) in sorted(rates.items())},
        "abilities": practice_abilities(rates),
    }


def practice_file_json(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "entries": [
            {
                "kind": "practice",
                "practice_id": e.practice_id,
                "at": e.at.isoformat(),
                "scenario": e.scenario,
                "level": e.level,
                "score": e.score,
                "passed": e.passed,
            }
            for e in found["entries"]
        ],
        "criteria": found["criteria"],
        "abilities": found["abilities"],
    }
