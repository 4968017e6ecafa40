"""The queue form (create and edit) read into a :class:`QueueSpec`, and a spec read back into the form."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from callqa.review.queue_spec import KINDS, QueueSpec
from callqa.web.deps import validated

# The form draws ``random`` from every candidate (the API's ``percent`` narrows it); other strategies keep
# their default thresholds (low score: below 70).
FORM_PERCENT = 100.0


def _number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return float("nan")  # refused by the spec's checks, naming the field


def _whole(text: str) -> int | None:
    value = _number(text)
    if value is None:
        return None
    return int(value) if value == value and value == int(value) else -1


def spec_from_form(form: FormData) -> QueueSpec:
    """The spec the form describes; bad values are refused later with the field named."""
    fields = {k: str(v) for k, v in form.items()}
    strategies = []
    for kind in form.getlist("strategy"):
        entry: dict[str, Any] = {"kind": str(kind), "share": _number(fields.get(f"share:{kind}", ""))}
        if kind == "random":
            entry["percent"] = FORM_PERCENT
        strategies.append(entry)
    analysts = [
        {"username": str(name), "quota": _whole(fields.get(f"quota:{name}", ""))}
        for name in form.getlist("analyst")
    ]
    values: dict[str, Any] = {
        "name": fields.get("name", "").strip(),
        "strategies": strategies,
        "analysts": analysts,
        "teams": [str(v) for v in form.getlist("team") if str(v)],
        "agents": [str(v) for v in form.getlist("agent") if str(v)],
        "channels": [str(v) for v in form.getlist("channel") if str(v)],
        "due": fields.get("due") or None,
        "since": fields.get("since") or None,
        "until": fields.get("until") or None,
    }
    total = _whole(fields.get("total", ""))
    if total is not None:
        values["total"] = total
    return validated(QueueSpec, **values)


def form_values(spec: dict[str, Any] | None) -> dict[str, Any]:
    """What the form shows for a stored spec (empty for a new queue)."""
    spec = spec or {}
    shares = {s["kind"]: s.get("share") for s in spec.get("strategies", [])}
    analysts: dict[str, Any] = {}
    for entry in spec.get("analysts", []):
        if isinstance(entry, str):
            analysts[entry] = None
        else:
            analysts[entry["username"]] = entry.get("quota")
    return {
        "name": spec.get("name", ""),
        "strategies": {k: shares[k] for k in KINDS if k in shares},
        "analysts": analysts,
        "teams": spec.get("teams", []),
        "agents": spec.get("agents", []),
        "channels": spec.get("channels", []),
        "total": spec.get("total"),
        "due": spec.get("due") or "",
        "since": (spec.get("since") or "")[:10],
        "until": (spec.get("until") or "")[:10],
    }
