"""The review workflow: an analyst reviews the AI evaluation (overrides need a reason), shares it with
the agent, who acknowledges or disputes criteria; a supervisor or analyst resolves disputes; then it is final.

Every function works in the caller's transaction and raises a coded error on a step the state does not allow.
Who may take each step is decided by the access policies before these are called.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.review.comments import comments_of
from callqa.review.models import DisputeRow, OverrideRow, ReviewRow, SelfEvaluationRow
from callqa.review.notifications import MESSAGES, notify
from callqa.review.sampling import mark_reviewed
from callqa.review.schemas import OUTCOMES, Dispute, DisputeState, Override, ReviewState, ReviewView
from callqa.review.totals import official, rescored
from callqa.scoring.loader import scorecard_spec
from callqa.scoring.models import CriterionResultRow, EvaluationRow, ScorecardRow
from callqa.users.models import LeadsTeamRow, TeamRow, UserRow

MIN_REASON = 5
_EDITABLE = (ReviewState.DRAFT, ReviewState.SHARED, ReviewState.ACKNOWLEDGED, ReviewState.DISPUTED)


def _now() -> datetime:
    return datetime.now(UTC)


def _criteria(session: Session, evaluation_id: int) -> list[dict[str, object]]:
    """The evaluation's criteria as the AI decided them (``outcome`` is the AI's)."""
    rows = session.scalars(
        select(CriterionResultRow)
        .where(CriterionResultRow.evaluation_id == evaluation_id)
        .order_by(CriterionResultRow.id)
    )
    return [
        {
            "id": r.criterion,
            "section": r.section,
            "title": r.title,
            "outcome": r.ai_outcome or r.outcome,
            "confidence": r.confidence,
            "weight": r.weight,
            "critical": r.critical,
            "explanation": r.explanation,
            "evidence": r.evidence,
        }
        for r in rows
    ]


def current_review(session: Session, interaction_id: int) -> ReviewRow | None:
    """The review of the interaction's current evaluation, if one was started."""
    return session.scalar(
        select(ReviewRow)
        .join(EvaluationRow, EvaluationRow.id == ReviewRow.evaluation_id)
        .where(ReviewRow.interaction_id == interaction_id, EvaluationRow.is_current.is_(True))
        .order_by(ReviewRow.id.desc())
    )


def start_review(session: Session, evaluation_id: int, reviewer_id: int) -> ReviewRow:
    """The review of a current evaluation, started (as a draft with the AI's score) when there is none."""
    evaluation = session.get(EvaluationRow, evaluation_id)
    if evaluation is None or not evaluation.is_current:
        raise CallqaError(ErrorCode.R101, evaluation=evaluation_id)
    review = session.scalar(select(ReviewRow).where(ReviewRow.evaluation_id == evaluation_id))
    if review is not None:
        return review
    now = _now()
    review = ReviewRow(
        evaluation_id=evaluation_id,
        interaction_id=evaluation.interaction_id,
        reviewer_id=reviewer_id,
        state=ReviewState.DRAFT.value,
        score=evaluation.ai_score,
        auto_failed=bool(evaluation.ai_auto_failed),
        created_at=now,
        updated_at=now,
    )
    session.add(review)
    session.flush()
    return review


def _final_outcomes(session: Session, review_id: int) -> dict[str, str]:
    rows = session.scalars(
        select(OverrideRow).where(OverrideRow.review_id == review_id).order_by(OverrideRow.id)
    )
    return {r.criterion: r.outcome for r in rows}  # the latest override of a criterion wins


def refresh_score(session: Session, review: ReviewRow) -> None:
    """The review's score from its changes (and, once shared, the official result)."""
    review.score, review.auto_failed = rescored(
        _criteria(session, review.evaluation_id), _final_outcomes(session, review.id)
    )
    review.updated_at = _now()
    publish(session, review)


def publish(session: Session, review: ReviewRow) -> None:
    """Once shared, the review's result is the official one: its outcomes replace the AI's on the
    evaluation's criteria and its score the evaluation's (the AI's stay in ``ai_*``), and the evaluation
    records the review's state. A draft changes nothing official."""
    if review.state == ReviewState.DRAFT.value:
        return
    evaluation = session.get(EvaluationRow, review.evaluation_id)
    assert evaluation is not None
    changed = _final_outcomes(session, review.id)
    rows = list(
        session.scalars(select(CriterionResultRow).where(CriterionResultRow.evaluation_id == evaluation.id))
    )
    for r in rows:
        r.outcome = changed.get(r.criterion, r.ai_outcome or r.outcome)
    card = session.get(ScorecardRow, evaluation.scorecard_id)
    pass_mark = scorecard_spec(card.source, card.name).pass_mark if card else 80.0
    evaluation.score, evaluation.raw_score, evaluation.auto_failed, evaluation.passed = official(
        _criteria(session, evaluation.id), changed, pass_mark
    )
    evaluation.review_state = review.state


def _check_state(review: ReviewRow, allowed: tuple[ReviewState, ...], step: str) -> None:
    if ReviewState(review.state) not in allowed:
        raise CallqaError(ErrorCode.R100, review=review.id, reason=f"cannot {step} a {review.state} review")


def check_editable(review: ReviewRow) -> None:
    """Refuse (R100) a change to a review no longer open to changes (final)."""
    _check_state(review, _EDITABLE, "change")


def _check_reason(text: str, what: str) -> str:
    if len(text.strip()) < MIN_REASON:
        raise CallqaError(ErrorCode.R104, what=what, minimum=MIN_REASON)
    return text.strip()


def _ai_outcome(session: Session, review: ReviewRow, criterion: str) -> str:
    outcomes = {str(c["id"]): str(c["outcome"]) for c in _criteria(session, review.evaluation_id)}
    if criterion not in outcomes:
        raise CallqaError(ErrorCode.R102, criterion=criterion, known=", ".join(outcomes))
    return outcomes[criterion]


def override(
    session: Session, review: ReviewRow, *, criterion: str, outcome: str, reason: str, user_id: int
) -> None:
    """Change one criterion's outcome, with the reason; the score follows."""
    _check_state(review, _EDITABLE, "change")
    if outcome not in OUTCOMES:
        raise CallqaError(ErrorCode.R103, outcome=outcome)
    ai = _ai_outcome(session, review, criterion)
    session.add(
        OverrideRow(
            review_id=review.id,
            criterion=criterion,
            ai_outcome=ai,
            outcome=outcome,
            reason=_check_reason(reason, "change of a criterion"),
            user_id=user_id,
            created_at=_now(),
        )
    )
    session.flush()
    refresh_score(session, review)


def _agent_users(session: Session, interaction_id: int) -> list[int]:
    agent = session.scalar(select(InteractionRow.agent).where(InteractionRow.id == interaction_id))
    if not agent:
        return []
    return list(
        session.scalars(select(UserRow.id).where(UserRow.agent_name == agent, UserRow.active.is_(True)))
    )


def _team_leads(session: Session, interaction_id: int) -> list[int]:
    team = session.scalar(select(InteractionRow.team).where(InteractionRow.id == interaction_id))
    if not team:
        return []
    return list(
        session.scalars(
            select(LeadsTeamRow.user_id)
            .join(TeamRow, TeamRow.id == LeadsTeamRow.team_id)
            .where(TeamRow.name == team)
        )
    )


def _link(review: ReviewRow, criterion: str | None = None) -> str:
    return f"/interactions/{review.interaction_id}#" + (f"criterion-{criterion}" if criterion else "review")


def _about(
    session: Session, review: ReviewRow, who: int | None, criterion: str | None = None
) -> dict[str, Any]:
    """A notification's params: who (a display name), which interaction (its external id), which criterion
    (its title as the evaluation shows it)."""
    name = session.scalar(select(UserRow.display_name).where(UserRow.id == who)) if who else None
    interaction = session.scalar(
        select(InteractionRow.external_id).where(InteractionRow.id == review.interaction_id)
    )
    params: dict[str, Any] = {"who": name or "–", "interaction": interaction or str(review.interaction_id)}
    if criterion is not None:
        title = next(
            (str(c["title"]) for c in _criteria(session, review.evaluation_id) if c["id"] == criterion),
            criterion,
        )
        params["criterion"] = title
    return params


def share(session: Session, review: ReviewRow, *, comment: str | None = None) -> None:
    """Show the review to the agent (notified in the app)."""
    _check_state(review, (ReviewState.DRAFT,), "share")
    review.state = ReviewState.SHARED.value
    review.comment = comment.strip() if comment and comment.strip() else review.comment
    review.shared_at = review.updated_at = _now()
    publish(session, review)
    mark_reviewed(session, review.interaction_id)
    about = _about(session, review, review.reviewer_id)
    notify(
        session,
        _agent_users(session, review.interaction_id),
        "review_shared",
        # no score or outcome: the agent grades the interaction themselves before seeing QA's result
        MESSAGES["review_shared"] % about,
        _link(review),
        about,
    )


def self_evaluation(session: Session, review_id: int) -> SelfEvaluationRow | None:
    return session.scalar(select(SelfEvaluationRow).where(SelfEvaluationRow.review_id == review_id))


def _needs_self_evaluation(session: Session, review: ReviewRow) -> None:
    if self_evaluation(session, review.id) is None:
        raise CallqaError(ErrorCode.R106, review=review.id)


def self_evaluate(
    session: Session, review: ReviewRow, *, user_id: int, outcomes: dict[str, str], comment: str | None = None
) -> None:
    """The agent grades their own interaction, every criterion, before QA's outcomes are shown to them."""
    _check_state(review, (ReviewState.SHARED,), "self-evaluate")
    if self_evaluation(session, review.id) is not None:
        raise CallqaError(ErrorCode.R100, review=review.id, reason="you already evaluated yourself")
    expected = [str(c["id"]) for c in _criteria(session, review.evaluation_id)]
    missing = [c for c in expected if c not in outcomes]
    if missing or set(outcomes) - set(expected):
        raise CallqaError(
            ErrorCode.R100,
            review=review.id,
            reason=f"grade every criterion (missing: {', '.join(missing) or '–'})",
        )
    for outcome in outcomes.values():
        if outcome not in OUTCOMES:
            raise CallqaError(ErrorCode.R103, outcome=outcome)
    session.add(
        SelfEvaluationRow(
            review_id=review.id,
            user_id=user_id,
            outcomes={c: outcomes[c] for c in expected},
            comment=(comment or "").strip() or None,
            created_at=_now(),
        )
    )
    session.flush()


def acknowledge(session: Session, review: ReviewRow, *, user_id: int | None = None) -> None:
    """The agent (``user_id``) has read the review and accepts it."""
    _check_state(review, (ReviewState.SHARED,), "acknowledge")
    _needs_self_evaluation(session, review)
    review.state = ReviewState.ACKNOWLEDGED.value
    review.updated_at = _now()
    publish(session, review)
    if review.reviewer_id is not None:
        about = _about(session, review, user_id)
        notify(
            session,
            [review.reviewer_id],
            "review_acknowledged",
            MESSAGES["review_acknowledged"] % about,
            _link(review),
            about,
        )


def open_dispute(
    session: Session, review: ReviewRow, *, criterion: str, requested: str, comment: str, agent_id: int
) -> DisputeRow:
    """The agent disputes a criterion, asking for another outcome; supervisors and the reviewer hear of it."""
    _check_state(review, (ReviewState.SHARED, ReviewState.ACKNOWLEDGED, ReviewState.DISPUTED), "dispute")
    _needs_self_evaluation(session, review)
    if requested not in OUTCOMES:
        raise CallqaError(ErrorCode.R103, outcome=requested)
    _ai_outcome(session, review, criterion)
    already = session.scalar(
        select(DisputeRow.id).where(
            DisputeRow.review_id == review.id,
            DisputeRow.criterion == criterion,
            DisputeRow.state == DisputeState.OPEN.value,
        )
    )
    if already is not None:
        raise CallqaError(ErrorCode.R100, review=review.id, reason=f"'{criterion}' is already disputed")
    dispute = DisputeRow(
        review_id=review.id,
        criterion=criterion,
        requested=requested,
        comment=_check_reason(comment, "dispute"),
        agent_id=agent_id,
        state=DisputeState.OPEN.value,
        created_at=_now(),
    )
    session.add(dispute)
    review.state = ReviewState.DISPUTED.value
    review.updated_at = _now()
    publish(session, review)
    session.flush()
    readers = [
        *_team_leads(session, review.interaction_id),
        *([review.reviewer_id] if review.reviewer_id else []),
    ]
    about = _about(session, review, agent_id, criterion)
    notify(
        session,
        readers,
        "dispute_opened",
        MESSAGES["dispute_opened"] % about,
        _link(review, criterion),
        about,
    )
    return dispute


def resolve_dispute(
    session: Session, dispute: DisputeRow, *, upheld: bool, resolution: str, resolver_id: int
) -> None:
    """Uphold (the criterion takes the requested outcome) or reject a dispute; with none left open the review
    is final. The agent hears of it."""
    review = session.get(ReviewRow, dispute.review_id)
    assert review is not None
    if dispute.state != DisputeState.OPEN.value:
        raise CallqaError(
            ErrorCode.R100, review=review.id, reason=f"dispute {dispute.id} is already {dispute.state}"
        )
    text = _check_reason(resolution, "resolution")
    dispute.state = (DisputeState.UPHELD if upheld else DisputeState.REJECTED).value
    dispute.resolution, dispute.resolver_id, dispute.resolved_at = text, resolver_id, _now()
    if upheld:
        override(
            session,
            review,
            criterion=dispute.criterion,
            outcome=dispute.requested,
            reason=f"dispute upheld: {text}",
            user_id=resolver_id,
        )
    session.flush()
    still_open = session.scalar(
        select(DisputeRow.id).where(
            DisputeRow.review_id == review.id, DisputeRow.state == DisputeState.OPEN.value
        )
    )
    if still_open is None:
        review.state = ReviewState.FINAL.value
        review.finalized_at = review.updated_at = _now()
        publish(session, review)
    about = {**_about(session, review, resolver_id, dispute.criterion), "verdict": dispute.state}
    agents = [dispute.agent_id] if dispute.agent_id else []
    notify(
        session,
        agents,
        "dispute_resolved",
        MESSAGES[f"dispute_{dispute.state}"] % about,
        _link(review, dispute.criterion),
        about,
    )


def finalize(session: Session, review: ReviewRow) -> None:
    """Close a shared or acknowledged review (disputed ones close when their disputes are resolved)."""
    _check_state(review, (ReviewState.SHARED, ReviewState.ACKNOWLEDGED), "finalize")
    review.state = ReviewState.FINAL.value
    review.finalized_at = review.updated_at = _now()
    publish(session, review)


def _off_channel(session: Session, evaluation: EvaluationRow) -> set[str]:
    """The criteria of the evaluation's scorecard that never apply on the interaction's channel (a
    voice-only criterion on a chat): the agent's self-evaluation starts them at n/a."""
    card = session.get(ScorecardRow, evaluation.scorecard_id)
    channel = session.scalar(
        select(InteractionRow.channel).where(InteractionRow.id == evaluation.interaction_id)
    )
    if card is None or channel is None:
        return set()
    spec = scorecard_spec(card.source, card.name)
    return {
        c.id
        for section in spec.sections
        for c in section.criteria
        if c.channels and str(channel) not in {str(ch) for ch in c.channels}
    }


def review_view(session: Session, review: ReviewRow) -> ReviewView:
    """The review with the AI's criteria, the final outcome of each, its overrides and disputes."""
    names = {r.id: r.username for r in session.execute(select(UserRow.id, UserRow.username))}
    overrides = list(
        session.scalars(
            select(OverrideRow).where(OverrideRow.review_id == review.id).order_by(OverrideRow.id)
        )
    )
    final = {o.criterion: o.outcome for o in overrides}
    evaluation = session.get(EvaluationRow, review.evaluation_id)
    off = _off_channel(session, evaluation) if evaluation else set()
    criteria = [
        {
            **c,
            "final_outcome": final.get(str(c["id"]), c["outcome"]),
            "overridden": str(c["id"]) in final,
            "applies": c["id"] not in off,
        }
        for c in _criteria(session, review.evaluation_id)
    ]
    disputes = session.scalars(
        select(DisputeRow).where(DisputeRow.review_id == review.id).order_by(DisputeRow.id)
    )
    own = self_evaluation(session, review.id)
    return ReviewView(
        comments=comments_of(session, review.id),
        id=review.id,
        evaluation_id=review.evaluation_id,
        interaction_id=review.interaction_id,
        state=ReviewState(review.state),
        reviewer=names.get(review.reviewer_id) if review.reviewer_id else None,
        ai_score=evaluation.ai_score if evaluation else None,
        score=review.score,
        auto_failed=review.auto_failed,
        comment=review.comment,
        criteria=criteria,
        self_evaluation=dict(own.outcomes) if own else None,
        self_comment=own.comment if own else None,
        overrides=[
            Override(
                o.criterion,
                o.ai_outcome,
                o.outcome,
                o.reason,
                names.get(o.user_id) if o.user_id else None,
                o.created_at,
            )
            for o in overrides
        ],
        disputes=[
            Dispute(
                d.id,
                d.criterion,
                d.requested,
                d.comment,
                names.get(d.agent_id) if d.agent_id else None,
                DisputeState(d.state),
                d.resolution,
                names.get(d.resolver_id) if d.resolver_id else None,
                d.created_at,
                d.resolved_at,
            )
            for d in disputes
        ],
    )
