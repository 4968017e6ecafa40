"""A small hand-made centre for the reweighting tests (importable as ``reweight_support``): a scorecard
``service`` whose low-weight criterion (greeting, 5 %) drives CSAT and whose high-weight one (script, 40 %)
does not; failing the solution brings the customer back within the week."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.scoring import editing
from callqa.scoring.models import ScorecardRow
from insights_support import add

NAME = "service"
DAYS = InteractionQuery.on_days(date(2026, 5, 1), date(2026, 5, 31))
START = datetime(2026, 5, 2, 9, tzinfo=UTC)


def _criterion(ident: str, title: str, weight: float, *, critical: bool = False, comment: str = "") -> str:
    note = f"  # {comment}" if comment else ""
    flag = "\n        critical: true" if critical else ""
    return f"""      - id: {ident}{note}
        title: {title}
        weight: {weight:g}{flag}
        detector:
          type: phrase
          label: {ident}
          phrases:
            en: [{ident.replace("_", " ")}]
"""


YAML = (
    """# Service QA: a hand-made scorecard for the reweighting tests.
name: service
title: Service QA
description: Five criteria, one of them critical.
pass_mark: 80
sections:
  - id: main
    title: Main
    criteria:
"""
    + _criterion("greeting", "Greeting", 5, comment="customers notice this one")
    + _criterion("script", "Script followed word for word", 40)
    + _criterion("solution", "Solution explained", 35)
    + _criterion("closing", "Closing", 10)
    + _criterion("identity", "Identity verified", 10, critical=True)
)
WEIGHTS = {"greeting": 5.0, "script": 40.0, "solution": 35.0, "closing": 10.0, "identity": 10.0}


def save_scorecard(session: Session, text: str = YAML) -> ScorecardRow:
    card, errors = editing.check(text)
    assert card is not None, errors
    return editing.save(session, card)


def build_centre(
    session: Session, n: int = 300, seed: int = 1, teams: tuple[str, ...] = ("North",)
) -> ScorecardRow:
    """``n`` surveyed, evaluated interactions in May 2026, taking turns among ``teams`` (and the customers'
    calls back, unscored)."""
    rng = random.Random(seed)
    card = save_scorecard(session)
    for i in range(n):
        outcomes = {
            "greeting": "fail" if rng.random() < 0.3 else "pass",
            "script": "fail" if rng.random() < 0.3 else "pass",
            "solution": "fail" if rng.random() < 0.2 else "pass",
            "closing": "fail" if rng.random() < 0.2 else "pass",
            "identity": "pass",
        }
        csat = 2 + 2 * (outcomes["greeting"] == "pass") + rng.choice((-1, 0, 0, 1))
        csat += 0.5 * (outcomes["solution"] == "pass")
        rating = float(min(5, max(1, round(csat))))
        score = sum(WEIGHTS[c] for c, o in outcomes.items() if o == "pass")
        when = START + timedelta(hours=2 * i)
        customer, team = f"c{i}", teams[i % len(teams)]
        add(session, card, when, score=score, csat=rating, criteria=outcomes, customer=customer, team=team)
        if (outcomes["solution"] == "fail" and rng.random() < 0.6) or rng.random() < 0.1:
            add(session, card, when + timedelta(days=2), customer=customer, team=team)  # calls back
    return card
