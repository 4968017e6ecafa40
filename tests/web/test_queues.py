"""Review queues over the API and the pages: create, edit (done work kept), close (archive), refusals that
name the field and leave the database as it was, and reasons that name the failed criterion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from callqa.audit.models import AuditRow
from callqa.review.models import QueueItemRow, QueueRow
from callqa.users.models import UserRow
from web_support import SignedIn, Web, csrf_of

TOMORROW = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
SPEC: dict[str, Any] = {
    "name": "week 49",
    "strategies": [
        {"kind": "auto_fail", "share": 50},
        {"kind": "low_score", "below": 90},
        {"kind": "random", "percent": 100},
    ],
    "analysts": [{"username": "analyst", "quota": 4}, {"username": "admin", "quota": 2}],
    "due": TOMORROW,
    "seed": 3,
}


def _send(who: SignedIn, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.request(method, url, json=body, headers={"x-csrf-token": who.csrf})


def _state(web: Web) -> tuple[object, ...]:
    """Every queue and item, and the audit log's size."""
    with web.db.factory() as session:
        queues = tuple(session.execute(select(QueueRow.id, QueueRow.name, QueueRow.spec)).all())
        items = tuple(
            session.execute(
                select(QueueItemRow.id, QueueItemRow.interaction_id, QueueItemRow.assigned_to)
            ).all()
        )
        audits = int(session.scalar(select(func.count(AuditRow.id))) or 0)
    return queues, items, audits


def test_create_read_edit_close_over_the_api(web: Web) -> None:
    analyst = web.signed_in("analyst")
    audits = _queue_audits(web)
    created = _send(analyst, "POST", "/api/queues", SPEC)
    assert created.status_code == 201, created.text
    body = created.json()
    items = body["items"]
    assert body["due"] == TOMORROW and len(items) == 6
    assert [i["assigned_to"] for i in items].count("analyst") == 4
    assert [i["assigned_to"] for i in items].count("admin") == 2
    # 6 slots by shares 50 / 25 / 25 → 3 / 2 / 1 (largest remainder: 1.5 and 1.5 tie, the earlier wins)
    reasons = [i["reason"] for i in items]
    assert (reasons.count("auto_fail"), reasons.count("low_score"), reasons.count("random")) == (3, 2, 1)
    fail = next(i for i in items if i["reason"] == "auto_fail")
    assert (
        fail["params"]["title"] and fail["detail"] == f"Failed critical criterion '{fail['params']['title']}'"
    )
    low = next(i for i in items if i["reason"] == "low_score")
    assert low["detail"] == f"score {low['score']:.0f}, below 90" and low["params"]["score"] == round(
        low["score"]
    )
    assert all(i["channel"] and i["due"] == TOMORROW for i in items)
    assert _queue_audits(web) == [*audits, ("create", "week 49")]
    qid = body["id"]

    # the list shows progress per analyst; GET one gives the same items
    [listed] = analyst.client.get("/api/queues").json()
    assert listed["analysts"] == [
        {"analyst": "admin", "done": 0, "total": 2},
        {"analyst": "analyst", "done": 0, "total": 4},
    ]
    assert analyst.client.get(f"/api/queues/{qid}").json()["items"] == items

    # one review done: editing keeps it (and counts it against the analyst's quota), re-plans the rest
    mine = [i for i in items if i["assigned_to"] == "analyst"]
    rid = _send(analyst, "POST", f"/api/interactions/{mine[0]['interaction_id']}/review", {}).json()["id"]
    assert _send(analyst, "POST", f"/api/reviews/{rid}/share", {}).status_code == 200
    edited = _send(
        analyst,
        "PUT",
        f"/api/queues/{qid}",
        {
            **SPEC,
            "name": "week 49 (voice)",
            "channels": ["voice"],
            "strategies": [{"kind": "low_score", "below": 100}],
        },
    )
    assert edited.status_code == 200, edited.text
    after = edited.json()["items"]
    assert edited.json()["name"] == "week 49 (voice)" and len(after) == 6
    kept = next(i for i in after if i["interaction_id"] == mine[0]["interaction_id"])
    assert kept["done"] and kept["reason"] == mine[0]["reason"] and kept["id"] == mine[0]["id"]
    assert all(i["channel"] == "voice" and i["reason"] == "low_score" for i in after if not i["done"])
    assert [i["assigned_to"] for i in after].count("analyst") == 4  # the done one included
    assert _queue_audits(web)[-1] == ("update", "week 49 (voice)")
    with web.db.factory() as session:
        seed = session.scalar(select(QueueRow.spec).where(QueueRow.id == qid))["seed"]
    assert seed == 3  # kept, so a re-plan draws the same random picks

    # closing archives: the done item stays, the others are freed; a closed queue cannot change
    closed = _send(analyst, "DELETE", f"/api/queues/{qid}")
    assert closed.status_code == 200 and closed.json()["closed"]
    assert [i["id"] for i in closed.json()["items"]] == [kept["id"]]
    refused = _send(analyst, "PUT", f"/api/queues/{qid}", SPEC)
    assert refused.status_code == 409 and "[V136]" in refused.json()["detail"]
    assert _send(analyst, "DELETE", f"/api/queues/{qid}").status_code == 409
    missing = _send(analyst, "PUT", "/api/queues/999999", SPEC)
    assert missing.status_code == 404 and "[V135] queue 999999 not found" in missing.json()["detail"]
    assert analyst.client.get("/api/queues/999999").status_code == 404


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"analysts": ["analyst", "nobody"]},
            "[V131] queue 'week 49': analysts: 'nobody' is not an active QA",
        ),
        ({"analysts": ["j.smith"]}, "analysts: 'j.smith' is not an active QA analyst"),
        ({"quota": -1, "analysts": ["analyst"]}, "[V130] queue 'week 49': quota: -1 is not a whole number"),
        (
            {"analysts": [{"username": "analyst", "quota": -2}]},
            "[V130] queue 'week 49': analysts.analyst.quota: -2 is not",
        ),
        ({"due": "2020-01-01"}, "[V133] queue 'week 49': due: 2020-01-01 is in the past"),
        ({"strategies": [{"kind": "auto_fail", "share": 80}, {"kind": "low_score", "share": 70}]}, "[V134]"),
        (
            {"strategies": [{"kind": "auto_fail", "share": 60}, {"kind": "low_score", "share": 30}]},
            "sum to 90 %",
        ),
        ({"strategies": [{"kind": "auto_fail", "share": 100}, {"kind": "low_score"}]}, "leave nothing"),
        ({"strategies": [{"kind": "auto_fail"}, {"kind": "auto_fail"}]}, "'auto_fail' twice"),
        ({"teams": ["Team Nort"]}, "[V137] queue 'week 49': teams: 'Team Nort' is in no stored interaction"),
        ({"channels": ["fax"]}, "channels: 'fax' is in no stored interaction; known: chat, email, voice"),
        ({"total": 5}, "total: 5 is not the sum of the analysts' quotas (6)"),
    ],
)
def test_bad_specs_are_refused_naming_the_field_and_nothing_is_stored(
    web: Web, change: dict[str, Any], expected: str
) -> None:
    analyst = web.signed_in("analyst")
    before = _state(web)
    refused = _send(analyst, "POST", "/api/queues", {**SPEC, **change})
    assert refused.status_code == 422 and expected in refused.json()["detail"], refused.text
    assert _state(web) == before


def test_an_unknown_strategy_is_a_coded_422_naming_the_field(web: Web) -> None:
    analyst = web.signed_in("analyst")
    before = _state(web)
    refused = _send(analyst, "POST", "/api/queues", {**SPEC, "strategies": [{"kind": "mood"}]})
    [error] = refused.json()["detail"]
    assert refused.status_code == 422 and error["field"] == "strategies.0.kind"
    assert "[V132] queue strategy 'mood' is unknown; known: auto_fail, low_score" in error["message"]
    assert _state(web) == before


def test_a_bad_edit_changes_nothing(web: Web) -> None:
    analyst = web.signed_in("analyst")
    qid = _send(analyst, "POST", "/api/queues", SPEC).json()["id"]
    before = _state(web)
    refused = _send(analyst, "PUT", f"/api/queues/{qid}", {**SPEC, "analysts": ["sam.lead"]})
    assert refused.status_code == 422 and "[V131]" in refused.json()["detail"]
    assert _state(web) == before


def test_only_analysts_and_admins_work_queues(web: Web) -> None:
    analyst = web.signed_in("analyst")
    qid = _send(analyst, "POST", "/api/queues", SPEC).json()["id"]
    others = [web.signed_in(username) for username in ("sam.lead", "j.smith")]  # signing in is audited
    before = _state(web)
    for who in others:
        assert _send(who, "POST", "/api/queues", SPEC).status_code == 403
        assert _send(who, "PUT", f"/api/queues/{qid}", SPEC).status_code == 403
        assert _send(who, "DELETE", f"/api/queues/{qid}").status_code == 403
        for url in ("/api/queues", f"/api/queues/{qid}", "/api/queues/choices", "/queues", f"/queues/{qid}"):
            assert who.client.get(url).status_code == 403, url
    assert _state(web) == before
    choices = analyst.client.get("/api/queues/choices").json()
    assert choices["analysts"] == ["admin", "analyst"] and "Team North" in choices["teams"]
    assert "auto_fail" in choices["strategies"] and choices["channels"] == ["chat", "email", "voice"]


def test_the_form_creates_and_edits_a_queue_and_the_pages_name_the_reason(web: Web) -> None:
    analyst = web.signed_in("analyst")
    page = analyst.client.get("/queues")
    assert page.status_code == 200 and 'data-test="queue-form"' in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "name": "from the form",
        "strategy": ["auto_fail", "low_score"],
        "share:auto_fail": "60",
        "share:low_score": "",
        "analyst": ["analyst"],
        "quota:analyst": "5",
        "team": ["Team North", "Team Shanghai"],
        "due": TOMORROW,
    }
    made = analyst.client.post("/queues", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    qid = int(made.headers["location"].rsplit("/", 1)[1])
    with web.db.factory() as session:
        row = session.get(QueueRow, qid)
        assert row is not None and row.due_on == date.fromisoformat(TOMORROW)
        assert row.spec["teams"] == ["Team North", "Team Shanghai"]
        reasons = list(session.scalars(select(QueueItemRow.reason).where(QueueItemRow.queue_id == qid)))
    assert sorted(reasons) == ["auto_fail"] * 3 + ["low_score"] * 2  # 60 / 40 of 5
    detail = analyst.client.get(f"/queues/{qid}?sort=score&desc=1").text
    assert "Failed critical criterion “" in detail and 'data-sort="score"' in detail
    scores = [float(s) for s in _column(detail, "score") if s != "–"]
    assert scores == sorted(scores, reverse=True)
    mine = analyst.client.get("/queue?sort=score").text
    assert 'data-test="pending">5<' in mine and "Failed critical criterion “" in mine
    assert [float(s) for s in _column(mine, "score")] == sorted(float(s) for s in _column(mine, "score"))
    # in Chinese: the reason's sentence from the catalogue
    with web.db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "analyst").values(locale="zh"))
    assert "未通过关键标准“" in analyst.client.get("/queue").text
    # a bad form value is refused naming the field, nothing stored
    before = _state(web)
    bad = analyst.client.post(f"/queues/{qid}", data={**form, "quota:analyst": "-3"})
    assert bad.status_code == 422 and "analysts.analyst.quota: -3" in bad.text
    assert _state(web) == before
    # closing from the list page keeps the queue listed as archived
    closed = analyst.client.post(f"/queues/{qid}/close", data={"csrf_token": form["csrf_token"]})
    assert closed.status_code == 200 and "已归档" in closed.text


def _queue_audits(web: Web) -> list[tuple[str, str]]:
    with web.db.factory() as session:
        rows = session.execute(
            select(AuditRow.action, AuditRow.detail).where(AuditRow.resource == "queue").order_by(AuditRow.id)
        )
        return [(action, (detail or {}).get("name")) for action, detail in rows]


def _column(html: str, name: str) -> list[str]:
    import re

    return re.findall(rf'data-col="{name}">([^<]*)<', html)
