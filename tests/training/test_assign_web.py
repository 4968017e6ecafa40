"""Assignments, their follow-up on the coaching page, and the meeting pack through HTTP (SQLite and
PostgreSQL, the demo data and users): who may assign to whom, the database after each request, coded
refusals. Practice rows are inserted directly, as the practice code stores them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from assign_support import practice
from callqa.core.settings import Settings
from callqa.review.models import NotificationRow
from callqa.training.assignments import mark_done
from callqa.training.library import create_scenario
from callqa.training.models import AssignmentRow
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.app import create_app
from support import Database
from training_support import content
from web_support import SignedIn, Web, seed

DUE = (date.today() + timedelta(days=7)).isoformat()


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    seed(db)
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    yield Web(db, create_app(settings, engine=db.engine), settings)


def _user_id(web: Web, username: str) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(UserRow.id).where(UserRow.username == username)) or 0)


def _scenario(web: Web, language: str = "en", title: str = "Charged twice") -> int:
    analyst = _user_id(web, "analyst")
    actor = Actor(analyst, "analyst", "Quinn Analyst", UserRole.QA_ANALYST)
    with web.db.factory.begin() as session:
        row = create_scenario(
            session, actor, title=title, scorecard="standard", content=content(language), criterion="empathy"
        )
        return row.id


def _json(response: Any, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _count(web: Web) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(func.count(AssignmentRow.id))) or 0)


def test_a_supervisor_assigns_their_team_and_is_refused_another(web: Web) -> None:
    scenario = _scenario(web)
    lead = web.signed_in("sam.lead")  # leads Team North (j.smith)
    made = _json(
        lead.post(
            "/api/training/assignments", json={"scenario_id": scenario, "agent": "j.smith", "due_on": DUE}
        ),
        201,
    )
    assert [a["agent"] for a in made["assignments"]] == ["j.smith"]
    team = _json(
        lead.post("/api/training/assignments", json={"scenario_id": scenario, "team": "Team North"}), 201
    )
    assert [a["agent"] for a in team["assignments"]] == ["j.smith"]
    with web.db.factory() as session:
        notes = session.scalars(
            select(NotificationRow).where(NotificationRow.kind == "training_assigned")
        ).all()
        assert [n.user_id for n in notes] == [_user_id(web, "j.smith")] * 2

    before = _count(web)
    for body in ({"agent": "li.wei"}, {"team": "Team Shanghai"}):
        response = lead.post("/api/training/assignments", json={"scenario_id": scenario, **body})
        assert response.status_code == 403, response.text  # type: ignore[attr-defined]
    agent = web.signed_in("j.smith")
    response = agent.post("/api/training/assignments", json={"scenario_id": scenario, "agent": "j.smith"})
    assert response.status_code == 403  # type: ignore[attr-defined]
    bad = lead.post("/api/training/assignments", json={"scenario_id": scenario, "agent": "nobody"})
    assert bad.status_code == 422 and "[T140]" in bad.text  # type: ignore[attr-defined]
    level = lead.post(
        "/api/training/assignments", json={"scenario_id": scenario, "agent": "j.smith", "level": 2}
    )
    assert level.status_code == 422 and "[T143]" in level.text  # type: ignore[attr-defined]
    assert _count(web) == before
    staff = web.signed_in("analyst")  # staff assign to every team
    assert _json(
        staff.post("/api/training/assignments", json={"scenario_id": scenario, "agent": "li.wei"}), 201
    )

    # the agent sees their own, with the link to practise it; a lead of another team does not see it
    mine = _json(agent.client.get("/api/training/assignments"), 200)["assignments"]
    assert {a["agent"] for a in mine} == {"j.smith"} and len(mine) == 2
    page = agent.client.get("/training/assignments")
    assert page.status_code == 200
    assert f'/training/practice#assignment-{mine[0]["id"]}"' in page.text
    other = web.signed_in("wang.fang")
    assert [a["agent"] for a in _json(other.client.get("/api/training/assignments"), 200)["assignments"]] == [
        "li.wei"
    ]
    cancel = other.post(f"/api/training/assignments/{mine[0]['id']}/cancel")
    assert cancel.status_code == 404  # type: ignore[attr-defined]

    assert _json(lead.post(f"/api/training/assignments/{mine[0]['id']}/cancel"), 200)["state"] == "cancelled"
    again = lead.post(f"/api/training/assignments/{mine[0]['id']}/cancel")
    assert again.status_code == 409 and "[T145]" in again.text  # type: ignore[attr-defined]
    assert lead.client.get("/api/training/assignments?days=0").status_code == 422
    listed = _json(lead.client.get("/api/training/assignments?state=open&days=7"), 200)["assignments"]
    assert listed[0]["real"]["days"] == 7
    assert [a["id"] for a in listed] == [mine[1]["id"]]


def _coaching(lead: SignedIn) -> int:
    body = {"title": "Acknowledge first", "notes": "Say sorry before explaining."}
    return int(_json(lead.post("/api/agents/j.smith/coaching", json=body), 201)["id"])


def test_the_coaching_page_shows_the_practice_assigned_from_it(web: Web) -> None:
    scenario = _scenario(web, "zh", "重复扣款")  # a Chinese scenario, end to end
    lead = web.signed_in("sam.lead")
    coaching = _coaching(lead)
    form = {
        "scenario_id": str(scenario),
        "whom": "agent",
        "agent": "j.smith",
        "due_on": DUE,
        "coaching_id": str(coaching),
    }
    response = lead.client.post(
        "/training/assignments", data={**form, "csrf_token": lead.csrf}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/agents/j.smith#coaching-{coaching}"
    with web.db.factory.begin() as session:
        row = session.scalars(select(AssignmentRow)).one()
        assert (row.origin, row.coaching_id) == ("coaching", coaching)
        when = datetime.now(UTC)
        practice(
            session,
            agent_id=row.agent_id,
            scenario_id=scenario,
            score=62.0,
            passed=False,
            harder=1,
            finished_at=when - timedelta(minutes=5),
            assignment_id=row.id,
        )
        done = practice(
            session,
            agent_id=row.agent_id,
            scenario_id=scenario,
            score=88.5,
            passed=True,
            harder=0,
            finished_at=when,
            assignment_id=row.id,
        )
        assert mark_done(session, done) is row

    page = lead.client.get("/agents/j.smith")
    assert page.status_code == 200
    block = page.text.split(f'data-test="coaching-practice-{coaching}"')[1].split("</div>")[0]
    assert "重复扣款" in block and 'data-state="done"' in block
    assert "62.0 → 88.5" in block and "(+26.5)" in block
    assert page.text.index(f'data-test="coaching-practice-{coaching}"') < page.text.index(
        f'data-test="follow-up-{coaching}"'
    )  # next to the improved / not improved choice
    # the agent sees it too on their page, without the assign link
    agent_page = web.signed_in("j.smith").client.get("/agents/j.smith")
    assert "88.5" in agent_page.text and f"assign-from-coaching-{coaching}" not in agent_page.text
    # a coaching of li.wei cannot carry an assignment for j.smith
    wrong = lead.post(
        "/api/training/assignments", json={"scenario_id": scenario, "agent": "j.smith", "coaching_id": 999999}
    )
    assert wrong.status_code == 404 and "[T146]" in wrong.text  # type: ignore[attr-defined]


def test_the_meeting_pack_for_a_lead_of_the_team_only(web: Web) -> None:
    lead = web.signed_in("sam.lead")
    month = date.today().strftime("%Y-%m")
    pack = _json(lead.client.get(f"/api/training/meeting-pack?team=Team North&month={month}"), 200)
    assert pack["team"] == "Team North" and pack["month"] == month
    assert set(pack) == {"team", "month", "failures", "classes", "practice", "assignments", "follow_ups"}
    refused = lead.client.get(f"/api/training/meeting-pack?team=Team Shanghai&month={month}")
    assert refused.status_code == 403
    bad = lead.client.get("/api/training/meeting-pack?team=Team North&month=2026-13")
    assert bad.status_code == 422 and "[T150]" in bad.text
    assert (
        web.signed_in("j.smith").client.get("/api/training/meeting-pack?team=Team North").status_code == 403
    )
    csv_file = lead.client.get(f"/training/meeting-pack.csv?team=Team North&month={month}")
    assert csv_file.status_code == 200 and csv_file.text.startswith("section,team,Team North,month,")
    md = lead.client.get(f"/training/meeting-pack.md?team=Team North&month={month}")
    assert md.status_code == 200 and md.text.startswith(f"# Meeting pack: Team North, {month}")
    pdf = lead.client.get(f"/training/meeting-pack.pdf?team=Team North&month={month}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    hub = lead.client.get("/operations").text
    assert 'data-test="op-assignments"' in hub and 'data-test="op-meeting-pack"' in hub
    agent_hub = web.signed_in("j.smith").client.get("/operations").text
    assert 'data-test="op-assignments"' in agent_hub and 'data-test="op-meeting-pack"' not in agent_hub
    assert web.signed_in("j.smith").client.get("/training/meeting-pack").status_code == 403
    page = lead.client.get("/training/meeting-pack")
    assert page.status_code == 200 and 'data-test="pack-failures"' in page.text


def test_assign_from_a_failed_criterion_on_the_interaction_page(web: Web) -> None:
    from callqa.interactions.models import InteractionRow
    from callqa.scoring.models import CriterionResultRow, EvaluationRow

    with web.db.factory() as session:
        interaction, criterion = session.execute(
            select(InteractionRow.id, CriterionResultRow.criterion)
            .join(EvaluationRow, EvaluationRow.interaction_id == InteractionRow.id)
            .join(CriterionResultRow, CriterionResultRow.evaluation_id == EvaluationRow.id)
            .where(InteractionRow.agent == "j.smith", EvaluationRow.is_current.is_(True))
            .where(CriterionResultRow.outcome == "fail")
            .order_by(InteractionRow.id, CriterionResultRow.criterion)
            .limit(1)
        ).one()
    analyst = _user_id(web, "analyst")
    with web.db.factory.begin() as session:
        actor = Actor(analyst, "analyst", "Quinn Analyst", UserRole.QA_ANALYST)
        scenario = create_scenario(
            session,
            actor,
            title="Trains it",
            scorecard="standard",
            content=content("lt"),
            criterion=criterion,
        ).id
    lead = web.signed_in("sam.lead")
    page = lead.client.get(f"/interactions/{interaction}")
    assert f'data-test="assign-practice-{criterion}"' in page.text
    assert (
        f'data-test="assign-practice-{criterion}"'
        not in web.signed_in("j.smith").client.get(f"/interactions/{interaction}").text
    )
    form = lead.client.get(
        f"/training/assignments?criterion={criterion}&interaction={interaction}&agent=j.smith"
    )
    assert f'name="interaction_id" value="{interaction}"' in form.text
    data = {"whom": "agent", "agent": "j.smith", "criterion": criterion, "interaction_id": str(interaction)}
    response = lead.client.post(
        "/training/assignments", data={**data, "csrf_token": lead.csrf}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/training/assignments?created=1"
    with web.db.factory() as session:
        row = session.scalars(select(AssignmentRow)).one()
        assert (row.origin, row.criterion, row.interaction_id, row.scenario_id) == (
            "criterion",
            criterion,
            interaction,
            scenario,
        )
