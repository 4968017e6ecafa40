"""Recording-analysis classes in the library (SQLite + PostgreSQL): the playlist, its states, notes hidden
until revealed, comments redacted, and a comment promoted to a knowledge-base article keeping its source."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.access.policies import Owner
from callqa.audit.models import AuditRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.knowledge.models import ArticleRow
from callqa.training import class_comments, classes
from callqa.training.classes import Moment
from callqa.training.models import ClassCommentRow, ClassItemRow
from callqa.users.schemas import Actor
from callqa.users.service import actor_for
from redact_support import VISA
from support import Database
from web_support import seed

pytestmark = [pytest.mark.issue(22), pytest.mark.db]
NORTH = ("en-audio-01", "en-call-01", "en-call-02")


def _actor(session: Session, username: str) -> Actor:
    from callqa.users.models import UserRow

    user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
    actor = actor_for(session, int(user_id or 0))
    assert actor is not None
    return actor


def _codes(run: object) -> ErrorCode:
    with pytest.raises(CallqaError) as caught:
        run()  # type: ignore[operator]
    return caught.value.code


def test_a_class_runs_its_playlist_from_draft_to_held(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        lead = _actor(session, "sam.lead")
        cls = classes.create_class(session, lead, title="Billing calls", team="Team North")
        for ident in NORTH:
            classes.add_item(
                session,
                lead,
                cls,
                ident,
                moments=[Moment("the greeting", turn=0), Moment("at ten seconds", ms=10_000)],
                notes=f"Card {VISA} was read out; ask for the last four digits only.",
            )
        items = classes.items_of(session, cls)
        assert [i.position for i in items] == [1, 2, 3]
        assert items[0].moments == [
            {"turn": 0, "ms": None, "label": "the greeting"},
            {"turn": None, "ms": 10_000, "label": "at ten seconds"},
        ]
        assert VISA not in items[0].notes and "last four digits" in items[0].notes  # notes redacted
        ids = [i.interaction_id for i in items]
        classes.reorder(session, lead, cls, [3, 1, 2])
        assert [i.interaction_id for i in classes.items_of(session, cls)] == [ids[2], ids[0], ids[1]]
        classes.remove_item(session, lead, cls, 1)
        assert [(i.position, i.interaction_id) for i in classes.items_of(session, cls)] == [
            (1, ids[0]),
            (2, ids[1]),
        ]
        assert _codes(lambda: classes.reveal(session, lead, cls, 1)) is ErrorCode.T163  # a draft
        classes.start(session, lead, cls)
        assert cls.state == "running"
        classes.finish(session, lead, cls)
        assert cls.state == "held" and cls.held_at is not None
        assert _codes(lambda: classes.add_item(session, lead, cls, "en-call-03")) is ErrorCode.T163
        actions = list(session.scalars(select(AuditRow.action).where(AuditRow.resource == "training_class")))
        assert actions[:1] == ["class.create"] and actions.count("class.add_item") == 3
        assert {"class.reorder", "class.remove_item", "class.start", "class.finish"} <= set(actions)


def test_only_interactions_the_creator_sees_and_their_own_teams(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        lead = _actor(session, "sam.lead")
        assert _codes(lambda: classes.create_class(session, lead, title="x", team="Team Shanghai")) is (
            ErrorCode.T160
        )
        assert _codes(lambda: classes.create_class(session, lead, title="x")) is ErrorCode.T160  # centre
        with pytest.raises(CallqaError, match=r"team 'Nowhere' is unknown; known: .*Team North"):
            classes.create_class(session, lead, title="x", team="Nowhere")
        cls = classes.create_class(session, lead, title="North", team="Team North")
        shanghai = session.scalar(select(InteractionRow.id).where(InteractionRow.team == "Team Shanghai"))
        with pytest.raises(CallqaError, match=rf"no interaction '{shanghai}' that you may see"):
            classes.add_item(session, lead, cls, str(shanghai))
        with pytest.raises(CallqaError, match="no interaction 'nope' that you may see"):
            classes.add_item(session, lead, cls, "nope")
        with pytest.raises(CallqaError, match=r"moment 1: turn 999 is not in the transcript \(turns 0 to"):
            classes.add_item(session, lead, cls, "en-call-01", moments=[Moment("late", turn=999)])
        with pytest.raises(CallqaError, match="moment 1: give a turn of the transcript or a time"):
            classes.add_item(session, lead, cls, "en-call-01", moments=[Moment("nowhere")])
        assert session.scalar(select(func.count(ClassItemRow.id))) == 0
        with pytest.raises(CallqaError, match="must list every item once"):
            classes.reorder(session, lead, cls, [1])
        assert _codes(lambda: classes.start(session, lead, cls)) is ErrorCode.T163  # no item yet


def test_notes_stay_hidden_until_revealed_and_classes_are_listed_per_role(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        analyst = _actor(session, "analyst")
        agent = _actor(session, "j.smith")
        other_agent = _actor(session, "li.wei")
        cls = classes.create_class(session, analyst, title="Hold etiquette", team="Team North")
        classes.add_item(session, analyst, cls, "en-call-01", notes="The hold was not announced.")
        centre = classes.create_class(session, analyst, title="Everyone")
        owner = classes.owner_of(session, cls)
        assert owner == Owner(agent=None, team="Team North")
        assert not classes.attends(agent, cls, owner)  # a draft is not open to agents yet
        assert [c.title for c in classes.visible_classes(session, agent)] == []
        classes.start(session, analyst, cls)
        assert classes.attends(agent, cls, owner) and not classes.attends(other_agent, cls, owner)
        assert [c.id for c in classes.visible_classes(session, agent)] == [cls.id]
        assert [c.id for c in classes.visible_classes(session, other_agent)] == []
        assert {c.id for c in classes.visible_classes(session, analyst)} == {cls.id, centre.id}
        assert [c.id for c in classes.visible_classes(session, _actor(session, "sam.lead"))] == [cls.id]
        assert [c.id for c in classes.visible_classes(session, _actor(session, "wang.fang"))] == []
        item = classes.get_item(session, cls, 1)
        assert classes.notes_for(agent, cls, item, owner) is None
        assert classes.notes_for(analyst, cls, item, owner) == "The hold was not announced."
        classes.reveal(session, analyst, cls, 1)
        assert classes.notes_for(agent, cls, item, owner) == "The hold was not announced."


def test_a_comment_is_redacted_and_becomes_a_knowledge_base_article(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        lead = _actor(session, "sam.lead")
        agent = _actor(session, "j.smith")
        cls = classes.create_class(session, lead, title="Refunds", team="Team North")
        item = classes.add_item(session, lead, cls, "en-call-02")
        assert _codes(lambda: class_comments.add_comment(session, agent, cls, 1, "early")) is ErrorCode.T163
        classes.start(session, lead, cls)
        text = f"I would say sorry first, then confirm the card {VISA} is not needed."
        comment = class_comments.add_comment(session, agent, cls, 1, text, turn=2)
        with pytest.raises(CallqaError, match="names turn 500, which is not in the transcript"):
            class_comments.add_comment(session, agent, cls, 1, "x", turn=500)
        with pytest.raises(CallqaError, match="the comment must have 1 to 2000 characters"):
            class_comments.add_comment(session, agent, cls, 1, "   ")
        stored = session.scalars(select(ClassCommentRow.text)).all()
        assert stored == [comment.text] and VISA not in comment.text and "sorry first" in comment.text
        [listed] = class_comments.comments_of(session, cls, 1)
        assert (listed.author, listed.turn, listed.item) == ("John Smith", 2, 1)
        article = class_comments.promote_comment(session, lead, cls, comment.id, criterion="Empathy")
        assert article.title == "Empathy: Refunds"
        assert article.body == comment.text
        assert (article.source_interaction_id, article.source_turn) == (item.interaction_id, 2)
        assert comment.article_id == article.id
        with pytest.raises(CallqaError, match=rf"comment {comment.id} is already knowledge-base article"):
            class_comments.promote_comment(session, lead, cls, comment.id)
        assert _codes(lambda: class_comments.promote_comment(session, lead, cls, 99999)) is ErrorCode.T167
        agent_turn = session.scalar(
            select(func.min(TurnRow.seq)).where(
                TurnRow.interaction_id == item.interaction_id, TurnRow.role == "agent"
            )
        )
        assert agent_turn is not None
        from_turn = class_comments.promote_turn(session, lead, cls, 1, agent_turn)
        assert from_turn.title.startswith("Refunds — en-call-02")
        assert (from_turn.source_interaction_id, from_turn.source_turn) == (item.interaction_id, agent_turn)
        kept = class_comments.comments_of(session, cls, 1)[-1]
        assert (kept.turn, kept.article_id, kept.author) == (agent_turn, from_turn.id, "Sam Lead")
        assert session.scalar(select(func.count(ArticleRow.id))) == 2
