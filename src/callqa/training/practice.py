"""Practice sessions: an agent answers a scenario's customer, line by line; the scorecard's detectors pick
the branch after each answer and score the whole practice at the end.

Every answer is redacted before it is stored. The result lives on the practice row only: no practice writes
an ``evaluations`` row or an insights fact, so real quality figures never count practice (docs/training.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from callqa.access.policies import Owner
from callqa.audit.service import record
from callqa.core.document import Channel, Interaction
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.privacy.redact import redact_text
from callqa.training.assignments import mark_done
from callqa.training.library import content_of, get_scenario
from callqa.training.models import AssignmentRow, PracticeRow, PracticeTurnRow, ScenarioRow
from callqa.training.practice_checks import (
    Judging,
    Line,
    check_json,
    check_step,
    document,
    met,
    result_json,
    score,
)
from callqa.training.script import Script, Step
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import Actor, UserRole

MAX_ANSWER = 2_000
Input = Literal["typed", "voice"]
CUSTOMERS = ("offline", "llm")


class CustomerLines(Protocol):
    """Who speaks the customer's next line: the script as written (offline) or a model that rephrases it."""

    def line(self, step: Step, conversation: Sequence[Line], language: str, practice_id: int) -> str: ...


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive times; they were stored as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def get_practice(session: Session, practice_id: int, *, lock: bool = False) -> PracticeRow:
    """The practice (T120 when there is none); ``lock``: hold its row until the transaction ends, so two
    answers sent at once are taken one after the other."""
    row = session.get(PracticeRow, practice_id, with_for_update=lock)
    if row is None:
        raise CallqaError(ErrorCode.T120, practice=practice_id)
    return row


def owner_of(session: Session, practice: PracticeRow) -> Owner | None:
    """Whose work the practice is: an agent's (their name and team); a staff member's trial is nobody's
    (only staff see it)."""
    user = session.get(UserRow, practice.agent_id)
    if user is None or user.role != UserRole.AGENT.value:
        return None
    team = session.get(TeamRow, user.team_id) if user.team_id is not None else None
    return Owner(agent=practice.agent_name, team=team.name if team is not None else None)


def turns_of(session: Session, practice_id: int) -> list[PracticeTurnRow]:
    return list(
        session.scalars(
            select(PracticeTurnRow)
            .where(PracticeTurnRow.practice_id == practice_id)
            .order_by(PracticeTurnRow.seq)
        )
    )


def script_of(session: Session, practice: PracticeRow) -> tuple[ScenarioRow, Script]:
    """The scenario and the script of the level and version the practice runs (not the current version:
    an edit made meanwhile does not change a practice under way)."""
    scenario = get_scenario(session, practice.scenario_id)
    return scenario, content_of(session, scenario, practice.version).level(practice.level)


def _step(practice: PracticeRow, scenario: ScenarioRow, script: Script, step_id: str) -> Step:
    try:
        return script.step(step_id)
    except KeyError:
        raise CallqaError(
            ErrorCode.T129,
            practice=practice.id,
            step=step_id,
            level=practice.level,
            scenario=scenario.id,
            version=practice.version,
        ) from None


def _checked_assignment(
    session: Session, actor: Actor, scenario: ScenarioRow, assignment_id: int | None
) -> int | None:
    if assignment_id is None:
        return None
    row = session.get(AssignmentRow, assignment_id)
    if row is None or row.agent_id != actor.user_id or row.scenario_id != scenario.id or row.state != "open":
        raise CallqaError(ErrorCode.T125, assignment=assignment_id, who=actor.username, scenario=scenario.id)
    return row.id


def _channel(session: Session, scenario: ScenarioRow) -> Channel:
    """A practice is heard as the kind of contact its scenario came from (a call when it came from none)."""
    if scenario.source_interaction_id is not None:
        stored = session.scalar(
            select(InteractionRow.channel).where(InteractionRow.id == scenario.source_interaction_id)
        )
        if stored in {c.value for c in Channel}:
            return Channel(stored)
    return Channel.VOICE


def _add_turn(
    session: Session, practice: PracticeRow, role: str, text: str, **fields: object
) -> PracticeTurnRow:
    seq = session.scalar(
        select(func.coalesce(func.max(PracticeTurnRow.seq), -1)).where(
            PracticeTurnRow.practice_id == practice.id
        )
    )
    row = PracticeTurnRow(
        practice_id=practice.id,
        seq=int(seq if seq is not None else -1) + 1,
        role=role,
        text=text,
        created_at=datetime.now(UTC),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def _claim(session: Session, practice: PracticeRow) -> None:
    """Take the practice for one answer: it must still be running at the step the caller read, with no line
    added since — else another answer was taken meanwhile (T130). The write also holds SQLite's write lock
    from here to the commit, so the lines this answer adds cannot collide with another's (PostgreSQL has
    already locked the row: a second answer waits there and then reads the first one's result)."""
    said = select(func.count()).where(PracticeTurnRow.practice_id == practice.id).scalar_subquery()
    seen = session.scalar(select(func.count()).where(PracticeTurnRow.practice_id == practice.id))
    claim = (
        update(PracticeRow)
        .where(
            PracticeRow.id == practice.id,
            PracticeRow.state == "running",
            PracticeRow.current_step == practice.current_step,
            said == seen,
        )
        .values(current_step=practice.current_step)
        .execution_options(synchronize_session=False)
    )
    try:
        taken = session.execute(claim).rowcount  # type: ignore[attr-defined]
    except OperationalError as exc:
        if "locked" not in str(exc.orig):  # only SQLite's: the other answer held it past the busy timeout
            raise
        raise CallqaError(ErrorCode.T130, practice=practice.id, step=practice.current_step) from exc
    if taken != 1:
        raise CallqaError(ErrorCode.T130, practice=practice.id, step=practice.current_step)


def _lines(turns: Sequence[PracticeTurnRow]) -> list[Line]:
    return [Line(t.role, t.text, _aware(t.created_at)) for t in turns]


def _say(
    session: Session,
    practice: PracticeRow,
    step: Step,
    language: str,
    customer: CustomerLines | None,
) -> PracticeTurnRow:
    """The customer's line of ``step``: as scripted, or as the LLM customer puts it (redacted too)."""
    text = step.customer
    if practice.customer == "llm":
        if customer is None:
            raise CallqaError(ErrorCode.T127, practice=practice.id)
        conversation = _lines(turns_of(session, practice.id))
        text = customer.line(step, conversation, language, practice.id)
    return _add_turn(session, practice, "customer", redact_text(text).text, step_id=step.id, mood=step.mood)


def start_practice(
    session: Session,
    actor: Actor,
    scenario_id: int,
    *,
    level: int = 1,
    assignment_id: int | None = None,
    customer: str = "offline",
    customer_lines: CustomerLines | None = None,
) -> PracticeRow:
    """Start practising a scenario level: the practice and the customer's first line (flushed); audited.

    Raises T101 (no such scenario), T123 (no such level), T124 (archived), T125 (not the actor's open
    assignment of it), T127 (an LLM customer without an LLM endpoint)."""
    scenario = get_scenario(session, scenario_id)
    if scenario.state != "active":
        raise CallqaError(ErrorCode.T124, scenario=scenario.id, state=scenario.state)
    content = content_of(session, scenario)
    if level not in content.levels:
        levels = ", ".join(str(n) for n in content.levels)
        raise CallqaError(ErrorCode.T123, scenario=scenario.id, level=level, levels=levels)
    if customer not in CUSTOMERS:
        customer = "offline"
    script = content.level(level)
    practice = PracticeRow(
        scenario_id=scenario.id,
        version=scenario.current_version,
        level=level,
        agent_id=actor.user_id,
        agent_name=actor.agent_name or actor.username,
        assignment_id=_checked_assignment(session, actor, scenario, assignment_id),
        customer=customer,
        state="running",
        current_step=script.start,
        harder_branches=0,
        started_at=datetime.now(UTC),
        scorecard=scenario.scorecard,
    )
    session.add(practice)
    session.flush()
    if customer == "llm" and customer_lines is None:
        raise CallqaError(ErrorCode.T127, practice=practice.id)
    _say(session, practice, script.step(script.start), content.language, customer_lines)
    _audit(
        session,
        actor.user_id,
        actor.username,
        practice,
        "practice.start",
        {"scenario": scenario.id, "level": level},
    )
    return practice


def answer(
    session: Session,
    practice: PracticeRow,
    text: str,
    *,
    judging: Judging,
    input: Input = "typed",
    customer_lines: CustomerLines | None = None,
    replying_to: str | None = None,
) -> PracticeTurnRow:
    """Store the agent's answer (redacted), check the step's act points with the scorecard's detectors,
    and follow the branch: the customer's next line, or — when the branch ends — the practice scored.

    Returns the agent's turn (its ``checks`` and ``branch`` say what the detectors found). Raises T121 (not
    running), T122 (empty or too long), T129 (the script lost the step), T130 (another answer to the same
    line was taken meanwhile, or ``replying_to`` — the step whose line the answer replies to, when given —
    is no longer the current one)."""
    if practice.state != "running" or practice.current_step is None:
        raise CallqaError(ErrorCode.T121, practice=practice.id, state=practice.state)
    if replying_to is not None and replying_to != practice.current_step:
        raise CallqaError(ErrorCode.T130, practice=practice.id, step=replying_to)
    stripped = text.strip()
    if not stripped:
        raise CallqaError(ErrorCode.T122, practice=practice.id, problem="empty")
    if len(stripped) > MAX_ANSWER:
        problem = f"{len(stripped)} characters long; at most {MAX_ANSWER}"
        raise CallqaError(ErrorCode.T122, practice=practice.id, problem=problem)
    scenario, script = script_of(session, practice)
    step = _step(practice, scenario, script, practice.current_step)
    _claim(session, practice)
    mine = _add_turn(session, practice, "agent", redact_text(stripped).text, step_id=step.id, input=input)
    scorecard = judging.scorecard(scenario.scorecard)
    doc = _document(session, practice, scenario)
    results = check_step(doc, step.criteria, scorecard, judging)
    passed = met(results)
    mine.checks = [check_json(doc, r) for r in results]
    mine.branch = "pass" if passed else "miss"
    following = step.on_pass if passed else step.on_miss
    if not passed and following is not None:
        practice.harder_branches += 1
    if following is None:
        _finish(session, practice, scenario, judging)
    else:
        practice.current_step = following
        _say(
            session, practice, _step(practice, scenario, script, following), scenario.language, customer_lines
        )
    session.flush()
    return mine


def _document(session: Session, practice: PracticeRow, scenario: ScenarioRow) -> Interaction:
    return document(
        _lines(turns_of(session, practice.id)),
        practice_id=practice.id,
        language=scenario.language,
        agent=practice.agent_name,
        channel=_channel(session, scenario),
        started=_aware(practice.started_at),
    )


def _finish(session: Session, practice: PracticeRow, scenario: ScenarioRow, judging: Judging) -> None:
    """Score the whole practice by the scenario's scorecard; the result stays on the practice row."""
    scorecard = judging.scorecard(scenario.scorecard)
    doc = _document(session, practice, scenario)
    evaluation = score(doc, scorecard, judging)
    practice.state = "finished"
    practice.current_step = None
    practice.finished_at = datetime.now(UTC)
    practice.scorecard = evaluation.scorecard
    practice.scorecard_hash = evaluation.scorecard_hash
    practice.score = evaluation.score
    practice.passed = evaluation.passed
    practice.auto_failed = evaluation.auto_failed
    practice.results = [result_json(doc, r) for r in evaluation.results]
    mark_done(session, practice)
    user = session.get(UserRow, practice.agent_id)
    detail: dict[str, object] = {
        "score": practice.score,
        "passed": practice.passed,
        "harder_branches": practice.harder_branches,
    }
    _audit(session, practice.agent_id, user.username if user else "-", practice, "practice.finish", detail)


def abandon(session: Session, actor: Actor, practice: PracticeRow) -> None:
    """Stop a running practice unscored (T121 when it is not running); audited."""
    if practice.state != "running":
        raise CallqaError(ErrorCode.T121, practice=practice.id, state=practice.state)
    practice.state = "abandoned"
    practice.current_step = None
    practice.finished_at = datetime.now(UTC)
    _audit(
        session,
        actor.user_id,
        actor.username,
        practice,
        "practice.abandon",
        {"scenario": practice.scenario_id},
    )
    session.flush()


def _audit(
    session: Session,
    user_id: int,
    username: str,
    practice: PracticeRow,
    action: str,
    detail: dict[str, object],
) -> None:
    record(
        session,
        user_id=user_id,
        username=username,
        action=action,
        resource="practice",
        resource_id=practice.id,
        detail=detail,
    )
