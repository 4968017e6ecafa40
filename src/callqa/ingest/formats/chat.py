"""Chat exports (``chat``): a chat object, an array of chats, ``{"chats": [...]}`` or a message array."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.document import Channel, Direction
from callqa.core.errors import ErrorCode
from callqa.ingest.base import Failure, Parsed, ParseResult, SourceRef
from callqa.ingest.formats._jsonfile import head_text, is_json_path, load_json, text_of
from callqa.ingest.formats.chat_messages import ChatProblem, MessageReader, pick, read_time
from callqa.ingest.validation import build_interaction

DEFAULT_SOURCE = "chat"
MESSAGE_KEYS = ("messages", "transcript", "conversation")
ID_KEYS = ("id", "chat_id", "external_id")
# Interaction fields a chat object may carry as they are; anything else it carries goes to metadata.
_PASSED = ("agent", "team", "queue", "customer", "language", "subject")
_KNOWN = {
    *MESSAGE_KEYS,
    *ID_KEYS,
    *_PASSED,
    "started_at",
    "survey",
    "metadata",
    "channel",
    "direction",
    "duration_ms",
}
_CHANNELS = frozenset(c.value for c in Channel)
_DIRECTIONS = frozenset(d.value for d in Direction)
_SHAPES = 'chat object, an array of chats, {"chats": [...]} or an array of messages'


class ChatFormat:
    """Chat transcripts exported as JSON by chat platforms; one interaction per chat."""

    name = "chat"
    summary = 'Chat exports (JSON): a chat, an array of chats, {"chats": [...]} or an array of messages'
    json_hint = "messages (or a chats list of them), each with a role or sender and text"
    per_file = False

    def sniff(self, path: Path, head: bytes) -> float:
        """0.8 for a ``.json`` with a messages list; never callqa's own JSON (it has ``turns``)."""
        if not is_json_path(path):
            return 0.0
        text = head_text(head)
        if '"turns"' in text or any(
            k in text for k in ('"jobName"', '"JobStatus"', '"ConversationCharacteristics"')
        ):
            return 0.0
        message_like = any(k in text for k in ('"text"', '"body"', '"message"', '"content"')) and any(
            k in text for k in ('"role"', '"sender', '"author', '"from', '"type"')
        )
        if '"messages"' in text or (('"transcript"' in text or '"conversation"' in text) and message_like):
            return 0.8
        if text.lstrip().startswith("[") and message_like:
            return 0.5
        return 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        """One interaction per chat; a bad chat fails alone, named by its index and id."""
        loaded = load_json(path)
        if isinstance(loaded, Failure):
            yield loaded
            return
        ref = SourceRef(path)
        found = _chats(loaded.value)
        if found is None:
            yield Failure.coded(ref, ErrorCode.I203, expected=_SHAPES)
            return
        chats, numbered = found
        if not chats:
            yield Failure.coded(ref, ErrorCode.I301)
            return
        seen: dict[str, str] = {}
        for position, chat in enumerate(chats, start=1):
            result = _parse_chat(chat, position if numbered else None, path, config)
            if isinstance(result, Parsed):
                external_id = result.interaction.external_id
                if external_id in seen:
                    result = Failure.coded(
                        ref, ErrorCode.I202, external_id=external_id, first=seen[external_id]
                    )
                else:
                    seen[external_id] = _describe(position if numbered else None, external_id)
            yield result


def _chats(document: Any) -> tuple[list[Any], bool] | None:
    """The chats in a document (chat objects, or one bare list of messages) and whether they are numbered."""
    if isinstance(document, dict):
        listed = pick(document, ("chats",))
        if listed is not None and isinstance(listed[1], list):
            return listed[1], True
        return ([document], False) if pick(document, MESSAGE_KEYS) is not None else None
    if isinstance(document, list):
        if any(isinstance(x, dict) and _is_chat(x) for x in document):
            return document, True
        return ([document] if document else []), False
    return None


def _is_chat(value: dict[str, Any]) -> bool:
    found = pick(value, MESSAGE_KEYS)
    return found is not None and isinstance(found[1], list)


def _describe(position: int | None, explicit_id: str | None) -> str:
    if position is None:
        return f"chat '{explicit_id}'" if explicit_id else "chat"
    return f"chat #{position}" + (f" (id {explicit_id})" if explicit_id else "")


def _parse_chat(chat: Any, position: int | None, path: Path, config: IngestConfig) -> Parsed | Failure:
    ref = SourceRef(path)
    if isinstance(chat, list):
        chat = {"messages": chat}
    if not isinstance(chat, dict):
        return Failure.coded(ref, ErrorCode.I311, chat=_describe(position, None), reason="not a JSON object")
    found_id = pick(chat, ID_KEYS)
    explicit_id = text_of(found_id[1]) if found_id else None
    label = _describe(position, explicit_id)
    try:
        data = _interaction(chat, explicit_id, position, path, config)
    except ChatProblem as problem:
        return Failure.coded(ref, problem.code, chat=label, **problem.values)
    result = build_interaction(data, ref)
    if isinstance(result, Failure):
        return Failure(
            ref, result.message.replace("invalid interaction: ", f"invalid interaction: {label}: ", 1)
        )
    return result


def _interaction(
    chat: dict[str, Any], explicit_id: str | None, position: int | None, path: Path, config: IngestConfig
) -> dict[str, Any]:
    found = pick(chat, MESSAGE_KEYS)
    messages = found[1] if found else None
    if not isinstance(messages, list):
        raise ChatProblem(
            ErrorCode.I311, reason=f"'{found[0] if found else 'messages'}' is not a list of messages"
        )
    data: dict[str, Any] = {
        "external_id": explicit_id or (path.stem if position is None else f"{path.stem}#{position}"),
        "source": config.source or DEFAULT_SOURCE,
        "channel": Channel.CHAT,
    }
    metadata: dict[str, Any] = {}
    for key, value in chat.items():
        folded = key.casefold()
        if folded in _PASSED:
            data[folded] = _name_of(value, prefer_id=folded == "customer")
        elif folded == "channel" and isinstance(value, str) and value in _CHANNELS:
            data["channel"] = value
        elif folded == "direction" and isinstance(value, str) and value in _DIRECTIONS:
            data["direction"] = value
        elif folded in {"survey", "duration_ms"}:
            data[folded] = value
        elif folded == "metadata" and isinstance(value, dict):
            continue
        elif folded not in _KNOWN or folded in {"channel", "direction", "metadata"}:
            metadata[key] = value
    explicit_metadata = pick(chat, ("metadata",))
    if explicit_metadata and isinstance(explicit_metadata[1], dict):
        metadata.update(explicit_metadata[1])
    if metadata:
        data["metadata"] = metadata
    reader = MessageReader(config, agent=data.get("agent"), customer=data.get("customer"))
    turns, first_time = reader.read(messages)
    if not turns:
        raise ChatProblem(ErrorCode.I311, reason="no message has text")
    data["turns"] = turns
    started = pick(chat, ("started_at",))
    data["started_at"] = _started_at(started[1], config) if started and started[1] is not None else first_time
    return data


def _started_at(value: Any, config: IngestConfig) -> datetime:
    try:
        return read_time(value, config.timezone)
    except ValueError as exc:
        raise ChatProblem(ErrorCode.I311, reason=f"started_at: {exc}") from exc


def _name_of(value: Any, prefer_id: bool = False) -> Any:
    """A person given as an object (``{"id": 7, "name": "Marius"}``) → its name (id for customers)."""
    if isinstance(value, dict):
        keys = (
            ("id", "email", "name", "display_name") if prefer_id else ("name", "display_name", "id", "email")
        )
        for key in keys:
            if text_of(value.get(key)):
                return text_of(value.get(key))
        return None
    return text_of(value) if isinstance(value, int | float) else value


CHAT = ChatFormat()
