"""Calibration sessions: set up (interactions, graders, benchmark), blind grading, closing with agreed
guidance, and the results (the AI's current evaluation counts as the grader "ai")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callqa.calibration.agreement import CalibrationSummary, Grade, TotalScore, session_summary
from callqa.calibration.models import (
    CalibrationGradeRow,
    CalibrationGraderRow,
    CalibrationItemRow,
    CalibrationRow,
)
from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.review.notifications import notify
from callqa.review.schemas import OUTCOMES
from callqa.review.totals import rescored
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

AI = "ai"
GRADER_ROLES = (UserRole.ADMIN.value, UserRole.QA_ANALYST.value, UserRole.SUPERVISOR.value)


def _fail(calibration: object, reason: str) -> CallqaError:
    return CallqaError(ErrorCode.K100, calibration=calibration, reason=reason)


def ai_criteria(session: Session, interaction_id: int, scorecard: str) -> list[dict[str, Any]]:
    """The criteria of the interaction's current evaluation with the scorecard (the AI's grades)."""
    rows = session.execute(
        select(CriterionResultRow)
        .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
        .where(
            EvaluationRow.interaction_id == interaction_id,
            EvaluationRow.is_current.is_(True),
            EvaluationRow.scorecard_name == scorecard,
        )
        .order_by(CriterionResultRow.id)
    ).scalars()
    return [
        {
            "id": r.criterion,
            "title": r.title,
            "section": r.section,
            "outcome": r.ai_outcome or r.outcome,
            "weight": r.weight,
            "critical": r.critical,
        }
        for r in rows
    ]


def create_calibration(
    session: Session,
    *,
    name: str,
    interaction_ids: Sequence[int],
    graders: Sequence[str],
    benchmark: str | None,
    created_by: int | None,
    scorecard: str = DEFAULT_SCORECARD,
) -> CalibrationRow:
    """A new open session; every interaction needs a current evaluation, every grader may grade."""
    if not interaction_ids:
        raise _fail(name, "choose at least one interaction")
    users = {
        r.username: r for r in session.scalars(select(UserRow).where(UserRow.username.in_(list(graders))))
    }
    for username in graders:
        user = users.get(username)
        if user is None or not user.active or user.role not in GRADER_ROLES:
            raise _fail(name, f"'{username}' cannot grade (an active analyst, supervisor or admin can)")
    if len(users) < 2:
        raise _fail(name, "a calibration needs at least two people grading (the AI comes on top)")
    if benchmark not in (None, AI, *users):
        raise _fail(name, f"benchmark '{benchmark}' is neither 'ai' nor one of the graders")
    for interaction_id in dict.fromkeys(interaction_ids):
        if not ai_criteria(session, interaction_id, scorecard):
            raise _fail(name, f"interaction {interaction_id} has no current '{scorecard}' evaluation")
    row = CalibrationRow(
        name=name,
        scorecard_name=scorecard,
        benchmark=benchmark,
        state="open",
        notes={},
        created_by=created_by,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    for interaction_id in dict.fromkeys(interaction_ids):
        session.add(CalibrationItemRow(calibration_id=row.id, interaction_id=interaction_id))
    for user in users.values():
        session.add(CalibrationGraderRow(calibration_id=row.id, user_id=user.id))
    notify(
        session,
        [u.id for u in users.values() if u.id != created_by],
        "calibration",
        f"Calibration '{name}': please grade {len(set(interaction_ids))} interaction(s)",
        f"/calibrations/{row.id}",
    )
    session.flush()
    return row


def items(session: Session, calibration: CalibrationRow) -> list[tuple[int, str]]:
    """(interaction id, external id) of the session's interactions."""
    query = (
        select(InteractionRow.id, InteractionRow.external_id)
        .join(CalibrationItemRow, CalibrationItemRow.interaction_id == InteractionRow.id)
        .where(CalibrationItemRow.calibration_id == calibration.id)
        .order_by(CalibrationItemRow.id)
    )
    return [(r.id, r.external_id) for r in session.execute(query)]


def grader_names(session: Session, calibration: CalibrationRow) -> dict[int, str]:
    query = (
        select(UserRow.id, UserRow.username)
        .join(CalibrationGraderRow, CalibrationGraderRow.user_id == UserRow.id)
        .where(CalibrationGraderRow.calibration_id == calibration.id)
        .order_by(UserRow.username)
    )
    return {r.id: r.username for r in session.execute(query)}


def is_grader(session: Session, calibration: CalibrationRow, user_id: int) -> bool:
    return user_id in grader_names(session, calibration)


def grade(
    session: Session,
    calibration: CalibrationRow,
    *,
    user_id: int,
    interaction_id: int,
    outcomes: Mapping[str, str],
) -> None:
    """Record (or replace) one grader's outcomes for one interaction: every criterion, while open."""
    if calibration.state != "open":
        raise _fail(calibration.id, "it is closed")
    if not is_grader(session, calibration, user_id):
        raise _fail(calibration.id, "you are not one of its graders")
    if interaction_id not in {i for i, _ in items(session, calibration)}:
        raise _fail(calibration.id, f"interaction {interaction_id} is not part of it")
    expected = [c["id"] for c in ai_criteria(session, interaction_id, calibration.scorecard_name)]
    missing = [c for c in expected if c not in outcomes]
    unknown = [c for c in outcomes if c not in expected]
    if missing or unknown:
        raise _fail(
            calibration.id, f"grade every criterion: missing {missing or '–'}, unknown {unknown or '–'}"
        )
    for criterion, outcome in outcomes.items():
        if outcome not in OUTCOMES:
            raise _fail(calibration.id, f"criterion '{criterion}': '{outcome}' is not pass, fail or n/a")
    session.execute(
        delete(CalibrationGradeRow).where(
            CalibrationGradeRow.calibration_id == calibration.id,
            CalibrationGradeRow.interaction_id == interaction_id,
            CalibrationGradeRow.user_id == user_id,
        )
    )
    now = datetime.now(UTC)
    for criterion in expected:
        session.add(
            CalibrationGradeRow(
                calibration_id=calibration.id,
                interaction_id=interaction_id,
                user_id=user_id,
                criterion=criterion,
                outcome=outcomes[criterion],
                created_at=now,
            )
        )
    session.flush()


def own_grades(
    session: Session, calibration: CalibrationRow, user_id: int, interaction_id: int
) -> dict[str, str]:
    """What this grader gave (blind grading shows nobody else's)."""
    query = select(CalibrationGradeRow.criterion, CalibrationGradeRow.outcome).where(
        CalibrationGradeRow.calibration_id == calibration.id,
        CalibrationGradeRow.user_id == user_id,
        CalibrationGradeRow.interaction_id == interaction_id,
    )
    return {r.criterion: r.outcome for r in session.execute(query)}


def progress(session: Session, calibration: CalibrationRow) -> dict[str, int]:
    """How many interactions each grader has graded."""
    names = grader_names(session, calibration)
    done: dict[str, set[int]] = {name: set() for name in names.values()}
    query = select(CalibrationGradeRow.user_id, CalibrationGradeRow.interaction_id).where(
        CalibrationGradeRow.calibration_id == calibration.id
    )
    for user_id, interaction_id in session.execute(query):
        done[names[user_id]].add(interaction_id)
    return {name: len(ids) for name, ids in done.items()}


@dataclass(frozen=True)
class Unfinished:
    grader: str  # username
    name: str  # display name
    graded: int
    total: int

    def __str__(self) -> str:
        return f"{self.name}: {self.graded} of {self.total} graded"


def unfinished(session: Session, calibration: CalibrationRow) -> list[Unfinished]:
    """The graders who have not graded every interaction of the session yet."""
    total = len(items(session, calibration))
    query = (
        select(UserRow.username, UserRow.display_name)
        .join(CalibrationGraderRow, CalibrationGraderRow.user_id == UserRow.id)
        .where(CalibrationGraderRow.calibration_id == calibration.id)
    )
    names = {r.username: r.display_name for r in session.execute(query)}
    return [
        Unfinished(grader, names.get(grader, grader), done, total)
        for grader, done in progress(session, calibration).items()
        if done < total
    ]


def close(
    session: Session, calibration: CalibrationRow, *, notes: Mapping[str, str], force: bool = False
) -> None:
    """End grading; ``notes`` record the guidance agreed per criterion (shown with the results). A session
    some grader has not finished closes only with ``force`` (the person closing confirmed it)."""
    if calibration.state != "open":
        raise _fail(calibration.id, "it is already closed")
    missing = unfinished(session, calibration)
    if missing and not force:
        raise CallqaError(
            ErrorCode.V140, calibration=calibration.name, missing="; ".join(str(m) for m in missing)
        )
    calibration.state = "closed"
    calibration.notes = {c: n.strip() for c, n in notes.items() if n and n.strip()}
    calibration.closed_at = datetime.now(UTC)


@dataclass(frozen=True)
class Results:
    summary: CalibrationSummary
    totals: dict[int, dict[str, float | None]]  # interaction → grader → total score
    outcomes: dict[tuple[int, str], dict[str, str]]  # (interaction, criterion) → grader → outcome
    titles: dict[str, str]


def results(session: Session, calibration: CalibrationRow) -> Results:
    """Every grader's outcomes and totals (the AI's from its evaluation) and the agreement statistics."""
    names = grader_names(session, calibration)
    grades: list[Grade] = []
    totals: dict[int, dict[str, float | None]] = defaultdict(dict)
    outcomes: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    titles: dict[str, str] = {}
    by_grader: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    query = select(CalibrationGradeRow).where(CalibrationGradeRow.calibration_id == calibration.id)
    for g in session.scalars(query):
        by_grader[(g.interaction_id, names.get(g.user_id, str(g.user_id)))][g.criterion] = g.outcome
    for interaction_id, _ in items(session, calibration):
        criteria = ai_criteria(session, interaction_id, calibration.scorecard_name)
        titles.update({c["id"]: c["title"] for c in criteria})
        by_grader[(interaction_id, AI)] = {c["id"]: c["outcome"] for c in criteria}
        for (item, grader), given in by_grader.items():
            if item != interaction_id:
                continue
            totals[interaction_id][grader] = rescored(criteria, given)[0]
            for criterion, outcome in given.items():
                grades.append(Grade(grader, interaction_id, criterion, outcome))
                outcomes[(interaction_id, criterion)][grader] = outcome
    score_list = [TotalScore(g, i, s) for i, by in totals.items() for g, s in by.items()]
    return Results(
        session_summary(grades, score_list, benchmark=calibration.benchmark),
        dict(totals),
        dict(outcomes),
        titles,
    )


def list_calibrations(session: Session) -> list[CalibrationRow]:
    return list(session.scalars(select(CalibrationRow).order_by(CalibrationRow.id.desc())))


def agreed_guidance(session: Session, scorecard: str) -> list[tuple[str, str, str, datetime | None]]:
    """(criterion, guidance, session, closed at) agreed in closed sessions on the scorecard, newest first."""
    query = (
        select(CalibrationRow)
        .where(CalibrationRow.scorecard_name == scorecard, CalibrationRow.state == "closed")
        .order_by(CalibrationRow.closed_at.desc())
    )
    return [
        (criterion, str(note), row.name, row.closed_at)
        for row in session.scalars(query)
        for criterion, note in sorted((row.notes or {}).items())
    ]
