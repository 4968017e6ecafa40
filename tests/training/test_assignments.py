"""Assignments on SQLite and PostgreSQL: to an agent and to a team (one batch), notifications, the audit
trail, cancelling, ``mark_done`` from a finished practice (rows inserted directly, as the practice code
stores them), overdue, and the improvement figures (practice and the real work before/after)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from assign_support import people, practice, real_result, scenario
from callqa.audit.models import AuditRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.review.models import NotificationRow
from callqa.review.notifications import as_notification, wording
from callqa.training import assignments as service
from callqa.training.follow_up import Filters, followed, practice_progress, real_change
from callqa.training.models import AssignmentRow
from support import Database

TODAY = date(2026, 12, 6)


def test_an_agent_and_a_team_are_assigned_and_each_agent_notified(db: Database) -> None:
    with db.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst)
        one = service.assign(
            session,
            p.lead,
            [service.agent_assignee(session, "ana")],
            scenario_id=s.id,
            due_on=TODAY + timedelta(days=7),
            note="Card 4111 1111 1111 1111 was read out: practise the opening",
            today=TODAY,
        )
        team = service.assign(
            session,
            p.analyst,
            service.team_assignees(session, "North"),
            scenario_id=s.id,
            level=1,
            team_id=service.team_id_of(session, "North"),
            today=TODAY,
        )
    with db.factory() as session:
        rows = session.scalars(select(AssignmentRow).order_by(AssignmentRow.id)).all()
        assert [(r.agent_name, r.state, r.origin) for r in rows] == [
            ("ana", "open", "manual"),
            ("ana", "open", "manual"),
            ("ben", "open", "manual"),
        ]
        assert rows[0].batch is None and rows[1].batch == rows[2].batch is not None
        assert rows[0].criterion == "empathy"  # the scenario's criterion
        assert "4111" not in rows[0].note  # the note is redacted before it is stored
        assert rows[0].assigned_by == p.lead.user_id and rows[0].due_on == TODAY + timedelta(days=7)
        notes = session.scalars(select(NotificationRow).order_by(NotificationRow.id)).all()
        assert [(n.user_id, n.kind) for n in notes] == [
            (p.ana, "training_assigned"),
            (p.ana, "training_assigned"),
            (p.ben, "training_assigned"),
        ]
        assert notes[0].link == f"/training/practice#assignment-{one[0].id}"
        assert wording(as_notification(notes[0]), lambda s: s) == (
            f"Sam asked you to practise “Charged twice” (due {TODAY + timedelta(days=7)})"
        )
        audits = session.scalars(select(AuditRow).where(AuditRow.action == "assignment.create")).all()
        assert [a.detail["agents"] for a in audits] == [["ana"], ["ana", "ben"]]
        assert team[0].team_id is not None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"level": 3}, ErrorCode.T143),  # the scenario has one level
        ({"due_on": TODAY - timedelta(days=1)}, ErrorCode.T142),
        ({"scenario_id": 999}, ErrorCode.T101),
        ({"origin": "coaching", "coaching_id": 999}, ErrorCode.T146),
        ({"note": "x" * 2001}, ErrorCode.T142),
    ],
)
def test_a_bad_assignment_is_refused_with_its_cause_and_nothing_is_stored(
    db: Database, kwargs: dict[str, object], code: ErrorCode
) -> None:
    with db.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst)
        ana = service.agent_assignee(session, "ana")
        args: dict[str, object] = {"scenario_id": s.id, "today": TODAY, **kwargs}
        with pytest.raises(CallqaError) as caught:
            service.assign(session, p.analyst, [ana], **args)  # type: ignore[arg-type]
        assert caught.value.code is code
        assert session.scalar(select(func.count(AssignmentRow.id))) == 0
        assert session.scalar(select(func.count(NotificationRow.id))) == 0


def test_unknown_agents_and_teams_are_named_in_the_refusal(db: Database) -> None:
    with db.factory.begin() as session:
        people(session)
        with pytest.raises(CallqaError, match=r"\[T140\] assignment: agent 'nobody' not found"):
            service.agent_assignee(session, "nobody")
        with pytest.raises(CallqaError, match=r"\[T141\] assignment: team 'West' not found"):
            service.team_assignees(session, "West")
        with pytest.raises(CallqaError, match=r"\[T142\] .*exactly one of agent, team"):
            service.named_assignees(session, agent="ana", team="North")


def test_a_finished_practice_marks_its_assignment_done_and_overdue_is_open_past_due(db: Database) -> None:
    with db.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst)
        ana, ben = service.agent_assignee(session, "ana"), service.agent_assignee(session, "ben")
        first, second = service.assign(
            session, p.analyst, [ana, ben], scenario_id=s.id, due_on=date(2026, 1, 10), today=date(2026, 1, 1)
        )
        assert service.is_overdue(first, date(2026, 1, 11)) and not service.is_overdue(
            first, date(2026, 1, 10)
        )
        running = practice(
            session,
            agent_id=p.ana,
            scenario_id=s.id,
            score=50,
            passed=False,
            harder=1,
            finished_at=datetime(2026, 1, 5, tzinfo=UTC),
            assignment_id=first.id,
            state="running",
        )
        with pytest.raises(CallqaError, match=r"\[T148\] practice \d+: it is running, not finished"):
            service.mark_done(session, running)
        other = practice(
            session,
            agent_id=p.ben,
            scenario_id=s.id,
            score=70,
            passed=True,
            harder=0,
            finished_at=datetime(2026, 1, 5, tzinfo=UTC),
            assignment_id=first.id,
        )
        with pytest.raises(CallqaError, match=r"\[T148\] .*not a practice of assignment"):
            service.mark_done(session, other)
        finished = practice(
            session,
            agent_id=p.ana,
            scenario_id=s.id,
            score=80,
            passed=True,
            harder=0,
            finished_at=datetime(2026, 1, 6, tzinfo=UTC),
            assignment_id=first.id,
        )
        assert service.mark_done(session, finished) is first
        assert first.state == "done" and first.completed_at == datetime(2026, 1, 6, tzinfo=UTC)
        assert not service.is_overdue(first, date(2026, 2, 1))
        assert service.mark_done(session, finished) is None  # already done: nothing changes
        assert (
            service.mark_done(
                session,
                practice(
                    session,
                    agent_id=p.ben,
                    scenario_id=s.id,
                    score=1,
                    passed=False,
                    harder=2,
                    finished_at=datetime(2026, 1, 7, tzinfo=UTC),
                ),
            )
            is None
        )
        with pytest.raises(CallqaError, match=r"\[T145\] assignment \d+ is done: cannot cancel it"):
            service.cancel(session, p.analyst, first)
        service.cancel(session, p.analyst, second)
        assert second.state == "cancelled"
    with db.factory() as session:
        listed = followed(session, p.analyst, Filters(state="done"), today=date(2026, 2, 1))
        assert [f.row.agent_name for f in listed] == ["ana"]
        assert followed(session, p.analyst, Filters(overdue=True), today=date(2026, 2, 1)) == []


def test_improvement_first_against_latest_practice_and_real_work_before_and_after(db: Database) -> None:
    made = datetime(2026, 11, 1, 12, tzinfo=UTC)
    with db.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst)
        (row,) = service.assign(
            session, p.lead, [service.agent_assignee(session, "ana")], scenario_id=s.id, today=made.date()
        )
        row.created_at = made
        for day, score, passed, harder in ((2, 55.0, False, 2), (5, 70.0, False, 1), (9, 92.5, True, 0)):
            practice(
                session,
                agent_id=p.ana,
                scenario_id=s.id,
                score=score,
                passed=passed,
                harder=harder,
                finished_at=made + timedelta(days=day),
                assignment_id=row.id,
            )
        # real work: 1 of 4 empathy passes in the 30 days before, 3 of 4 after; other agents and
        # criteria, and interactions outside the windows, do not count
        for i, outcome in enumerate(("fail", "fail", "pass", "fail")):
            real_result(
                session,
                agent="ana",
                team="North",
                started_at=made - timedelta(days=3 + i),
                outcomes={"empathy": outcome, "greeting": "pass"},
            )
        for i, outcome in enumerate(("pass", "pass", "fail", "pass")):
            real_result(
                session,
                agent="ana",
                team="North",
                started_at=made + timedelta(days=3 + i),
                outcomes={"empathy": outcome},
            )
        real_result(
            session,
            agent="ana",
            team="North",
            started_at=made - timedelta(days=40),
            outcomes={"empathy": "pass"},
        )
        real_result(
            session,
            agent="ana",
            team="North",
            started_at=made + timedelta(days=2),
            outcomes={"empathy": "n/a"},
        )
        real_result(
            session,
            agent="ben",
            team="North",
            started_at=made + timedelta(days=2),
            outcomes={"empathy": "fail"},
        )
    with db.factory() as session:
        progress = practice_progress(session, p.ana, s.id)
        assert (progress.practices, progress.first_score, progress.latest_score, progress.best_score) == (
            3,
            55.0,
            92.5,
            92.5,
        )
        assert progress.change == 37.5 and progress.latest_passed is True
        assert (progress.first_harder, progress.latest_harder) == (2, 0)
        real = real_change(session, "ana", "empathy", made, days=30)
        assert (real.before_n, real.before_rate, real.after_n, real.after_rate) == (4, 0.25, 4, 0.75)
        assert real.change == 0.5
        (item,) = followed(session, p.lead, Filters(agent="ana"), today=date(2026, 12, 6))
        shown = item.as_json()
        assert shown["practice"]["change"] == 37.5 and shown["real"]["change"] == 0.5
        assert shown["state"] == "open" and shown["overdue"] is False  # no due date


def test_each_person_sees_the_assignments_of_the_work_they_see(db: Database) -> None:
    with db.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst)
        everyone = [service.agent_assignee(session, n) for n in ("ana", "ben", "cai")]
        service.assign(session, p.analyst, everyone, scenario_id=s.id, today=TODAY)
    with db.factory() as session:
        agent = service.agent_by_id(session, p.ana)
        assert agent is not None
        from callqa.users.schemas import Actor, UserRole

        ana = Actor(p.ana, "ana", "Ana", UserRole.AGENT, agent_name="ana", team="North")
        assert [f.row.agent_name for f in followed(session, ana, Filters())] == ["ana"]
        assert sorted(f.row.agent_name for f in followed(session, p.lead, Filters())) == ["ana", "ben"]
        assert len(followed(session, p.analyst, Filters())) == 3
        assert [f.row.agent_name for f in followed(session, p.analyst, Filters(team="South"))] == ["cai"]


def test_everyone_who_failed_a_criterion_in_the_period_and_the_scenarios_that_train_it(db: Database) -> None:
    with db.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst)
        day = datetime(2026, 11, 20, 10, tzinfo=UTC)
        real_result(session, agent="ana", team="North", started_at=day, outcomes={"empathy": "fail"})
        real_result(session, agent="cai", team="South", started_at=day, outcomes={"empathy": "fail"})
        real_result(session, agent="ben", team="North", started_at=day, outcomes={"empathy": "pass"})
        real_result(
            session,
            agent="ben",
            team="North",
            started_at=day - timedelta(days=60),
            outcomes={"empathy": "fail"},
        )
        failed = service.failed_assignees(session, "empathy", date(2026, 11, 1), date(2026, 11, 30))
        assert [a.agent_name for a in failed] == ["ana", "cai"]
        assert [r.id for r in service.scenarios_for(session, "empathy")] == [s.id]
        assert service.scenario_for(session, None, "empathy") == s.id
        with pytest.raises(CallqaError, match=r"\[T147\] .*criterion 'closing'"):
            service.scenario_for(session, None, "closing")
