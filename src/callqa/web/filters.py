"""Reading what a page or API call asks for from its query string: the interaction query (web forms send
empty fields as empty strings) and the dashboards' filter within the viewer's scope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal, TypeVar

from fastapi import Depends, HTTPException, Query
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.core.errors import CallqaError
from callqa.core.query import BASES, CSAT_BANDS, SENTIMENTS, Days, InteractionQuery
from callqa.insights import dashboard
from callqa.interactions.fulltext import parse
from callqa.users.schemas import Actor, UserRole

T = TypeVar("T")
_TEXT = ("agent", "team", "queue", "channel", "language", "failed", "text", "q", "moment", "reason")
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


def checked(call: Callable[[], T]) -> T:
    """``call()``, its coded error (a bad search or sort) answered as a 422 with the error's message."""
    try:
        return call()
    except CallqaError as exc:
        raise HTTPException(422, str(exc)) from None


def _search(q: str | None) -> str | None:
    q = q.strip() if q else None
    if q:
        checked(lambda: parse(q))
    return q or None


def parse_filter(params: Mapping[str, str]) -> InteractionQuery:
    """The query named by ``params``; a malformed value is a 422 naming the field."""
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
    if "q" in values:
        _search(str(values["q"]))
    if params.get("scorecard", "").strip():
        values["scorecard"] = params["scorecard"].strip()
    return InteractionQuery(**values)  # type: ignore[arg-type]


def query_params(
    since: datetime | None = None,
    until: datetime | None = None,
    agent: str | None = None,
    team: str | None = None,
    queue: str | None = None,
    channel: str | None = None,
    language: Annotated[str | None, Query(description="'zh' matches zh-Hans and zh-Hant")] = None,
    min_score: float | None = None,
    max_score: float | None = None,
    failed: Annotated[
        str | None, Query(description="id or title (any case) of a criterion the evaluation failed")
    ] = None,
    auto_failed: bool | None = None,
    min_csat: float | None = None,
    max_csat: float | None = None,
    text: Annotated[str | None, Query(description="part of the external id")] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=500,
            description='words in the transcript: "a phrase", a OR b, -not, agent:word, customer:word',
        ),
    ] = None,
    sentiment: Annotated[
        Literal["negative", "neutral", "positive"] | None,
        Query(description="the customer's overall sentiment"),
    ] = None,
    moment: Annotated[str | None, Query(description="a key-moment kind, e.g. escalation_request")] = None,
    hour: Annotated[int | None, Query(ge=0, le=23, description="local hour it started (centre time)")] = None,
    weekday: Annotated[
        int | None, Query(ge=0, le=6, description="local weekday it started, 0 = Monday")
    ] = None,
    csat_band: Annotated[
        Literal["unhappy", "neutral", "happy"] | None,
        Query(description="CSAT on a 1–5 scale whatever the survey's: unhappy 1–2, neutral, happy 4–5"),
    ] = None,
    reason: Annotated[str | None, Query(description="contact reason id; none = no reason recognised")] = None,
    scorecard: Annotated[str | None, Query(description="whose scores are read (default: standard)")] = None,
) -> InteractionQuery:
    """The interaction query of an API call: the same parameters for the list and every export."""
    return InteractionQuery(
        since=since,
        until=until,
        agent=agent,
        team=team,
        queue=queue,
        channel=channel,
        language=language,
        min_score=min_score,
        max_score=max_score,
        failed=failed,
        auto_failed=auto_failed,
        min_csat=min_csat,
        max_csat=max_csat,
        text=text,
        q=_search(q),
        sentiment=sentiment,
        moment=moment,
        hour=hour,
        weekday=weekday,
        csat_band=csat_band,
        reason=reason,
        scorecard=scorecard,
    )


QueryParams = Annotated[InteractionQuery, Depends(query_params)]


PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 90


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: '{value}' is not a date (YYYY-MM-DD)") from None


def read_dashboard_filter(
    session: Session, actor: Actor, params: Mapping[str, str], *, today: date
) -> InteractionQuery:
    """The dashboard's query of the query string (local days ``since``..``until`` or the last ``period``
    days, team, agent, channel), narrowed to what ``actor`` may see (404 beyond it)."""
    period = params.get("period", "").strip()
    days = int(period) if period.isdigit() and int(period) > 0 else DEFAULT_PERIOD
    until = _day("until", params["until"]) if params.get("until", "").strip() else today
    since = _day("since", params["since"]) if params.get("since", "").strip() else until - timedelta(days - 1)
    if since > until:
        raise HTTPException(422, f"since: {since} is after until {until}")
    team = params.get("team", "").strip() or None
    agent = params.get("agent", "").strip() or None
    channel = params.get("channel", "").strip() or None
    basis = params.get("basis", "").strip() or None
    if basis is not None and basis not in BASES:
        raise HTTPException(422, f"basis: '{basis}' is not one of {', '.join(BASES)}")
    if basis == "final":
        basis = None
    if actor.role is UserRole.AGENT:
        agent = actor.agent_name or "\0"  # an agent's dashboard is their own
    teams = frozenset(actor.led_teams) if actor.role is UserRole.SUPERVISOR else None
    owner = None
    if agent is not None:
        owner = Owner(agent=agent, team=dashboard.agent_team(session, agent))
    elif team is not None:
        owner = Owner(agent=None, team=team)
    if not allowed(actor, Action.INSIGHTS_VIEW, owner):
        raise HTTPException(404, "not found")
    return InteractionQuery(
        days=Days(since, until), team=team, agent=agent, channel=channel, teams=teams, basis=basis
    )
