"""Reading the interaction filter from a query string (web forms send empty fields as empty strings)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from fastapi import HTTPException

from callqa.core.config import DEFAULT_SCORECARD
from callqa.views.search import CSAT_BANDS, SENTIMENTS, SearchFilter

_TEXT = ("agent", "team", "queue", "channel", "language", "failed", "text", "moment", "reason")
_NUMBERS = ("min_score", "max_score", "min_csat", "max_csat")


def _datetime(name: str, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: '{value}' is not a date (YYYY-MM-DD)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise HTTPException(422, f"{name}: '{value}' is not a number") from None


def _whole(name: str, value: str, top: int) -> int:
    if not value.isdigit() or int(value) > top:
        raise HTTPException(422, f"{name}: '{value}' is not a whole number from 0 to {top}")
    return int(value)


def parse_filter(params: Mapping[str, str]) -> SearchFilter:
    """The filter named by ``params``; a malformed value is a 422 naming the field."""
    values: dict[str, object] = {}
    for name in _TEXT:
        if params.get(name, "").strip():
            values[name] = params[name].strip()
    for name in _NUMBERS:
        if params.get(name, "").strip():
            values[name] = _number(name, params[name].strip())
    for name in ("since", "until"):
        if params.get(name, "").strip():
            values[name] = _datetime(name, params[name].strip())
    for name, top in (("hour", 23), ("weekday", 6)):
        if params.get(name, "").strip():
            values[name] = _whole(name, params[name].strip(), top)
    flag = params.get("auto_failed", "").strip().lower()
    if flag:
        if flag not in ("true", "false"):
            raise HTTPException(422, f"auto_failed: '{flag}' is not true or false")
        values["auto_failed"] = flag == "true"
    band = params.get("csat_band", "").strip()
    if band:
        if band not in CSAT_BANDS:
            raise HTTPException(422, f"csat_band: '{band}' is not one of {', '.join(CSAT_BANDS)}")
        values["csat_band"] = band
    sentiment = params.get("sentiment", "").strip()
    if sentiment:
        if sentiment not in SENTIMENTS:
            raise HTTPException(422, f"sentiment: '{sentiment}' is not one of {', '.join(SENTIMENTS)}")
        values["sentiment"] = sentiment
    values["scorecard"] = params.get("scorecard", "").strip() or DEFAULT_SCORECARD
    return SearchFilter(**values)  # type: ignore[arg-type]
