"""What a class item shows in the presenter and attendee views: the interaction as its page shows it
(transcript with evidence, criteria), the class's moments to discuss, the notes when the reader may see
them, and the comments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callqa.access.policies import Owner
from callqa.interactions.queries import get_interaction
from callqa.scoring.queries import analysis_for, evaluations_for
from callqa.training.class_comments import Comment, comments_of
from callqa.training.classes import Moment, get_item, items_of, notes_for
from callqa.training.models import ClassItemRow, TrainingClassRow
from callqa.users.schemas import Actor
from callqa.views.detail import InteractionView, interaction_view


@dataclass(frozen=True)
class MomentView:
    label: str
    turn: int | None
    ms: int | None
    seek_ms: int | None  # where the player goes: the moment's time, else its turn's start
    flag_turn: int | None  # the turn flagged in the transcript: the moment's, else the one heard at its time


@dataclass(frozen=True)
class ClassItemView:
    cls: TrainingClassRow
    item: ClassItemRow
    position: int
    count: int
    view: InteractionView
    moments: list[MomentView]
    notes: str | None  # None: hidden from this reader
    comments: list[Comment]
    failed: list[str]  # the titles of the criteria the interaction did not meet (article titles)

    @property
    def previous(self) -> int | None:
        return self.position - 1 if self.position > 1 else None

    @property
    def next(self) -> int | None:
        return self.position + 1 if self.position < self.count else None


def _heard_at(view: InteractionView, ms: int | None) -> int | None:
    """The turn being spoken at ``ms`` (the last one started by then), if the turns have times."""
    started = [t.index for t in view.turns if ms is not None and t.start_ms is not None and t.start_ms <= ms]
    return started[-1] if started else None


def class_item_view(
    session: Session, actor: Actor, cls: TrainingClassRow, owner: Owner, position: int
) -> ClassItemView:
    """The class's item at ``position`` (1 is the first) as ``actor`` may see it."""
    item = get_item(session, cls, position)
    evaluations = evaluations_for(session, item.interaction_id)
    view = interaction_view(
        get_interaction(session, item.interaction_id),
        evaluations[0] if evaluations else None,
        analysis_for(session, item.interaction_id),
    )
    starts = {t.index: t.start_ms for t in view.turns}
    moments = []
    for stored in item.moments:
        moment = Moment.from_json(stored)
        seek = moment.ms
        if seek is None and moment.turn is not None:
            seek = starts.get(moment.turn)
        flag = moment.turn if moment.turn is not None else _heard_at(view, moment.ms)
        moments.append(MomentView(moment.label, moment.turn, moment.ms, seek, flag))
    failed = [str(c.get("title") or c["id"]) for c in view.criteria if c.get("outcome") == "fail"]
    return ClassItemView(
        cls=cls,
        item=item,
        position=position,
        count=len(items_of(session, cls)),
        view=view,
        moments=moments,
        notes=notes_for(actor, cls, item, owner),
        comments=comments_of(session, cls, position),
        failed=failed,
    )
