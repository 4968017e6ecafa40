"""What the interaction page shows: the transcript with each criterion's evidence marked in it, the
sentiment timeline, moments and metrics — built from the stored interaction, evaluation and analysis."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from callqa.interactions.queries import StoredInteraction
from callqa.scoring.queries import StoredEvaluation


@dataclass(frozen=True)
class Piece:
    """A stretch of a turn's text and the criteria whose evidence covers it."""

    text: str
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class TurnView:
    index: int
    role: str
    speaker: str | None
    start_ms: int | None
    end_ms: int | None
    language: str | None
    sentiment: float | None
    pieces: list[Piece]
    sent_at: datetime | None = None  # an e-mail's send date and time (its offset added to the thread's start)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    role: str
    turn: int
    value: float


@dataclass
class InteractionView:
    stored: StoredInteraction
    evaluation: StoredEvaluation | None
    turns: list[TurnView]
    criteria: list[dict[str, Any]]
    sentiment: dict[str, Any]
    timeline: dict[str, list[Point]]
    moments: list[dict[str, Any]]
    metrics: dict[str, Any]
    summary: dict[str, Any] | None
    friction: list[dict[str, Any]] = field(default_factory=list)


def pieces(text: str, spans: list[tuple[int, int, str]]) -> list[Piece]:
    """Cut ``text`` at every span edge; each piece carries the labels of the spans covering it."""
    cuts = {0, len(text)}
    for start, end, _ in spans:
        if 0 <= start < end <= len(text):
            cuts.update((start, end))
    edges = sorted(cuts)
    out: list[Piece] = []
    for start, end in itertools.pairwise(edges):
        marks = tuple(
            dict.fromkeys(label for s, e, label in spans if s <= start and end <= e and s < e <= len(text))
        )
        out.append(Piece(text[start:end], marks))
    return out


def _evidence_spans(evaluation: StoredEvaluation | None) -> dict[int, list[tuple[int, int, str]]]:
    found: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    if evaluation is None:
        return found
    for criterion in evaluation.criteria:
        for item in criterion["evidence"]:
            turn, start, end = item.get("turn"), item.get("char_start"), item.get("char_end")
            if isinstance(turn, int) and isinstance(start, int) and isinstance(end, int):
                found[turn].append((start, end, str(criterion["id"])))
    return found


def _timeline(turns: list[TurnView], width: float = 600.0, height: float = 80.0) -> dict[str, list[Point]]:
    """Sentiment per turn as SVG points: x by turn order, y from +1 (top) to −1 (bottom), a line per role."""
    scored = [t for t in turns if t.sentiment is not None]
    if not scored:
        return {}
    last = max(1, len(turns) - 1)
    out: dict[str, list[Point]] = defaultdict(list)
    for turn in scored:
        value = float(turn.sentiment or 0.0)
        x = round(width * turn.index / last, 1)
        y = round(height / 2 * (1 - max(-1.0, min(1.0, value))), 1)
        out[turn.role].append(Point(x, y, turn.role, turn.index, value))
    return dict(out)


def _sent_at(stored: StoredInteraction, start_ms: int | None) -> datetime | None:
    """When an e-mail was sent: offsets from the thread's first message read as "43:23:14" otherwise."""
    doc = stored.doc
    if doc.channel != "email" or doc.started_at is None or start_ms is None:
        return None
    return doc.started_at + timedelta(milliseconds=start_ms)


def interaction_view(
    stored: StoredInteraction, evaluation: StoredEvaluation | None, analysis: dict[str, Any] | None
) -> InteractionView:
    analysis = analysis or {}
    spans = _evidence_spans(evaluation)
    sentiments = analysis.get("turn_sentiment") or []
    languages = analysis.get("turn_languages") or []
    turns = [
        TurnView(
            index=i,
            role=turn.role.value,
            speaker=turn.speaker,
            start_ms=turn.start_ms,
            end_ms=turn.end_ms,
            language=languages[i] if i < len(languages) else None,
            sentiment=sentiments[i] if i < len(sentiments) else None,
            pieces=pieces(turn.text, spans.get(i, [])),
            sent_at=_sent_at(stored, turn.start_ms),
        )
        for i, turn in enumerate(stored.doc.turns)
    ]
    return InteractionView(
        stored=stored,
        evaluation=evaluation,
        turns=turns,
        criteria=list(evaluation.criteria) if evaluation else [],
        sentiment=dict(analysis.get("sentiment") or {}),
        timeline=_timeline(turns),
        moments=list(analysis.get("moments") or []),
        metrics=dict(analysis.get("metrics") or {}),
        summary=analysis.get("summary"),
        friction=list(analysis.get("friction") or []),
    )
