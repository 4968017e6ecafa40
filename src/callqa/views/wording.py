"""Explanations in words a manager reads: a detector's note with its raw similarities and metric ids
("“…” 0:12 ≈ “…” (0.88)", "no greeting (closest 0.62)", "agent_talk_share = 0.728 (<= 0.7 does not hold)")
rewritten as sentences; the note as stored stays available (the page shows it one click away)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from callqa.analysis.metric_labels import N_, metric_label, metric_value
from callqa.views.labels import translate

Gettext = Callable[[str], str]

_NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_CLOSE = re.compile(r"“(?P<text>[^”]*)” (?P<at>\S*) ?≈ “(?P<example>[^”]*)” \(" + _NUMBER + r"\)")
_MISS = re.compile(r" ?\(closest " + _NUMBER + r"\)")
_METRIC = re.compile(
    r"(?P<metric>[a-z][a-z0-9_]*) = (?P<value>" + _NUMBER + r") "
    r"\((?P<op><=|>=|<|>|==|!=) (?P<limit>" + _NUMBER + r") (?P<verdict>holds|does not hold)\)"
)
_MISSING = re.compile(r"(?P<metric>[a-z][a-z0-9_]*_[a-z0-9_]+) not available")
# the engine's default explanation, "<Pass|Fail|N/A>: <note>" (a scorecard's own explain templates are its
# words, shown as written)
_VERDICT = re.compile(r"^(?P<verdict>Pass|Fail|N/A): (?P<note>.*)$", re.DOTALL)
_VERDICTS = {"Pass": N_("Pass"), "Fail": N_("Fail"), "N/A": N_("N/A")}
_NOT_ON = re.compile(r"^not scored on (?P<channel>[a-z]+)$")
_OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "=", "!=": "≠"}


def wording_filters(gettext: Gettext) -> dict[str, Callable[..., Any]]:
    """The template filters that put metrics and explanations in words in the environment's language."""
    return {
        "metric_label": lambda metric: metric_label(metric, gettext),
        "metric_value": lambda value, metric: metric_value(metric, value, gettext),
        "plain_note": lambda note: plain_note(note, gettext),
        "team_title": lambda name: team_title(name, gettext),
    }


def team_title(name: str, gettext: Gettext) -> str:
    """'Team North' as it is; 'North' as 'Team North' (never 'Team Team North')."""
    word = gettext("Team")
    if name.casefold().startswith(("team", word.casefold())):
        return name
    return gettext("Team %(name)s") % {"name": name}


@dataclass(frozen=True)
class PlainNote:
    text: str  # the sentence shown
    raw: str | None  # the note as stored, when it read differently (the details)


def plain_note(note: str | None, gettext: Gettext) -> PlainNote:
    """``note`` without raw similarities and metric ids; ``raw`` keeps the original when anything changed."""
    if not note:
        return PlainNote("", None)

    def close(m: re.Match[str]) -> str:
        said = f"“{m['text']}”" + (f" ({m['at']})" if m["at"] else "")
        return gettext("%(said)s is close to the example “%(example)s”") % {
            "said": said,
            "example": m["example"],
        }

    def metric(m: re.Match[str]) -> str:
        name = m["metric"]
        met = gettext("met") if m["verdict"] == "holds" else gettext("not met")
        return gettext("%(metric)s %(value)s (should be %(op)s %(limit)s: %(verdict)s)") % {
            "metric": metric_label(name, gettext),
            "value": metric_value(name, float(m["value"]), gettext),
            "op": _OPS[m["op"]],
            "limit": metric_value(name, float(m["limit"]), gettext),
            "verdict": met,
        }

    text = _CLOSE.sub(close, note)
    text = _MISS.sub(" — " + gettext("nothing said came close to the examples"), text)
    text = _METRIC.sub(metric, text)
    text = _MISSING.sub(
        lambda m: gettext("%(metric)s not available") % {"metric": metric_label(m["metric"], gettext)}, text
    )
    text = _verdict(text, gettext)
    return PlainNote(text, note if text != note else None)


def _verdict(text: str, gettext: Gettext) -> str:
    """The engine's outcome prefix in the reader's language, and its one sentence of its own (N/A on a
    channel); the detector's note after the prefix stays as written."""
    found = _VERDICT.match(text)
    if found is None:
        return text
    note = found["note"]
    channel = _NOT_ON.match(note)
    if channel:
        note = gettext(N_("not scored on %(channel)s")) % {"channel": translate(channel["channel"], gettext)}
    return f"{gettext(_VERDICTS[found['verdict']])}: {note}"
