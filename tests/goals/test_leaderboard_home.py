"""The leaderboard (ranking, the minimum count, the change, goal attainment, what an agent may see), the
target line and goal sentence on dashboards, and an agent's home page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from callqa.demo.users import DEMO_PASSWORD
from callqa.users.models import UserRow
from goals_support import Centre, build_centre
from support import Database
from web_support import csrf_of

pytestmark = pytest.mark.issue(19)


@pytest.fixture
def centre(db: Database, tmp_path: Path) -> Centre:
    c = build_centre(db, tmp_path)
    admin = c.web.signed_in("admin")
    first = c.month[0].isoformat()
    for body in (
        {"scope": "centre", "target": 80},
        {"scope": "team", "team": "North", "target": 85},
        {
            "scope": "agent",
            "agent": "ann",
            "metric": "criterion_pass_rate",
            "criterion": "greeting",
            "target": 80,
        },
    ):
        made = admin.post(
            "/api/goals", json={"metric": "score", "period": "month", "starts_on": first, **body}
        )
        assert made.status_code == 201, made.text  # type: ignore[attr-defined]
    return c


def places(board: dict[str, Any]) -> list[tuple[str, int | None, float | None]]:
    return [(p["agent"], p["rank"], p["score"]) for p in board["places"]]


def test_the_leaderboard_ranks_with_a_minimum_count_trend_and_goals(centre: Centre) -> None:
    admin = centre.web.signed_in("admin")
    board = admin.client.get("/api/leaderboard", params={"period": "month"}).json()
    assert board["min_interactions"] == 5 and board["since"] == centre.month[0].isoformat()
    assert places(board) == [("ann", 1, 90.0), ("dan", 2, 75.0), ("bob", 3, 70.0), ("cat", None, 100.0)]
    assert board["ranked"] == 3 and board["median"] == 75.0
    ann, dan, bob = board["places"][:3]
    assert ann["change"] == 15.0 and bob["change"] is None  # ann: 75 last month
    assert (ann["target"], ann["met"]) == (85, True)  # North's goal
    assert (bob["target"], bob["gap"], bob["met"]) == (85, -15.0, False)
    assert (dan["target"], dan["met"]) == (80, False)  # the centre's goal (South has none)
    two = admin.client.get("/api/leaderboard", params={"period": "month", "min": 2}).json()
    assert places(two)[0] == ("cat", 1, 100.0)
    page = admin.client.get("/leaderboard")
    assert "at least 5 scored interactions" in page.text and 'data-agent="cat"' in page.text
    for bad, field in (
        ({"period": "year"}, "period"),
        ({"min": "0"}, "min"),
        ({"min": "²"}, "min"),
        ({"day": "soon"}, "day"),
        ({"day": "9999-12-31"}, "day"),
    ):
        answer = admin.client.get("/api/leaderboard", params=bad)
        assert answer.status_code == 422 and answer.json()["detail"].startswith(
            f"[V155] leaderboard {field}:"
        )


def test_a_supervisor_ranks_their_teams_and_an_agent_sees_only_their_place(centre: Centre) -> None:
    lead = centre.web.signed_in("lead").client.get("/api/leaderboard").json()
    assert places(lead) == [("ann", 1, 90.0), ("bob", 2, 70.0), ("cat", None, 100.0)]
    assert lead["median"] == 80.0
    agent = centre.web.signed_in("ann")
    mine = agent.client.get("/api/leaderboard").json()
    assert mine["places"] == [] and mine["team"] == "North"
    assert (mine["own"]["rank"], mine["ranked"], mine["median"]) == (1, 2, 80.0)
    page = agent.client.get("/leaderboard").text
    assert "You are number 1 of 2 ranked agents in North." in page and "Team median: 80.0" in page
    for other in ("bob", "cat", "dan"):  # no other agent's name anywhere, in the page or the JSON
        assert not re.search(rf"\b{other}\b", page) and other not in str(mine)


def test_dashboards_draw_the_target_line_and_say_where_the_period_stands(centre: Centre) -> None:
    admin = centre.web.signed_in("admin")
    since, until = (d.isoformat() for d in centre.month)
    team = admin.client.get("/insights", params={"team": "North", "since": since, "until": until}).text
    assert 'data-test="target-line"' in team and "target 85" in team
    assert "North: 83.3 against a target of 85 — 1.7 below" in team
    whole = admin.client.get("/insights", params={"since": since, "until": until}).text
    assert "Whole centre: 80.9 against a target of 80 — 0.9 above" in whole  # 1375 / 17
    south = admin.client.get("/insights", params={"team": "South", "since": since, "until": until}).text
    assert 'data-test="target-line"' not in south and 'data-test="goal-lines"' not in south
    own = centre.web.signed_in("ann").client.get("/insights", params={"since": since, "until": until}).text
    assert "Agent ann: 75.0 % against a target of 80 % — 5.0 % below" in own


def test_an_agent_lands_on_their_home(centre: Centre) -> None:
    client = centre.web.client()
    token = csrf_of(client.get("/login").text)
    form = {"username": "ann", "password": DEMO_PASSWORD, "csrf_token": token}
    signed = client.post("/login", data=form, follow_redirects=False)
    assert signed.headers["location"] == "/home"  # signing in, an agent lands on their home
    ann = centre.web.signed_in("ann")
    landed = ann.client.get("/", follow_redirects=False)
    assert landed.status_code == 303 and landed.headers["location"] == "/home"
    assert (
        centre.web.signed_in("lead").client.get("/", follow_redirects=False).headers["location"]
        == "/interactions"
    )
    page = ann.client.get("/home").text
    assert "You: 75.0 % against a target of 80 % — 5.0 % below" in page  # the criterion goal, ann's own
    assert "You (team goal): 90.0 against a target of 85 — 5.0 above" in page  # North's, on ann's work
    assert page.count('data-test="goal-bar"') == 2  # the centre's score goal gives way to the team's
    assert "Use the customer&#39;s name" in page and "Smile on the phone" in page
    assert "Greeting" in page and 'href="/interactions/' in page  # the open dispute and the latest scores
    assert 'data-test="quality-file"' in page
    home = ann.client.get("/api/home").json()
    assert [round(r["score"], 1) for r in home["recent"]][:1] and len(home["recent"]) == 7  # 5 + 2 older
    assert [g["value"] for g in home["goals"]] == [75.0, 90.0]
    assert [a["text"] for a in home["actions"]] == ["Use the customer's name", "Smile on the phone"]
    assert [d["criterion"] for d in home["disputes"]] == ["Greeting"]
    assert centre.web.signed_in("admin").client.get("/api/home").status_code == 404
    with centre.web.db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "ann").values(locale="zh"))
    chinese = centre.web.signed_in("ann").client.get("/home").text
    assert "您（团队目标）：90.0，目标 85 — 高出 5.0" in chinese and "我的目标" in chinese
