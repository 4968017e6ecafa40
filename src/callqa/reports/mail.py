"""Sending a report by e-mail over SMTP (STARTTLS, implicit TLS or plain), attachments included."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str  # e.g. application/pdf
    data: bytes


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | tls | none
    username: str | None = None
    password: str | None = None
    sender: str = "callqa@localhost"
    timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSettings | None:
        """The configured server, or None when no SMTP host is set (reports can then not be e-mailed)."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security,
            settings.smtp_username,
            password,
            settings.smtp_from,
        )


def message(
    sender: str, to: Sequence[str], subject: str, text: str, attachments: Sequence[Attachment]
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Subject"] = subject
    mail.set_content(text)
    for a in attachments:
        main, sub = a.mime.split("/", 1)
        if main == "text":  # sent as UTF-8 text, so clients show non-Latin reports right
            mail.add_attachment(a.data.decode("utf-8"), subtype=sub, filename=a.filename)
        else:
            mail.add_attachment(a.data, maintype=main, subtype=sub, filename=a.filename)
    return mail


def send(smtp: SmtpSettings, mail: EmailMessage) -> None:
    """Hand ``mail`` to the server; any refusal or network error is a P102 naming the recipients."""
    try:
        if smtp.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout_s, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            client.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise CallqaError(
            ErrorCode.P102, recipients=mail["To"], reason=str(exc) or type(exc).__name__
        ) from exc
