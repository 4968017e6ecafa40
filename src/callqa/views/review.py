"""What of an interaction's review a viewer sees: the current review if the access rules allow it, with
QA's outcomes hidden from the agent until they have graded themselves."""

from __future__ import annotations

from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed, sees_review
from callqa.interactions.models import InteractionRow
from callqa.review import service
from callqa.review.schemas import ReviewState, ReviewView
from callqa.users.schemas import Actor


def interaction_owner(session: Session, interaction_id: int) -> Owner | None:
    """Whose work the interaction is (None: no such interaction)."""
    row = session.get(InteractionRow, interaction_id)
    return None if row is None else Owner(agent=row.agent, team=row.team)


def visible_review(session: Session, actor: Actor, interaction_id: int) -> ReviewView | None:
    """The current review of an interaction if the actor may see it (for the agent, before they evaluated
    themselves, without QA's outcomes)."""
    owner = interaction_owner(session, interaction_id)
    review = service.current_review(session, interaction_id)
    if owner is None or review is None or not sees_review(actor, owner, review.state):
        return None
    view = service.review_view(session, review)
    return view.hidden_for_self_evaluation() if awaits_self_evaluation(actor, owner, view) else view


def awaits_self_evaluation(actor: Actor, owner: Owner, view: ReviewView) -> bool:
    """The agent must grade themselves before QA's outcomes of a shared review are shown to them."""
    return (
        allowed(actor, Action.REVIEW_RESPOND, owner)
        and view.state is ReviewState.SHARED
        and view.self_evaluation is None
    )
