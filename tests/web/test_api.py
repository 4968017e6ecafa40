"""REST API: interactions within the caller's scope, filters, detail, evaluation history, users, audit."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.users.models import UserRow
from web_support import Web


def _items(web: Web, user: str, query: str = "") -> dict[str, Any]:
    response = web.signed_in(user).client.get(f"/api/interactions{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _rows(web: Web) -> list[Any]:
    with web.db.factory() as session:
        return list(
            session.execute(select(InteractionRow.id, InteractionRow.agent, InteractionRow.team)).all()
        )


def test_each_role_lists_exactly_the_interactions_it_may_see(web: Web) -> None:
    rows = _rows(web)
    everyone = {r.id for r in rows}
    north = {r.id for r in rows if r.team == "Team North"}
    smith = {r.id for r in rows if r.agent == "j.smith"}
    china = {r.id for r in rows if r.team in ("Team Shanghai", "Team Taipei")}
    assert smith and north - smith and china  # the demo data has each case
    for user, expected in (
        ("admin", everyone),
        ("analyst", everyone),
        ("sam.lead", north),
        ("wang.fang", china),
        ("j.smith", smith),
    ):
        body = _items(web, user, "?limit=200")
        assert body["total"] == len(expected), user
        assert {item["id"] for item in body["items"]} == expected, user


def test_an_agent_never_reaches_another_agents_interaction(web: Web) -> None:
    rows = _rows(web)
    theirs = next(r.id for r in rows if r.agent not in ("j.smith", None))
    mine = next(r.id for r in rows if r.agent == "j.smith")
    agent = web.signed_in("j.smith").client
    for url in (f"/api/interactions/{theirs}", f"/api/interactions/{theirs}/evaluations"):
        assert agent.get(url).status_code == 404, url
    assert agent.get(f"/interactions/{theirs}").status_code == 404
    assert agent.get(f"/interactions/{theirs}/audio").status_code == 404
    assert agent.get(f"/api/interactions/{mine}").status_code == 200
    assert agent.get("/api/interactions?agent=p.owens").json()["total"] == 0


def test_a_supervisor_does_not_see_other_teams(web: Web) -> None:
    rows = _rows(web)
    outside = next(r.id for r in rows if r.team != "Team North")
    lead = web.signed_in("sam.lead").client
    assert lead.get(f"/api/interactions/{outside}").status_code == 404
    assert lead.get("/api/interactions?team=Team%20Shanghai").json()["total"] == 0


def test_filters_match_the_database(web: Web) -> None:
    with web.db.factory() as session:
        chat = session.scalar(select(func.count()).where(InteractionRow.channel == "chat"))
        zh = session.scalar(select(func.count()).where(InteractionRow.language.like("zh-%")))
        low = session.scalar(
            select(func.count()).where(EvaluationRow.is_current.is_(True), EvaluationRow.score < 60)
        )
        auto = session.scalar(
            select(func.count()).where(
                EvaluationRow.is_current.is_(True), EvaluationRow.auto_failed.is_(True)
            )
        )
        failed_identity = session.scalar(
            select(func.count(func.distinct(EvaluationRow.interaction_id)))
            .join(CriterionResultRow, CriterionResultRow.evaluation_id == EvaluationRow.id)
            .where(
                EvaluationRow.is_current.is_(True),
                CriterionResultRow.criterion == "identity_before_account",
                CriterionResultRow.outcome == "fail",
            )
        )
        unhappy = session.scalar(select(func.count()).where(InteractionRow.csat <= 2))
    assert chat and zh and low and auto and failed_identity and unhappy
    assert _items(web, "analyst", "?channel=chat")["total"] == chat
    assert _items(web, "analyst", "?language=zh")["total"] == zh
    below = _items(web, "analyst", "?max_score=59.999&limit=200")
    assert below["total"] == low and all(i["score"] < 60 for i in below["items"])
    assert _items(web, "analyst", "?auto_failed=true")["total"] == auto
    failed = _items(web, "analyst", "?failed=identity_before_account&limit=200")
    assert failed["total"] == failed_identity
    assert _items(web, "analyst", "?max_csat=2")["total"] == unhappy
    assert _items(web, "analyst", "?text=en-call-0")["total"] == 9


def test_dates_and_paging(web: Web) -> None:
    everything = _items(web, "analyst", "?limit=200")
    starts = sorted(i["started_at"] for i in everything["items"] if i["started_at"])
    middle = starts[len(starts) // 2]
    later = _items(web, "analyst", f"?since={quote(middle)}&limit=200")
    assert later["total"] == sum(1 for s in starts if s >= middle)
    first = _items(web, "analyst", "?limit=10")
    second = _items(web, "analyst", "?limit=10&offset=10")
    assert len(first["items"]) == 10 and first["total"] == everything["total"]
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    dated = [i["started_at"] for i in first["items"] + second["items"] if i["started_at"]]
    assert dated == sorted(dated, reverse=True)  # newest first


def test_bad_filter_values_are_a_clear_422(web: Web) -> None:
    client = web.signed_in("analyst").client
    response = client.get("/api/interactions?min_score=lots")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "min_score"
    page = client.get("/interactions?since=yesterday")
    assert page.status_code == 422 and "since: &#39;yesterday&#39; is not a date" in page.text


def test_an_interaction_with_its_evaluation_and_analysis(web: Web) -> None:
    ident = web.ids()["en-call-01"]
    before = web.audit_count()
    body = web.signed_in("analyst").client.get(f"/api/interactions/{ident}").json()
    assert body["interaction"]["external_id"] == "en-call-01"
    [evaluation] = body["evaluations"]
    assert evaluation["scorecard"] == "standard" and evaluation["current"] is True
    with web.db.factory() as session:
        stored = session.scalars(
            select(EvaluationRow).where(
                EvaluationRow.interaction_id == ident, EvaluationRow.is_current.is_(True)
            )
        ).one()
        criteria = session.scalars(
            select(CriterionResultRow.criterion).where(CriterionResultRow.evaluation_id == stored.id)
        ).all()
    assert evaluation["score"] == stored.score
    assert [c["id"] for c in evaluation["criteria"]] == list(criteria)
    assert {"sentiment", "metrics", "moments"} <= set(body["analysis"])
    with web.db.factory() as session:
        views = session.scalars(
            select(AuditRow).where(AuditRow.action == "view", AuditRow.resource_id == str(ident))
        ).all()
    assert [v.username for v in views] == ["analyst"] and web.audit_count() > before


def test_evaluation_history_keeps_old_versions(web: Web) -> None:
    ident = web.ids()["en-call-01"]
    with web.db.factory.begin() as session:
        current = session.scalars(
            select(EvaluationRow).where(
                EvaluationRow.interaction_id == ident, EvaluationRow.is_current.is_(True)
            )
        ).one()
        session.add(
            EvaluationRow(
                **{
                    c.key: getattr(current, c.key)
                    for c in EvaluationRow.__table__.columns
                    if c.key not in ("id", "is_current", "score")
                },
                is_current=False,
                score=12.0,
            )
        )
    history = web.signed_in("analyst").client.get(f"/api/interactions/{ident}/evaluations").json()
    assert [h["current"] for h in history] == [False, True]  # newest first
    assert history[0]["score"] == 12.0


def test_admin_creates_users_others_cannot(web: Web) -> None:
    new = {
        "username": "nina.k",
        "display_name": "Nina K",
        "password": "a-long-password",
        "role": "agent",
        "agent_name": "nina.k",
        "team": "Team Vilnius",
    }
    analyst = web.signed_in("analyst")
    refused = analyst.post("/api/users", json=new)
    assert refused.status_code == 403  # type: ignore[attr-defined]
    with web.db.factory() as session:
        assert session.scalars(select(UserRow).where(UserRow.username == "nina.k")).first() is None
    admin = web.signed_in("admin")
    created = admin.post("/api/users", json=new)
    assert created.status_code == 201  # type: ignore[attr-defined]
    assert created.json()["team"] == "Team Vilnius"  # type: ignore[attr-defined]
    with web.db.factory() as session:
        row = session.scalars(select(UserRow).where(UserRow.username == "nina.k")).one()
        assert row.role == "agent" and row.password_hash.startswith("$argon2id$")
        count = session.scalar(select(func.count(UserRow.id)))
    again = admin.post("/api/users", json=new)
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "already exists" in again.json()["detail"]  # type: ignore[attr-defined]
    agentless = admin.post("/api/users", json={**new, "username": "x.y", "agent_name": None})
    assert agentless.status_code == 422  # type: ignore[attr-defined]
    weak = admin.post("/api/users", json={**new, "username": "z.z", "password": "short"})
    assert weak.status_code == 422  # type: ignore[attr-defined]
    with web.db.factory() as session:
        assert session.scalar(select(func.count(UserRow.id))) == count
    listed = admin.client.get("/api/users").json()
    assert "nina.k" in {u["username"] for u in listed}
    assert all("password" not in str(u) for u in listed)
    agent_listing = web.signed_in("j.smith").client.get("/api/users")
    assert agent_listing.status_code == 403


def test_the_audit_log_is_for_admins(web: Web) -> None:
    ident = web.ids()["en-call-02"]
    web.signed_in("sam.lead").client.get(f"/api/interactions/{ident}")
    admin = web.signed_in("admin").client
    entries = admin.get(f"/api/audit?resource=interaction&resource_id={ident}").json()
    assert [(e["username"], e["action"]) for e in entries] == [("sam.lead", "view")]
    assert web.signed_in("analyst").client.get("/api/audit").status_code == 403


def test_the_openapi_document_lists_the_endpoints(web: Web) -> None:
    schema = web.client().get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/interactions", "/api/interactions/{interaction_id}", "/api/tokens", "/api/users"} <= paths
    assert not any(p.startswith("/login") for p in paths)  # pages are not part of the API


def test_sentiment_and_moment_filters_match_the_analyses(web: Web) -> None:
    from callqa.scoring.models import AnalysisRow

    with web.db.factory() as session:
        analyses = {r.interaction_id: r.data for r in session.scalars(select(AnalysisRow))}
    negative = {i for i, d in analyses.items() if d["sentiment"]["customer"]["overall"] <= -0.2}
    positive = {i for i, d in analyses.items() if d["sentiment"]["customer"]["overall"] >= 0.2}
    escalations = {
        i for i, d in analyses.items() if any(m["kind"] == "escalation_request" for m in d["moments"])
    }
    competitors = {
        i for i, d in analyses.items() if any(m["kind"] == "competitor_mention" for m in d["moments"])
    }
    assert negative and positive and escalations and competitors
    for query, expected in (
        ("sentiment=negative", negative),
        ("sentiment=positive", positive),
        ("moment=escalation_request", escalations),
        ("moment=competitor_mention&sentiment=negative", competitors & negative),
    ):
        body = _items(web, "analyst", f"?{query}&limit=200")
        assert {i["id"] for i in body["items"]} == expected, query
    assert _items(web, "analyst", "?moment=no_such_kind")["total"] == 0
    bad = web.signed_in("analyst").client.get("/api/interactions?sentiment=sad")
    assert bad.status_code == 422
    page = web.signed_in("analyst").client.get("/interactions?sentiment=negative&moment=").text
    assert f'data-test="total">{len(negative)}<' in page and '<option value="escalation_request"' in page
