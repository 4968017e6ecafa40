"""Report schedules: a centre, team or agent report for the last complete week or month, e-mailed at a
set local hour. Each run is checked against what its creator may still see, recorded as a delivery, and
retried (every 15 minutes, three times) when the mail server fails."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callqa.access.policies import Action, Owner, allowed
from callqa.core.background import Periodic
from callqa.core.errors import CallqaError, ErrorCode
from callqa.db.engine import unit_of_work
from callqa.insights.dashboard import agent_team
from callqa.reports.build import ReportRequest, ReportSettings, build_report, last_period
from callqa.reports.mail import Attachment, SmtpSettings, message, send
from callqa.reports.models import ReportDeliveryRow, ReportScheduleRow
from callqa.reports.render import report_html, report_pdf
from callqa.users.schemas import LOCALE_PATTERN, UserRole
from callqa.users.service import actor_for

log = logging.getLogger(__name__)
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
RETRY = timedelta(minutes=15)
MAX_ATTEMPTS = 3


class ScheduleIn(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    scope: Literal["centre", "team", "agent"]
    subject: str | None = Field(default=None, description="the team or agent (not for a centre report)")
    cadence: Literal["weekly", "monthly"]
    recipients: list[str] = Field(min_length=1)
    attach: Literal["pdf", "html", "both"] = "pdf"
    locale: str = Field(default="en", pattern=LOCALE_PATTERN, description="the report's language")
    hour: int = Field(default=7, ge=0, le=23, description="local hour to send it")

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value if v.strip()]
        bad = [v for v in cleaned if not EMAIL.match(v)]
        if bad:
            raise ValueError(f"not an e-mail address: {', '.join(bad)}")
        if not cleaned:
            raise ValueError("at least one recipient is needed")
        return cleaned

    @model_validator(mode="after")
    def _subject(self) -> ScheduleIn:
        if self.scope == "centre":
            self.subject = None
        elif not (self.subject or "").strip():
            raise ValueError(f"a {self.scope} report needs the {self.scope}'s name")
        return self


@dataclass(frozen=True)
class Delivery:
    schedule_id: int
    since: date
    until: date
    status: str  # sent | failed
    error: str | None


def next_run(cadence: str, hour: int, after: datetime, zone: ZoneInfo) -> datetime:
    """The first send time strictly after ``after``: Mondays (weekly) or the 1st (monthly) at ``hour``."""
    local = after.astimezone(zone)
    day = local.date()
    for _ in range(400):
        if (cadence == "weekly" and day.weekday() == 0) or (cadence == "monthly" and day.day == 1):
            moment = datetime.combine(day, time(hour), zone)
            if moment > local:
                return moment.astimezone(UTC)
        day += timedelta(days=1)
    raise AssertionError("no send day within 400 days")  # pragma: no cover


def create_schedule(
    session: Session, spec: ScheduleIn, *, creator: int, settings: ReportSettings, now: datetime
) -> ReportScheduleRow:
    """Store a schedule made by ``creator`` (who must be allowed to see what it reports on)."""
    actor = actor_for(session, creator)
    if actor is None or not allowed(actor, Action.REPORT_SCHEDULE, _owner(session, spec.scope, spec.subject)):
        raise CallqaError(
            ErrorCode.P101, reason=f"you may not report on {spec.scope} {spec.subject or ''}".strip()
        )
    row = ReportScheduleRow(
        name=spec.name.strip(),
        scope=spec.scope,
        subject=spec.subject,
        cadence=spec.cadence,
        recipients=", ".join(spec.recipients),
        attach=spec.attach,
        locale=spec.locale,
        hour=spec.hour,
        created_by=creator,
        created_at=now,
        active=True,
        next_run_at=next_run(spec.cadence, spec.hour, now, settings.zone),
        attempts=0,
    )
    session.add(row)
    session.flush()
    return row


def _owner(session: Session, scope: str, subject: str | None) -> Owner | None:
    if scope == "team":
        return Owner(agent=None, team=subject)
    if scope == "agent" and subject:
        return Owner(agent=subject, team=agent_team(session, subject))
    return None


def get_schedule(session: Session, schedule_id: int) -> ReportScheduleRow:
    row = session.get(ReportScheduleRow, schedule_id)
    if row is None:
        raise CallqaError(ErrorCode.P103, schedule=schedule_id)
    return row


def deliveries(session: Session, schedule_id: int, limit: int = 20) -> list[ReportDeliveryRow]:
    query = (
        select(ReportDeliveryRow)
        .where(ReportDeliveryRow.schedule_id == schedule_id)
        .order_by(ReportDeliveryRow.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


Sender = Callable[[SmtpSettings, EmailMessage], None]


def run_due(
    factory: sessionmaker[Session],
    settings: ReportSettings,
    smtp: SmtpSettings | None,
    *,
    now: datetime | None = None,
    sender: Sender = send,
) -> list[Delivery]:
    """Send every schedule whose time has come; one schedule failing does not stop the others."""
    now = now or datetime.now(UTC)
    with factory() as session:
        due = list(
            session.scalars(
                select(ReportScheduleRow.id)
                .where(ReportScheduleRow.active.is_(True), ReportScheduleRow.next_run_at <= now)
                .order_by(ReportScheduleRow.next_run_at)
            )
        )
    return [_run_one(factory, schedule_id, settings, smtp, now, sender) for schedule_id in due]


def _run_one(
    factory: sessionmaker[Session],
    schedule_id: int,
    settings: ReportSettings,
    smtp: SmtpSettings | None,
    now: datetime,
    sender: Sender,
) -> Delivery:
    with unit_of_work(factory) as session:
        row = get_schedule(session, schedule_id)
        local_day = _as_utc(row.next_run_at).astimezone(settings.zone).date()
        since, until = last_period(row.cadence, local_day)
        size, error = 0, None
        try:
            mail = compose(session, row, since, until, settings, smtp)
            size = len(mail.as_bytes())
            assert smtp is not None
            sender(smtp, mail)
        except CallqaError as exc:
            error = str(exc)
        status = "sent" if error is None else "failed"
        session.add(
            ReportDeliveryRow(
                schedule_id=row.id,
                at=now,
                since=since,
                until=until,
                recipients=row.recipients,
                status=status,
                error=error,
                bytes=size,
            )
        )
        row.attempts = 0 if error is None else row.attempts + 1
        if error is not None and row.attempts < MAX_ATTEMPTS:
            row.next_run_at = now + RETRY
        else:
            row.attempts = 0
            row.next_run_at = next_run(
                row.cadence, row.hour, max(now, _as_utc(row.next_run_at)), settings.zone
            )
        return Delivery(row.id, since, until, status, error)


def compose(
    session: Session,
    row: ReportScheduleRow,
    since: date,
    until: date,
    settings: ReportSettings,
    smtp: SmtpSettings | None,
) -> EmailMessage:
    """The e-mail of one run: checked against what the schedule's creator may see today."""
    if smtp is None:
        raise CallqaError(ErrorCode.P102, recipients=row.recipients, reason="no SMTP server is configured")
    actor = actor_for(session, row.created_by) if row.created_by is not None else None
    if actor is None or not allowed(actor, Action.INSIGHTS_VIEW, _owner(session, row.scope, row.subject)):
        raise CallqaError(ErrorCode.P101, reason=f"'{row.name}': its creator may no longer see this report")
    teams = frozenset(actor.led_teams) if actor.role is UserRole.SUPERVISOR else None
    request = ReportRequest(row.scope, row.subject, since, until, teams)  # type: ignore[arg-type]
    html = report_html(build_report(session, request, settings), row.locale)
    files = []
    if row.attach in ("pdf", "both"):
        files.append(Attachment(f"{request.slug()}.pdf", "application/pdf", report_pdf(html)))
    if row.attach in ("html", "both"):
        files.append(Attachment(f"{request.slug()}.html", "text/html", html.encode("utf-8")))
    text = (
        f"{row.name}: quality report for {request.title()}, {since} – {until}.\n"
        f"Attached: {', '.join(f.filename for f in files)}.\n"
    )
    recipients = [r.strip() for r in row.recipients.split(",") if r.strip()]
    return message(
        smtp.sender, recipients, f"Quality report: {request.title()} ({since} – {until})", text, files
    )


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def start_sender(
    factory: sessionmaker[Session], settings: ReportSettings, smtp: SmtpSettings | None, every_s: float = 60.0
) -> Periodic:
    """Send due reports now and every ``every_s`` seconds; a failure is logged, never fatal; stop() to end."""

    def work() -> None:
        for d in run_due(factory, settings, smtp):
            log.info(
                "report schedule %d (%s – %s): %s %s",
                d.schedule_id,
                d.since,
                d.until,
                d.status,
                d.error or "",
            )

    return Periodic("report sender", every_s, work).start()
