"""Search at scale: a common word is checked per interaction (newest first) with the same answers as the
set of its matches; counts stop at a cap; pages stop at a depth (V160). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, true

from callqa.core.document import Interaction
from callqa.core.errors import CallqaError
from callqa.core.query import InteractionQuery
from callqa.interactions import fulltext
from callqa.interactions.fulltext import Term, common_terms, parse, search_condition
from callqa.interactions.models import InteractionRow
from callqa.interactions.service import StoreItem, store_interactions
from callqa.views import search
from callqa.views.search import search_interactions
from support import Database

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _store(db: Database, count: int) -> None:
    docs = [
        Interaction.model_validate(
            {
                "external_id": f"scale-{n}",
                "channel": "chat",
                "team": "North" if n % 2 else "South",
                "started_at": START + timedelta(minutes=n),
                "turns": [
                    {"role": "customer", "text": f"the parcel {'never came' if n % 3 else 'came late'}"},
                    {"role": "agent", "text": "sorry, the courier" + (" will call" if n % 5 == 0 else "")},
                ],
            }
        )
        for n in range(count)
    ]
    with db.factory.begin() as session:
        store_interactions(session, [StoreItem(d) for d in docs])
    if db.engine.dialect.name == "postgresql":  # PostgreSQL counts a term from the index statistics
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE turns")


@pytest.mark.parametrize(
    "query", ["the", "courier -call", '"came late"', "customer:never OR agent:call", "parcel late"]
)
def test_checking_per_interaction_finds_what_the_set_finds(
    db: Database, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    _store(db, 40)
    monkeypatch.setattr(fulltext, "COMMON", {"sqlite": 10, "postgresql": 10})
    with db.factory() as session:
        assert common_terms(session, parse("the")) == {Term(("the",))}  # in all 80 turns: "common"
        assert common_terms(session, parse("will")) == frozenset()  # in 8
        clauses = parse(query)
        probed = frozenset(term for clause in clauses for term in clause.terms)
        answers = [
            set(session.scalars(select(InteractionRow.id).where(search_condition(clauses, probe))))  # type: ignore[arg-type]
            for probe in (frozenset(), probed)
        ]
        assert answers[0] == answers[1] and answers[0]
        page = search_interactions(session, InteractionQuery(q=query), scope=true(), limit=5)
        newest = session.scalars(
            select(InteractionRow.id)
            .where(InteractionRow.id.in_(answers[0]))
            .order_by(InteractionRow.started_at.desc())
            .limit(5)
        )
        assert [h.id for h in page.hits] == list(newest)


def test_counts_stop_at_the_cap_and_pages_at_a_depth(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _store(db, 40)
    monkeypatch.setattr(search, "COUNT_CAP", 25)
    with db.factory() as session:
        found = search_interactions(session, InteractionQuery(), scope=true(), limit=10)
        assert found.capped and found.total == 26 and found.cap == 25
        few = search_interactions(session, InteractionQuery(team="North"), scope=true(), limit=10)
        assert not few.capped and few.total == 20
        monkeypatch.setattr(fulltext, "COMMON", {"sqlite": 10, "postgresql": 10})
        probed = search_interactions(session, InteractionQuery(q="the"), scope=true(), limit=3)
        assert probed.cap == 3 * (1 + search.PROBED_PAGES) and probed.capped  # 15: a few pages counted
        with pytest.raises(CallqaError, match=r"\[V160\].*10000"):
            search_interactions(session, InteractionQuery(), scope=true(), offset=10_001)


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("parcel", {}),
        ('"came late" courier', {}),
        ("customer:never OR agent:call", {"team": "North"}),
        ("courier -will", {}),
        ("parcel", {"min_score": 0.0}),
    ],
)
def test_walking_the_newest_first_order_finds_the_same_page(
    db: Database, monkeypatch: pytest.MonkeyPatch, query: str, filters: dict[str, object]
) -> None:
    """A term in many turns (SQLite: its set looked up from the walk of the started_at order) gives the
    page and the capped count that the set looked up member by member gives, at every offset."""
    _store(db, 40)
    monkeypatch.setattr(fulltext, "COMMON", {"sqlite": 1000, "postgresql": 1000})
    monkeypatch.setattr(search, "COUNT_CAP", 11)
    flt = InteractionQuery(q=query, **filters)  # type: ignore[arg-type]
    with db.factory() as session:
        pages = {}
        for walked_from in (1000, 5):
            monkeypatch.setattr(fulltext, "WALKED", walked_from)
            plan = fulltext.plan_terms(session, parse(query))
            assert not plan.probe and bool(plan.walked) == (walked_from == 5 and db.backend == "sqlite")
            pages[walked_from] = [
                search_interactions(session, flt, scope=true(), limit=4, offset=offset)
                for offset in (0, 4, 8, 12)
            ]
        assert pages[1000] == pages[5]
        matches = set(session.scalars(select(InteractionRow.id).where(search_condition(parse(query)))))  # type: ignore[arg-type]
        newest = list(
            session.scalars(
                select(InteractionRow.id)
                .where(InteractionRow.id.in_(matches))
                .order_by(InteractionRow.started_at.desc())
            )
        )
        if "min_score" not in filters and "team" not in filters:
            assert [h.id for page in pages[5] for h in page.hits] == newest[:16]
            assert pages[5][0].total == min(len(newest), 12) and newest
