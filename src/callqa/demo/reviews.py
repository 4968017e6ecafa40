"""The demo analyst's reviews (``data/reviews.yaml``): stored as shared and final reviews of the current
standard evaluations, so the demo has human labels — official scores and AI agreement to show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.config import DEFAULT_SCORECARD
from callqa.interactions.models import InteractionRow
from callqa.review import service
from callqa.review.schemas import ReviewState
from callqa.scoring.models import EvaluationRow
from callqa.users.models import UserRow


def load_demo_reviews(session: Session, path: Path) -> int:
    """Store the file's reviews that are not stored yet; returns how many were added. Interactions that are
    not stored or not scored are skipped (the demo may have been loaded partly)."""
    spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    reviewer = session.scalar(select(UserRow.id).where(UserRow.username == spec["reviewer"]))
    if reviewer is None:
        return 0
    added = 0
    for item in spec["reviews"]:
        evaluation = session.scalar(
            select(EvaluationRow.id)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(
                InteractionRow.external_id == item["interaction"],
                EvaluationRow.scorecard_name == DEFAULT_SCORECARD,
                EvaluationRow.is_current.is_(True),
            )
        )
        if evaluation is None:
            continue
        review = service.start_review(session, evaluation, reviewer)
        if review.state != ReviewState.DRAFT.value:
            continue
        for change in item.get("changes", []):
            service.override(
                session,
                review,
                criterion=change["criterion"],
                outcome=change["outcome"],
                reason=change["reason"],
                user_id=reviewer,
            )
        service.share(session, review, comment=item.get("comment"))
        service.finalize(session, review)
        added += 1
    return added
