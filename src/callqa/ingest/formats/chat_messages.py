"""Reading the messages of one chat export: role, author, time and text under their many field names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.document import Role
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.formats._jsonfile import text_of
from callqa.ingest.roles import RoleLexicon, normalise_word
from callqa.ingest.timecodes import parse_datetime

ROLE_KEYS = ("role", "sender_type", "author_type", "from_type")
AUTHOR_KEYS = ("author", "sender", "from", "name")
TIME_KEYS = ("timestamp", "time", "ts", "created_at", "sent_at")
TEXT_KEYS = ("text", "message", "body", "content")
MESSAGE_ID_KEYS = ("id", "message_id")
ATTACHMENT_KEYS = ("attachments", "attachment", "files", "file")
# Chat platforms' role values on top of the transcript role words (agent, operator, customer, user ...).
CHAT_ROLE_VALUES: dict[str, Role] = {
    "staff": Role.AGENT,
    "human agent": Role.AGENT,
    "live agent": Role.AGENT,
    "visitor": Role.CUSTOMER,
    "end user": Role.CUSTOMER,
    "enduser": Role.CUSTOMER,
    "contact": Role.CUSTOMER,
    "chatbot": Role.BOT,
    "virtual agent": Role.BOT,
    "assistant": Role.BOT,
}
# Values of a message's "type" that say what kind of message it is, not who wrote it.
MESSAGE_KINDS = frozenset(
    {
        "message",
        "msg",
        "text",
        "chat",
        "file",
        "attachment",
        "image",
        "media",
        "event",
        "note",
        "rich_message",
    }
)
_KNOWN_SUMMARY = "agent, operator, staff, customer, visitor, client, user, bot, system"


class ChatProblem(Exception):
    """A problem that fails one chat: an error code and its values; the chat's name is added by the caller."""

    def __init__(self, code: ErrorCode, **values: object) -> None:
        super().__init__(code.name)
        self.code = code
        self.values = values


def pick(obj: object, names: tuple[str, ...]) -> tuple[str, Any] | None:
    """The first of ``names`` present in ``obj`` (exact spelling first, then any case), with its value."""
    if not isinstance(obj, dict):
        return None
    for name in names:
        if name in obj:
            return name, obj[name]
    folded = {key.casefold(): key for key in obj if isinstance(key, str)}
    for name in names:
        key = folded.get(name)
        if key is not None:
            return key, obj[key]
    return None


class MessageReader:
    """Turns a chat's messages into turn dicts, with offsets from the first message."""

    def __init__(self, config: IngestConfig, agent: object = None, customer: object = None) -> None:
        self.lexicon = RoleLexicon({**CHAT_ROLE_VALUES, **config.chat.role_values})
        self.timezone = config.timezone
        self.people = {
            str(name).casefold(): role
            for name, role in ((agent, Role.AGENT), (customer, Role.CUSTOMER))
            if name
        }
        extra = ", ".join(config.chat.role_values)
        self.known = f"{_KNOWN_SUMMARY}, {extra}" if extra else _KNOWN_SUMMARY

    def read(self, messages: list[Any]) -> tuple[list[dict[str, Any]], datetime | None]:
        """Turn dicts for the messages with text (or attachments), and the time of the earliest one."""
        turns: list[dict[str, Any]] = []
        times: list[datetime | None] = []
        for index, message in enumerate(messages, start=1):
            if not isinstance(message, dict):
                raise ChatProblem(ErrorCode.I311, reason=f"message {index} is not a JSON object")
            text = _message_text(message)
            if text is None:
                continue
            author = _author(message)
            turns.append(
                {
                    "role": self._role(message, index, author),
                    "text": text,
                    "speaker": author,
                    "external_id": _first_text(message, MESSAGE_ID_KEYS),
                }
            )
            times.append(self._time(message, index))
        known = [t for t in times if t is not None]
        first = min(known) if known else None
        for turn, at in zip(turns, times, strict=True):
            if at is not None and first is not None:
                turn["start_ms"] = round((at - first).total_seconds() * 1000)
        return turns, first

    def _role(self, message: dict[str, Any], index: int, author: str | None) -> Role:
        for key in ROLE_KEYS:
            value = _first_text(message, (key,))
            if value:
                return self._resolve(value, index)
        for key in AUTHOR_KEYS[:3]:
            person = pick(message, (key,))
            inner = _first_text(person[1], ("role", "type", *ROLE_KEYS[1:])) if person else None
            if inner:
                return self._resolve(inner, index)
        kind = _first_text(message, ("type",))
        role = self._lookup(kind) if kind else None
        if role is None and author:
            role = self.people.get(author.casefold())
        if role is not None:
            return role
        if kind and normalise_word(kind).replace(" ", "_") not in MESSAGE_KINDS:
            raise ChatProblem(ErrorCode.I310, value=kind, index=index, known=self.known)
        raise ChatProblem(
            ErrorCode.I311,
            reason=f"message {index} has no role (role, sender_type, author_type, from_type or type)",
        )

    def _resolve(self, value: str, index: int) -> Role:
        role = self._lookup(value)
        if role is None:
            raise ChatProblem(ErrorCode.I310, value=value, index=index, known=self.known)
        return role

    def _lookup(self, value: str) -> Role | None:
        # "human_agent", "human-agent" and "Human Agent" are the same value.
        return self.lexicon.lookup(value) or self.lexicon.lookup(value.replace("_", " ").replace("-", " "))

    def _time(self, message: dict[str, Any], index: int) -> datetime | None:
        found = pick(message, TIME_KEYS)
        if found is None or found[1] is None or found[1] == "":
            return None
        try:
            return read_time(found[1], self.timezone)
        except ValueError as exc:
            raise ChatProblem(ErrorCode.I311, reason=f"message {index}: {exc}") from exc


def read_time(value: object, timezone: str) -> datetime:
    """ISO 8601 text or Unix seconds / milliseconds → aware datetime; ValueError says what is wrong."""
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]  # MongoDB extended JSON, common in chat platform dumps
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"bad timestamp {value!r}: not a date-time")
    try:
        return parse_datetime(value, timezone)
    except CallqaError as exc:
        raise ValueError(exc.code.value.format(**exc.values)) from exc
    except (ValueError, OverflowError, OSError) as exc:
        raise ValueError(f"bad timestamp {value!r}: out of range") from exc


def _message_text(message: dict[str, Any]) -> str | None:
    """The message's text, with attachments noted; None when it has neither."""
    text = None
    for key in TEXT_KEYS:
        found = pick(message, (key,))
        text = _flatten(found[1]) if found else None
        if text:
            break
    notes = [f"[attachment: {name}]" for name in _attachment_names(message)]
    parts = [p for p in (text, " ".join(notes)) if p]
    return " ".join(parts) if parts else None


def _flatten(value: Any) -> str | None:
    """Text of a string, of an object holding it (``{"text": ...}``), or of a list of content blocks."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        found = pick(value, ("text", "body", "content", "value"))
        return _flatten(found[1]) if found else None
    if isinstance(value, list):
        pieces = [p for p in (_flatten(v) for v in value) if p]
        return " ".join(pieces) or None
    return None


def _attachment_names(message: dict[str, Any]) -> list[str]:
    found = pick(message, ATTACHMENT_KEYS)
    if found is None or not found[1]:
        return []
    files = found[1] if isinstance(found[1], list) else [found[1]]
    names = []
    for item in files:
        name = (
            _first_text(item, ("name", "filename", "file_name", "title", "url"))
            if isinstance(item, dict)
            else None
        )
        names.append(name or text_of(item) or "file")
    return names


def _author(message: dict[str, Any]) -> str | None:
    for key in AUTHOR_KEYS:
        found = pick(message, (key,))
        if found is None:
            continue
        value = found[1]
        name = (
            _first_text(value, ("name", "display_name", "nickname", "id", "email"))
            if isinstance(value, dict)
            else None
        )
        name = name or text_of(value)
        if name:
            return name
    return None


def _first_text(obj: object, names: tuple[str, ...]) -> str | None:
    found = pick(obj, names)
    return text_of(found[1]) if found else None
