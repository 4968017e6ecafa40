"""E-mail (``email``: ``*.eml``; ``mbox``: ``*.mbox``): messages grouped into threads as interactions."""

from __future__ import annotations

import hashlib
import mailbox
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.decoding import looks_binary
from callqa.core.document import Channel, Direction, Role
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, Parsed, ParseResult, SourceRef
from callqa.ingest.formats.email_text import (
    clean_body,
    clean_subject,
    decode_bytes,
    decode_words,
    message_body,
)
from callqa.ingest.timecodes import parse_datetime
from callqa.ingest.validation import build_interaction

DEFAULT_SOURCE = "email"
_MAX_ID = 255
# Enough to tell an empty or binary mailbox without reading a large one whole.
_HEAD_BYTES = 64 * 1024
_ID = re.compile(r"<([^<>\s]+)>")


@dataclass(slots=True)
class _Mail:
    """One message, reduced to what threading and the interaction need."""

    position: int
    line: int | None
    key: str
    references: list[str]
    in_reply_to: str | None
    sender: str
    sender_name: str | None
    recipients: list[str]
    subject: str
    date: datetime | None
    text: str


class EmailFormat:
    """Single e-mail messages saved as ``.eml`` files; each file's thread is a fragment merged on import."""

    name = "email"
    summary = "E-mail messages (.eml), threaded by References / In-Reply-To; quotes and signatures cut"
    per_file = False

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 for ``*.eml``."""
        return 0.9 if path.suffix.lower() == ".eml" else 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        """One merge fragment for the message's thread, or a coded failure."""
        data = _read(path)
        if isinstance(data, Failure):
            yield data
            return
        try:
            message = BytesParser(policy=policy.default).parsebytes(data)
            mail = _mail(message, 0, None, None, config) if message.keys() else None
        except (ValueError, LookupError, TypeError, IndexError) as exc:
            yield Failure.coded(SourceRef(path), ErrorCode.I403, reason=exc)
            return
        except RecursionError:  # thousands of nested multipart parts
            yield Failure.coded(SourceRef(path), ErrorCode.I403, reason=_TOO_DEEP)
            return
        if mail is None:
            yield Failure.coded(SourceRef(path), ErrorCode.I400, reason="no mail headers found")
            return
        if isinstance(mail, ErrorCode):
            yield Failure.coded(SourceRef(path), mail)
            return
        yield from _threads([mail], path, config)


_TOO_DEEP = "its MIME parts are nested too deeply"


class MboxFormat:
    """Mailbox files (``.mbox``) holding many messages; one interaction per thread found in the file."""

    name = "mbox"
    summary = "Mailboxes (.mbox) of many e-mails, threaded by References / In-Reply-To, then subject"
    per_file = False

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 for ``*.mbox``; 0.6 for a file without extension that starts like an mbox."""
        if path.suffix.lower() == ".mbox":
            return 0.9
        if not path.suffix and head.startswith(b"From ") and re.search(rb"(?im)^(from|date|subject):", head):
            return 0.6
        return 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        """One merge fragment per thread; a bad message fails alone, named by the line where it starts."""
        head = _read(path, limit=_HEAD_BYTES)
        if isinstance(head, Failure):
            yield head
            return
        mails: list[_Mail] = []
        count = 0
        try:
            starts = _message_lines(path)
            for position, raw in enumerate(_mbox_messages(path)):
                count += 1
                line = starts[position] if position < len(starts) else None
                mail = _mbox_mail(raw, position, line, config)
                if isinstance(mail, str):
                    yield Failure(SourceRef(path, line), mail)
                else:
                    mails.append(mail)
        except OSError as exc:
            yield Failure.coded(SourceRef(path), ErrorCode.I103, reason=exc.strerror or exc)
            return
        if not count:
            yield Failure.coded(
                SourceRef(path), ErrorCode.I400, reason="the mbox holds no messages (no 'From ' line)"
            )
            return
        yield from _threads(mails, path, config)


def _mbox_mail(raw: bytes, position: int, line: int | None, config: IngestConfig) -> _Mail | str:
    """One mbox message, or the coded reason it cannot be used."""
    from_line, _, body = raw.partition(b"\n")
    try:
        message = BytesParser(policy=policy.default).parsebytes(body)
        mail = _mail(message, position, line, from_line.decode("latin-1"), config)
    except (ValueError, LookupError, TypeError, IndexError) as exc:
        # The stdlib parser is lenient, yet odd input can still raise; only that message fails.
        return ErrorCode.I403.format(reason=exc)
    except RecursionError:
        return ErrorCode.I403.format(reason=_TOO_DEEP)
    return mail.format() if isinstance(mail, ErrorCode) else mail


def _read(path: Path, limit: int | None = None) -> bytes | Failure:
    """The file's bytes (only the first ``limit`` when given), or an I100 / I101 / I103 failure."""
    ref = SourceRef(path)
    try:
        with path.open("rb") as handle:
            data = handle.read() if limit is None else handle.read(limit)
    except OSError as exc:
        return Failure.coded(ref, ErrorCode.I103, reason=exc.strerror or exc)
    if not data.strip() and (limit is None or len(data) < limit):
        return Failure.coded(ref, ErrorCode.I100)
    offset = looks_binary(data)
    if offset is not None:
        return Failure.coded(ref, ErrorCode.I101, offset=offset, byte=data[offset])
    return data


def _mbox_messages(path: Path) -> Iterator[bytes]:
    """Each message's bytes with its ``From`` line; the mailbox stays open only while iterating."""
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key, from_=True)
    finally:
        box.close()


def _message_lines(path: Path) -> list[int]:
    """1-based lines where messages start, found the way ``mailbox.mbox`` finds them."""
    with path.open("rb") as handle:
        return [number for number, line in enumerate(handle, start=1) if line.startswith(b"From ")]


def _header(message: Message, name: str) -> str | None:
    """A header's raw value unfolded; raw 8-bit bytes are decoded in the message's charset, not replaced."""
    wanted = name.lower()
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == wanted), None)
    if raw is None:
        return None
    raw = "".join(raw.splitlines())
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        raw = decode_bytes(raw.encode("ascii", "surrogateescape"), message.get_content_charset())
    return raw.strip() or None


def _text_header(message: Message, name: str) -> str | None:
    value = _header(message, name)
    return " ".join(decode_words(value).split()) or None if value else None


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs of an address header."""
    value = _header(message, name)
    if not value:
        return []
    pairs = getaddresses([value])
    return [(decode_words(display).strip(), addr.strip().lower()) for display, addr in pairs if "@" in addr]


def _ids(value: str | None) -> list[str]:
    if not value:
        return []
    found = _ID.findall(value)
    return found or [part for part in value.split() if "@" in part]


def _clean_id(value: str) -> str:
    value = value.strip().strip("<>")
    if len(value) <= _MAX_ID:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def _mail(
    message: Message, position: int, line: int | None, from_line: str | None, config: IngestConfig
) -> _Mail | ErrorCode:
    senders = _addresses(message, "From") or _addresses(message, "Sender")
    if not senders:
        return ErrorCode.I401
    display, sender = senders[0]
    subject = _text_header(message, "Subject") or ""
    date = _date(_text_header(message, "Date"), from_line, config.timezone)
    raw_text = message_body(message)
    own = _ids(_header(message, "Message-ID"))
    if own:
        key = _clean_id(own[0])
    else:
        seed = "\x1f".join((sender, date.isoformat() if date else "", subject, raw_text))
        key = "sha256:" + hashlib.sha256(seed.encode("utf-8")).hexdigest()
    parents = _ids(_header(message, "In-Reply-To"))
    recipients = [addr for _, addr in _addresses(message, "To") + _addresses(message, "Cc")]
    return _Mail(
        position=position,
        line=line,
        key=key,
        references=[_clean_id(i) for i in _ids(_header(message, "References"))],
        in_reply_to=_clean_id(parents[-1]) if parents else None,
        sender=sender,
        sender_name=display or None,
        recipients=recipients,
        subject=subject,
        date=date,
        text=clean_body(raw_text),
    )


def _date(value: str | None, from_line: str | None, zone: str) -> datetime | None:
    """The Date header, else the date on the mbox ``From`` line; times without a zone are in ``zone``."""
    if value:
        try:
            parsed: datetime | None = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = None
        found = _when(parsed.isoformat() if parsed is not None else value, zone)
        if found is not None:
            return found
    # "From alice@example.com Mon Oct  5 10:00:00 2026": the asctime after the envelope sender.
    words = from_line.split() if from_line else []
    return _when(" ".join(words[2:]), zone) if len(words) >= 3 else None


def _when(text: str, zone: str) -> datetime | None:
    """A header's date-time, or None: a bad date must not cost the message, only its time."""
    with warnings.catch_warnings():
        # dateutil warns about unknown zone names ("+0000 (C)"); the time is still taken, in ``zone``.
        warnings.simplefilter("ignore")
        try:
            return parse_datetime(text, zone)
        except (CallqaError, OverflowError, ValueError):
            # Years at the edge of the calendar overflow when moved to UTC.
            return None


class _Groups:
    """Union-find over message keys and referenced ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _is_agent(address: str, config: IngestConfig) -> bool:
    if address in {a.strip().lower() for a in config.email.agent_addresses}:
        return True
    domain = address.rpartition("@")[2]
    for company in config.email.company_domains:
        company = company.strip().lower().lstrip("@.")
        if company and (domain == company or domain.endswith("." + company)):
            return True
    return False


def _customer_of(mail: _Mail, config: IngestConfig) -> str | None:
    if not _is_agent(mail.sender, config):
        return mail.sender
    return next((r for r in mail.recipients if not _is_agent(r, config)), None)


def _group(mails: list[_Mail], config: IngestConfig) -> list[list[_Mail]]:
    """Threads of the file's messages: reference chains first, then same subject and customer."""
    groups = _Groups()
    for mail in mails:
        for ref in [*mail.references, *([mail.in_reply_to] if mail.in_reply_to else [])]:
            groups.union(ref, mail.key)
        groups.find(mail.key)
    by_topic: dict[tuple[str, str], str] = {}
    for mail in sorted(mails, key=_order):
        cleaned = clean_subject(mail.subject)
        topic = (cleaned.casefold(), _customer_of(mail, config) or "")
        if not topic[0] or not topic[1]:
            continue
        # Only a message that calls itself a reply ("Re: ...") joins by subject: two new e-mails with the
        # same subject (web-form notifications, a repeated complaint) are separate conversations.
        is_reply = cleaned != " ".join(mail.subject.split())
        if topic in by_topic and is_reply and not mail.references and not mail.in_reply_to:
            groups.union(mail.key, by_topic[topic])
        by_topic.setdefault(topic, mail.key)
    threads: dict[str, list[_Mail]] = {}
    for mail in mails:
        threads.setdefault(groups.find(mail.key), []).append(mail)
    return [sorted(thread, key=_order) for thread in threads.values()]


def _order(mail: _Mail) -> tuple[int, float, int]:
    return (0, mail.date.timestamp(), mail.position) if mail.date else (1, 0.0, mail.position)


def _thread_key(thread: list[_Mail]) -> str:
    """The root Message-ID: first of References, else the top of the In-Reply-To chain, else its own id."""
    for mail in thread:
        if mail.references:
            return mail.references[0]
    by_key = {m.key: m for m in thread}
    top, seen = thread[0], {thread[0].key}
    while top.in_reply_to and top.in_reply_to in by_key and top.in_reply_to not in seen:
        top = by_key[top.in_reply_to]
        seen.add(top.key)
    # A parent that is not in this file is still the thread's ancestor, and other files will name it too.
    return top.in_reply_to or top.key


def _threads(mails: list[_Mail], path: Path, config: IngestConfig) -> Iterator[ParseResult]:
    unique: dict[str, _Mail] = {}
    for mail in mails:
        # Mailboxes often hold the same message twice (sent folder and inbox); the first copy is kept.
        unique.setdefault(mail.key, mail)
    for thread in sorted(_group(list(unique.values()), config), key=lambda t: min(m.position for m in t)):
        yield _interaction(thread, path, config)


def _interaction(thread: list[_Mail], path: Path, config: IngestConfig) -> Parsed | Failure:
    key = _thread_key(thread)
    ref = SourceRef(path, min((m.line for m in thread if m.line is not None), default=None))
    kept = [m for m in thread if m.text]
    if not kept:
        return Failure.coded(ref, ErrorCode.I402, thread=key)
    dates = [m.date for m in kept if m.date is not None]
    started = min(dates) if dates else None
    roles = [Role.AGENT if _is_agent(m.sender, config) else Role.CUSTOMER for m in kept]
    turns: list[dict[str, Any]] = []
    for mail, role in zip(kept, roles, strict=True):
        offset = None
        if started is not None and mail.date is not None:
            offset = round((mail.date - started).total_seconds() * 1000)
        turns.append(
            {
                "role": role,
                "text": mail.text,
                "start_ms": offset,
                "speaker": mail.sender_name or mail.sender,
                "external_id": mail.key,
            }
        )
    customer = next((m.sender for m, r in zip(kept, roles, strict=True) if r is Role.CUSTOMER), None)
    data: dict[str, Any] = {
        "external_id": key,
        "source": config.source or DEFAULT_SOURCE,
        "channel": Channel.EMAIL,
        "direction": Direction.INBOUND if roles[0] is Role.CUSTOMER else Direction.OUTBOUND,
        "agent": next((m.sender for m, r in zip(kept, roles, strict=True) if r is Role.AGENT), None),
        "customer": customer or _customer_of(thread[0], config),
        "subject": clean_subject(thread[0].subject) or None,
        "started_at": started,
        "turns": turns,
    }
    result = build_interaction(data, ref)
    return Parsed(result.interaction, ref, merge=True) if isinstance(result, Parsed) else result


EMAIL = EmailFormat()
MBOX = MboxFormat()
