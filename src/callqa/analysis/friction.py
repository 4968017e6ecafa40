"""Friction points: the customer repeating themselves, dead air, long holds, transfers, sentiment drops."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from callqa.analysis.base import Analysis, analyzers
from callqa.analysis.summary import sentence_spans, size
from callqa.analysis.text import PhraseMatcher, fold
from callqa.core.annotations import Friction, SentimentResult, Timeline
from callqa.core.document import Interaction, Turn

# Two customer sentences are a repetition when the Jaccard similarity of their character shingles
# (trigrams of alphabetic text, bigrams of Han text, both on the folded text so case, diacritics and
# traditional/simplified do not matter) is at least this. 0.5 catches "I want to speak to your manager" /
# "I want to speak to a manager now" and misses two different sentences about the same card.
REPEAT_SIMILARITY = 0.5
_MIN_REPEAT_SIZE = 4  # words; "Yes, please." twice is not a repetition
_HAN_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")
_NON_WORD = re.compile(r"[\W_]+")
# The customer saying they are repeating themselves, whatever the similarity.
_REPEAT_CUES = (
    "as i said|like i said|i already told you|i've already told you|i told you|as i mentioned|i already said|"
    "我都说了|我已经说过|我说过了|我刚才说了|kaip sakiau|jau sakiau|kaip minėjau|jau minėjau|"
    "گفتم که|همین الان گفتم|قبلاً گفتم|بهتون گفتم"
)


@functools.cache
def _repeat_cues() -> PhraseMatcher:
    return PhraseMatcher(_REPEAT_CUES.split("|"))


@functools.lru_cache(maxsize=65_536)
def shingles(text: str) -> frozenset[str]:
    """Character trigrams of alphabetic words (padded) and bigrams of Han runs, on folded text."""
    folded = fold(text).text
    grams: set[str] = set()
    for run in _HAN_RUN.findall(folded):
        grams.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    latin = _NON_WORD.sub(" ", _HAN_RUN.sub(" ", folded)).strip()
    for word in latin.split():
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' shingles (0 when either is empty)."""
    return _jaccard(shingles(a), shingles(b))


def _jaccard(sa: frozenset[str], sb: frozenset[str]) -> float:
    if not sa or not sb:
        return 0.0
    common = len(sa & sb)
    return common / (len(sa) + len(sb) - common)


def _repeats(grams: frozenset[str], earlier: Sequence[frozenset[str]], threshold: float) -> bool:
    """Whether ``grams`` is at least ``threshold`` similar to any earlier set. Jaccard can reach the
    threshold only if the smaller set has at least ``threshold`` times the larger one's size, so most
    pairs are ruled out without intersecting them."""
    n = len(grams)
    if not n:
        return False
    low, high = n * threshold, n / threshold
    return any(low <= len(e) <= high and _jaccard(grams, e) >= threshold for e in earlier)


def _quote(text: str, limit: int = 90) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _clock(ms: int | None) -> str:
    if ms is None:
        return "?"
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def repetitions(turns: Sequence[Turn], threshold: float = REPEAT_SIMILARITY) -> list[Friction]:
    """Customer turns that repeat an earlier customer sentence (or say they are repeating)."""
    found: list[Friction] = []
    earlier: list[frozenset[str]] = []
    for index, turn in enumerate(turns):
        if turn.role != "customer":
            continue
        sentences = [turn.text[s:e] for s, e in sentence_spans(turn.text)]
        long_enough = [(s, shingles(s)) for s in sentences if size(s) >= _MIN_REPEAT_SIZE]
        repeated = next((s for s, grams in long_enough if _repeats(grams, earlier, threshold)), None)
        if repeated is None and _repeat_cues().find(turn.text):
            repeated = turn.text
        if repeated is not None:
            found.append(
                Friction("repetition", index, turn.start_ms, f"Customer repeated: '{_quote(repeated)}'")
            )
        earlier.extend(grams for _, grams in long_enough)
    return found


def transfers(interaction: Interaction) -> list[Friction]:
    """One friction per transfer event, numbered ("transfer 2 of 2")."""
    events = [e for e in interaction.events if e.kind == "transfer"]
    found = []
    for number, event in enumerate(events, start=1):
        turn = max(
            (
                i
                for i, t in enumerate(interaction.turns)
                if t.start_ms is not None and event.start_ms is not None and t.start_ms <= event.start_ms
            ),
            default=None,
        )
        target = f": {event.detail}" if event.detail else ""
        detail = f"Transfer {number} of {len(events)} at {_clock(event.start_ms)}{target}"
        found.append(Friction("transfer", turn, event.start_ms, detail))
    return found


def gaps(line: Timeline, *, silence_s: float, hold_s: float) -> list[Friction]:
    """Silences longer than ``silence_s`` (holds excluded) and holds longer than ``hold_s``."""
    found = [
        Friction(
            "long_silence", g.after_turn, g.start_ms, f"{g.seconds:.0f} s of silence at {_clock(g.start_ms)}"
        )
        for g in line.silences
        if g.seconds > silence_s
    ]
    found += [
        Friction(
            "hold",
            g.after_turn,
            g.start_ms,
            f"Customer on hold for {g.seconds:.0f} s at {_clock(g.start_ms)}",
        )
        for g in line.holds
        if g.seconds > hold_s
    ]
    return found


def sentiment_drops(turns: Sequence[Turn], sentiment: SentimentResult, drop: float) -> list[Friction]:
    """Falls of at least ``drop`` between consecutive customer turns, and over the customer's trajectory."""
    found: list[Friction] = []
    previous: float | None = None
    for index, (turn, score) in enumerate(zip(turns, sentiment.per_turn, strict=False)):
        if turn.role != "customer" or score is None:
            continue
        if previous is not None and previous - score >= drop:
            detail = f"Customer sentiment fell from {previous:+.2f} to {score:+.2f}: '{_quote(turn.text)}'"
            found.append(Friction("sentiment_drop", index, turn.start_ms, detail))
        previous = score
    start, end = sentiment.customer.start, sentiment.customer.end
    if start is not None and end is not None and start - end >= drop:
        detail = f"Customer sentiment fell over the interaction from {start:+.2f} to {end:+.2f}"
        found.append(Friction("sentiment_drop", None, None, detail))
    return found


@analyzers.register("callqa.friction.v1")
class FrictionAnalyzer:
    """Repetition, long silences, long holds, transfers and sentiment drops, in time order.

    Options: ``silence_s`` (30), ``hold_s`` (120), ``repeat_similarity`` (0.5), ``sentiment_drop`` (0.5).
    """

    name: ClassVar[str] = "callqa.friction.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction", "redacted", "timeline", "sentiment", "metrics")
    assigns: ClassVar[tuple[str, ...]] = ("friction",)

    def __init__(
        self,
        *,
        silence_s: float = 30.0,
        hold_s: float = 120.0,
        repeat_similarity: float = REPEAT_SIMILARITY,
        sentiment_drop: float = 0.5,
    ) -> None:
        self.silence_s = silence_s
        self.hold_s = hold_s
        self.repeat_similarity = repeat_similarity
        self.sentiment_drop = sentiment_drop

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        interaction = analysis.interaction
        found = [
            *repetitions(interaction.turns, self.repeat_similarity),
            *gaps(analysis.get("timeline"), silence_s=self.silence_s, hold_s=self.hold_s),
            *transfers(interaction),
            *sentiment_drops(interaction.turns, analysis.get("sentiment"), self.sentiment_drop),
        ]
        # Time order; frictions without a time (the overall sentiment trend) go last.
        found.sort(key=lambda f: (f.start_ms is None, f.start_ms or 0, -1 if f.turn is None else f.turn))
        return {"friction": found}
