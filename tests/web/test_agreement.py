"""The AI agreement page, API and CLI over the demo data after the demo analyst's reviews and a calibration
session: real labels, the graders' own agreement beside the AI's, and the examples behind a cell."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.calibration.agreement_watch import watch_agreement
from callqa.calibration.service import ai_criteria
from callqa.cli import app
from callqa.demo import demo_data_dir
from callqa.demo.reviews import load_demo_reviews
from callqa.reports.build import ReportRequest, ReportSettings, build_report
from callqa.reports.render import report_html
from callqa.review.models import NotificationRow
from callqa.users.models import UserRow
from web_support import SignedIn, Web

pytestmark = pytest.mark.issue(17)


def _send(who: SignedIn, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    response = who.client.request(method, url, json=body or {}, headers={"x-csrf-token": who.csrf})
    assert response.status_code < 300, response.text
    return response.json()


def test_agreement_after_the_demo_reviews_and_a_calibration(web: Web, tmp_path: Any) -> None:
    with web.db.factory.begin() as session:
        assert load_demo_reviews(session, demo_data_dir() / "reviews.yaml") == 9
    with web.db.factory.begin() as session:
        assert load_demo_reviews(session, demo_data_dir() / "reviews.yaml") == 0  # once
    analyst, lead, agent = web.signed_in("analyst"), web.signed_in("sam.lead"), web.signed_in("j.smith")
    # two graders calibrate one call: they differ on exactly one criterion
    ident = web.ids()["en-call-01"]
    cid = _send(
        analyst,
        "POST",
        "/api/calibrations",
        {"name": "Dec", "interactions": ["en-call-01"], "graders": ["analyst", "admin"]},
    )["id"]
    with web.db.factory() as session:
        ai = {c["id"]: c["outcome"] for c in ai_criteria(session, ident, "standard")}
    _send(analyst, "PUT", f"/api/calibrations/{cid}/grades/{ident}", {"outcomes": ai})
    _send(
        web.signed_in("admin"),
        "PUT",
        f"/api/calibrations/{cid}/grades/{ident}",
        {"outcomes": {**ai, "empathy": "fail"}},
    )

    found = analyst.client.get("/api/agreement", params={"by": "criterion"}).json()
    assert found["sources"] == {"review": 108, "calibration": 2 * 12}  # 12 of 15 criteria apply on a call
    rows = {r["criterion"]: r for r in found["rows"]}
    greeting = rows["greeting"]
    # the Persian greeting the reviewer passed is the one disagreement: 10 reviews + 2 calibration answers
    assert (greeting["n"], greeting["agreed"]) == (11, 10)
    assert greeting["confusion"]["fail"]["pass"] == 1
    empathy = rows["empathy"]
    assert (empathy["n"], empathy["agreed"]) == (11, 10)
    assert (empathy["graders_pairs"], empathy["graders_agreement"]) == (1, 0.0)
    assert empathy["as_good_as_graders"] is True
    assert rows["greeting"]["graders_agreement"] == 1.0
    assert found["rows"][0]["agreement"] <= found["rows"][-1]["agreement"]  # the weakest first

    cell = analyst.client.get(
        "/api/agreement/examples", params={"criterion": "greeting", "ai": "fail", "human": "pass"}
    ).json()
    assert [(x["external_id"], x["source"]) for x in cell] == [("acb-fa-20260923-1377", "review")]
    page = analyst.client.get("/agreement", params={"criterion": "greeting", "ai": "fail", "human": "pass"})
    assert (
        page.status_code == 200
        and "acb-fa-20260923-1377" in page.text
        and 'data-test="cell-fail-pass"' in page.text
    )

    # only QA staff see it
    assert lead.client.get("/api/agreement").status_code == 403
    assert agent.client.get("/agreement").status_code in (403, 404)

    env = {"CALLQA_DATABASE_URL": web.db.url, "CALLQA_DATA_DIR": str(tmp_path / "data")}
    shown = CliRunner().invoke(app, ["agreement", "--by", "criterion"], env={**env, "COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert "greeting" in shown.output and "91%" in shown.output  # 10 of 11
    flagged = CliRunner().invoke(app, ["agreement"], env={**env, "CALLQA_AGREEMENT_FLOOR": "0.999"})
    assert flagged.exit_code == 1 and "below the floor" in flagged.output


def test_qa_staff_hear_once_when_a_criterion_falls_below_the_floor(web: Web) -> None:
    with web.db.factory.begin() as session:
        load_demo_reviews(session, demo_data_dir() / "reviews.yaml")

    def told() -> list[tuple[str, str | None]]:
        with web.db.factory() as session:
            rows = session.execute(
                select(UserRow.username, NotificationRow.link)
                .join(UserRow, UserRow.id == NotificationRow.user_id)
                .where(NotificationRow.kind == "agreement_floor")
                .order_by(UserRow.username, NotificationRow.link)
            )
            return [tuple(r) for r in rows]

    with web.db.factory.begin() as session:
        below = watch_agreement(session, 0.999)  # greeting agrees on 8 of 9 reviews: surely below 99.9 %
    assert sorted(r.key["criterion"] for r in below) == ["greeting", "readability"]
    first = told()
    assert {who for who, _ in first} == {"admin", "analyst"}  # QA staff only
    assert ("analyst", "/agreement?criterion=greeting&scorecard=standard") in first
    with web.db.factory.begin() as session:
        watch_agreement(session, 0.999)
    assert told() == first  # once
    with web.db.factory.begin() as session:
        assert watch_agreement(session, 0.5) == []  # recovered: the warnings are retired
    assert told() == []
    with web.db.factory.begin() as session:
        watch_agreement(session, 0.999)
    assert told() == first  # fell again: told again


def test_the_centre_report_says_how_well_the_ai_grades(web: Web) -> None:
    with web.db.factory.begin() as session:
        load_demo_reviews(session, demo_data_dir() / "reviews.yaml")
    settings = ReportSettings(ZoneInfo("UTC"), agreement_floor=0.95)
    with web.db.factory() as session:
        centre = build_report(
            session, ReportRequest("centre", None, date(2026, 9, 1), date(2026, 10, 31)), settings
        )
        team = build_report(
            session, ReportRequest("team", "Team North", date(2026, 9, 1), date(2026, 10, 31)), settings
        )
    rows = {r.key["criterion"]: (r, low) for r, low in centre["agreement"]}
    greeting, _ = rows["greeting"]
    assert (greeting.n, greeting.agreed) == (9, 8)  # the reviewed Persian greeting
    assert not rows["empathy"][1]  # 9 of 9: not flagged
    html = report_html(centre, "en")
    assert "How well the AI grades" in html and "Greeting with name and company" in html
    assert team["agreement"] == []  # about the AI, not the team
