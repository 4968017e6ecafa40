"""Searching interactions with their current evaluation: the web list, the API, and the conditions every
export of an ``InteractionQuery`` shares."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.util import find_tables

from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.query import CSAT_BANDS, SENTIMENTS, InteractionQuery
from callqa.insights.models import InsightFactRow as F
from callqa.interactions.convert import as_utc
from callqa.interactions.fulltext import (
    Snippet,
    TermPlan,
    parse,
    plan_terms,
    prepare_search,
    search_condition,
    snippets,
)
from callqa.interactions.models import InteractionRow
from callqa.interactions.queries import interaction_conditions
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.views.choices import distinct_values

MAX_PAGE = 200


@dataclass(frozen=True)
class Hit:
    id: int
    external_id: str
    channel: str
    language: str | None
    agent: str | None
    team: str | None
    queue: str | None
    started_at: datetime | None
    duration_ms: int | None
    csat: float | None
    csat_scale: int | None
    score: float | None  # the final score (a review's when reviewed)
    auto_failed: bool | None
    evaluation_id: int | None
    ai_score: float | None = None
    review_state: str | None = None
    sentiment: float | None = None  # the customer's overall sentiment, −1..1
    snippet: Snippet | None = None  # where the text search matched

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["started_at"] = self.started_at.isoformat() if self.started_at else None
        data["final_score"] = self.score
        data["snippet"] = self.snippet.as_json() if self.snippet else None
        return data


COUNT_CAP = 1000  # matches counted no further: "more than 1,000" instead of a count over a million rows
# A search for a common word (checked per interaction) counts only a few pages past the one shown: each
# match counted costs a check of its turns, and the 1,000th lies thousands of interactions deep.
PROBED_PAGES = 4
MAX_OFFSET = 10_000  # pages reach this far into a list; narrow the filters to see older ones


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    total: int  # the number of matches, at most ``cap`` + 1 (see ``capped``)
    offset: int
    limit: int
    cap: int = COUNT_CAP  # counted no further than this

    @property
    def capped(self) -> bool:
        """More than ``cap`` interactions match (``total`` is then not their number)."""
        return self.total > self.cap


def current_evaluation(flt: InteractionQuery) -> ColumnElement[bool]:
    """The join to the evaluation whose score the query reads: the current one by its scorecard (default:
    the standard one)."""
    return and_(
        EvaluationRow.interaction_id == InteractionRow.id,
        EvaluationRow.is_current.is_(True),
        EvaluationRow.scorecard_name == (flt.scorecard or DEFAULT_SCORECARD),
    )


SENTIMENT_BAND = 0.2  # customer overall sentiment at most −0.2 is negative, at least +0.2 positive


def _analysis_conditions(flt: InteractionQuery) -> list[ColumnElement[bool]]:
    """Conditions on the stored analysis (JSON), as sub-queries so no join is needed otherwise."""
    out: list[ColumnElement[bool]] = []
    if flt.sentiment in SENTIMENTS:
        overall = AnalysisRow.data["sentiment"]["customer"]["overall"].as_float()
        band = {
            "negative": overall <= -SENTIMENT_BAND,
            "neutral": and_(overall > -SENTIMENT_BAND, overall < SENTIMENT_BAND),
            "positive": overall >= SENTIMENT_BAND,
        }[flt.sentiment]
        out.append(exists().where(AnalysisRow.interaction_id == InteractionRow.id, band))
    if flt.moment:
        # the moments are a JSON list of objects: SQLite prints them compact, PostgreSQL with spaces
        text = cast(AnalysisRow.data["moments"], String)
        kind = or_(
            text.contains(f'"kind":"{flt.moment}"', autoescape=True),
            text.contains(f'"kind": "{flt.moment}"', autoescape=True),
        )
        out.append(exists().where(AnalysisRow.interaction_id == InteractionRow.id, kind))
    return out


def query_conditions(flt: InteractionQuery, plan: TermPlan | None = None) -> list[ColumnElement[bool]]:
    """Every field of the query as SQL conditions on ``interactions`` joined (outer) to the evaluation it
    reads (``current_evaluation``); analysis and insight facts as sub-queries. The search terms are
    checked as ``plan`` says (``fulltext.plan_terms``)."""
    out = interaction_conditions(flt)
    if flt.min_score is not None:
        out.append(EvaluationRow.score >= flt.min_score)
    if flt.max_score is not None:
        out.append(EvaluationRow.score <= flt.max_score)
    if flt.auto_failed is not None:
        out.append(EvaluationRow.auto_failed.is_(flt.auto_failed))
    if flt.failed:
        # An alias: the criterion results table export selects from criterion_results itself, which the
        # sub-query would otherwise correlate away (no FROM left).
        failed = aliased(CriterionResultRow)
        out.append(
            exists().where(
                failed.evaluation_id == EvaluationRow.id,
                failed.criterion == flt.failed,
                failed.outcome == "fail",
            )
        )
    if flt.q:
        plan = plan or TermPlan()
        found = search_condition(parse(flt.q), plan.probe, plan.walked)
        if found is not None:
            out.append(found)
    return out + _analysis_conditions(flt) + _fact_conditions(flt)


def _fact_conditions(flt: InteractionQuery) -> list[ColumnElement[bool]]:
    """Local hour and weekday come from the insights facts (the centre's time zone applied once there)."""
    where = []
    if flt.hour is not None:
        where.append(F.hour == flt.hour)
    if flt.weekday is not None:
        where.append(F.weekday == flt.weekday)
    if flt.reason:
        where.append(F.reason == ("" if flt.reason == "none" else flt.reason))
    if flt.csat_band in CSAT_BANDS:
        where.append(
            {"unhappy": F.csat <= 2, "neutral": and_(F.csat > 2, F.csat < 4), "happy": F.csat >= 4}[
                flt.csat_band
            ]
        )
    return [InteractionRow.id.in_(select(F.interaction_id).where(*where))] if where else []


def _sentiment() -> Any:
    overall = AnalysisRow.data["sentiment"]["customer"]["overall"].as_float()
    return select(overall).where(AnalysisRow.interaction_id == InteractionRow.id).scalar_subquery()


SORTS: dict[str, Any] = {
    "started": InteractionRow.started_at,
    "score": EvaluationRow.ai_score,
    "final_score": EvaluationRow.score,
    "review_state": EvaluationRow.review_state,
    "duration": InteractionRow.duration_ms,
    "sentiment": None,  # the analysis sub-query, built per query
    "csat": InteractionRow.csat,
}
DEFAULT_SORT = "-started"


def sort_key(sort: str | None) -> str:
    """``sort`` checked against ``SORTS`` (``-name``: descending); a coded error names the choices."""
    sort = (sort or DEFAULT_SORT).strip() or DEFAULT_SORT
    if sort.removeprefix("-") not in SORTS:
        choices = ", ".join(f"{name}, -{name}" for name in SORTS)
        raise CallqaError(ErrorCode.V107, sort=sort, choices=choices)
    return sort


def _order(sort: str, sentiment: Any) -> list[UnaryExpression[Any]]:
    name = sort.removeprefix("-")
    column = sentiment if name == "sentiment" else SORTS[name]
    first = column.desc() if sort.startswith("-") else column.asc()
    return [first.nulls_last(), InteractionRow.id.desc()]


EVALUATION_SORTS = ("score", "final_score", "review_state")


def _evaluated_first(
    session: Session, columns: Any, joined: Any, where: Any, sort: str, limit: int, offset: int
) -> list[Any]:
    """A page sorted by a column of the evaluation, blanks last, ties newest id first: the interactions
    with a value come in that column's order (the AI score from ``ix_evaluations_sort_ai_score``, walked
    in order; an index over the final score would lure SQLite into reading a score band through it), then
    those without one (no evaluation, or no value) newest first. One query over the outer join would sort
    every interaction before it could return the first 50."""
    column = SORTS[sort.removeprefix("-")]
    key = column.desc() if sort.startswith("-") else column.asc()
    valued = columns.join(EvaluationRow, joined).where(where, column.is_not(None))
    rows = list(
        session.execute(valued.order_by(key, EvaluationRow.interaction_id.desc()).limit(limit).offset(offset))
    )
    if len(rows) == limit:
        return rows
    # how many have a value: the page reached past them (``offset`` is at most MAX_OFFSET)
    before = offset + len(rows) if rows else _count(session, valued.limit(offset))
    blank = or_(EvaluationRow.id.is_(None), column.is_(None))
    rest = (
        columns.outerjoin(EvaluationRow, joined)
        .where(where, blank)
        .order_by(InteractionRow.id.desc())
        .limit(limit - len(rows))
        .offset(max(0, offset - before))
    )
    return rows + list(session.execute(rest))


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def search_interactions(
    session: Session,
    flt: InteractionQuery,
    *,
    scope: ColumnElement[bool] | None = None,
    limit: int = 50,
    offset: int = 0,
    sort: str | None = None,
) -> SearchPage:
    """A page of matching interactions within ``scope`` (the caller's access rule), in ``sort`` order
    (default newest first); with a text search, each hit carries its snippet."""
    limit = max(1, min(limit, MAX_PAGE))
    if offset > MAX_OFFSET:
        raise CallqaError(ErrorCode.V160, offset=offset, most=MAX_OFFSET)
    sort = sort_key(sort)
    if flt.failed:
        flt = replace(flt, failed=failed_criterion_id(session, flt))
    sentiment = _sentiment()
    joined = current_evaluation(flt)
    if flt.q:
        prepare_search(session)
    plan = plan_terms(session, parse(flt.q)) if flt.q else TermPlan()
    probe = plan.probe
    scope = scope if scope is not None else true()
    where = and_(scope, *query_conditions(flt, TermPlan(probe)))
    cap = min(COUNT_CAP, max(0, offset) + limit * (1 + PROBED_PAGES)) if probe else COUNT_CAP
    offset = max(0, offset)
    one_pass = bool(
        flt.q
        and session.get_bind().dialect.name == "sqlite"
        and sort.removeprefix("-") not in EVALUATION_SORTS
    )
    matched = select(InteractionRow.id).where(where)
    reads_evaluation = EvaluationRow.__table__ in find_tables(where, check_columns=True)
    if reads_evaluation or not one_pass:  # one pass: a join no condition reads costs a lookup per match
        matched = matched.outerjoin(EvaluationRow, joined)
    if one_pass and plan.walked and sort == DEFAULT_SORT and not reads_evaluation:
        # newest first through the started_at index (an evaluation condition would lead SQLite elsewhere)
        matched = select(InteractionRow.id).where(scope, *query_conditions(flt, plan))
    if one_pass:
        # SQLite builds a word's set of matches anew in every query that reads it (150 ms for a word in
        # 50,000 turns): the count and the page come from one ordered list of ids, then only the page's
        # rows are read whole (the sentiment read for 50 rows, not for every match before the sort)
        ordered = matched.order_by(*_order(sort, sentiment)).limit(max(cap + 1, offset + limit))
        ids = list(session.scalars(ordered))
        total = min(len(ids), cap + 1)
        where = InteractionRow.id.in_(ids[offset : offset + limit])
    else:
        base = matched.limit(cap + 1)
        if probe and sort == DEFAULT_SORT:
            # counted where the page looked (newest first), not from wherever the planner starts
            base = base.order_by(*_order(sort, sentiment))
        total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    columns = select(
        InteractionRow.id,
        InteractionRow.external_id,
        InteractionRow.channel,
        InteractionRow.language,
        InteractionRow.agent,
        InteractionRow.team,
        InteractionRow.queue,
        InteractionRow.started_at,
        InteractionRow.duration_ms,
        InteractionRow.csat,
        InteractionRow.csat_scale,
        EvaluationRow.score,
        EvaluationRow.auto_failed,
        EvaluationRow.id.label("evaluation_id"),
        EvaluationRow.ai_score,
        EvaluationRow.review_state,
        sentiment.label("sentiment"),
    )
    if sort.removeprefix("-") in EVALUATION_SORTS:
        rows = _evaluated_first(session, columns, joined, where, sort, limit, offset)
    else:
        query = columns.outerjoin(EvaluationRow, joined).where(where).order_by(*_order(sort, sentiment))
        rows = list(session.execute(query.limit(limit).offset(0 if one_pass else offset)))
    hits = [
        Hit(
            id=r.id,
            external_id=r.external_id,
            channel=r.channel,
            language=r.language,
            agent=r.agent,
            team=r.team,
            queue=r.queue,
            started_at=as_utc(r.started_at),
            duration_ms=r.duration_ms,
            csat=r.csat,
            csat_scale=r.csat_scale,
            score=r.score,
            auto_failed=r.auto_failed,
            evaluation_id=r.evaluation_id,
            ai_score=r.ai_score,
            review_state=r.review_state,
            sentiment=r.sentiment,
        )
        for r in rows
    ]
    if flt.q:
        found = snippets(session, [hit.id for hit in hits], parse(flt.q))
        hits = [replace(hit, snippet=found.get(hit.id)) for hit in hits]
    return SearchPage(hits, total, offset, limit, cap)


def failed_criterion_id(session: Session, flt: InteractionQuery) -> str | None:
    """The criterion id ``flt.failed`` names by its id or title, in any case (the page offers titles); an
    unknown name is kept as given. Resolved first so the filter stays an exact match on the indexed id."""
    if not flt.failed:
        return flt.failed
    name = flt.failed.casefold()
    for criterion, title in criterion_choices(session, flt):
        if name in (criterion.casefold(), title.casefold()):
            return criterion
    return flt.failed


def criterion_choices(session: Session, flt: InteractionQuery) -> list[tuple[str, str]]:
    """``(id, title)`` of the criteria of the query's scorecard, as its latest current evaluation has
    them (the failed-criterion pick-list)."""
    latest = session.scalar(
        select(EvaluationRow.id)
        .where(
            EvaluationRow.is_current.is_(True),
            EvaluationRow.scorecard_name == (flt.scorecard or DEFAULT_SCORECARD),
        )
        .order_by(EvaluationRow.id.desc())
        .limit(1)
    )
    if latest is None:
        return []
    rows = session.execute(
        select(CriterionResultRow.criterion, CriterionResultRow.title)
        .where(CriterionResultRow.evaluation_id == latest)
        .order_by(CriterionResultRow.id)
    )
    return [(row.criterion, row.title) for row in rows]


def facet_values(session: Session, *, scope: ColumnElement[bool] | None = None) -> dict[str, list[str]]:
    """The distinct agents, teams, queues, channels and languages within ``scope`` (filter choices)."""
    return {
        name: distinct_values(session, column, where=scope)
        for name, column in (
            ("agent", InteractionRow.agent),
            ("team", InteractionRow.team),
            ("queue", InteractionRow.queue),
            ("channel", InteractionRow.channel),
            ("language", InteractionRow.language),
        )
    }
