"""Statistical findings as sentences with an interval, for managers: the q-values, Cliff's δ and the
difference tests stay on the page one click away (a <details> element), not in the sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from callqa.analysis.metric_labels import N_
from callqa.insights.causes import OUTCOMES, Outcome
from callqa.insights.csat import CriterionEffect
from callqa.insights.drivers import Driver
from callqa.views.labels import translate

Gettext = Callable[[str], str]

DIMENSIONS = {
    "hour": N_("the hour is"),
    "weekday": N_("the weekday is"),
    "queue": N_("the queue is"),
    "team": N_("the team is"),
    "agent": N_("the agent is"),
    "tenure": N_("the agent's tenure is"),
    "reason": N_("the contact reason is"),
    "language": N_("the language is"),
    "channel": N_("the channel is"),
}


MORE = N_(
    "%(outcome)s: %(rate)s when %(when)s %(value)s, %(points)s points more than the rest (%(low)s–%(high)s)"
)
LESS = N_(
    "%(outcome)s: %(rate)s when %(when)s %(value)s, %(points)s points less than the rest (%(low)s–%(high)s)"
)


LONG_HANDLE = N_("Long handle time (slowest 10 %%, over %(seconds)s s)")
FAILING = N_("Failing %(criterion)s")


def outcome_names(criteria: list[str], gettext: Gettext) -> dict[str, str]:
    """The root-cause outcomes a reader can pick (key: name), the failing criteria last."""
    named = {key: gettext(name) for key, name in OUTCOMES.items()}
    return named | {f"failed:{c}": gettext(FAILING) % {"criterion": c} for c in criteria}


def outcome_name(outcome: Outcome, gettext: Gettext) -> str:
    """The outcome's name in the reader's language (its ``label`` stays English for the CSV and the API)."""
    if outcome.over_s is not None:
        return gettext(LONG_HANDLE) % {"seconds": outcome.over_s}
    if outcome.key.startswith("failed:"):
        return gettext(FAILING) % {"criterion": outcome.key[7:]}
    return gettext(OUTCOMES[outcome.key]) if outcome.key in OUTCOMES else gettext(outcome.label)


def _points(value: float) -> str:
    return f"{abs(value) * 100:.0f}"


def driver_sentence(driver: Driver, outcome: str, gettext: Gettext) -> str:
    """E.g. 'Low score: 34 % when the queue is cards, 18 points more than the rest (12–24).'"""
    low, high = sorted((abs(driver.low), abs(driver.high)))
    if driver.low < 0 < driver.high:  # the interval crosses zero: say only the estimate
        low = 0.0
    values = {
        "outcome": gettext(outcome),
        "rate": f"{driver.rate * 100:.0f} %",
        "when": gettext(DIMENSIONS.get(driver.dimension, driver.dimension)),
        "value": translate(driver.value, gettext)
        if driver.dimension in ("weekday", "channel")
        else driver.value,
        "points": _points(driver.difference),
        "low": _points(low),
        "high": _points(high),
    }
    template = MORE if driver.difference >= 0 else LESS
    return gettext(template) % values


def effect_sentence(effect: CriterionEffect, gettext: Gettext) -> str:
    """E.g. 'When “Empathy” fails, CSAT is 0.8 lower (0.5–1.1 on the 1–5 scale).'"""
    low, high = sorted((abs(effect.low), abs(effect.high)))
    values = {
        "criterion": effect.title,
        "diff": f"{abs(effect.difference):.1f}",
        "low": f"{low:.1f}",
        "high": f"{high:.1f}",
    }
    template = (
        N_("When “%(criterion)s” fails, CSAT is %(diff)s lower (%(low)s–%(high)s on the 1–5 scale)")
        if effect.difference >= 0
        else N_("When “%(criterion)s” fails, CSAT is %(diff)s higher (%(low)s–%(high)s on the 1–5 scale)")
    )
    return gettext(template) % values


def sentence_filters(gettext: Gettext) -> dict[str, Callable[..., Any]]:
    """The template filters that word findings in the environment's language."""
    return {
        "driver_sentence": lambda d, outcome: driver_sentence(d, outcome, gettext),
        "effect_sentence": lambda e: effect_sentence(e, gettext),
        "outcome_name": lambda o: outcome_name(o, gettext),
    }
