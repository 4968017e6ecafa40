"""Calibration steps as load → authorize → service → audit, shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed
from callqa.calibration import service
from callqa.calibration.grid import set_expert_answers
from callqa.calibration.models import CalibrationRow
from callqa.interactions.models import InteractionRow
from callqa.users.schemas import Actor
from callqa.web.deps import audit, refusals, require


def load(session: Session, actor: Actor, calibration_id: int) -> CalibrationRow:
    """The session, if the actor runs calibrations or grades in this one (404 otherwise)."""
    row = session.get(CalibrationRow, calibration_id)
    if row is None or not (
        allowed(actor, Action.CALIBRATION_RUN) or service.is_grader(session, row, actor.user_id)
    ):
        raise HTTPException(404, "not found")
    return row


def may_see_results(session: Session, actor: Actor, row: CalibrationRow) -> bool:
    """Blind until closed: nobody sees anyone's grades while the session is open."""
    return row.state == "closed"


def create(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    name: str,
    external_ids: Sequence[str],
    graders: Sequence[str],
    benchmark: str | None,
) -> CalibrationRow:
    require(actor, Action.CALIBRATION_RUN)
    query = select(InteractionRow.external_id, InteractionRow.id).where(
        InteractionRow.external_id.in_(list(external_ids))
    )
    found = {r.external_id: r.id for r in session.execute(query)}
    missing = [e for e in external_ids if e not in found]
    if missing:
        raise HTTPException(422, f"no interaction with external id {', '.join(missing)}")
    with refusals():
        row = service.create_calibration(
            session,
            name=name,
            interaction_ids=[found[e] for e in external_ids],
            graders=graders,
            benchmark=benchmark or None,
            created_by=actor.user_id,
        )
    audit(request, session, actor, "create", "calibration", row.id, {"name": name})
    return row


def grade(
    request: Request,
    session: Session,
    actor: Actor,
    calibration_id: int,
    interaction_id: int,
    outcomes: Mapping[str, str],
) -> CalibrationRow:
    row = load(session, actor, calibration_id)
    with refusals(status=409 if row.state != "open" else 422):
        service.grade(session, row, user_id=actor.user_id, interaction_id=interaction_id, outcomes=outcomes)
    audit(request, session, actor, "grade", "calibration", row.id, {"interaction": interaction_id})
    return row


def close(
    request: Request,
    session: Session,
    actor: Actor,
    calibration_id: int,
    notes: Mapping[str, str],
    *,
    force: bool = False,
) -> CalibrationRow:
    """Close the session; one some grader has not finished is refused (409, V140) unless ``force``."""
    row = load(session, actor, calibration_id)
    require(actor, Action.CALIBRATION_RUN)
    with refusals(status=409):
        service.close(session, row, notes=notes, force=force)
    detail = {"unfinished": [str(u) for u in service.unfinished(session, row)]} if force else None
    audit(request, session, actor, "close", "calibration", row.id, detail)
    return row


def set_expert(
    request: Request,
    session: Session,
    actor: Actor,
    calibration_id: int,
    interaction_id: int,
    answers: Mapping[str, str | None],
) -> CalibrationRow:
    """The session owner's reference answers for criteria of one interaction."""
    row = load(session, actor, calibration_id)
    require(actor, Action.CALIBRATION_RUN)
    with refusals():
        set_expert_answers(session, row, interaction_id=interaction_id, answers=answers, set_by=actor.user_id)
    audit(request, session, actor, "expert", "calibration", row.id, {"interaction": interaction_id})
    return row
