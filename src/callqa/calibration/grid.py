"""The calibration grid a meeting works from: each grader's outcome per criterion of each interaction, beside
the AI's and an expert's answer, with the cells that differ from the reference marked; and the answers the
session owner sets as the expert's."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callqa.calibration.models import CalibrationExpertRow, CalibrationGradeRow, CalibrationRow
from callqa.calibration.service import AI, ai_criteria, grader_names, items
from callqa.core.errors import CallqaError, ErrorCode
from callqa.review.schemas import OUTCOMES
from callqa.users.models import UserRow

ReferenceKind = Literal["expert", "benchmark", "majority"]


@dataclass(frozen=True)
class GridRow:
    """One criterion of one interaction: every grader's outcome and what they are compared against."""

    interaction_id: int
    external_id: str
    criterion: str
    title: str
    outcomes: dict[str, str | None]  # grader (username, or "ai") → outcome; None: not graded
    expert: str | None  # the answer the session owner set
    reference: str | None  # the expert's answer, else the benchmark grader's, else the majority's
    reference_kind: ReferenceKind | None  # None: no expert, no benchmark and no majority (a split)
    differs: frozenset[str]  # graders whose outcome is not the reference

    @property
    def agreement(self) -> float | None:
        """The share of graders giving the reference outcome."""
        given = [o for o in self.outcomes.values() if o is not None]
        if self.reference is None or not given:
            return None
        return round(sum(o == self.reference for o in given) / len(given), 3)


@dataclass(frozen=True)
class Grid:
    graders: list[str]  # usernames by name, then "ai"
    display: dict[str, str]  # grader → name shown
    rows: list[GridRow]
    by_criterion: dict[str, float | None]  # criterion → share of answers matching the reference
    by_grader: dict[str, float | None]  # grader → share of their answers matching the reference
    expert_set: bool  # the owner set at least one expert answer

    def interactions(self) -> Iterator[tuple[int, str, list[GridRow]]]:
        """(interaction id, external id, its rows) in the session's order."""
        seen: dict[int, list[GridRow]] = {}
        names: dict[int, str] = {}
        for row in self.rows:
            seen.setdefault(row.interaction_id, []).append(row)
            names[row.interaction_id] = row.external_id
        for interaction_id, rows in seen.items():
            yield interaction_id, names[interaction_id], rows


def expert_answers(session: Session, calibration: CalibrationRow) -> dict[tuple[int, str], str]:
    """(interaction, criterion) → the expert answer set for it."""
    query = select(CalibrationExpertRow).where(CalibrationExpertRow.calibration_id == calibration.id)
    return {(r.interaction_id, r.criterion): r.outcome for r in session.scalars(query)}


def set_expert_answers(
    session: Session,
    calibration: CalibrationRow,
    *,
    interaction_id: int,
    answers: Mapping[str, str | None],
    set_by: int | None,
) -> None:
    """Set (an outcome) or clear (None or "") the expert answer of criteria of one interaction."""
    if interaction_id not in {i for i, _ in items(session, calibration)}:
        raise CallqaError(
            ErrorCode.V141,
            calibration=calibration.id,
            interaction=interaction_id,
            criterion="*",
            reason="the interaction is not part of the session",
        )
    known = {c["id"] for c in ai_criteria(session, interaction_id, calibration.scorecard_name)}
    for criterion, outcome in answers.items():
        if criterion not in known:
            raise CallqaError(
                ErrorCode.V141,
                calibration=calibration.id,
                interaction=interaction_id,
                criterion=criterion,
                reason=f"no such criterion; known: {', '.join(sorted(known))}",
            )
        if outcome and outcome not in OUTCOMES:
            raise CallqaError(
                ErrorCode.V141,
                calibration=calibration.id,
                interaction=interaction_id,
                criterion=criterion,
                reason=f"'{outcome}' is not pass, fail or n/a",
            )
    now = datetime.now(UTC)
    for criterion, outcome in answers.items():
        session.execute(
            delete(CalibrationExpertRow).where(
                CalibrationExpertRow.calibration_id == calibration.id,
                CalibrationExpertRow.interaction_id == interaction_id,
                CalibrationExpertRow.criterion == criterion,
            )
        )
        if outcome:
            session.add(
                CalibrationExpertRow(
                    calibration_id=calibration.id,
                    interaction_id=interaction_id,
                    criterion=criterion,
                    outcome=outcome,
                    set_by=set_by,
                    set_at=now,
                )
            )
    session.flush()


def _reference(
    outcomes: Mapping[str, str | None], expert: str | None, benchmark: str | None
) -> tuple[str | None, ReferenceKind | None]:
    if expert is not None:
        return expert, "expert"
    if benchmark is not None and outcomes.get(benchmark) is not None:
        return outcomes[benchmark], "benchmark"
    counts = Counter(o for o in outcomes.values() if o is not None).most_common()
    if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]):
        return counts[0][0], "majority"
    return None, None


def _share(pairs: list[tuple[str, str]]) -> float | None:
    return round(sum(a == b for a, b in pairs) / len(pairs), 3) if pairs else None


def build_grid(session: Session, calibration: CalibrationRow) -> Grid:
    """Every grader's outcome per criterion of each interaction, with the AI's and the expert's."""
    names = grader_names(session, calibration)
    graders = [*names.values(), AI]
    display = {
        r.username: r.display_name
        for r in session.execute(
            select(UserRow.username, UserRow.display_name).where(UserRow.id.in_(list(names)))
        )
    }
    display[AI] = "AI"
    given: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    query = select(CalibrationGradeRow).where(CalibrationGradeRow.calibration_id == calibration.id)
    for g in session.scalars(query):
        given[(g.interaction_id, g.criterion)][names.get(g.user_id, str(g.user_id))] = g.outcome
    experts = expert_answers(session, calibration)
    rows: list[GridRow] = []
    for interaction_id, external_id in items(session, calibration):
        for c in ai_criteria(session, interaction_id, calibration.scorecard_name):
            key = (interaction_id, str(c["id"]))
            outcomes: dict[str, str | None] = {g: given[key].get(g) for g in names.values()}
            outcomes[AI] = str(c["outcome"])
            reference, kind = _reference(outcomes, experts.get(key), calibration.benchmark)
            differs = frozenset(
                g for g, o in outcomes.items() if o is not None and reference is not None and o != reference
            )
            rows.append(
                GridRow(
                    interaction_id,
                    external_id,
                    key[1],
                    str(c["title"]),
                    outcomes,
                    experts.get(key),
                    reference,
                    kind,
                    differs,
                )
            )
    by_criterion: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        if row.reference is not None:
            by_criterion[row.criterion] += [
                (o, row.reference) for o in row.outcomes.values() if o is not None
            ]
    by_grader = {
        g: _share(
            [
                (o, row.reference)
                for row in rows
                if row.reference is not None and (o := row.outcomes.get(g)) is not None
            ]
        )
        for g in graders
    }
    return Grid(
        graders,
        display,
        rows,
        {c: _share(pairs) for c, pairs in by_criterion.items()},
        by_grader,
        bool(experts),
    )


def grid_csv_rows(grid: Grid) -> tuple[list[str], list[list[object]]]:
    """The grid as a CSV header and rows: one row per criterion of each interaction."""
    header = [
        "interaction",
        "criterion",
        "title",
        *grid.graders,
        "expert",
        "reference",
        "reference_from",
        "agreement",
        "differs",
    ]
    body: list[list[object]] = [
        [
            row.external_id,
            row.criterion,
            row.title,
            *(row.outcomes.get(g) for g in grid.graders),
            row.expert,
            row.reference,
            row.reference_kind,
            row.agreement,
            " ".join(g for g in grid.graders if g in row.differs),
        ]
        for row in grid.rows
    ]
    return header, body
