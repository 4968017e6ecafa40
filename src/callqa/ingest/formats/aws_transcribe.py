"""Amazon Transcribe and Transcribe Call Analytics output JSON (``aws-transcribe``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.document import Role
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, ParseResult, SourceRef
from callqa.ingest.formats._jsonfile import Loaded, head_text, is_json_path, load_json, text_of
from callqa.ingest.formats.aws_transcribe_items import NoLabels, channel_index, read_standard
from callqa.ingest.validation import build_interaction

DEFAULT_SOURCE = "aws-transcribe"
# Call Analytics participant roles; Amazon Connect Contact Lens uses the same words as ParticipantId.
PARTICIPANT_ROLES: dict[str, Role] = {"AGENT": Role.AGENT, "CUSTOMER": Role.CUSTOMER, "SYSTEM": Role.SYSTEM}
# Transcribe's Chinese codes name a region; the text's script is what matters downstream.
_LANGUAGE_TAGS = {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant-HK", "zh-sg": "zh-Hans-SG"}
_UNFINISHED = {"FAILED", "IN_PROGRESS", "QUEUED"}
_DETECTIONS = (
    ("IssuesDetected", "issues"),
    ("OutcomesDetected", "outcomes"),
    ("ActionItemsDetected", "action_items"),
)


class AwsTranscribeFormat:
    """Output of an Amazon Transcribe job (channel identification or diarization) or a Call Analytics job."""

    name = "aws-transcribe"
    summary = "Amazon Transcribe / Transcribe Call Analytics output JSON"
    json_hint = "jobName and results, or Call Analytics Transcript with Participants"
    per_file = True

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 for a ``.json`` whose first bytes carry the keys of a Transcribe or Call Analytics result."""
        if not is_json_path(path):
            return 0.0
        text = head_text(head)
        if '"jobName"' in text and '"results"' in text:
            return 0.95
        if '"Transcript"' in text and any(
            key in text for key in ('"Participants"', '"ConversationCharacteristics"', '"JobStatus"')
        ):
            return 0.95
        if '"Transcript"' in text and '"ParticipantRole"' in text and '"BeginOffsetMillis"' in text:
            return 0.9
        if '"results"' in text and '"transcripts"' in text and '"alternatives"' in text:
            return 0.6
        return 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        """One interaction for the file, or one failure saying why not."""
        ref = SourceRef(path)
        loaded = load_json(path)
        if isinstance(loaded, Failure):
            yield loaded
            return
        try:
            yield _parse_document(loaded, path, ref, config)
        except CallqaError as exc:  # a time that is not a number (I503)
            yield Failure.of(ref, exc)


def _parse_document(loaded: Loaded, path: Path, ref: SourceRef, config: IngestConfig) -> ParseResult:
    doc = loaded.value
    if not isinstance(doc, dict):
        return Failure.coded(
            ref, ErrorCode.I500, reason=f"the top level is a JSON {_kind(doc)}, not an object"
        )
    status = text_of(doc.get("status")) or text_of(doc.get("JobStatus"))
    if status and status.upper() in _UNFINISHED:
        return Failure.coded(ref, ErrorCode.I500, reason=f"the job status is {status}")
    if isinstance(doc.get("results"), dict):
        return _standard(doc, path, ref, config)
    if isinstance(doc.get("Transcript"), list):
        return _call_analytics(doc, path, ref, config)
    return Failure.coded(
        ref, ErrorCode.I500, reason="no 'results' object (Transcribe) or 'Transcript' list (Call Analytics)"
    )


def _standard(doc: dict[str, Any], path: Path, ref: SourceRef, config: IngestConfig) -> ParseResult:
    try:
        result = read_standard(doc["results"])
    except NoLabels:
        return Failure.coded(ref, ErrorCode.I502)
    if not result.turns:
        return Failure.coded(ref, ErrorCode.I301)
    turns: list[dict[str, Any]] = []
    for turn in result.turns:
        role = _role_for_label(turn.label, config)
        if role is None:
            return Failure.coded(ref, ErrorCode.I501, label=turn.label)
        turns.append(
            {
                "role": role,
                "text": turn.text,
                "start_ms": turn.start_ms,
                "end_ms": turn.end_ms,
                "speaker": turn.label,
                "channel_index": channel_index(turn.label),
            }
        )
    aws: dict[str, Any] = {"api": "transcribe", "mode": result.mode, "built_from": result.built_from}
    if result.word_confidence is not None:
        aws["word_confidence"] = result.word_confidence
    if result.redacted:
        aws["redacted"] = True
    return build_interaction(
        {
            "external_id": text_of(doc.get("jobName")) or path.stem,
            "source": config.source or DEFAULT_SOURCE,
            "channel": "voice",
            "language": bcp47(result.language),
            "duration_ms": result.duration_ms,
            "turns": turns,
            "metadata": {"aws": aws},
        },
        ref,
    )


def _role_for_label(label: str, config: IngestConfig) -> Role | None:
    roles = config.aws.channel_roles
    if label in roles:
        return roles[label]
    folded = {key.casefold(): role for key, role in roles.items()}
    if label.casefold() in folded:
        return folded[label.casefold()]
    # spk_N without its own entry follows ch_N: the first voice heard is usually the agent's greeting.
    if label.startswith("spk_"):
        return folded.get("ch_" + label[4:])
    return None


def _call_analytics(doc: dict[str, Any], path: Path, ref: SourceRef, config: IngestConfig) -> ParseResult:
    participants = _participant_roles(doc)
    turns: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for segment in doc["Transcript"]:
        if not isinstance(segment, dict):
            continue
        text = text_of(segment.get("Content"))
        if text is None:
            continue
        who = text_of(segment.get("ParticipantRole")) or text_of(segment.get("ParticipantId")) or ""
        who = participants.get(who, who)
        role = _participant_role(who, config)
        if role is None:
            return Failure.coded(ref, ErrorCode.I501, label=who or "(none)")
        start = _offset(segment, "BeginOffsetMillis")
        end = _offset(segment, "EndOffsetMillis")
        turns.append(
            {
                "role": role,
                "text": text,
                "start_ms": start,
                "end_ms": max(end, start) if end is not None and start is not None else end,
                "external_id": text_of(segment.get("Id")),
            }
        )
        notes.append({"turn": len(turns) - 1, **_turn_notes(segment, text)})
    if not turns:
        return Failure.coded(ref, ErrorCode.I301)
    characteristics = _dict(doc.get("ConversationCharacteristics"))
    duration = _millis(characteristics.get("TotalConversationDurationMillis"))
    ends = [t["end_ms"] for t in turns if t["end_ms"] is not None]
    external_id = (
        text_of(doc.get("JobName"))
        or text_of(_dict(doc.get("CustomerMetadata")).get("ContactId"))
        or text_of(doc.get("SessionId"))
        or path.stem
    )
    return build_interaction(
        {
            "external_id": external_id,
            "source": config.source or DEFAULT_SOURCE,
            "channel": "voice",
            "language": bcp47(text_of(doc.get("LanguageCode"))),
            "duration_ms": duration if duration is not None else (max(ends) if ends else None),
            "turns": turns,
            "metadata": {"aws": _analytics_summary(doc, characteristics, notes)},
        },
        ref,
    )


def _participant_roles(doc: dict[str, Any]) -> dict[str, str]:
    """ParticipantId → ParticipantRole, for outputs (Contact Lens) whose segments name an id."""
    mapping: dict[str, str] = {}
    for participant in _list(doc.get("Participants")):
        if isinstance(participant, dict):
            ident, role = (
                text_of(participant.get("ParticipantId")),
                text_of(participant.get("ParticipantRole")),
            )
            if ident and role:
                mapping[ident] = role
    return mapping


def _participant_role(value: str, config: IngestConfig) -> Role | None:
    configured = {key.casefold(): role for key, role in config.aws.channel_roles.items()}
    return configured.get(value.casefold()) or PARTICIPANT_ROLES.get(value.upper())


def _turn_notes(segment: dict[str, Any], text: str) -> dict[str, Any]:
    """Sentiment, loudness and detected issues / outcomes / action items of one segment."""
    notes: dict[str, Any] = {}
    sentiment = text_of(segment.get("Sentiment"))
    if sentiment:
        notes["sentiment"] = sentiment.lower()
    loudness = [
        float(x)
        for x in _list(segment.get("LoudnessScores") or segment.get("LoudnessScore"))
        if isinstance(x, int | float) and not isinstance(x, bool)
    ]
    if loudness:
        notes["loudness_mean"] = round(sum(loudness) / len(loudness), 2)
        notes["loudness_max"] = round(max(loudness), 2)
    for key, name in _DETECTIONS:
        found = [_excerpt(text, x) for x in _list(segment.get(key)) if isinstance(x, dict)]
        if found:
            notes[name] = found
    return notes


def _excerpt(text: str, detection: dict[str, Any]) -> str:
    offsets = _dict(detection.get("CharacterOffsets"))
    begin = _millis(offsets.get("Begin", offsets.get("BeginOffsetChar")))
    end = _millis(offsets.get("End", offsets.get("EndOffsetChar")))
    return text[begin or 0 : end if end is not None else len(text)].strip() or text


def _analytics_summary(
    doc: dict[str, Any], characteristics: dict[str, Any], notes: list[dict[str, Any]]
) -> dict[str, Any]:
    """The Call Analytics insights worth keeping, compacted: roles lower-case, spans as [begin, end] ms."""
    categories = _dict(doc.get("Categories"))
    details = _dict(categories.get("MatchedDetails"))
    sentiment = _dict(characteristics.get("Sentiment"))
    quarters = _dict(_dict(sentiment.get("SentimentByPeriod")).get("QUARTER"))
    interruptions = _dict(characteristics.get("Interruptions"))
    non_talk = _dict(characteristics.get("NonTalkTime"))
    talk_time = _dict(characteristics.get("TalkTime"))
    summary: dict[str, Any] = {
        "api": "call-analytics",
        "categories": [c.strip() for c in _list(categories.get("MatchedCategories")) if isinstance(c, str)],
        "category_spans": {
            name.strip(): _spans(_dict(detail).get("PointsOfInterest")) for name, detail in details.items()
        },
        "sentiment": {
            "overall": _by_role(_dict(sentiment.get("OverallSentiment"))),
            "quarters": {
                role.lower(): [p.get("Score") for p in _list(periods) if isinstance(p, dict)]
                for role, periods in quarters.items()
            },
        },
        "interruptions": {
            "count": interruptions.get("TotalCount"),
            "total_ms": interruptions.get("TotalTimeMillis"),
            "by": {
                role.lower(): _spans(spans)
                for role, spans in _dict(interruptions.get("InterruptionsByInterrupter")).items()
            },
        },
        "non_talk": {"total_ms": non_talk.get("TotalTimeMillis"), "spans": _spans(non_talk.get("Instances"))},
        "talk_time_ms": {
            **{
                r: _dict(d).get("TotalTimeMillis")
                for r, d in _by_role(talk_time.get("DetailsByParticipant")).items()
            },
            "total": talk_time.get("TotalTimeMillis"),
        },
        "talk_speed_wpm": {
            r: _dict(d).get("AverageWordsPerMinute")
            for r, d in _by_role(_dict(characteristics.get("TalkSpeed")).get("DetailsByParticipant")).items()
        },
        "turns": [n for n in notes if len(n) > 1],
    }
    for name in ("issues", "outcomes", "action_items"):
        summary[name] = [x for n in notes for x in n.get(name, [])]
    text = _contact_summary(_dict(characteristics.get("ContactSummary")))
    if text:
        summary["summary"] = text
    output = text_of(_dict(doc.get("ContentMetadata")).get("Output"))
    if output and output.lower() == "redacted":
        summary["redacted"] = True
    compact: dict[str, Any] = _compact(summary)
    return compact


def _contact_summary(block: dict[str, Any]) -> str | None:
    """Generative call summary: ``AutoGenerated.OverallSummary.Content`` or ``PostContactSummary.Content``."""
    overall = _dict(_dict(block.get("AutoGenerated")).get("OverallSummary"))
    return text_of(overall.get("Content")) or text_of(_dict(block.get("PostContactSummary")).get("Content"))


def _spans(value: object) -> list[list[int | None]]:
    return [
        [_millis(x.get("BeginOffsetMillis")), _millis(x.get("EndOffsetMillis"))]
        for x in _list(value)
        if isinstance(x, dict)
    ]


def _by_role(value: object) -> dict[str, Any]:
    return {str(role).lower(): detail for role, detail in _dict(value).items()}


def _compact(value: Any) -> Any:
    """Drops absent parts (None, empty lists and objects) so the stored metadata stays small."""
    if isinstance(value, dict):
        kept = {k: _compact(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def bcp47(code: str | None) -> str | None:
    """Transcribe's language code as a BCP 47 tag: ``en-us`` → ``en-US``, ``zh-CN`` → ``zh-Hans``."""
    if not code:
        return None
    code = code.strip().replace("_", "-")
    if code.lower() in _LANGUAGE_TAGS:
        return _LANGUAGE_TAGS[code.lower()]
    parts = code.split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def _offset(segment: dict[str, Any], key: str) -> int | None:
    """A turn's offset in ms: absent is None; a value that is not a number of ms is an I503 for the file."""
    value = segment.get(key)
    if value is None:
        return None
    millis = _millis(value)
    if millis is None:
        raise CallqaError(ErrorCode.I503, field=key, value=value)
    return millis


def _millis(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 2**53:
        return None
    return round(value)


def _kind(value: object) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null"
    )


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


AWS_TRANSCRIBE = AwsTranscribeFormat()
