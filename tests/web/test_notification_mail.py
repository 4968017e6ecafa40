"""Notifications e-mailed to the users who opted in on their profile, over a real SMTP server (aiosmtpd):
once each, only those made after opting in, in the reader's language, with absolute links."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from callqa.core.i18n import translations
from callqa.reports.mail import SmtpSettings
from callqa.reports.notification_mail import send_notification_mail
from callqa.review.models import NotificationMailRow, NotificationRow
from callqa.users.models import UserRow
from reports_support import smtp_server
from web_support import SignedIn, Web

pytestmark = pytest.mark.issue(19)


def _post(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _dispute(web: Web) -> tuple[int, str, str]:
    ident = web.ids()["en-call-05"]
    analyst, agent = web.signed_in("analyst"), web.signed_in("j.smith")
    review = _post(analyst, f"/api/interactions/{ident}/review").json()
    passed = next(c for c in review["criteria"] if c["outcome"] == "pass" and not c["critical"])
    _post(analyst, f"/api/reviews/{review['id']}/share")
    mine = {c["id"]: "pass" for c in agent.client.get(f"/api/interactions/{ident}/review").json()["criteria"]}
    _post(agent, f"/api/reviews/{review['id']}/self-evaluation", {"outcomes": mine})
    body = {"criterion": passed["id"], "requested": "n/a", "comment": "the customer hung up first"}
    assert _post(agent, f"/api/reviews/{review['id']}/disputes", body).status_code == 201
    return ident, passed["id"], passed["title"]


def test_opted_in_users_get_their_new_notifications_by_e_mail_once(web: Web) -> None:
    lead, analyst = web.signed_in("sam.lead"), web.signed_in("analyst")
    page = lead.client.get("/me").text
    assert 'data-test="notification-mail"' in page and "No mail server is configured" in page
    form = {"address": "sam@centre.test", "enabled": "true", "csrf_token": lead.csrf}
    assert lead.client.post("/me/notification-mail", data=form, follow_redirects=False).status_code == 303
    assert 'value="sam@centre.test"' in lead.client.get("/me").text
    put = analyst.client.put(
        "/api/notifications/mail",
        json={"address": "quinn@centre.test", "enabled": True},
        headers={"x-csrf-token": analyst.csrf},
    )
    assert put.json() == {"address": "quinn@centre.test", "enabled": True, "available": False}
    with web.db.factory.begin() as session:  # the reviewer reads Chinese
        session.execute(update(UserRow).where(UserRow.username == "analyst").values(locale="zh"))

    ident, criterion, title = _dispute(web)
    with smtp_server() as inbox:
        smtp = SmtpSettings("127.0.0.1", inbox.port, security="none", sender="qa@callqa.test")
        run = send_notification_mail(web.db.factory, smtp, public_url="https://qa.example.com/")
        assert (run.sent, run.failed) == (2, [])
        by_to = {str(m["To"]): m for m in inbox.messages}
        assert set(by_to) == {"sam@centre.test", "quinn@centre.test"}
        english = by_to["sam@centre.test"]
        assert english["Subject"] == "callqa: new notifications (1)" and english["From"] == "qa@callqa.test"
        body = english.get_content()
        assert f"John Smith disputes “{title}” on interaction en-call-05" in body
        assert f"https://qa.example.com/interactions/{ident}#criterion-{criterion}" in body
        chinese = by_to["quinn@centre.test"]
        assert chinese["Subject"] == "callqa：新通知（1 条）"
        assert (
            f"John Smith 对交互 en-call-05 的“{translations('zh').gettext(title)}”提出申诉"
            in chinese.get_content()
        )

        again = send_notification_mail(web.db.factory, smtp)  # each notification is e-mailed once
        assert again.sent == 0 and len(inbox.messages) == 2

        # opted out: nothing more goes out, though notifications keep coming in the app
        form = {"address": "sam@centre.test", "csrf_token": lead.csrf}
        lead.client.post("/me/notification-mail", data=form, follow_redirects=False)
        _post(
            lead,
            f"/api/disputes/{_open_dispute(web)}/resolve",
            {"upheld": False, "resolution": "it was said"},
        )
        assert send_notification_mail(web.db.factory, smtp).sent == 0
    with web.db.factory() as session:
        emailed = session.scalar(select(func.count()).where(NotificationRow.emailed_at.is_not(None)))
    assert emailed == 2


def test_notifications_from_before_opting_in_are_not_e_mailed(web: Web) -> None:
    _dispute(web)
    lead = web.signed_in("sam.lead")
    lead.client.put(
        "/api/notifications/mail",
        json={"address": "sam@centre.test", "enabled": True},
        headers={"x-csrf-token": lead.csrf},
    )
    with smtp_server() as inbox:
        smtp = SmtpSettings("127.0.0.1", inbox.port, security="none")
        assert send_notification_mail(web.db.factory, smtp).sent == 0 and inbox.messages == []


def test_a_bad_address_is_refused_with_a_coded_error_and_nothing_changes(web: Web) -> None:
    lead = web.signed_in("sam.lead")
    for address in ("sam", "sam@", "a b@c.d", ""):
        refused = lead.client.put(
            "/api/notifications/mail",
            json={"address": address, "enabled": True},
            headers={"x-csrf-token": lead.csrf},
        )
        assert refused.status_code == 422 and "[R150]" in refused.json()["detail"], address
    with web.db.factory() as session:
        assert session.scalar(select(func.count()).select_from(NotificationMailRow)) == 0


def _open_dispute(web: Web) -> int:
    from callqa.review.models import DisputeRow

    with web.db.factory() as session:
        return int(session.scalars(select(DisputeRow.id).where(DisputeRow.state == "open")).one())
