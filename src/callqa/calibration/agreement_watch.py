"""Telling QA when the AI grades a criterion worse than the floor: each criterion whose agreement with the
graders is surely below ``CALLQA_AGREEMENT_FLOOR`` (the top of its 95 % interval) becomes one notification
for every admin and QA analyst — once, until it recovers and falls again."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callqa.calibration import ai_agreement
from callqa.core.background import Periodic
from callqa.db.engine import unit_of_work
from callqa.review.models import NotificationRow
from callqa.review.notifications import notify
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

log = logging.getLogger(__name__)
KIND = "agreement_floor"
KEYS = ("scorecard", "version", "criterion")


def _link(criterion: str, scorecard: str) -> str:
    return f"/agreement?criterion={criterion}&scorecard={scorecard}"


def watch_agreement(session: Session, floor: float) -> list[ai_agreement.Agreement]:
    """Notify QA staff of every criterion newly below the floor; returns the criteria below it now."""
    below = [row for row in ai_agreement.measure(ai_agreement.examples(session), KEYS) if row.below(floor)]
    staff = list(
        session.scalars(
            select(UserRow.id).where(
                UserRow.role.in_((UserRole.ADMIN.value, UserRole.QA_ANALYST.value)), UserRow.active.is_(True)
            )
        )
    )
    told = {
        link
        for link in session.scalars(select(NotificationRow.link).where(NotificationRow.kind == KIND))
        if link is not None
    }
    for row in below:
        criterion, scorecard = str(row.key["criterion"]), str(row.key["scorecard"])
        link = _link(criterion, scorecard)
        if link in told:
            continue
        version = f"{scorecard} v{row.key['version']}"
        text = (
            f"The AI agrees with your graders on '{row.title or criterion}' ({version}) in {row.rate:.0%} "
            f"of {row.n} labels, below the floor of {floor:.0%}"
        )
        notify(session, staff, KIND, text, link)
    # a criterion back above the floor may warn again when it falls again
    for gone in told - {_link(str(r.key["criterion"]), str(r.key["scorecard"])) for r in below}:
        for stale in session.scalars(
            select(NotificationRow).where(NotificationRow.kind == KIND, NotificationRow.link == gone)
        ):
            stale.kind = f"{KIND}_cleared"
    return below


def start_agreement_watch(factory: sessionmaker[Session], floor: float, every_s: float) -> Periodic | None:
    """Check the agreement now and every ``every_s`` seconds (None when 0)."""
    if every_s <= 0:
        return None

    def work() -> None:
        with unit_of_work(factory) as session:
            below = watch_agreement(session, floor)
        if below:
            log.info("AI agreement below %.0f%% on %d criteria", floor * 100, len(below))

    return Periodic("agreement watch", every_s, work).start()
