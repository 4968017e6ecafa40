"""An outcome's reason kept translatable: the solver gives each outcome a ``Phrase`` (``Outcome.why``, a
message id and its values, ``callqa.shifts.reasons``); it is stored as JSON beside the English sentence and
written in the reader's language when shown. Without it (or when it cannot be read) the English sentence is
shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType

from callqa.shifts import reasons
from callqa.shifts.problem import Outcome

Gettext = Callable[[str], str]


def _reasons() -> ModuleType:
    return reasons


def why_json(outcome: Outcome) -> str | None:
    """The outcome's translatable reason as JSON (None when the solver gave none)."""
    why = getattr(outcome, "why", None)
    reasons = _reasons()
    if why is None or reasons is None:
        return None
    return str(reasons.to_json(why))


def reason_text(reason: str, why: str | None, gettext: Gettext | None) -> str:
    """The reason in the reader's language (``reason``, the English sentence, when nothing translates it)."""
    reasons = _reasons()
    if why is None or gettext is None or reasons is None:
        return reason
    try:
        return str(reasons.render(reasons.from_json(why), gettext))
    except (
        ValueError,
        KeyError,
        TypeError,
        json.JSONDecodeError,
    ):  # a stored phrase this version cannot read
        return reason


def reason_codes(why: str | None) -> tuple[str | None, str | None]:
    """The stable codes of a stored reason: the sentence's and, when there is one, why the first choice was
    missed (``callqa.shifts.reasons.CODES``); None for what cannot be read."""
    if why is None:
        return None, None
    try:
        return reasons.codes(reasons.from_json(why))
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None, None
