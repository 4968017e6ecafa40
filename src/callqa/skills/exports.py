"""Routing recommendations in the shapes routing systems import.

``export(fmt, assignments)`` gives the file for one format of ``FORMATS``: the generic CSV, or one JSON
document for Amazon Connect (``export_connect``) or Genesys Cloud (``export_genesys``). Every format is
described by a JSON Schema shipped with callqa (``export_schemas``) and documented in docs/operations.md.
Exports are deterministic (sorted) and carry only ids, skill names and levels.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from callqa.core.csvfile import write_rows
from callqa.core.errors import CallqaError, ErrorCode
from callqa.skills import export_connect, export_genesys
from callqa.skills.assignments import SkillAssignment
from callqa.skills.export_common import selected
from callqa.skills.routing_ids import NO_IDS, SystemIds

CSV_COLUMNS = ("agent", "external_id", "skill", "level", "queue", "rank")


@dataclass(frozen=True)
class Export:
    body: str
    media_type: str
    filename: str


def _csv_order(a: SkillAssignment) -> tuple[Any, ...]:
    """Queue by queue (none last), each in rank order (unranked last), then agent and skill."""
    return (a.queue is None, a.queue or "", a.rank is None, a.rank or 0, a.agent, a.skill, a.level)


def _csv(assignments: Sequence[SkillAssignment], ids: SystemIds) -> Export:
    out = io.StringIO()
    ordered = sorted(assignments, key=_csv_order)
    rows = ((a.agent, a.external_id, a.skill, a.level, a.queue, a.rank) for a in ordered)
    write_rows(out, rows, CSV_COLUMNS)
    return Export(out.getvalue(), "text/csv; charset=utf-8", "routing-skills.csv")


def _json(document: dict[str, Any], filename: str) -> Export:
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return Export(body, "application/json", filename)


def _amazon_connect(assignments: Sequence[SkillAssignment], ids: SystemIds) -> Export:
    return _json(export_connect.document(assignments, ids), "routing-amazon-connect.json")


def _genesys(assignments: Sequence[SkillAssignment], ids: SystemIds) -> Export:
    return _json(export_genesys.document(assignments, ids), "routing-genesys.json")


FORMATS: dict[str, Callable[[Sequence[SkillAssignment], SystemIds], Export]] = {
    "csv": _csv,
    export_connect.FORMAT: _amazon_connect,
    export_genesys.FORMAT: _genesys,
}
# the routing system whose stored ids (routing_ids) each JSON format is filled from
FORMAT_SYSTEMS = {export_connect.FORMAT: "connect", export_genesys.FORMAT: "genesys"}


def with_external_ids(
    assignments: Sequence[SkillAssignment], external_ids: Mapping[str, str]
) -> list[SkillAssignment]:
    """The assignments with each agent's id in the routing system taken from ``external_ids`` (agent → id)
    where the assignment has none; an id it has is kept (a different one in the mapping is then O144)."""
    return [
        replace(a, external_id=external_ids.get(a.agent)) if not (a.external_id or "").strip() else a
        for a in assignments
    ]


def export(
    fmt: str,
    assignments: Sequence[SkillAssignment],
    *,
    min_level: int = 1,
    external_ids: Mapping[str, str] | None = None,
    ids: SystemIds = NO_IDS,
) -> Export:
    """The export of ``assignments`` in format ``fmt`` (one of ``FORMATS``), leaving out levels below
    ``min_level``; ``external_ids`` (agent → id in the routing system) fills the ids the assignments lack,
    then ``ids`` (one system's stored ids: users, queues, reasons' skill names) fills the rest.
    A bad level, skill name or external id is a coded error (O141–O146), never a partial file."""
    try:
        build = FORMATS[fmt]
    except KeyError:
        raise CallqaError(ErrorCode.O140, fmt=fmt, known=", ".join(sorted(FORMATS))) from None
    if external_ids:
        assignments = with_external_ids(assignments, external_ids)
    if ids.users:
        assignments = with_external_ids(assignments, ids.users)
    return build(selected(assignments, min_level), ids)
