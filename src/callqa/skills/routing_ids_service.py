"""Stored routing-system ids: list, set, delete, import from CSV, and one system's ids for an export.

Plain functions over the caller's session (the web request's or the command's transaction): they neither
commit nor audit; the HTTP and CLI layers audit each change. CSV columns: ``system, kind, callqa_name,
external_id`` (a header row first, names in any case); each bad row is one coded error naming the file, the
row (the header is row 1, as in spreadsheets) and the cause, and the other rows still load.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.decoding import decode_text
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.import_report import ImportReport
from callqa.skills.exports import FORMAT_SYSTEMS
from callqa.skills.models import RoutingIdRow
from callqa.skills.routing_ids import NO_IDS, RoutingId, SystemIds, api_id, check_system, checked, system_ids
from callqa.skills.routing_ids_check import unknown_names

CSV_COLUMNS = ("system", "kind", "callqa_name", "external_id")
MAX_ROWS = 100_000


def _as_id(row: RoutingIdRow) -> RoutingId:
    return RoutingId(row.system, row.kind, row.callqa_name, row.external_id)


def list_ids(session: Session, *, system: str | None = None) -> list[RoutingId]:
    """The stored ids (one system's, or all), sorted by system, kind and callqa name."""
    stmt = select(RoutingIdRow)
    if system is not None:
        check_system(system)
        stmt = stmt.where(RoutingIdRow.system == system)
    rows = session.scalars(stmt.order_by(RoutingIdRow.system, RoutingIdRow.kind, RoutingIdRow.callqa_name))
    return [_as_id(r) for r in rows]


def ids_for(session: Session, system: str) -> SystemIds:
    """``system``'s ids as its API takes them: what its export fills in."""
    return system_ids(system, list_ids(session, system=system))


def ids_for_format(session: Session, fmt: str, system: str | None = None) -> SystemIds:
    """The stored ids of the routing system an export format is for: a JSON format's own (another
    ``system`` is O139), the generic CSV's the ``system`` named (none: no ids)."""
    expected = FORMAT_SYSTEMS.get(fmt)
    if system is not None:
        check_system(system)
        if expected is not None and system != expected:
            raise CallqaError(ErrorCode.O139, fmt=fmt, expected=expected, system=system)
    chosen = system or expected
    return ids_for(session, chosen) if chosen is not None else NO_IDS


def _find(session: Session, system: str, kind: str, name: str) -> RoutingIdRow | None:
    stmt = select(RoutingIdRow).where(
        RoutingIdRow.system == system, RoutingIdRow.kind == kind, RoutingIdRow.callqa_name == name
    )
    return session.scalar(stmt)


def _check_user_free(session: Session, wanted: RoutingId) -> None:
    """O138 when another agent of the system has the same user (an ARN and its UUID are one user)."""
    mine = api_id(wanted.system, "user", wanted.external_id)
    users = select(RoutingIdRow.callqa_name, RoutingIdRow.external_id).where(
        RoutingIdRow.system == wanted.system,
        RoutingIdRow.kind == "user",
        RoutingIdRow.callqa_name != wanted.callqa_name,
    )
    for other, external_id in session.execute(users.order_by(RoutingIdRow.callqa_name)):
        if api_id(wanted.system, "user", external_id) == mine:
            raise CallqaError(
                ErrorCode.O138, system=wanted.system, external_id=wanted.external_id, other=other
            )


def set_id(
    session: Session,
    system: str,
    kind: str,
    callqa_name: str,
    external_id: str,
    *,
    user_id: int | None = None,
) -> RoutingId:
    """Store (or replace) the id of one callqa name in one system, once checked (O134–O137); a user id
    already given to another agent of the system is O138."""
    wanted = checked(system, kind, callqa_name, external_id)
    if wanted.kind == "user":
        _check_user_free(session, wanted)
    row = _find(session, wanted.system, wanted.kind, wanted.callqa_name)
    if row is None:
        row = RoutingIdRow(system=wanted.system, kind=wanted.kind, callqa_name=wanted.callqa_name)
        session.add(row)
    row.external_id = wanted.external_id
    row.updated_at = datetime.now(UTC)
    row.updated_by = user_id
    session.flush()
    return wanted


def delete_id(session: Session, system: str, kind: str, callqa_name: str) -> RoutingId:
    """Remove one stored id and return it; O149 when there is none (O134 for an unknown system)."""
    system, kind, name = system.strip().lower(), kind.strip().lower(), callqa_name.strip()
    check_system(system)
    row = _find(session, system, kind, name)
    if row is None:
        raise CallqaError(ErrorCode.O149, system=system, kind=kind, name=name)
    gone = _as_id(row)
    session.delete(row)
    session.flush()
    return gone


def _rows(data: bytes, file: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, cells by lower-case column) of each data row; O148 when the file cannot be read."""
    try:
        text, _ = decode_text(data)
    except CallqaError as exc:
        raise CallqaError(ErrorCode.O148, file=file, reason=str(exc)) from exc
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in CSV_COLUMNS if c not in header]
        if missing:
            shown = ", ".join(header) or "none"
            reason = f"no column {', '.join(missing)} (columns: {shown})"
            raise CallqaError(ErrorCode.O148, file=file, reason=reason)
        for count, cells in enumerate(reader, start=1):
            if count > MAX_ROWS:
                raise CallqaError(ErrorCode.O148, file=file, reason=f"more than {MAX_ROWS} rows")
            if any(c.strip() for c in cells):
                yield reader.line_num, dict(zip(header, cells, strict=False))
    except csv.Error as exc:
        raise CallqaError(
            ErrorCode.O148, file=file, reason=f"not CSV (row {reader.line_num}): {exc}"
        ) from exc


def import_csv(session: Session, data: bytes, file: str, *, user_id: int | None = None) -> ImportReport:
    """Store every good row of a CSV file of ids; each bad row is an O147 naming the file, row and cause,
    and names callqa does not know are warned about (O171, stored all the same). A file that cannot be
    read (O148, even part way) stores nothing."""
    loaded, errors = [], []
    with session.begin_nested():  # an O148 part way through undoes the rows before it
        for number, cells in _rows(data, file):
            try:
                loaded.append(set_id(session, *(cells.get(c, "") for c in CSV_COLUMNS), user_id=user_id))
            except CallqaError as exc:
                errors.append(str(CallqaError(ErrorCode.O147, file=file, row=number, reason=str(exc))))
    return ImportReport(file, len(loaded), tuple(errors), unknown_names(session, loaded))
