"""The review loop over the API: analyst overrides with a reason → shares → agent disputes → supervisor
resolves; every refused step leaves the database as it was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from callqa.review.models import DisputeRow, NotificationRow, OverrideRow, ReviewRow
from callqa.scoring.models import EvaluationRow
from callqa.users.models import UserRow
from web_support import SignedIn, Web


def _smith_interaction(web: Web) -> int:
    """en-call-05: agent j.smith (Team North); no critical criterion failed, others pass and fail."""
    from callqa.interactions.models import InteractionRow

    ident = web.ids()["en-call-05"]
    with web.db.factory() as session:
        assert session.scalar(select(InteractionRow.agent).where(InteractionRow.id == ident)) == "j.smith"
    return ident


def _post(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _counts(web: Web) -> tuple[object, ...]:
    """Row counts of the review tables and every review's state and score."""
    with web.db.factory() as session:
        counts = [
            int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (ReviewRow, OverrideRow, DisputeRow, NotificationRow)
        ]
        reviews = tuple(session.execute(select(ReviewRow.id, ReviewRow.state, ReviewRow.score)).all())
    return (*counts, reviews)


def _user_id(web: Web, username: str) -> int:
    with web.db.factory() as session:
        return int(session.scalars(select(UserRow.id).where(UserRow.username == username)).one())


def test_override_share_dispute_resolve(web: Web) -> None:
    ident = _smith_interaction(web)
    analyst, agent, lead = web.signed_in("analyst"), web.signed_in("j.smith"), web.signed_in("sam.lead")
    started = _post(analyst, f"/api/interactions/{ident}/review")
    assert started.status_code == 201
    review = started.json()
    assert review["state"] == "draft" and review["score"] == review["ai_score"]
    failed = next(c for c in review["criteria"] if c["outcome"] == "fail" and not c["critical"])
    passed = next(c for c in review["criteria"] if c["outcome"] == "pass" and not c["critical"])
    rid = review["id"]

    # the agent does not see a draft, and cannot act on it
    assert agent.client.get(f"/api/interactions/{ident}/review").status_code == 404

    # an override needs a reason; with one, both outcomes are kept and the score follows
    before = _counts(web)
    refused = _post(
        analyst, f"/api/reviews/{rid}/overrides", {"criterion": failed["id"], "outcome": "pass", "reason": ""}
    )
    assert refused.status_code == 422 and "reason" in refused.json()["detail"]
    assert _counts(web) == before
    changed = _post(
        analyst,
        f"/api/reviews/{rid}/overrides",
        {"criterion": failed["id"], "outcome": "pass", "reason": "asked twice, the AI missed the second"},
    ).json()
    row = next(c for c in changed["criteria"] if c["id"] == failed["id"])
    assert row["outcome"] == "fail" and row["final_outcome"] == "pass" and row["overridden"]
    assert changed["score"] > changed["ai_score"]
    [override] = changed["overrides"]
    assert (override["ai_outcome"], override["outcome"], override["by"]) == ("fail", "pass", "analyst")

    # a supervisor does not see the draft (404), let alone change it; nothing changes
    before = _counts(web)
    denied = _post(
        lead,
        f"/api/reviews/{rid}/overrides",
        {"criterion": passed["id"], "outcome": "fail", "reason": "too polite"},
    )
    assert denied.status_code == 404 and _counts(web) == before

    # shared: the agent is notified and now sees it
    shared = _post(analyst, f"/api/reviews/{rid}/share", {"comment": "good call overall"})
    assert shared.json()["state"] == "shared"
    inbox = agent.client.get("/api/notifications").json()
    assert inbox["unread"] == 1 and inbox["items"][0]["kind"] == "review_shared"
    assert inbox["items"][0]["link"] == f"/interactions/{ident}#review"
    seen = agent.client.get(f"/api/interactions/{ident}/review").json()
    assert seen["comment"] == "good call overall"
    # the agent grades themselves before seeing QA's outcomes (seed 002: self-evaluation)
    assert seen["awaiting_self_evaluation"] and seen["score"] is None
    assert all("outcome" not in c and "final_outcome" not in c for c in seen["criteria"])
    assert agent.client.get(f"/api/interactions/{ident}").json()["evaluations"] == []
    early = _post(
        agent,
        f"/api/reviews/{rid}/disputes",
        {"criterion": passed["id"], "requested": "n/a", "comment": "too early"},
    )
    assert early.status_code == 409 and "evaluate yourself first" in early.json()["detail"]
    mine = {c["id"]: "pass" for c in seen["criteria"]}
    assert (
        _post(agent, f"/api/reviews/{rid}/self-evaluation", {"outcomes": {"greeting": "pass"}}).status_code
        == 409
    )
    done = _post(
        agent, f"/api/reviews/{rid}/self-evaluation", {"outcomes": mine, "comment": "I think it went well"}
    )
    assert done.status_code == 201 and done.json()["self_evaluation"] == mine
    assert _post(agent, f"/api/reviews/{rid}/self-evaluation", {"outcomes": mine}).status_code == 409  # once
    revealed = agent.client.get(f"/api/interactions/{ident}/review").json()
    assert not revealed["awaiting_self_evaluation"] and revealed["score"] == changed["score"]
    assert (
        analyst.client.get(f"/api/interactions/{ident}/review").json()["self_comment"]
        == "I think it went well"
    )
    before = _counts(web)
    no_override = _post(
        lead,
        f"/api/reviews/{rid}/overrides",
        {"criterion": passed["id"], "outcome": "fail", "reason": "too polite"},
    )
    assert no_override.status_code == 403 and _counts(web) == before  # seen now, still not theirs to change

    # the agent disputes a criterion; the team's supervisor and the reviewer are told
    disputed = _post(
        agent,
        f"/api/reviews/{rid}/disputes",
        {"criterion": passed["id"], "requested": "n/a", "comment": "the customer hung up before this part"},
    )
    assert disputed.status_code == 201 and disputed.json()["state"] == "disputed"
    [opened] = disputed.json()["disputes"]
    assert opened["state"] == "open" and opened["by"] == "j.smith"
    for reader in (lead, analyst):
        kinds = [n["kind"] for n in reader.client.get("/api/notifications?unread=true").json()["items"]]
        assert "dispute_opened" in kinds
    twice = _post(
        agent,
        f"/api/reviews/{rid}/disputes",
        {"criterion": passed["id"], "requested": "n/a", "comment": "again please"},
    )
    assert twice.status_code == 409

    # another agent and another team's supervisor cannot touch it
    before = _counts(web)
    assert _post(web.signed_in("li.wei"), f"/api/reviews/{rid}/acknowledge").status_code == 404
    other_lead = web.signed_in("wang.fang")
    resolve_url = f"/api/disputes/{opened['id']}/resolve"
    assert _post(other_lead, resolve_url, {"upheld": True, "resolution": "fine by me"}).status_code == 404
    assert _post(agent, resolve_url, {"upheld": True, "resolution": "I agree with me"}).status_code == 403
    assert _counts(web) == before

    # the supervisor upholds it: the criterion becomes n/a, the review is final, the agent is told
    resolved = _post(
        lead, resolve_url, {"upheld": True, "resolution": "recording confirms the hang-up"}
    ).json()
    assert resolved["state"] == "final"
    final_row = next(c for c in resolved["criteria"] if c["id"] == passed["id"])
    assert final_row["final_outcome"] == "n/a"
    assert (
        resolved["disputes"][0]["state"] == "upheld" and resolved["disputes"][0]["resolved_by"] == "sam.lead"
    )
    assert [o["reason"] for o in resolved["overrides"]][
        -1
    ] == "dispute upheld: recording confirms the hang-up"
    with web.db.factory() as session:
        stored = session.get(ReviewRow, rid)
        assert stored is not None and stored.state == "final" and stored.finalized_at is not None
        assert stored.score == resolved["score"]
        ai = session.get(EvaluationRow, stored.evaluation_id)
        # the review's result is the official one; what the AI said is kept beside it
        assert ai is not None and ai.ai_score == resolved["ai_score"] and ai.score == resolved["score"]
        assert ai.review_state == "final"
    kinds = [n["kind"] for n in agent.client.get("/api/notifications").json()["items"]]
    assert kinds[0] == "dispute_resolved"

    # a final review takes no more changes
    late = _post(
        analyst,
        f"/api/reviews/{rid}/overrides",
        {"criterion": failed["id"], "outcome": "fail", "reason": "changed my mind"},
    )
    assert late.status_code == 409


def test_acknowledge_then_finalize_and_notifications_read(web: Web) -> None:
    ident = _smith_interaction(web)
    analyst, agent, lead = web.signed_in("analyst"), web.signed_in("j.smith"), web.signed_in("sam.lead")
    rid = _post(analyst, f"/api/interactions/{ident}/review").json()["id"]
    assert _post(agent, f"/api/reviews/{rid}/acknowledge").status_code == 404  # still a draft
    _post(analyst, f"/api/reviews/{rid}/share")
    assert _post(analyst, f"/api/reviews/{rid}/acknowledge").status_code == 403  # only the agent
    assert _post(agent, f"/api/reviews/{rid}/acknowledge").status_code == 409  # self-evaluation first
    criteria = agent.client.get(f"/api/interactions/{ident}/review").json()["criteria"]
    _post(agent, f"/api/reviews/{rid}/self-evaluation", {"outcomes": {c["id"]: "pass" for c in criteria}})
    assert _post(agent, f"/api/reviews/{rid}/acknowledge").json()["state"] == "acknowledged"
    assert _post(agent, f"/api/reviews/{rid}/finalize").status_code == 403
    assert _post(lead, f"/api/reviews/{rid}/finalize").json()["state"] == "final"
    assert _post(agent, "/api/notifications/read", {}).json() == {"marked": 1}
    assert agent.client.get("/api/notifications").json()["unread"] == 0
    with web.db.factory() as session:
        unread = session.scalar(
            select(func.count()).where(
                NotificationRow.user_id == _user_id(web, "j.smith"), NotificationRow.read_at.is_(None)
            )
        )
    assert unread == 0


def test_review_input_errors_name_the_problem(web: Web) -> None:
    ident = _smith_interaction(web)
    analyst = web.signed_in("analyst")
    rid = _post(analyst, f"/api/interactions/{ident}/review").json()["id"]
    unknown = _post(
        analyst,
        f"/api/reviews/{rid}/overrides",
        {"criterion": "nope", "outcome": "pass", "reason": "because so"},
    )
    assert (
        unknown.status_code == 422
        and "criterion 'nope' is not in this evaluation" in unknown.json()["detail"]
    )
    bad = _post(
        analyst,
        f"/api/reviews/{rid}/overrides",
        {"criterion": "greeting", "outcome": "maybe", "reason": "because so"},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "outcome"
    assert _post(analyst, f"/api/reviews/{rid}/share").status_code == 200
    assert _post(analyst, f"/api/reviews/{rid}/share").status_code == 409  # already shared
    again = _post(analyst, f"/api/interactions/{ident}/review")
    assert again.json()["id"] == rid  # one review per evaluation


def test_review_queues_over_the_api(web: Web) -> None:
    analyst, lead = web.signed_in("analyst"), web.signed_in("sam.lead")
    spec = {
        "name": "low scores",
        "strategies": [{"kind": "auto_fail"}, {"kind": "low_score", "below": 50}],
        "analysts": ["analyst", "admin"],
        "quota": 3,
    }
    before = _counts(web)
    assert _post(lead, "/api/queues", spec).status_code == 403
    assert _counts(web) == before
    bad = _post(analyst, "/api/queues", {**spec, "analysts": ["j.smith"]})
    assert bad.status_code == 422 and "'j.smith' is not an active QA analyst" in bad.json()["detail"]
    created = _post(analyst, "/api/queues", spec)
    assert created.status_code == 201
    items = created.json()["items"]
    with web.db.factory() as session:
        auto = session.scalars(
            select(EvaluationRow.interaction_id).where(
                EvaluationRow.is_current.is_(True), EvaluationRow.auto_failed.is_(True)
            )
        ).all()
    assert len(auto) >= 6  # the demo data has enough auto-fails to fill 2 analysts × quota 3
    assert len(items) == 6 and {i["assigned_to"] for i in items} == {"analyst", "admin"}
    # two strategies with equal shares: 3 slots each, dealt round-robin so each analyst gets a mix of both
    assert [i["reason"] for i in items] == ["auto_fail"] * 3 + ["low_score"] * 3
    for who in ("analyst", "admin"):
        assert {i["reason"] for i in items if i["assigned_to"] == who} == {"auto_fail", "low_score"}
    assert {i["interaction_id"] for i in items if i["reason"] == "auto_fail"} <= set(auto)
    assert all(
        i["detail"].startswith("Failed critical criterion '") for i in items if i["reason"] == "auto_fail"
    )
    mine = analyst.client.get("/api/my-queue").json()
    assert len(mine) == 3 and all(i["assigned_to"] == "analyst" for i in mine)
    page = analyst.client.get("/queue").text
    assert 'data-test="pending">3<' in page
    # sharing the review of a queued interaction takes it off the analyst's list
    first = mine[0]["interaction_id"]
    rid = _post(analyst, f"/api/interactions/{first}/review").json()["id"]
    _post(analyst, f"/api/reviews/{rid}/share")
    assert len(analyst.client.get("/api/my-queue").json()) == 2
    listed = analyst.client.get("/api/queues").json()
    assert listed[0]["items"] == 6 and listed[0]["done"] == 1
