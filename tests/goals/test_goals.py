"""Goals through the API and the library: who may set which goal, coded refusals naming the field (and
nothing stored), the audit trail, and each metric's progress against hand-computed values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.goals.models import GoalRow
from callqa.goals.progress import progress, sentence
from callqa.goals.service import resolved
from goals_support import Centre, build_centre
from support import Database

pytestmark = pytest.mark.issue(19)


@pytest.fixture
def centre(db: Database, tmp_path: Path) -> Centre:
    return build_centre(db, tmp_path)


def goal(c: Centre, **fields: Any) -> dict[str, Any]:
    return {"metric": "score", "scope": "team", "team": "North", "period": "month",
            "starts_on": c.month[0].isoformat(), "target": 85, **fields}  # fmt: skip


def count(c: Centre) -> int:
    with c.web.db.factory() as session:
        return int(session.scalar(select(func.count(GoalRow.id))) or 0)


def test_a_supervisor_sets_goals_of_their_team_and_its_agents_only(centre: Centre) -> None:
    lead = centre.web.signed_in("lead")
    made = lead.post("/api/goals", json=goal(centre))
    assert made.status_code == 201, made.text  # type: ignore[attr-defined]
    body = made.json()  # type: ignore[attr-defined]
    assert body["team"] == "North" and body["target"] == 85 and body["started"] is True
    assert round(body["value"], 3) == 83.333 and body["on_track"] is False  # 1000 / 12
    mine = lead.post("/api/goals", json=goal(centre, scope="agent", agent="ann", team=None))
    assert mine.status_code == 201  # type: ignore[attr-defined]
    refused = {
        "team": goal(centre, team="South"),
        "agent": goal(centre, scope="agent", agent="dan"),
        "scope": goal(centre, scope="centre"),
    }
    for field, body in refused.items():
        answer = lead.post("/api/goals", json=body)
        assert answer.status_code == 422, field  # type: ignore[attr-defined]
        detail = answer.json()["detail"]  # type: ignore[attr-defined]
        assert detail.startswith("[V153]") and f"goal {field}:" in detail, detail
    assert count(centre) == 2
    for who in ("analyst", "ann"):
        assert centre.web.signed_in(who).post("/api/goals", json=goal(centre)).status_code == 403  # type: ignore[attr-defined]
    assert count(centre) == 2


BAD_GOALS: list[tuple[dict[str, Any], str, str]] = [
    ({"metric": "happiness"}, "V150", "metric"),
    ({"target": 120}, "V151", "target"),
    ({"metric": "csat", "target": 0.5}, "V151", "target"),
    ({"metric": "reviewed_share", "target": -1}, "V151", "target"),
    ({"team": "Nort"}, "V152", "team"),
    ({"scope": "agent", "agent": "zed"}, "V152", "agent"),
    ({"scope": "galaxy"}, "V152", "scope"),
    ({"period": "fortnight"}, "V152", "period"),
    ({"starts_on": "2026-11-02"}, "V152", "starts_on"),
    ({"period": "week", "starts_on": "2026-11-03"}, "V152", "starts_on"),
    ({"period": "quarter", "starts_on": "9999-10-01"}, "V152", "starts_on"),
    ({"metric": "criterion_pass_rate", "criterion": "Nope", "target": 80}, "V152", "criterion"),
]


def test_bad_goals_are_refused_with_a_code_naming_the_field_and_nothing_stored(centre: Centre) -> None:
    admin = centre.web.signed_in("admin")
    audits = centre.web.audit_count()
    for fields, code, field in BAD_GOALS:
        answer = admin.post("/api/goals", json=goal(centre, **fields))
        assert answer.status_code == 422, answer.text  # type: ignore[attr-defined]
        detail = answer.json()["detail"]  # type: ignore[attr-defined]
        assert detail.startswith(f"[{code}] goal {field}:"), detail
    assert count(centre) == 0
    assert centre.web.audit_count() == audits  # a refused goal leaves no audit entry (nothing happened)
    page = admin.post("/goals", data={**goal(centre, target="120"), "csrf_token": admin.csrf})
    assert page.status_code == 422 and "[V151] goal target: 120" in page.text  # type: ignore[attr-defined]
    assert count(centre) == 0


def test_change_and_remove_are_audited_and_scoped(centre: Centre) -> None:
    admin, lead = centre.web.signed_in("admin"), centre.web.signed_in("lead")
    centre_goal = admin.post("/api/goals", json=goal(centre, scope="centre", team=None, target=80)).json()  # type: ignore[attr-defined]
    team_goal = lead.post("/api/goals", json=goal(centre)).json()  # type: ignore[attr-defined]
    changed = lead.client.put(
        f"/api/goals/{team_goal['id']}", json=goal(centre, target=88), headers={"x-csrf-token": lead.csrf}
    )
    assert changed.status_code == 200 and changed.json()["target"] == 88
    # the lead sees the centre's goal but may not change or remove it
    assert lead.client.get(f"/api/goals/{centre_goal['id']}").status_code == 200
    put = lead.client.put(
        f"/api/goals/{centre_goal['id']}", json=goal(centre, scope="centre", team=None, target=10),
        headers={"x-csrf-token": lead.csrf},
    )  # fmt: skip
    assert put.status_code == 422 and put.json()["detail"].startswith("[V153]")
    gone = lead.client.delete(f"/api/goals/{team_goal['id']}", headers={"x-csrf-token": lead.csrf})
    assert gone.status_code == 204
    assert lead.client.get(f"/api/goals/{team_goal['id']}").status_code == 404
    assert admin.client.get("/api/goals/999999").status_code == 404
    with centre.web.db.factory() as session:
        trail = session.execute(
            select(AuditRow.username, AuditRow.action)
            .where(AuditRow.resource == "goal")
            .order_by(AuditRow.id)
        ).all()
        stored = session.get(GoalRow, centre_goal["id"])
        assert stored is not None and stored.target == 80
    assert [tuple(r) for r in trail] == [
        ("admin", "create"),
        ("lead", "create"),
        ("lead", "update"),
        ("lead", "delete"),
    ]


def test_each_sees_the_goals_of_their_scope(centre: Centre) -> None:
    admin = centre.web.signed_in("admin")
    for body in (
        goal(centre, scope="centre", team=None, target=80),
        goal(centre),
        goal(centre, team="South"),
        goal(centre, scope="agent", agent="ann", team=None),
        goal(centre, scope="agent", agent="dan", team=None),
    ):
        assert admin.post("/api/goals", json=body).status_code == 201  # type: ignore[attr-defined]

    def seen(who: str) -> set[tuple[str, str | None]]:
        goals = centre.web.signed_in(who).client.get("/api/goals").json()["goals"]
        return {(g["scope"], g["team"] or g["agent"]) for g in goals}

    everything = {("centre", None), ("team", "North"), ("team", "South"), ("agent", "ann"), ("agent", "dan")}
    assert seen("admin") == seen("analyst") == everything
    assert seen("lead") == {("centre", None), ("team", "North"), ("agent", "ann")}
    assert seen("ann") == {("centre", None), ("team", "North"), ("agent", "ann")}


def test_progress_of_every_metric_against_hand_computed_values(centre: Centre) -> None:
    admin = centre.web.signed_in("admin")
    bodies = {
        "score": goal(centre),  # North: 1000 / 12
        "pass": goal(centre, metric="criterion_pass_rate", criterion="Greeting", scope="agent", agent="ann",
                     team=None, target=80),  # ann: 3 of 4 judged
        "csat": goal(centre, metric="csat", scope="centre", team=None, target=4),  # 5 and 4
        "reviewed": goal(centre, metric="reviewed_share", target=10),  # 2 of North's 12
        "low": goal(centre, metric="low_score_rate", scope="centre", team=None, target=10),  # 2 of 17
        "auto": goal(centre, metric="auto_fail_rate", scope="centre", team=None, target=5),  # none
        "duration": goal(centre, metric="duration_s", target=240),  # 300 s each
    }  # fmt: skip
    ids = {k: admin.post("/api/goals", json=b).json()["id"] for k, b in bodies.items()}  # type: ignore[attr-defined]
    with centre.web.db.factory() as session:
        found = {k: progress(session, resolved(session, [session.get(GoalRow, i)])[0], centre.today)
                 for k, i in ids.items()}  # type: ignore[list-item]  # fmt: skip
        assert found["pass"].goal.criterion == "greeting"
    expected = {
        "score": (1000 / 12, 12, False),
        "pass": (75.0, 4, False),
        "csat": (4.5, 2, True),
        "reviewed": (200 / 12, 12, True),
        "low": (200 / 17, 17, False),
        "auto": (0.0, 17, True),
        "duration": (300.0, 12, False),
    }
    for key, (value, n, on_track) in expected.items():
        p = found[key]
        assert p.value == pytest.approx(value) and p.n == n and p.on_track is on_track, key
        assert (p.days.first, p.days.last) == centre.month
    assert sentence(found["score"], "North") == "North: 83.3 against a target of 85 — 1.7 below"
    assert sentence(found["csat"], "Whole centre") == "Whole centre: 4.50 against a target of 4 — 0.50 above"
    assert sentence(found["pass"], "ann") == "ann: 75.0 % against a target of 80 % — 5.0 % below"
    assert found["score"].share == pytest.approx(1000 / 12 / 85)
    assert found["duration"].share == pytest.approx(240 / 300)  # lower is better: target ÷ value


def test_the_goals_page_sets_lists_and_removes_goals(centre: Centre) -> None:
    lead = centre.web.signed_in("lead")
    form = {**goal(centre, scope="agent", agent="bob", team=""), "csrf_token": lead.csrf}
    made = lead.client.post("/goals", data=form, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/goals#goal-")
    page = lead.client.get("/goals").text
    assert 'data-test="goal-form"' in page and "Agent bob" in page and "70.0" in page  # bob's mean this month
    assert '<option value="bob">' in page and '<option value="dan">' not in page  # agents of North only
    ann = centre.web.signed_in("ann").client.get("/goals").text
    assert 'data-test="goal-form"' not in ann and "Agent bob" not in ann  # not ann's to see
    goal_id = made.headers["location"].split("goal-")[1]
    removed = lead.client.post(
        f"/goals/{goal_id}/delete", data={"csrf_token": lead.csrf}, follow_redirects=False
    )
    assert removed.status_code == 303 and count(centre) == 0
