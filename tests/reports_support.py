"""A real SMTP server on a loopback port (aiosmtpd) that keeps every message it is handed, and a
PDF page rendered to PNG (pypdfium2) to check what a report looks like."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from browser_support import ARTIFACTS


@dataclass
class Inbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)


class _Keep:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # the name aiosmtpd calls
        self.inbox.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller

    inbox = Inbox(free_port())
    controller = Controller(_Keep(inbox), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@dataclass(frozen=True)
class Page:
    text: str
    png: Path
    ink: float  # share of pixels that are not white


def pdf_pages(pdf: bytes, name: str) -> list[Page]:
    """Every page's text and a PNG of it (kept under .artifacts/reports), with how much of it is drawn."""
    import pypdfium2 as pdfium

    folder = ARTIFACTS / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            text = page.get_textpage().get_text_range()
            image = page.render(scale=1).to_pil().convert("L")
            path = folder / f"{name}-{i + 1}.png"
            image.save(path)
            counts = image.histogram()  # 256 grey levels
            ink = sum(counts[:240]) / sum(counts)
            pages.append(Page(text, path, ink))
    finally:
        doc.close()
    return pages
