"""The monthly meeting pack of a team on seeded data (SQLite and PostgreSQL): recurring failures against
the previous month, classes held, practice results, assignments, coaching follow-ups; CSV and Markdown."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from assign_support import People, people, practice, real_result, scenario
from callqa.coaching.models import CoachingRow
from callqa.core.errors import CallqaError
from callqa.knowledge.models import ArticleRow
from callqa.training import assignments as service
from callqa.training.meeting_pack import as_csv, as_html, as_markdown, meeting_pack, month_bounds
from callqa.training.models import ClassCommentRow, ClassItemRow, TrainingClassRow
from callqa.users.models import TeamRow
from support import Database

NOV = datetime(2026, 11, 10, 9, tzinfo=UTC)
OCT = datetime(2026, 10, 10, 9, tzinfo=UTC)


def _seed(db: Database) -> People:
    with db.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst)
        north = session.query(TeamRow).filter_by(name="North").one().id
        south = session.query(TeamRow).filter_by(name="South").one().id
        # real failures: empathy × billing 3 in November (1 in October), greeting × none 1 (0 before);
        # South's and December's do not count
        for i in range(3):
            real_result(
                session,
                agent="ana",
                team="North",
                started_at=NOV + timedelta(days=i),
                outcomes={"empathy": "fail", "greeting": "pass"},
                reason="billing",
            )
        real_result(
            session, agent="ben", team="North", started_at=OCT, outcomes={"empathy": "fail"}, reason="billing"
        )
        real_result(session, agent="ben", team="North", started_at=NOV, outcomes={"greeting": "fail"})
        real_result(
            session, agent="cai", team="South", started_at=NOV, outcomes={"empathy": "fail"}, reason="billing"
        )
        real_result(
            session,
            agent="ana",
            team="North",
            started_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
            outcomes={"empathy": "fail"},
            reason="billing",
        )
        interaction = real_result(
            session, agent="ana", team="North", started_at=NOV, outcomes={"empathy": "pass"}
        )
        # a class held in November: two items, three comments, one promoted; a draft and South's do not count
        article = ArticleRow(title="Say sorry first", body="…", created_at=NOV)
        session.add(article)
        held = TrainingClassRow(
            title="Billing calls", team_id=north, state="held", created_at=OCT, held_at=NOV
        )
        draft = TrainingClassRow(title="Draft", team_id=north, state="draft", created_at=NOV)
        other = TrainingClassRow(title="South", team_id=south, state="held", created_at=OCT, held_at=NOV)
        session.add_all([held, draft, other])
        session.flush()
        items = [ClassItemRow(class_id=held.id, position=i, interaction_id=interaction) for i in (1, 2)]
        session.add_all(items)
        session.flush()
        for text, article_id in (("a", article.id), ("b", None), ("c", None)):
            session.add(
                ClassCommentRow(item_id=items[0].id, text=text, created_at=NOV, article_id=article_id)
            )
        # practice in November: ana 2 (1 passed, avg 70, harder 1+0), ben 1 failed; cai (South) does not count
        for agent, score, passed, harder in (
            (p.ana, 60.0, False, 1),
            (p.ana, 80.0, True, 0),
            (p.ben, 40.0, False, 2),
            (p.cai, 99.0, True, 0),
        ):
            practice(
                session,
                agent_id=agent,
                scenario_id=s.id,
                score=score,
                passed=passed,
                harder=harder,
                finished_at=NOV,
            )
        # assignments made in November: ana done, ben open past due (overdue), ana cancelled
        ana, ben = service.agent_assignee(session, "ana"), service.agent_assignee(session, "ben")
        rows = service.assign(
            session, p.lead, [ana, ben], scenario_id=s.id, due_on=date(2026, 11, 20), today=date(2026, 11, 1)
        )
        extra = service.assign(session, p.lead, [ana], scenario_id=s.id, today=date(2026, 11, 1))
        for r in (*rows, *extra):
            r.created_at = NOV
        rows[0].state = "done"
        service.cancel(session, p.lead, extra[0])
        # coaching followed up in November (ana improved) and October (not counted)
        for when, result in ((NOV, "improved"), (OCT, "not_improved")):
            session.add(
                CoachingRow(
                    agent_id=p.ana,
                    agent_name="ana",
                    title=f"Empathy {result}",
                    notes="n",
                    state="closed",
                    follow_up_result=result,
                    created_at=OCT,
                    followed_up_at=when,
                )
            )
    return p


def test_the_pack_of_a_team_month_holds_each_figure(db: Database) -> None:
    _seed(db)
    with db.factory() as session:
        pack = meeting_pack(session, "North", "2026-11")
    assert [(f.criterion, f.reason, f.count, f.previous, f.change) for f in pack.failures] == [
        ("empathy", "billing", 3, 1, 2),
        ("greeting", "", 1, 0, 1),
    ]
    assert [(c.title, c.items, c.comments, c.articles) for c in pack.classes] == [("Billing calls", 2, 3, 1)]
    assert [
        (a.agent, a.practices, a.passed, a.pass_rate, a.average_score, a.harder_branches)
        for a in pack.practice
    ] == [
        ("ana", 2, 1, 0.5, 70.0, 1),
        ("ben", 1, 0, 0.0, 40.0, 2),
    ]
    a = pack.assignments
    assert (a.made, a.done, a.open, a.overdue, a.cancelled) == (3, 1, 1, 1, 1)
    assert [(u.agent, u.result) for u in pack.follow_ups] == [("ana", "improved")]
    shown = pack.as_json()
    assert shown["failures"][0]["change"] == 2 and shown["practice"][0]["pass_rate"] == 0.5

    rows = list(csv.reader(io.StringIO(as_csv(pack))))
    assert ["failures", "empathy", "Empathy", "billing", "3", "1", "2"] in rows
    assert ["assignments", "3", "1", "1", "1", "1"] in rows
    markdown = as_markdown(pack)
    assert "# Meeting pack: North, 2026-11" in markdown
    assert "| Empathy | billing | 3 | 1 | +2 |" in markdown
    assert "| ana | 2 | 50% | 70.0 | 1 |" in markdown
    assert '<td dir="auto">Billing calls</td>' in as_html(pack)


def test_an_empty_month_and_bad_input(db: Database) -> None:
    with db.factory.begin() as session:
        people(session)
        empty = meeting_pack(session, "South", "2025-01")
        assert empty.failures == [] and empty.classes == [] and empty.practice == []
        assert "_none_" in as_markdown(empty)
        with pytest.raises(CallqaError, match=r"\[T150\] meeting pack: team 'West' is not a team"):
            meeting_pack(session, "West", "2026-11")
        with pytest.raises(CallqaError, match=r"\[T150\] meeting pack: month '2026-13' is not a month"):
            meeting_pack(session, "North", "2026-13")
    before, start, end = month_bounds("2026-01")
    assert (before.date(), start.date(), end.date()) == (
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    )
