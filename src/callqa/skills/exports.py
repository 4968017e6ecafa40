"""Routing recommendations in the shapes routing systems import.

``export(fmt, assignments)`` gives the file for one format of ``FORMATS``. Only the generic CSV exists so
far; the Amazon Connect and Genesys Cloud shapes come with their schemas (docs/operations.md).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from callqa.core.csvfile import write_rows
from callqa.core.errors import CallqaError, ErrorCode
from callqa.skills.assignments import SkillAssignment

CSV_COLUMNS = ("agent", "external_id", "skill", "level", "queue", "rank")


@dataclass(frozen=True)
class Export:
    body: str
    media_type: str
    filename: str


def _csv(assignments: Sequence[SkillAssignment]) -> Export:
    out = io.StringIO()
    rows = ((a.agent, a.external_id, a.skill, a.level, a.queue, a.rank) for a in assignments)
    write_rows(out, rows, CSV_COLUMNS)
    return Export(out.getvalue(), "text/csv; charset=utf-8", "routing-skills.csv")


FORMATS = {"csv": _csv}


def export(fmt: str, assignments: Sequence[SkillAssignment]) -> Export:
    """The export of ``assignments`` in format ``fmt`` (one of ``FORMATS``)."""
    try:
        build = FORMATS[fmt]
    except KeyError:
        raise CallqaError(ErrorCode.O140, fmt=fmt, known=", ".join(sorted(FORMATS))) from None
    return build(assignments)
