"""Customer segments by channel behaviour, with their sizes now and in the period before.

Definitions (a customer can be in several segments; docs/operations-channels.md):

- ``<channel>-first`` (``first:voice`` "phone-first", ``first:chat``, ``first:email``, one per channel seen):
  the customer's first contact in the period was on that channel.
- ``multichannel``: the customer used two or more channels in the period.
- ``move:<from>:<to>`` ("phone-first, resolved on chat"): the customer had an issue that started on
  ``<from>`` and whose last contact — the one they did not come back after — was on another channel ``<to>``.
- ``repeat_same_channel``: the customer had an issue of two or more contacts, all on one channel.

**k-anonymity**: a segment (or any cell of the other tables) with fewer than ``MIN_CUSTOMERS`` customers is
not shown: its size is ``None`` and the page says "fewer than 5". A period with fewer customers than that
shows no sizes at all. When the ``<channel>-first`` segments (which add up to the period's customers) have
a single hidden one, the smallest other is hidden too (secondary suppression, ``complement``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from callqa.channels.customers import Journey

K = TypeVar("K")

MIN_CUSTOMERS = 5
CHANNEL_WORDS = {"voice": "phone", "email": "e-mail"}  # how a manager names a channel in a segment
MULTICHANNEL = "multichannel"
REPEAT = "repeat_same_channel"


@dataclass(frozen=True)
class Segment:
    key: str
    kind: str  # first | multichannel | move | repeat
    channel: str | None = None  # first: the channel; move: where the issue started
    to: str | None = None  # move: where the issue was resolved

    @property
    def label(self) -> str:
        """The segment in English, as a manager says it ("phone-first, resolved on chat")."""
        word = CHANNEL_WORDS.get(self.channel or "", self.channel or "")
        if self.kind == "first":
            return f"{word}-first"
        if self.kind == "move":
            return f"{word}-first, resolved on {CHANNEL_WORDS.get(self.to or '', self.to)}"
        return "multichannel" if self.kind == MULTICHANNEL else "repeat on the same channel"


def segments_of(journey: Journey) -> set[Segment]:
    """The segments one customer belongs to in the period."""
    found = {Segment(f"first:{journey.first_channel}", "first", journey.first_channel)}
    if len(journey.channel_counts()) > 1:
        found.add(Segment(MULTICHANNEL, MULTICHANNEL))
    for issue in journey.issues:
        start, end = issue.started_on, issue.resolved_on
        if start != end:
            found.add(Segment(f"move:{start}:{end}", "move", start, end))
        elif not issue.first_time and all(c.channel == start for c in issue.contacts):
            found.add(Segment(REPEAT, REPEAT))
    return found


@dataclass(frozen=True)
class SegmentSize:
    segment: Segment
    customers: int | None  # None: fewer than the minimum (hidden)
    share: float | None  # of the period's customers
    previous: int | None  # the period before, hidden the same way
    previous_share: float | None

    @property
    def change(self) -> float | None:
        """Change of the share against the period before, in percentage points."""
        if self.share is None or self.previous_share is None:
            return None
        return 100 * (self.share - self.previous_share)

    def as_json(self) -> dict[str, object]:
        return {
            "segment": self.segment.key,
            "label": self.segment.label,
            "kind": self.segment.kind,
            "channel": self.segment.channel,
            "to": self.segment.to,
            "customers": self.customers,
            "share": self.share,
            "previous_customers": self.previous,
            "previous_share": self.previous_share,
            "change_points": self.change,
        }


def shown(count: int, least: int) -> int | None:
    """``count`` when it reaches the k-anonymity minimum, else None (hidden)."""
    return count if count >= least else None


def segment_sizes(
    current: Sequence[Journey], previous: Sequence[Journey], least: int = MIN_CUSTOMERS
) -> list[SegmentSize]:
    """Every segment met in either period, its size and share now and before; sizes under ``least``
    customers are hidden (so are shares: a share of a hidden count would give it away), and so is the
    smallest other ``<channel>-first`` segment when only one of them is hidden (they add up to the
    period's customers, which would give the hidden one away)."""
    now, before = _count(current), _count(previous)
    hidden_now, hidden_before = _hidden(now, least), _hidden(before, least)
    out = []
    for segment in sorted(set(now) | set(before), key=_order):
        size = None if segment in hidden_now else shown(now.get(segment, 0), least)
        prior = None if segment in hidden_before else shown(before.get(segment, 0), least)
        out.append(
            SegmentSize(
                segment,
                size,
                _share(size, len(current), least),
                prior,
                _share(prior, len(previous), least),
            )
        )
    return out


def _hidden(counts: dict[Segment, int], least: int) -> set[Segment]:
    return complement({segment: n for segment, n in counts.items() if segment.kind == "first"}, least)


def complement(partition: dict[K, int], least: int, prefer: K | None = None) -> set[K]:
    """The cells of a partition (counts adding up to a total shown elsewhere) to hide: those under
    ``least``, and when that is a single cell, one other too (secondary suppression): ``prefer`` when it is
    a shown cell, else the smallest."""
    small = {key for key, n in partition.items() if n < least}
    if len(small) == 1 and len(partition) > 1:
        rest = {key: n for key, n in partition.items() if key not in small}
        small.add(prefer if prefer in rest else min(rest, key=lambda key: rest[key]))
    return small


def _share(count: int | None, total: int, least: int) -> float | None:
    return None if count is None or total < least else count / total


def _count(journeys: Iterable[Journey]) -> dict[Segment, int]:
    counts: dict[Segment, int] = {}
    for journey in journeys:
        for segment in segments_of(journey):
            counts[segment] = counts.get(segment, 0) + 1
    return counts


_KIND_ORDER = {"first": 0, MULTICHANNEL: 1, "move": 2, REPEAT: 3}
_CHANNEL_ORDER = {"voice": 0, "chat": 1, "email": 2}


def channel_order(channel: str | None) -> tuple[int, str]:
    return _CHANNEL_ORDER.get(channel or "", len(_CHANNEL_ORDER)), channel or ""


def _order(segment: Segment) -> tuple[int, tuple[int, str], tuple[int, str]]:
    return _KIND_ORDER[segment.kind], channel_order(segment.channel), channel_order(segment.to)
