"""Per channel and per contact reason: where customers start, where their issues get resolved first time,
how satisfied they are, and which reasons move from one channel to another.

Every row counts distinct customers and is hidden (``None`` figures, ``hidden=True``) under the k-anonymity
minimum (``segments.MIN_CUSTOMERS``); when a single channel is hidden, so is the next smallest (the channels'
customers and contacts add up to totals that are shown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass

from callqa.channels.customers import ChannelSatisfaction, Contact, Issue, Journey
from callqa.channels.segments import MIN_CUSTOMERS, K, channel_order, complement


@dataclass(frozen=True)
class ChannelRow:
    """One channel in the period."""

    channel: str
    hidden: bool
    customers: int | None  # who used it
    contacts: int | None
    contact_share: float | None  # of all contacts
    first_customers: int | None  # whose first contact was here
    issues: int | None  # issues that started here
    first_time: float | None  # of those, the share resolved first time (FCR)
    resolved_here: int | None  # issues (wherever they started) whose last contact was here
    csat: float | None  # surveyed, 1–5
    csat_n: int | None
    predicted_csat: float | None  # predicted, for contacts without a survey (flagged as predicted)
    predicted_n: int | None
    score: float | None  # official QA score, mean

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class MoveRow:
    """Issues of one reason that started on ``start`` and were resolved on ``end`` (may be the same)."""

    reason: str
    start: str
    end: str
    hidden: bool
    issues: int | None
    customers: int | None
    share: float | None  # of the reason's issues that started on ``start``

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ReasonChannelRow:
    """First-contact resolution of one reason's issues by the channel they started on."""

    reason: str
    channel: str
    hidden: bool
    issues: int | None
    customers: int | None
    first_time: float | None

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def channel_rows(journeys: Sequence[Journey], least: int = MIN_CUSTOMERS) -> list[ChannelRow]:
    users: dict[str, set[str]] = defaultdict(set)
    contacts: dict[str, list[Contact]] = defaultdict(list)
    firsts: dict[str, int] = defaultdict(int)
    started: dict[str, list[Issue]] = defaultdict(list)
    resolved: dict[str, int] = defaultdict(int)
    for journey in journeys:
        firsts[journey.first_channel] += 1
        for contact in journey.contacts:
            users[contact.channel].add(journey.pseudonym)
            contacts[contact.channel].append(contact)
        for issue in journey.issues:
            started[issue.started_on].append(issue)
            resolved[issue.resolved_on] += 1
    total = sum(len(c) for c in contacts.values())
    rows = []
    hidden = complement({channel: len(who) for channel, who in users.items()}, least)
    for channel in sorted(users, key=channel_order):
        if channel in hidden:
            rows.append(ChannelRow(channel, True, *([None] * 12)))
            continue
        mine = contacts[channel]
        issues = started[channel]
        sat = ChannelSatisfaction.of(mine)
        scores = [c.score for c in mine if c.score is not None]
        rows.append(
            ChannelRow(
                channel,
                False,
                len(users[channel]),
                len(mine),
                len(mine) / total,
                firsts[channel],
                len(issues),
                sum(i.first_time for i in issues) / len(issues) if issues else None,
                resolved[channel],
                sat.surveyed,
                sat.surveyed_n,
                sat.predicted,
                sat.predicted_n,
                sum(scores) / len(scores) if scores else None,
            )
        )
    return rows


def _suppressed(
    counts: dict[K, int], least: int, group: Callable[[K], Hashable], prefer: Callable[[K], K] | None = None
) -> set[K]:
    """Cells under ``least`` customers, and per group of cells adding up to a figure shown elsewhere (a
    channel's issues; a reason's issues started on a channel), one more when one alone is hidden: the
    ``prefer``-red cell of the group when shown, else the smallest."""
    groups: dict[Hashable, dict[K, int]] = defaultdict(dict)
    for key, n in counts.items():
        groups[group(key)][key] = n
    hidden: set[K] = set()
    for cells in groups.values():
        first = next(iter(cells))
        hidden |= complement(cells, least, prefer(first) if prefer else None)
    return hidden


def _issues_by_customer(journeys: Sequence[Journey]) -> list[tuple[str, Issue]]:
    return [(j.pseudonym, issue) for j in journeys for issue in j.issues]


def move_rows(journeys: Sequence[Journey], least: int = MIN_CUSTOMERS) -> list[MoveRow]:
    """Reason × started on → resolved on, with the share of the reason's issues started on that channel."""
    cells: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    starts: dict[tuple[str, str], int] = defaultdict(int)
    for who, issue in _issues_by_customer(journeys):
        cells[(issue.reason, issue.started_on, issue.resolved_on)].append(who)
        starts[(issue.reason, issue.started_on)] += 1
    # a second hidden cell: preferably the issues that stayed on their channel (the least telling one)
    counts = {key: len(set(names)) for key, names in cells.items()}
    hidden = _suppressed(counts, least, lambda key: key[:2], lambda key: (key[0], key[1], key[1]))
    rows = []
    for (reason, start, end), names in sorted(
        cells.items(), key=lambda kv: (kv[0][0], channel_order(kv[0][1]), channel_order(kv[0][2]))
    ):
        customers = len(set(names))
        if (reason, start, end) in hidden:
            rows.append(MoveRow(reason, start, end, True, None, None, None))
            continue
        rows.append(
            MoveRow(reason, start, end, False, len(names), customers, len(names) / starts[(reason, start)])
        )
    return rows


def reason_rows(journeys: Sequence[Journey], least: int = MIN_CUSTOMERS) -> list[ReasonChannelRow]:
    """Per reason and the channel its issues started on: first-contact resolution."""
    cells: dict[tuple[str, str], list[tuple[str, Issue]]] = defaultdict(list)
    for who, issue in _issues_by_customer(journeys):
        cells[(issue.reason, issue.started_on)].append((who, issue))
    counts = {key: len({who for who, _ in items}) for key, items in cells.items()}
    hidden = _suppressed(counts, least, lambda key: key[1])
    rows = []
    for (reason, channel), items in sorted(cells.items(), key=lambda kv: (kv[0][0], channel_order(kv[0][1]))):
        customers = counts[(reason, channel)]
        if (reason, channel) in hidden:
            rows.append(ReasonChannelRow(reason, channel, True, None, None, None))
            continue
        first = sum(issue.first_time for _, issue in items) / len(items)
        rows.append(ReasonChannelRow(reason, channel, False, len(items), customers, first))
    return rows
