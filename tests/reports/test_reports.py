"""Quality reports (callqa.reports): the figures against the previous period, HTML and a real PDF (printed
by WeasyPrint, rendered back to PNG and read), scheduled delivery to a real SMTP server on loopback."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from callqa.core.errors import CallqaError
from callqa.demo.users import ensure_demo_users
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.reports.build import ReportRequest, ReportSettings, build_report, last_period, previous
from callqa.reports.mail import SmtpSettings
from callqa.reports.models import ReportDeliveryRow
from callqa.reports.render import report_html, report_pdf
from callqa.reports.schedules import ScheduleIn, create_schedule, deliveries, next_run, run_due
from callqa.users.models import UserRow
from insights_support import add, scorecard
from reports_support import pdf_pages, smtp_server
from support import Database

pytestmark = [pytest.mark.issue(7), pytest.mark.timeout(180)]
UTC_ZONE = ZoneInfo("UTC")
SETTINGS = ReportSettings(UTC_ZONE, public_url="https://qa.example.com")


@pytest.fixture
def centre(db: Database) -> Database:
    """Team North in October 2026 (scores 40, 60, 80, 100) and September (two at 50); Team South once."""
    with db.factory.begin() as session:
        card = scorecard(session)
        for day, score in ((3, 40), (10, 60), (17, 80), (24, 100)):
            add(
                session,
                card,
                datetime(2026, 10, day, 10, tzinfo=UTC),
                score=score,
                agent="j.smith",
                team="Team North",
                criteria={"greeting": "fail" if score < 70 else "pass"},
                csat=4,
            )
        for day in (5, 12):
            add(
                session,
                card,
                datetime(2026, 9, day, 10, tzinfo=UTC),
                score=50,
                agent="j.smith",
                team="Team North",
                criteria={"greeting": "fail"},
                csat=2,
            )
        add(
            session,
            card,
            datetime(2026, 10, 8, 10, tzinfo=UTC),
            score=90,
            agent="li.wei",
            team="Team Shanghai",
        )
        ensure_demo_users(session)
    refresh_insights(db.factory, InsightConfig(UTC_ZONE))
    return db


OCTOBER = ReportRequest("team", "Team North", date(2026, 10, 1), date(2026, 10, 31))


def test_periods() -> None:
    assert previous(date(2026, 10, 1), date(2026, 10, 31)) == (date(2026, 8, 31), date(2026, 9, 30))
    assert last_period("weekly", date(2026, 11, 25)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert last_period("weekly", date(2026, 11, 23)) == (date(2026, 11, 16), date(2026, 11, 22))  # a Monday
    assert last_period("monthly", date(2026, 3, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    vilnius = ZoneInfo("Europe/Vilnius")
    # Monday 30 March 2026 07:00 in Vilnius is 04:00 UTC (summer time began on the 29th)
    assert next_run("weekly", 7, datetime(2026, 3, 27, tzinfo=UTC), vilnius) == datetime(
        2026, 3, 30, 4, tzinfo=UTC
    )
    assert next_run("weekly", 7, datetime(2026, 3, 30, 4, tzinfo=UTC), vilnius) == datetime(
        2026, 4, 6, 4, tzinfo=UTC
    )
    assert next_run("monthly", 6, datetime(2026, 12, 15, tzinfo=UTC), UTC_ZONE) == datetime(
        2027, 1, 1, 6, tzinfo=UTC
    )


def test_the_report_compares_with_the_previous_period(centre: Database) -> None:
    with centre.factory() as session:
        report = build_report(session, OCTOBER, SETTINGS)
    assert report["totals"].n == 4 and report["totals"].mean_score == 70
    assert report["before"].n == 2 and report["before"].mean_score == 50
    assert report["changes"]["mean_score"] == 20 and report["changes"]["n"] == 2
    assert report["changes"]["mean_csat"] == 2  # 4 now, 2 before
    ((greeting, change),) = report["criteria"]
    assert (greeting.failed, greeting.passed) == (2, 2) and change == pytest.approx(0.5 - 1.0)
    assert [i["score"] for i in report["lowest"]] == [40, 60, 80, 100]
    assert report["lowest"][0]["href"].startswith("https://qa.example.com/interactions/")
    assert {a.agent for a in report["agents"]} == {"j.smith"}  # the other team's agent is not in it


def test_html_and_pdf_in_english_and_chinese(centre: Database) -> None:
    with centre.factory() as session:
        context = build_report(session, OCTOBER, SETTINGS)
    html = report_html(context, "en")
    assert "Quality report · Team North" in html and "<script" not in html
    assert 'href="https://qa.example.com/interactions?' in html  # chart marks drill into the app
    pages = pdf_pages(report_pdf(html), "report-team-en")
    assert 1 <= len(pages) <= 4
    first = pages[0]
    assert "Quality report" in first.text and "Team North" in first.text and "70.0" in first.text
    assert "+20.0" in first.text  # the mean score's change against September
    assert 0.01 < first.ink < 0.5  # text and charts drawn, not a blank or black page
    chinese = pdf_pages(report_pdf(report_html(context, "zh")), "report-team-zh")
    assert "质量报告" in chinese[0].text and "质量趋势" in "".join(p.text for p in chinese)


def actor_id(db: Database, username: str) -> int:
    with db.factory() as session:
        user = session.query(UserRow).filter_by(username=username).one()
        return user.id


def schedule(db: Database, creator: str, **fields: object) -> int:
    spec = ScheduleIn(
        **{
            "name": "North weekly",
            "scope": "team",
            "subject": "Team North",
            "cadence": "monthly",
            "recipients": ["lead@example.com", "qa@example.com"],
            "attach": "both",
            **fields,
        }
    )
    with db.factory.begin() as session:
        row = create_schedule(
            session,
            spec,
            creator=actor_id(db, creator),
            settings=SETTINGS,
            now=datetime(2026, 10, 20, tzinfo=UTC),
        )
        return row.id


def test_a_scheduled_report_is_mailed_with_its_attachments(centre: Database) -> None:
    ident = schedule(centre, "sam.lead")  # a supervisor of Team North
    with smtp_server() as inbox:
        smtp = SmtpSettings("127.0.0.1", inbox.port, security="none", sender="qa@callqa.test")
        assert (
            run_due(centre.factory, SETTINGS, smtp, now=datetime(2026, 10, 31, tzinfo=UTC)) == []
        )  # not yet
        done = run_due(centre.factory, SETTINGS, smtp, now=datetime(2026, 11, 1, 7, 5, tzinfo=UTC))
    assert [(d.status, d.since, d.until) for d in done] == [("sent", date(2026, 10, 1), date(2026, 10, 31))]
    (mail,) = inbox.messages
    assert isinstance(mail, EmailMessage)
    assert mail["To"] == "lead@example.com, qa@example.com"
    assert mail["Subject"] == "Quality report: Team North (2026-10-01 – 2026-10-31)"
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    pdf = files["quality-team-Team-North-2026-10-01-2026-10-31.pdf"]
    assert pdf.startswith(b"%PDF")
    assert "Team North" in pdf_pages(pdf, "report-mailed")[0].text
    assert "Quality report · Team North" in files["quality-team-Team-North-2026-10-01-2026-10-31.html"]
    with centre.factory() as session:
        (sent,) = deliveries(session, ident)
        assert sent.status == "sent" and sent.bytes > 10_000
        row = sent.schedule_id
        from callqa.reports.models import ReportScheduleRow

        again = session.get(ReportScheduleRow, row)
        assert again is not None and again.next_run_at.replace(tzinfo=UTC) == datetime(
            2026, 12, 1, 7, tzinfo=UTC
        )


def test_a_mail_server_failure_is_recorded_and_retried_then_the_period_moves_on(centre: Database) -> None:
    ident = schedule(centre, "analyst", attach="pdf")
    smtp = SmtpSettings("127.0.0.1", 9, security="none", timeout_s=2)  # nothing listens on port 9
    moment = datetime(2026, 11, 1, 7, tzinfo=UTC)
    for _ in range(3):
        (failed,) = run_due(centre.factory, SETTINGS, smtp, now=moment)
        assert failed.status == "failed" and "[P102] e-mail to lead@example.com, qa@example.com" in (
            failed.error or ""
        )
        moment += timedelta(minutes=15)
    assert run_due(centre.factory, SETTINGS, smtp, now=moment) == []  # three tries: wait for next month
    with centre.factory() as session:
        assert [d.status for d in deliveries(session, ident)] == ["failed"] * 3
        assert session.query(ReportDeliveryRow).count() == 3


def test_who_may_schedule_what(centre: Database) -> None:
    with pytest.raises(
        CallqaError, match=r"\[P101\] report schedule: you may not report on team Team Shanghai"
    ):
        schedule(centre, "sam.lead", subject="Team Shanghai")
    with pytest.raises(CallqaError, match="P101"):
        schedule(centre, "j.smith", scope="centre")  # an agent: no centre report
    with pytest.raises(CallqaError, match="P101"):
        schedule(centre, "j.smith", scope="agent", subject="j.smith")  # agents read their dashboard
    ident = schedule(centre, "sam.lead", scope="agent", subject="j.smith")  # their team's agent: fine
    with centre.factory.begin() as session:
        session.query(UserRow).filter_by(username="sam.lead").update({"active": False})
    (failed,) = [
        d
        for d in run_due(
            centre.factory, SETTINGS, SmtpSettings("127.0.0.1", 9), now=datetime(2026, 11, 2, tzinfo=UTC)
        )
        if d.schedule_id == ident
    ]
    assert "creator may no longer see this report" in (failed.error or "")
    with pytest.raises(ValueError, match="not an e-mail address: boss"):
        ScheduleIn(name="x", scope="centre", cadence="weekly", recipients=["boss"])
    with pytest.raises(ValueError, match="a team report needs the team's name"):
        ScheduleIn(name="x", scope="team", cadence="weekly", recipients=["a@b.co"])
