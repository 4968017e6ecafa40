"""E-mailing in-app notifications to the users who opted in, over the SMTP server reports use: one message
per user per run with everything new since the last one, in the user's language, links made absolute with
``public_url``. Each notification is e-mailed at most once (``emailed_at``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.background import Periodic
from callqa.core.errors import CallqaError
from callqa.core.i18n import translations
from callqa.reports.mail import SmtpSettings, message, send
from callqa.review.models import NotificationMailRow, NotificationRow
from callqa.review.notifications import as_notification, wording
from callqa.users.models import UserRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailRun:
    sent: int  # e-mails handed to the server
    notifications: int  # notifications they carried
    failed: list[str]  # addresses the server refused (tried again next run)


def send_notification_mail(
    factory: sessionmaker[Session], smtp: SmtpSettings, *, public_url: str | None = None
) -> MailRun:
    """E-mail each opted-in user their notifications made since they opted in and not e-mailed yet."""
    with factory() as session:
        query = (
            select(NotificationRow, NotificationMailRow.address, UserRow.locale)
            .join(NotificationMailRow, NotificationMailRow.user_id == NotificationRow.user_id)
            .join(UserRow, UserRow.id == NotificationRow.user_id)
            .where(
                NotificationMailRow.enabled.is_(True),
                NotificationRow.emailed_at.is_(None),
                NotificationRow.created_at >= NotificationMailRow.updated_at,
                UserRow.active.is_(True),
            )
            .order_by(NotificationRow.user_id, NotificationRow.id)
        )
        pending: dict[tuple[str, str], list[NotificationRow]] = {}
        for row, address, locale in session.execute(query):
            pending.setdefault((address, locale or "en"), []).append(row)
        session.expunge_all()
    sent, carried, failed = 0, 0, []
    for (address, locale), rows in pending.items():
        mail = message(smtp.sender, [address], *_wording(rows, locale, public_url), [])
        try:
            send(smtp, mail)
        except CallqaError as exc:
            log.warning("%s", exc)
            failed.append(address)
            continue
        with factory.begin() as session:
            ids = [r.id for r in rows]
            for row in session.scalars(select(NotificationRow).where(NotificationRow.id.in_(ids))):
                row.emailed_at = datetime.now(UTC)
        sent, carried = sent + 1, carried + len(rows)
    return MailRun(sent, carried, failed)


def _wording(rows: list[NotificationRow], locale: str, public_url: str | None) -> tuple[str, str]:
    """The subject and the plain-text body, in the reader's language."""
    words = translations(locale)
    lines = []
    for row in rows:
        shown = as_notification(row)
        said = wording(shown, words.gettext)
        link = f"{(public_url or '').rstrip('/')}{shown.link}" if shown.link else ""
        lines.append(f"- {said}\n  {link}".rstrip())
    subject = words.gettext("callqa: new notifications (%(n)s)") % {"n": len(rows)}
    return subject, "\n".join(lines) + "\n"


def start_notification_mailer(
    factory: sessionmaker[Session], smtp: SmtpSettings | None, every_s: float, public_url: str | None
) -> Periodic | None:
    """E-mail notifications every ``every_s`` seconds (None: no SMTP server, or ``every_s`` is 0)."""
    if smtp is None or every_s <= 0:
        return None

    def work() -> None:
        run = send_notification_mail(factory, smtp, public_url=public_url)
        if run.sent or run.failed:
            log.info(
                "notification mail: %d sent (%d notifications), %d failed",
                run.sent,
                run.notifications,
                len(run.failed),
            )

    return Periodic("notification mailer", every_s, work).start()
