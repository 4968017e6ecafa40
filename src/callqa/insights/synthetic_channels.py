"""Channel behaviour planted in the synthetic centre, and the customers' pseudonymous keys of its rows.

The generator draws each interaction's channel, reason and day as before; this plan only chooses *which
customer* it is (from its own seeded generator, so the rest of the centre stays as it was):

* every customer has a preferred channel (phone 60 %, chat 28 %, e-mail 12 %); a new issue on a channel goes
  to a customer who prefers it 85 % of the time;
* an issue is left open — the customer comes back about the same reason within a week — more often when it
  started by e-mail (35 %) than by phone (15 %) or chat (8 %): first-contact resolution differs by channel;
* the reasons of ``MOVERS`` (a blocked card or PIN, online banking access) that start on the phone are left
  open half the time and the customer comes back on chat (90 %): "phone-first, resolved on chat";
* other open issues come back on the same channel 70 % of the time ("repeat on the same channel"), else on
  the phone (chat and e-mail) or chat (phone);
* the customers of a poorly scored interaction (below 60) are drawn as the generator always did (a small pool
  of regulars comes back more: the planted cause of recontacts).

A follow-up is an interaction the generator drew anyway with the right reason and channel, one to six days
after the open contact; an open issue that finds none stays resolved.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from callqa.interactions.models import CustomerKeyRow
from callqa.privacy.customer_keys import SESSION_INFO_KEY, CustomerKeyer

PREFERENCES = (("voice", 0.60), ("chat", 0.28), ("email", 0.12))
LOYALTY = 0.85
LEFT_OPEN = {"voice": 0.15, "chat": 0.08, "email": 0.35}
MOVERS = ("card_blocked_pin", "online_banking_access")
MOVER_LEFT_OPEN = 0.5
MOVER_TO_CHAT = 0.9
SAME_CHANNEL = 0.7
ELSEWHERE = {"voice": "chat", "chat": "voice", "email": "voice"}
FOLLOW_UP_DAYS = 6
POOR_SCORE = 60


@dataclass
class _Open:
    customer: int
    day: date


class ChannelPlan:
    """Chooses the customer of each synthetic interaction (see the module's description)."""

    def __init__(self, customers: int, seed: int) -> None:
        self.rng = random.Random(f"channels-{seed}")
        channels = [c for c, _ in PREFERENCES]
        weights = [w for _, w in PREFERENCES]
        self.preferred = self.rng.choices(channels, weights, k=customers)
        self.by_channel: dict[str, list[int]] = defaultdict(list)
        for customer, channel in enumerate(self.preferred):
            self.by_channel[channel].append(customer)
        # (reason, channel the customer will come back on) -> day of the open contact -> open issues
        self.open: dict[tuple[str, str], dict[date, list[_Open]]] = defaultdict(lambda: defaultdict(list))

    def name(self, channel: str, reason: str | None, day: date, score: float, drawn: int) -> str:
        """The customer field (``cust-<n>``) of :meth:`customer`."""
        return f"cust-{self.customer(channel, reason, day, score, drawn)}"

    def customer(self, channel: str, reason: str | None, day: date, score: float, drawn: int) -> int:
        """The customer of an interaction on ``channel`` about ``reason`` on ``day``; ``drawn`` is the one
        the generator drew (kept for poorly scored interactions)."""
        if reason:
            waiting = self.open.get((reason, channel))
            for back in range(1, FOLLOW_UP_DAYS + 1) if waiting else ():
                pending = waiting.get(day - timedelta(days=back)) if waiting else None
                if pending:
                    follow = pending.pop()
                    self._maybe_open(follow.customer, channel, reason, day, LEFT_OPEN[channel] / 2)
                    return follow.customer
        if score < POOR_SCORE:
            return drawn
        loyal = self.rng.random() < LOYALTY and self.by_channel.get(channel)
        customer = (
            self.rng.choice(self.by_channel[channel]) if loyal else self.rng.randrange(len(self.preferred))
        )
        if reason:
            mover = reason in MOVERS and channel == "voice"
            self._maybe_open(customer, channel, reason, day, MOVER_LEFT_OPEN if mover else LEFT_OPEN[channel])
        return customer

    def _maybe_open(self, customer: int, channel: str, reason: str, day: date, chance: float) -> None:
        if self.rng.random() >= chance:
            return
        if reason in MOVERS and channel == "voice":
            back_on = "chat" if self.rng.random() < MOVER_TO_CHAT else channel
        else:
            back_on = channel if self.rng.random() < SAME_CHANNEL else ELSEWHERE.get(channel, "voice")
        self.open[(reason, back_on)][day].append(_Open(customer, day))


def write_customer_keys(session: Session, interactions: Sequence[dict[str, Any]]) -> int:
    """The pseudonymous keys of the rows' ``customer`` field, as the runtime's sessions store them for any
    interaction; none from a session without a keyer (a bare test session). Returns the rows written."""
    keyer = session.info.get(SESSION_INFO_KEY)
    if not isinstance(keyer, CustomerKeyer):
        return 0
    cache: dict[str, set[tuple[str, str]]] = {}
    rows: list[dict[str, Any]] = []
    for interaction in interactions:
        customer = interaction.get("customer")
        if not customer:
            continue
        if customer not in cache:
            cache[customer] = set(keyer.pairs_in({"customer": customer}))
        rows.extend(
            {"interaction_id": interaction["id"], "kind": kind, "key": key}
            for kind, key in sorted(cache[customer])
        )
    if rows:
        session.connection().execute(insert(CustomerKeyRow.__table__), rows)  # type: ignore[arg-type]
    return len(rows)
