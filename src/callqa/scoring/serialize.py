"""Plain-JSON forms of an analysis and of an evaluation, for storage and export."""

from __future__ import annotations

from typing import Any

from callqa.analysis.base import Analysis


def _json(value: Any) -> Any:
    if hasattr(value, "as_json"):
        return value.as_json()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    """What the analyzers found, without the text itself (it is in the turns table)."""
    a = analysis.annotations
    language = a.get("language")
    sentiment = a.get("sentiment")
    return {
        "language": language.as_json() if language is not None else {},
        "turn_languages": list(language.per_turn) if language is not None else [],
        "metrics": dict(a.get("metrics", {})),
        "sentiment": sentiment.as_json() if sentiment is not None else {},
        "turn_sentiment": [None if s is None else round(s, 3) for s in sentiment.per_turn]
        if sentiment
        else [],
        "moments": _json(a.get("moments", [])),
        "friction": _json(a.get("friction", [])),
        "summary": _json(a.get("summary")) if a.get("summary") is not None else None,
        "reason": _json(a.get("reason")) if a.get("reason") is not None else None,
        "holds": _json(a["timeline"].holds) if "timeline" in a else [],
        "silences": _json(a["timeline"].silences) if "timeline" in a else [],
        "redactions": len(a.get("redactions", [])),
        "analyzers": list(analysis.versions),
    }
