"""Building an ``Interaction`` from loose data, turning validation errors into one readable failure."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from callqa.core.document import Interaction
from callqa.core.errors import ErrorCode
from callqa.ingest.base import Failure, Parsed, SourceRef


def describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    """``turns.2.role: Input should be 'agent', ...`` for the first few problems."""
    parts = []
    for err in exc.errors(include_url=False)[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "document"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def build_interaction(data: dict[str, Any], ref: SourceRef) -> Parsed | Failure:
    """Validate a dict into an interaction, or a coded I201 failure naming the bad fields."""
    try:
        return Parsed(Interaction.model_validate(data), ref)
    except ValidationError as exc:
        return Failure.coded(ref, ErrorCode.I201, reason=describe_validation_error(exc))
