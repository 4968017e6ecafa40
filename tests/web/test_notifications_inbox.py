"""Notifications that can be acted on (who, which interaction, the criterion's title, a link; read when the
page is opened; in the reader's language) and the supervisors' disputes inbox (age, target, overdue)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from callqa.core.i18n import translations
from callqa.review.inbox import due_after
from callqa.review.models import DisputeRow, NotificationRow
from callqa.users.models import UserRow
from web_support import SignedIn, Web

pytestmark = pytest.mark.issue(19)


def _post(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _unread(web: Web, username: str) -> int:
    with web.db.factory() as session:
        user = session.scalars(select(UserRow.id).where(UserRow.username == username)).one()
        query = select(func.count()).where(NotificationRow.user_id == user, NotificationRow.read_at.is_(None))
        return int(session.scalar(query) or 0)


def _disputed(web: Web, external_id: str, agent_name: str) -> tuple[int, str, str, int]:
    """The analyst reviews and shares; the agent grades themselves and disputes a passed criterion.
    Returns the interaction id, the criterion id and title, the dispute id."""
    ident = web.ids()[external_id]
    analyst, agent = web.signed_in("analyst"), web.signed_in(agent_name)
    review = _post(analyst, f"/api/interactions/{ident}/review").json()
    passed = next(c for c in review["criteria"] if c["outcome"] == "pass" and not c["critical"])
    assert _post(analyst, f"/api/reviews/{review['id']}/share").status_code == 200
    seen = agent.client.get(f"/api/interactions/{ident}/review").json()
    mine = {c["id"]: "pass" for c in seen["criteria"]}
    assert _post(agent, f"/api/reviews/{review['id']}/self-evaluation", {"outcomes": mine}).status_code == 201
    disputed = _post(
        agent,
        f"/api/reviews/{review['id']}/disputes",
        {"criterion": passed["id"], "requested": "n/a", "comment": "the customer hung up first"},
    )
    assert disputed.status_code == 201
    return ident, passed["id"], passed["title"], disputed.json()["disputes"][0]["id"]


def test_a_dispute_notification_names_who_which_interaction_and_the_criterion_title(web: Web) -> None:
    ident, criterion, title, dispute_id = _disputed(web, "en-call-05", "j.smith")
    assert title != criterion  # the title, not the internal id
    lead = web.signed_in("sam.lead")
    item = next(
        n for n in lead.client.get("/api/notifications").json()["items"] if n["kind"] == "dispute_opened"
    )
    assert item["text"] == f"John Smith disputes “{title}” on interaction en-call-05"
    assert item["link"] == f"/interactions/{ident}#criterion-{criterion}"
    assert item["params"] == {"who": "John Smith", "interaction": "en-call-05", "criterion": title}

    unread = _unread(web, "sam.lead")
    assert unread >= 1
    page = lead.client.get("/notifications").text
    assert f"John Smith disputes “{title}” on interaction en-call-05" in page
    assert f'href="/interactions/{ident}#criterion-{criterion}"' in page
    assert page.count('data-test="new"') == unread  # shown as new this once ...
    assert '<span class="badge">' not in page  # ... and no longer counted in the header
    assert _unread(web, "sam.lead") == 0  # ... and read by opening the page
    assert 'data-test="new"' not in lead.client.get("/notifications").text

    # the link lands on the criterion's row of the review
    target = lead.client.get(f"/interactions/{ident}").text
    assert f'id="criterion-{criterion}"' in target and f'id="dispute-{dispute_id}"' in target

    # the agent hears who resolved it, in the same words
    resolved = _post(
        lead, f"/api/disputes/{dispute_id}/resolve", {"upheld": False, "resolution": "it was said"}
    )
    assert resolved.status_code == 200
    agent = web.signed_in("j.smith")
    said = agent.client.get("/api/notifications").json()["items"][0]
    assert said["kind"] == "dispute_resolved"
    assert said["text"] == f"Sam Lead rejected your dispute of “{title}” on interaction en-call-05"


def test_a_chinese_reader_gets_the_notification_in_chinese(web: Web) -> None:
    _ident, _criterion, title, _ = _disputed(web, "en-call-05", "j.smith")
    with web.db.factory.begin() as session:  # the reviewer reads Chinese
        session.execute(update(UserRow).where(UserRow.username == "analyst").values(locale="zh"))
    page = web.signed_in("analyst").client.get("/notifications").text
    assert f"John Smith 对交互 en-call-05 的“{translations('zh').gettext(title)}”提出申诉" in page
    assert "disputes “" not in page and f"“{title}”" not in page  # the shipped criterion's title, translated


def test_the_disputes_inbox_lists_open_disputes_in_scope_with_age_and_target(web: Web) -> None:
    ident, _criterion, title, dispute_id = _disputed(web, "en-call-05", "j.smith")
    lead = web.signed_in("sam.lead")
    inbox = lead.client.get("/api/disputes").json()
    assert inbox["target_days"] == 2 and inbox["overdue"] == 0
    [item] = inbox["items"]
    assert item["id"] == dispute_id and item["external_id"] == "en-call-05"
    assert item["criterion_title"] == title and item["agent"] == "John Smith" and item["team"] == "Team North"
    assert item["link"] == f"/interactions/{ident}#dispute-{dispute_id}" and item["overdue"] is False
    page = lead.client.get("/disputes").text
    assert title in page and "John Smith" in page and 'data-test="overdue"' not in page
    assert f'href="/interactions/{ident}#dispute-{dispute_id}"' in page

    # a week later it is overdue, highlighted on the page
    with web.db.factory.begin() as session:
        old = datetime.now(UTC) - timedelta(days=7)
        session.execute(update(DisputeRow).where(DisputeRow.id == dispute_id).values(created_at=old))
    inbox = lead.client.get("/api/disputes").json()
    assert inbox["overdue"] == 1 and inbox["items"][0]["overdue"] and inbox["items"][0]["age_hours"] >= 168
    page = lead.client.get("/disputes").text
    assert 'data-test="overdue"' in page and re.search(r'<tr data-dispute="\d+" class="overdue">', page)

    # another team's supervisor sees none of it; the admin sees it; analysts and agents have no inbox
    assert web.signed_in("wang.fang").client.get("/api/disputes").json()["items"] == []
    assert [i["id"] for i in web.signed_in("admin").client.get("/api/disputes").json()["items"]] == [
        dispute_id
    ]
    for who in ("analyst", "j.smith"):
        client = web.signed_in(who).client
        assert client.get("/api/disputes").status_code == 403
        assert client.get("/disputes").status_code in (403, 404)
    assert 'data-test="disputes"' in lead.client.get("/notifications").text  # in the lead's menu

    # resolved, it leaves the inbox
    _post(lead, f"/api/disputes/{dispute_id}/resolve", {"upheld": True, "resolution": "agreed, hung up"})
    assert lead.client.get("/api/disputes").json()["items"] == []


def test_the_target_counts_working_days_only() -> None:
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert due_after(friday, 2) == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # Tuesday
    assert due_after(friday - timedelta(days=3), 2) == friday - timedelta(days=1)  # Tuesday -> Thursday
    saturday = friday + timedelta(days=1)
    assert due_after(saturday, 1) == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # Monday
