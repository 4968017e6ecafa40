"""Replace sensitive data by typed placeholders in text and in whole interactions, recording where."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from callqa.core.document import Interaction
from callqa.privacy.context import TURN_BREAK
from callqa.privacy.detectors import (
    asks_personal,
    detect,
    detect_unchecked,
    has_number_or_address,
    may_hold_sensitive,
    resolve,
)
from callqa.privacy.kinds import OPTIONS, PLACEHOLDERS, Finding, Kind
from callqa.privacy.names import may_name
from callqa.privacy.turns import split_findings

# Integers shorter than this cannot hold any detectable value (SSNs, the shortest, have 9 digits).
_MIN_SENSITIVE_INT = 10**8
# Digests of (context, text) pairs known to hold nothing sensitive: scripted lines repeat, and a digest
# (never the text) is all that is kept.
_CLEAN_LIMIT = 200_000
_clean: set[bytes] = set()


@dataclass(frozen=True, slots=True)
class Redaction:
    """A placeholder at ``start:end`` of the redacted text; ``original_*``: the source span, not the value."""

    kind: Kind
    start: int
    end: int
    original_start: int
    original_end: int


@dataclass(frozen=True, slots=True)
class RedactedText:
    """Text with each finding replaced by its placeholder, and where the placeholders are."""

    text: str
    redactions: list[Redaction] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was redacted."""
        return bool(self.redactions)


@dataclass(frozen=True, slots=True)
class FieldRedaction:
    """A placeholder in one field of an interaction (``turns.3.text``, ``subject``, ``metadata.notes``)."""

    field: str
    kind: Kind
    start: int
    end: int


def configure(*, person_names: bool) -> None:
    """Set what this process redacts beyond the defaults (the runtime calls this from its settings)."""
    OPTIONS.person_names = person_names
    _clean.clear()  # what was clean may hold a name now


def redact_text(text: str, *, context: str = "") -> RedactedText:
    """Replace card numbers, CVVs, expiries, IBANs, e-mails, phones, national IDs, dates of birth and
    postal addresses by placeholders."""
    if not may_hold_sensitive(text, context):
        return RedactedText(text)
    return _redact_unchecked(text, context)


def _redact_unchecked(text: str, context: str) -> RedactedText:
    key = hashlib.blake2b(f"{context}\0{text}".encode(), digest_size=16).digest()
    if key in _clean:
        return RedactedText(text)
    findings = detect_unchecked(text, context=context)
    if not findings:
        if len(_clean) >= _CLEAN_LIMIT:
            _clean.clear()
        _clean.add(key)
        return RedactedText(text)
    return apply_findings(text, findings)


def apply_findings(text: str, findings: list[Finding]) -> RedactedText:
    """``text`` with each (sorted, non-overlapping) finding replaced by its kind's placeholder."""
    if not findings:
        return RedactedText(text)
    parts: list[str] = []
    redactions: list[Redaction] = []
    last = 0
    length = 0
    for finding in findings:
        kept = text[last : finding.start]
        parts.append(kept)
        length += len(kept)
        placeholder = PLACEHOLDERS[finding.kind]
        parts.append(placeholder)
        redactions.append(
            Redaction(finding.kind, length, length + len(placeholder), finding.start, finding.end)
        )
        length += len(placeholder)
        last = finding.end
    parts.append(text[last:])
    return RedactedText("".join(parts), redactions)


def redact_turns(turns: list[tuple[str, str]]) -> list[RedactedText]:
    """Each (role, text) turn redacted with what was said before it as context, and numbers split across
    consecutive turns redacted in every part (:mod:`callqa.privacy.turns`)."""
    # Each turn's keywords are looked up once: a turn is read when it or the turn before may hold something.
    personal = [asks_personal(text) for _, text in turns]
    results = [
        _redact_unchecked(text, turn_context(turns, index))
        if personal[index]
        or (index and personal[index - 1])
        or has_number_or_address(text)
        or (OPTIONS.person_names and may_name(text))
        else RedactedText(text)
        for index, (_role, text) in enumerate(turns)
    ]
    split = split_findings(turns, lambda index: turn_context(turns, index))
    for index, parts in enumerate(split):
        if not parts:
            continue
        own = [Finding(r.kind, r.original_start, r.original_end) for r in results[index].redactions]
        results[index] = apply_findings(turns[index][1], resolve(own + parts))
    return results


# What may never sit in an identifier (ids, names, labels): these are redacted there too. Phones and e-mail
# addresses stay in a customer reference (they are how a customer is recognised; erasure finds them).
IDENTIFIER_KINDS: frozenset[Kind] = frozenset({"card_number", "national_id", "iban"})


def identifier_findings(text: str) -> list[Finding]:
    """Card numbers, national IDs and IBANs in an identifier or label (a file name, an agent name ...)."""
    if not may_hold_sensitive(text):
        return []
    return [f for f in detect(text) if f.kind in IDENTIFIER_KINDS]


def redact_identifier(text: str) -> str:
    """``text`` with any card number, national ID or IBAN replaced by its placeholder."""
    findings = identifier_findings(text)
    return apply_findings(text, findings).text if findings else text


class _Collector:
    """Redacts values field by field and remembers what was redacted where."""

    def __init__(self) -> None:
        self.records: list[FieldRedaction] = []

    def text(self, value: str, path: str, context: str = "") -> str:
        result = redact_text(value, context=context)
        self.records.extend(FieldRedaction(path, r.kind, r.start, r.end) for r in result.redactions)
        return result.text

    def identifier(self, value: str, path: str) -> str:
        findings = identifier_findings(value)
        if not findings:
            return value
        result = apply_findings(value, findings)
        self.records.extend(FieldRedaction(path, r.kind, r.start, r.end) for r in result.redactions)
        return result.text

    def _key(self, key: Any, path: str, taken: dict[Any, Any]) -> Any:
        """A metadata key with anything sensitive in it replaced; two keys never merge into one."""
        if not isinstance(key, str):
            return key
        base = name = self.text(key, f"{path}.<key>")
        suffix = 2
        while name is not key and name in taken:
            name = f"{base} ({suffix})"
            suffix += 1
        return name

    def value(self, value: Any, path: str) -> Any:
        """A redacted copy of a JSON-like value; the same object when nothing in it was sensitive."""
        if isinstance(value, str):
            return self.text(value, path)
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and abs(value) >= _MIN_SENSITIVE_INT:
            # A card or ID stored as a JSON number; it becomes the placeholder string.
            as_text = str(value)
            redacted = self.text(as_text, path)
            return value if redacted == as_text else redacted
        if isinstance(value, dict):
            new_dict: dict[Any, Any] = {}
            for key, item in value.items():
                name = self._key(key, path, new_dict)
                new_dict[name] = self.value(item, f"{path}.{name}")
            changed = list(new_dict) != list(value) or any(
                new is not old for new, old in zip(new_dict.values(), value.values(), strict=True)
            )
            return new_dict if changed else value
        if isinstance(value, list | tuple):
            items = [self.value(item, f"{path}.{index}") for index, item in enumerate(value)]
            if all(new is old for new, old in zip(items, value, strict=True)):
                return value
            return type(value)(items)
        return value


def redact_json(value: Any) -> Any:
    """A redacted copy of a JSON-like value, keys included (the same object when nothing was found)."""
    return _Collector().value(value, "")


def turn_contexts(turns: list[tuple[str, str]]) -> list[str]:
    """The context of each (role, text) turn: the turns before it back to the other party's last one.

    A party that goes on after a pause ("Yes, it's 4646." … "4646, 4646, 4644.") is still answering the
    other party's question ("Can you give me the card number?"); only card-number questions are read that
    far back (:class:`callqa.privacy.context.Context`).
    """
    return [turn_context(turns, index) for index in range(len(turns))]


def turn_context(turns: list[tuple[str, str]], index: int) -> str:
    """The context of the turn at ``index`` (see :func:`turn_contexts`)."""
    role = turns[index][0]
    parts: list[str] = []
    for earlier_role, earlier_text in reversed(turns[max(0, index - 4) : index]):
        parts.append(earlier_text)
        if earlier_role != role:
            break
    return TURN_BREAK.join(reversed(parts))


def redact_interaction(interaction: Interaction) -> tuple[Interaction, list[FieldRedaction]]:
    """A redacted copy of every free-text field (the same object if clean) and where each placeholder is."""
    collector = _Collector()
    update: dict[str, Any] = {}

    turns = list(interaction.turns)
    # What was said before is context: "what's the code on the back?" makes a bare "123" a CVV.
    said = [(t.role.value, t.text) for t in interaction.turns]
    for index, (turn, result) in enumerate(zip(interaction.turns, redact_turns(said), strict=True)):
        if result.changed:
            path = f"turns.{index}.text"
            collector.records.extend(FieldRedaction(path, r.kind, r.start, r.end) for r in result.redactions)
            turns[index] = turn.model_copy(update={"text": result.text})
    for index, turn in enumerate(turns):
        labels = {
            name: collector.identifier(label, f"turns.{index}.{name}")
            for name, label in (("speaker", turn.speaker), ("external_id", turn.external_id))
            if label
        }
        if any(labels[name] is not getattr(turn, name) for name in labels):
            turns[index] = turn.model_copy(update=labels)
    if any(new is not old for new, old in zip(turns, interaction.turns, strict=True)):
        update["turns"] = turns

    for name in ("external_id", "agent", "team", "queue", "customer"):
        label = getattr(interaction, name)
        if label:
            cleaned = collector.identifier(label, name)
            if cleaned is not label:
                update[name] = cleaned

    if interaction.subject is not None:
        subject = collector.text(interaction.subject, "subject")
        if subject is not interaction.subject:
            update["subject"] = subject

    events = list(interaction.events)
    for index, event in enumerate(interaction.events):
        if event.detail is not None:
            detail = collector.text(event.detail, f"events.{index}.detail")
            if detail is not event.detail:
                events[index] = event.model_copy(update={"detail": detail})
    if any(new is not old for new, old in zip(events, interaction.events, strict=True)):
        update["events"] = events

    survey = interaction.survey
    if survey is not None and survey.comment is not None:
        comment = collector.text(survey.comment, "survey.comment")
        if comment is not survey.comment:
            update["survey"] = survey.model_copy(update={"comment": comment})

    metadata = collector.value(interaction.metadata, "metadata")
    if metadata is not interaction.metadata:
        update["metadata"] = metadata

    if not update:
        return interaction, []
    return interaction.model_copy(update=update), collector.records
