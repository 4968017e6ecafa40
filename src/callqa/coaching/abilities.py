"""The agent's ability profile (seed 004's ability analysis table): each ability is the pass rate of
the scorecard criteria mapped to it, over the agent's evaluations (a shared review's outcome replaces the
AI's), overall and by month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import cos, pi, sin

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow

ABILITIES: dict[str, tuple[str, ...]] = {
    "comprehension": ("active_listening", "solution_explained"),
    "listening": ("active_listening", "anything_else", "empathy"),
    "problem_solving": ("solution_explained", "next_steps", "transfer_explained"),
    "attention_to_detail": (
        "identity_before_account",
        "no_card_readback",
        "recording_disclosure",
        "next_steps",
    ),
    "empathy": ("empathy", "thanks"),
    "compliance": ("recording_disclosure", "identity_before_account", "no_card_readback", "hold_etiquette"),
    "communication": ("greeting", "thanks", "readability", "template_use", "response_time"),
}


@dataclass(frozen=True)
class Profile:
    overall: dict[str, float | None]  # ability → pass rate 0..1 over everything
    by_month: dict[str, dict[str, float | None]]  # "2026-10" → ability → pass rate
    evaluations: int


def _outcomes(session: Session, agent_name: str) -> list[tuple[int, str, str, str]]:
    """(evaluation id, month, criterion, final outcome) for the agent's current evaluations."""
    query = (
        select(
            InteractionRow.started_at,
            CriterionResultRow.criterion,
            CriterionResultRow.outcome,
            EvaluationRow.id,
        )
        .join(
            EvaluationRow,
            and_(EvaluationRow.interaction_id == InteractionRow.id, EvaluationRow.is_current.is_(True)),
        )
        .join(CriterionResultRow, CriterionResultRow.evaluation_id == EvaluationRow.id)
        .where(InteractionRow.agent == agent_name)
    )
    rows = session.execute(query).all()
    return [
        (
            int(r.id),
            r.started_at.strftime("%Y-%m") if r.started_at else "undated",
            str(r.criterion),
            str(r.outcome),  # the official outcome: a shared review's where a person changed it
        )
        for r in rows
    ]


def _rates(
    items: Sequence[tuple[str, str]], mapping: Mapping[str, tuple[str, ...]]
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for ability, criteria in mapping.items():
        graded = [o for c, o in items if c in criteria and o != "n/a"]
        out[ability] = round(sum(o == "pass" for o in graded) / len(graded), 3) if graded else None
    return out


def ability_profile(
    session: Session, agent_name: str, mapping: Mapping[str, tuple[str, ...]] = ABILITIES
) -> Profile:
    """The pass rate of each ability's criteria, overall and per month of the interactions."""
    outcomes = _outcomes(session, agent_name)
    months: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, month, criterion, outcome in outcomes:
        months[month].append((criterion, outcome))
    everything = [(c, o) for _, _, c, o in outcomes]
    by_month = {m: _rates(v, mapping) for m, v in sorted(months.items())}
    return Profile(_rates(everything, mapping), by_month, len({e for e, _, _, _ in outcomes}))


def radar_points(
    values: Mapping[str, float | None], *, radius: float = 90.0, centre: float = 110.0
) -> list[tuple[str, float, float, float, float]]:
    """(ability, x, y of the value, x, y of the axis end) for an SVG radar chart, clockwise from the top."""
    names = list(values)
    out = []
    for i, name in enumerate(names):
        angle = -pi / 2 + 2 * pi * i / len(names)
        value = values[name] or 0.0
        out.append(
            (
                name,
                round(centre + radius * value * cos(angle), 1),
                round(centre + radius * value * sin(angle), 1),
                round(centre + radius * cos(angle), 1),
                round(centre + radius * sin(angle), 1),
            )
        )
    return out
