"""Sharing a queue's slots fairly: among sampling strategies by their shares, and among analysts by their
quotas. Pure functions over ranked ids, deterministic (ties go to the earlier strategy or analyst).

* :func:`split` rounds by the largest remainder: 10 slots over three equal shares are 4 / 3 / 3.
* :func:`share_slots` gives each strategy its slots; a strategy with too few candidates gives what it cannot
  fill to the others, again by their shares, until the slots are full or no strategy has candidates left.
* :func:`deal` deals the picks, strategy by strategy, round-robin to the analysts with room left, the turn
  carrying on from one strategy to the next: each analyst gets about the same number of every strategy's
  picks (never more than one apart when the quotas are equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` in whole parts proportional to ``weights`` (largest-remainder rounding; ties: earlier)."""
    exact_weights = [Fraction(w) if w > 0 else Fraction(0) for w in weights]
    whole = sum(exact_weights)
    if total <= 0 or whole == 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in exact_weights]
    parts = [int(x) for x in exact]  # floors: every value is non-negative
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def share_slots(
    total: int,
    shares: Sequence[float],
    ranked: Sequence[Sequence[int]],
    caps: Sequence[int | None] | None = None,
) -> list[list[int]]:
    """Each strategy's picks (ids from its ``ranked`` list, best first, each id once over all strategies):
    ``total`` slots split by ``shares``; a strategy short of candidates (or at its cap) hands its spare
    slots to the others by their shares."""
    count = len(ranked)
    limits = list(caps) if caps is not None else [None] * count
    picked: list[list[int]] = [[] for _ in ranked]
    taken: set[int] = set()
    cursor = [0] * count
    active = [i for i in range(count) if shares[i] > 0]
    room = total
    while room > 0 and active:
        for i, grant in zip(active, split(room, [shares[i] for i in active]), strict=True):
            while grant > 0 and cursor[i] < len(ranked[i]) and not _full(picked[i], limits[i]):
                candidate = ranked[i][cursor[i]]
                cursor[i] += 1
                if candidate not in taken:
                    taken.add(candidate)
                    picked[i].append(candidate)
                    grant -= 1
        room = total - len(taken)
        active = [
            i for i in active if _has_more(ranked[i], cursor[i], taken) and not _full(picked[i], limits[i])
        ]
    return picked


def _full(picked: list[int], cap: int | None) -> bool:
    return cap is not None and len(picked) >= cap


def _has_more(ranked: Sequence[int], cursor: int, taken: set[int]) -> bool:
    return any(candidate not in taken for candidate in ranked[cursor:])


def deal(count: int, quotas: Sequence[int]) -> list[int]:
    """The analyst (index) for each of ``count`` items in order: round-robin over analysts with room left
    (an analyst at their quota is skipped); items beyond the quotas' sum get no one (-1)."""
    room = list(quotas)
    out: list[int] = []
    turn = 0
    for _ in range(count):
        for step in range(len(room)):
            who = (turn + step) % len(room)
            if room[who] > 0:
                room[who] -= 1
                out.append(who)
                turn = who + 1
                break
        else:
            out.append(-1)
    return out
