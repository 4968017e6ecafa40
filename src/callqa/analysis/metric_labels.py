"""Metric names in words: one label (English, translated in the UI catalogue) and one unit per metric id,
so a manager reads "Agent talk share 73 %" wherever a metric is shown, never ``agent_talk_share 0.728``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

Unit = Literal["share", "seconds", "count", "rate", "number"]


def N_(message: str) -> str:
    """Marks a string for the catalogue; it is translated where it is shown."""
    return message


METRICS: dict[str, tuple[str, Unit]] = {
    "duration_s": (N_("Duration"), "seconds"),
    "turns": (N_("Turns"), "count"),
    "agent_turns": (N_("Agent turns"), "count"),
    "customer_turns": (N_("Customer turns"), "count"),
    "hold_count": (N_("Times on hold"), "count"),
    "hold_total_s": (N_("Time on hold"), "seconds"),
    "hold_max_s": (N_("Longest hold"), "seconds"),
    "silence_total_s": (N_("Time in silence"), "seconds"),
    "silence_max_s": (N_("Longest silence"), "seconds"),
    "transfer_count": (N_("Transfers"), "count"),
    "agent_sentence_words": (N_("Words per agent sentence"), "number"),
    "agent_words": (N_("Agent words"), "count"),
    "customer_words": (N_("Customer words"), "count"),
    "agent_talk_share": (N_("Agent talk share"), "share"),
    "customer_talk_share": (N_("Customer talk share"), "share"),
    "agent_wpm": (N_("Agent speaking rate"), "rate"),
    "customer_wpm": (N_("Customer speaking rate"), "rate"),
    "overtalk_s": (N_("Talking over each other"), "seconds"),
    "overtalk_count": (N_("Times talking over each other"), "count"),
    "first_response_s": (N_("First reply time"), "seconds"),
    "reply_avg_s": (N_("Average reply time"), "seconds"),
    "reply_max_s": (N_("Longest reply time"), "seconds"),
}


def metric_label(metric: str, gettext: Callable[[str], str] = N_) -> str:
    """The metric's name in words (an unknown id: its words, capitalised)."""
    known = METRICS.get(metric)
    return gettext(known[0]) if known else metric.replace("_", " ").capitalize()


def metric_value(metric: str, value: float | None, gettext: Callable[[str], str] = N_) -> str:
    """The value in its unit: a share as a percentage, seconds as seconds or minutes, a rate per minute."""
    if value is None:
        return "–"
    unit = METRICS.get(metric, ("", "number"))[1]
    if unit == "share":
        return f"{value * 100:.0f} %"
    if unit == "seconds":
        if value < 60:
            return gettext("%(n)s s") % {"n": f"{value:g}"}
        minutes, seconds = divmod(round(value), 60)
        return gettext("%(m)s min %(s)s s") % {"m": minutes, "s": f"{seconds:02d}"}
    if unit == "rate":
        return gettext("%(n)s words a minute") % {"n": f"{value:.0f}"}
    if unit == "count":
        return f"{value:g}"
    return f"{value:.1f}"
