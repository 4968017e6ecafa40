"""Refusing a report on nothing: a team or agent the data never names, a period that ends before it starts."""

from __future__ import annotations

from difflib import get_close_matches

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.reports.build import ReportRequest

SHOWN = 8  # known names listed when none is close


def check_request(session: Session, request: ReportRequest) -> None:
    """Raise R108 for a reversed period, R107 for a team or agent no stored interaction names (with the
    closest names as suggestions)."""
    if request.since > request.until:
        raise CallqaError(ErrorCode.R108, since=request.since, until=request.until)
    check_subject(session, request.scope, request.subject)


def check_subject(session: Session, scope: str, subject: str | None) -> None:
    """Raise R107 when ``subject`` is a team or agent no stored interaction names."""
    if scope not in ("team", "agent") or subject is None:
        return
    column = InteractionRow.team if scope == "team" else InteractionRow.agent
    if session.scalar(select(column).where(column == subject).limit(1)) is not None:
        return
    known = [str(v) for v in session.scalars(select(column).where(column.is_not(None)).distinct())]
    raise CallqaError(ErrorCode.R107, scope=scope, name=subject, hint=_hint(scope, subject, known))


def _hint(scope: str, subject: str, known: list[str]) -> str:
    folded = {k.casefold(): k for k in known}
    close = get_close_matches(subject.casefold(), list(folded), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{folded[c]}'" for c in close) + "?"
    if not known:
        return f"no interaction names a {scope} yet"
    names = sorted(known)
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return f"known: {', '.join(names[:SHOWN])}{more}"
