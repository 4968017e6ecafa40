"""Customers' journeys across channels, built from pseudonymous customer keys only.

A **customer** is the set of keys (``interaction_customer_keys``: HMACs of a phone number, an e-mail address
or a customer id) tied together by interactions: one interaction that carries a phone key and an id key
makes them one customer (union-find over the keys). The interactions read for that reach ``link_days``
before the period (the setting ``channels_link_days``): a customer whose phone and account were tied by a
call two months ago is one customer today, though that call is no contact of the period. The raw
``customer`` field of an interaction is never read here; a customer is named by a short pseudonym, ``c-``
and the first 10 characters of their smallest key, the same in every period in which the same keys are
linked. An erased customer has no keys, so no journey.

An **issue** is the contacts of one customer about one contact reason, each within ``window`` days of the
one before (contacts of an unrecognised reason are counted as contacts, not as issues). It is **resolved
first time** when it has one contact (nobody came back about it); it is **resolved on** the channel of its
last contact, the one after which the customer did not come back. An issue belongs to the period in which
it starts; contacts up to ``window`` days before and after the period are read, so an issue begun just
before the period is not counted again and the ending of one begun at its end is known.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from callqa.insights.facts import csat_on_five
from callqa.insights.models import InsightFactRow
from callqa.interactions.models import CustomerKeyRow, InteractionRow
from callqa.scoring.models import AnalysisRow

PSEUDONYM_LENGTH = 10
DEFAULT_WINDOW_DAYS = 7
DEFAULT_LINK_DAYS = 90  # Settings.channels_link_days


@dataclass(frozen=True)
class Period:
    """Instants ``[start, end)``; ``window``: days after the end read to see how issues end; ``link_days``:
    days before the start whose interactions tie a customer's keys together (not counted as contacts)."""

    start: datetime
    end: datetime
    window: int = DEFAULT_WINDOW_DAYS
    link_days: int = DEFAULT_LINK_DAYS

    def previous(self) -> Period:
        """The period of the same length just before this one (for trends)."""
        return Period(self.start - (self.end - self.start), self.start, self.window, self.link_days)


@dataclass(frozen=True, slots=True)
class Contact:
    interaction_id: int
    started: datetime
    channel: str
    reason: str  # '' when the contact reason was not recognised
    team: str
    csat: float | None  # surveyed, on 1–5
    predicted_csat: float | None  # from the insights refresh (only where no survey was answered)
    score: float | None  # the official QA score


@dataclass(frozen=True)
class Issue:
    reason: str
    contacts: tuple[Contact, ...]

    @property
    def started_on(self) -> str:
        return self.contacts[0].channel

    @property
    def resolved_on(self) -> str:
        return self.contacts[-1].channel

    @property
    def first_time(self) -> bool:
        return len(self.contacts) == 1


@dataclass
class Journey:
    """One customer's contacts and issues (those that started in the period)."""

    pseudonym: str
    contacts: list[Contact] = field(default_factory=list)  # in the period, by start time
    issues: list[Issue] = field(default_factory=list)

    @property
    def first_channel(self) -> str:
        return self.contacts[0].channel

    def channel_counts(self) -> Counter[str]:
        return Counter(c.channel for c in self.contacts)

    @property
    def preferred_channel(self) -> str:
        """The channel of most contacts (a tie: the one used first)."""
        counts = self.channel_counts()
        order = {c: i for i, c in reversed(list(enumerate(c.channel for c in self.contacts)))}
        return min(counts, key=lambda ch: (-counts[ch], order[ch]))

    def satisfaction(self) -> dict[str, ChannelSatisfaction]:
        """Per channel: the mean surveyed CSAT, and the mean predicted CSAT of contacts without a survey."""
        out: dict[str, ChannelSatisfaction] = {}
        for channel in self.channel_counts():
            contacts = [c for c in self.contacts if c.channel == channel]
            out[channel] = ChannelSatisfaction.of(contacts)
        return out

    def as_json(self) -> dict[str, Any]:
        counts = self.channel_counts()
        total = len(self.contacts)
        return {
            "customer": self.pseudonym,
            "contacts": total,
            "first_channel": self.first_channel,
            "preferred_channel": self.preferred_channel,
            "channels": {ch: {"contacts": n, "share": n / total} for ch, n in sorted(counts.items())},
            "issues": len(self.issues),
            "resolved_first_time": sum(i.first_time for i in self.issues),
            "resolved_on": dict(sorted(Counter(i.resolved_on for i in self.issues).items())),
            "satisfaction": {ch: s.as_json() for ch, s in sorted(self.satisfaction().items())},
        }


@dataclass(frozen=True)
class ChannelSatisfaction:
    surveyed: float | None
    surveyed_n: int
    predicted: float | None  # flagged: predicted where the customer answered no survey
    predicted_n: int

    @classmethod
    def of(cls, contacts: Iterable[Contact]) -> ChannelSatisfaction:
        surveyed = [c.csat for c in contacts if c.csat is not None]
        predicted = [c.predicted_csat for c in contacts if c.csat is None and c.predicted_csat is not None]
        return cls(_mean(surveyed), len(surveyed), _mean(predicted), len(predicted))

    def as_json(self) -> dict[str, Any]:
        return {
            "csat": self.surveyed,
            "csat_n": self.surveyed_n,
            "predicted_csat": self.predicted,
            "predicted_n": self.predicted_n,
        }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


class _Links:
    """Union-find over customer keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        root = self.parent.setdefault(key, key)
        while root != self.parent[root]:
            root = self.parent[root]
        while key != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key is the root, so a customer's root is their smallest key (the pseudonym)
            low, high = (ra, rb) if ra < rb else (rb, ra)
            self.parent[high] = low


def link_customers(keys_by_interaction: dict[int, set[str]]) -> dict[int, str]:
    """Interaction → the smallest key of its customer (keys shared by an interaction are one customer)."""
    links = _Links()
    for keys in keys_by_interaction.values():
        first, *rest = sorted(keys)
        links.find(first)
        for key in rest:
            links.union(first, key)
    return {ident: links.find(min(keys)) for ident, keys in keys_by_interaction.items() if keys}


def pseudonym(key: str) -> str:
    return f"c-{key[:PSEUDONYM_LENGTH]}"


def load_contacts(
    session: Session, start: datetime, end: datetime, scope: ColumnElement[bool] | None = None
) -> tuple[dict[int, Contact], dict[int, set[str]]]:
    """Keyed contacts started in ``[start, end)`` (those ``scope`` keeps, when given: the viewer's) and
    each one's keys."""
    seen = scope if scope is not None else true()
    where = and_(InteractionRow.started_at >= start, InteractionRow.started_at < end, seen)
    keyed = select(CustomerKeyRow.id).where(CustomerKeyRow.interaction_id == InteractionRow.id).exists()
    analysed_reason = AnalysisRow.data["reason"]["id"].as_string()
    query = (
        select(
            InteractionRow.id,
            InteractionRow.started_at,
            InteractionRow.channel,
            InteractionRow.team,
            InteractionRow.csat,
            InteractionRow.csat_scale,
            InsightFactRow.reason,
            InsightFactRow.predicted_csat,
            InsightFactRow.score,
            analysed_reason.label("analysed_reason"),
        )
        .outerjoin(InsightFactRow, InsightFactRow.interaction_id == InteractionRow.id)
        .outerjoin(AnalysisRow, AnalysisRow.interaction_id == InteractionRow.id)
        .where(where, keyed)
    )
    contacts = {
        r.id: Contact(
            r.id,
            _utc(r.started_at),
            r.channel,
            r.reason if r.reason is not None else (r.analysed_reason or ""),
            r.team or "",
            csat_on_five(r.csat, r.csat_scale),
            r.predicted_csat,
            r.score,
        )
        for r in session.execute(query)
    }
    return contacts, load_keys(session, start, end, scope)


def load_keys(
    session: Session, start: datetime, end: datetime, scope: ColumnElement[bool] | None = None
) -> dict[int, set[str]]:
    """The keys of each keyed interaction started in ``[start, end)`` (those ``scope`` keeps)."""
    seen = scope if scope is not None else true()
    query = (
        select(CustomerKeyRow.interaction_id, CustomerKeyRow.key)
        .join(InteractionRow, InteractionRow.id == CustomerKeyRow.interaction_id)
        .where(InteractionRow.started_at >= start, InteractionRow.started_at < end, seen)
    )
    keys: dict[int, set[str]] = defaultdict(set)
    for ident, key in session.execute(query):
        keys[ident].add(key)
    return dict(keys)


def build_journeys(
    contacts: dict[int, Contact],
    keys: dict[int, set[str]],
    period: Period,
    links: dict[int, set[str]] | None = None,
) -> list[Journey]:
    """The journeys of the customers with a contact in ``period`` (``contacts`` may reach ``window`` days
    past its end: issues are followed to their end); ``links``: the keys of older interactions, which only
    tie keys together."""
    tying = {i: k for i, k in keys.items() if i in contacts} | {
        i: k for i, k in (links or {}).items() if i not in contacts
    }
    owner = link_customers(tying)
    by_customer: dict[str, list[Contact]] = defaultdict(list)
    for ident, root in owner.items():
        if ident in contacts:
            by_customer[root].append(contacts[ident])
    journeys = []
    for root, mine in sorted(by_customer.items()):
        mine.sort(key=lambda c: (c.started, c.interaction_id))
        inside = [c for c in mine if period.start <= c.started < period.end]
        if not inside:
            continue
        issues = [i for i in split_issues(mine, period.window) if period.start <= i.contacts[0].started]
        issues = [i for i in issues if i.contacts[0].started < period.end]
        journeys.append(Journey(pseudonym(root), inside, issues))
    return journeys


def split_issues(contacts: Sequence[Contact], window_days: int) -> list[Issue]:
    """A customer's contacts (sorted by start) grouped into issues: same reason, each within the window
    of the previous contact about it."""
    window = timedelta(days=window_days)
    open_: dict[str, list[Contact]] = {}
    issues: list[list[Contact]] = []
    for contact in contacts:
        if not contact.reason:
            continue
        current = open_.get(contact.reason)
        if current is not None and contact.started - current[-1].started <= window:
            current.append(contact)
            continue
        current = [contact]
        open_[contact.reason] = current
        issues.append(current)
    return [Issue(group[0].reason, tuple(group)) for group in issues]


def journeys(session: Session, period: Period, scope: ColumnElement[bool] | None = None) -> list[Journey]:
    """Every keyed customer's journey in ``period`` (their contacts ``scope`` keeps, when given)."""
    margin = timedelta(days=period.window)  # issues begun just before, and how those in the period end
    contacts, keys = load_contacts(session, period.start - margin, period.end + margin, scope)
    looked_back = period.start - timedelta(days=period.link_days)
    links = (
        load_keys(session, looked_back, period.start - margin, scope)
        if looked_back < period.start - margin
        else {}
    )
    return build_journeys(contacts, keys, period, links)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
