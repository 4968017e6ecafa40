"""The redactor as the first stage: nothing after it sees card numbers, CVVs or national IDs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from callqa.analysis.base import Analysis, analyzers
from callqa.privacy import redact_interaction


@analyzers.register("callqa.redact.v1")
class Redactor:
    """Replaces sensitive values with typed placeholders; records field, kind and span, never the value.

    Stored interactions were already redacted on ingest, so this is a cheap no-op for them; it matters for
    documents that reach the pipeline another way (live calls, API callers).
    """

    name: ClassVar[str] = "callqa.redact.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction",)
    assigns: ClassVar[tuple[str, ...]] = ("redacted", "redactions")

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        redacted, records = redact_interaction(analysis.interaction)
        analysis.interaction = redacted
        return {"redacted": True, "redactions": records}
