"""Full-text search over transcripts, on SQLite (FTS5) and PostgreSQL (tsvector): every language, phrases,
boolean, per speaker, and the index kept in step with updates and purges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from callqa.core.document import Interaction
from callqa.core.errors import CallqaError
from callqa.core.query import InteractionQuery
from callqa.interactions.fulltext import Term, parse
from callqa.interactions.models import TurnRow
from callqa.interactions.service import Outcome, StoreItem, store_interactions
from callqa.lifecycle.purge import purge_interactions
from callqa.storage.files import FileStore
from callqa.views.search import search_interactions
from support import Database

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
CALLS = {
    "en-refund": (
        "en",
        [
            ("customer", "I would like a refund for my broken kettle."),
            ("agent", "Sorry about that, I can cancel the order today."),
        ],
    ),
    "en-cancel": (
        "en",
        [
            ("customer", "Please cancel my subscription."),
            ("agent", "Done, the refund policy does not apply."),
        ],
    ),
    "en-thanks": (
        "en",
        [("customer", "Just calling to say thanks."), ("agent", "You are welcome, have a nice day.")],
    ),
    "zh-refund": (
        "zh-Hans",
        [("customer", "我想申请退款，订单号已经发给你了。"), ("agent", "好的，我帮您查一下。")],
    ),
    "lt-return": ("lt", [("customer", "Noriu grąžinti prekę, ji sugedo."), ("agent", "Žinoma, padėsiu.")]),
    "fa-book": ("fa", [("customer", "من يك كتاب سفارش دادم"), ("agent", "بله، بررسی می‌کنم")]),
}


def _doc(external_id: str, language: str, turns: list[tuple[str, str]], day: int) -> Interaction:
    return Interaction.model_validate(
        {
            "external_id": external_id,
            "channel": "chat",
            "language": language,
            "started_at": START + timedelta(days=day),
            "turns": [{"role": role, "text": said} for role, said in turns],
        }
    )


def _store(db: Database) -> dict[str, int]:
    docs = [_doc(key, lang, turns, day) for day, (key, (lang, turns)) in enumerate(CALLS.items())]
    with db.factory.begin() as session:
        stored = store_interactions(session, [StoreItem(doc) for doc in docs])
    return {
        doc.external_id: s.interaction_id for doc, s in zip(docs, stored, strict=True) if s.interaction_id
    }


def _found(db: Database, q: str) -> set[str]:
    with db.factory() as session:
        page = search_interactions(session, InteractionQuery(q=q), limit=200)
    return {hit.external_id for hit in page.hits}


def test_words_phrases_and_every_language(db: Database) -> None:
    _store(db)
    assert _found(db, "refund") == {"en-refund", "en-cancel"}
    assert _found(db, "REFUND kettle") == {"en-refund"}  # every word, any case
    assert _found(db, '"cancel the order"') == {"en-refund"}
    assert _found(db, '"the order cancel"') == set()  # a phrase is its words in a row
    assert _found(db, "退款") == {"zh-refund"}  # a word inside an unsegmented sentence
    assert _found(db, "申请退款") == {"zh-refund"}
    assert _found(db, "grazinti") == {"lt-return"}  # no accents finds the accented text
    assert _found(db, "GRĄŽINTI") == {"lt-return"}
    assert _found(db, "كتاب") == {"fa-book"}  # Arabic kaf and yeh find the Persian letters
    assert _found(db, "یک کتاب") == {"fa-book"}


def test_boolean_negation_and_speakers(db: Database) -> None:
    _store(db)
    assert _found(db, "kettle OR subscription") == {"en-refund", "en-cancel"}
    assert _found(db, "refund -kettle") == {"en-cancel"}
    assert _found(db, "-refund thanks") == {"en-thanks"}
    assert _found(db, "customer:refund") == {"en-refund"}  # the customer asked for one
    assert _found(db, "agent:refund") == {"en-cancel"}  # the agent spoke of one
    assert _found(db, 'agent:"cancel the order"') == {"en-refund"}
    assert _found(db, 'customer:"cancel the order"') == set()
    with db.factory() as session:  # the search narrows the other filters, it does not replace them
        page = search_interactions(session, InteractionQuery(q="refund", language="zh"))
    assert [hit.external_id for hit in page.hits] == []


def test_hits_carry_a_marked_snippet_at_the_matching_turn(db: Database) -> None:
    _store(db)
    with db.factory() as session:
        page = search_interactions(session, InteractionQuery(q="agent:refund"))
        (hit,) = page.hits
        assert hit.snippet is not None
        assert (hit.snippet.seq, hit.snippet.role) == (1, "agent")
        assert [t for t, marked in hit.snippet.pieces if marked] == ["refund"]
        (zh,) = search_interactions(session, InteractionQuery(q="退款")).hits
        assert zh.snippet is not None and [t for t, m in zh.snippet.pieces if m] == ["退款"]
        (lt,) = search_interactions(session, InteractionQuery(q="grazinti")).hits
        assert lt.snippet is not None and [t for t, m in lt.snippet.pieces if m] == ["grąžinti"]


def test_an_update_replacing_a_turn_drops_its_old_hits(db: Database) -> None:
    _store(db)
    changed = _doc("en-refund", "en", [("customer", "My toaster smokes."), ("agent", "Let me help.")], 0)
    with db.factory.begin() as session:
        (stored,) = store_interactions(session, [StoreItem(changed)])
    assert stored.outcome is Outcome.UPDATED
    assert _found(db, "kettle") == set()
    assert _found(db, "refund") == {"en-cancel"}
    assert _found(db, "toaster") == {"en-refund"}


def test_a_purge_drops_its_hits_and_its_index_rows(db: Database, tmp_path: Path) -> None:
    ids = _store(db)
    with db.factory.begin() as session:
        purge_interactions(
            session, FileStore(tmp_path / "files"), [ids["zh-refund"], ids["en-refund"]], erase=True
        )
    assert _found(db, "退款") == set()
    assert _found(db, "refund") == {"en-cancel"}
    with db.factory() as session:
        turns = session.scalar(select(func.count(TurnRow.id)))
        if db.backend == "sqlite":  # the FTS5 table holds exactly the turns that are left
            indexed = session.scalar(text("SELECT count(*) FROM turns_fts_docsize"))
            assert indexed == turns
            leftover = session.scalar(text("SELECT count(*) FROM turns_fts WHERE turns_fts MATCH 'kettle'"))
            assert leftover == 0


def test_query_syntax() -> None:
    clauses = parse('refund OR "money back" -thanks agent:sorry 退款申请')
    assert [(c.negated, c.terms) for c in clauses] == [
        (False, (Term(("refund",)), Term(("money", "back")))),
        (True, (Term(("thanks",)),)),
        (False, (Term(("sorry",), "agent"),)),
        (False, (Term(("退款", "申请")),)),
    ]
    assert parse("!!! ,,") == []
    with pytest.raises(CallqaError, match=r"V106.*more than 16 terms"):
        parse(" ".join(f"w{i}" for i in range(17)))


def test_the_migration_indexes_the_turns_stored_before_it(db: Database) -> None:
    from alembic import command

    from callqa.db.migrate import alembic_config, upgrade

    ids = _store(db)
    command.downgrade(alembic_config(db.engine), "0021")
    try:
        with db.engine.begin() as connection:  # a turn written before search existed
            connection.execute(
                text(
                    "UPDATE turns SET text = 'Noriu grąžinti pinigus' WHERE interaction_id = :i AND seq = 1"
                ),
                {"i": ids["en-thanks"]},
            )
    finally:
        upgrade(db.engine)
    assert _found(db, "grazinti") == {"lt-return", "en-thanks"}
    assert _found(db, "退款") == {"zh-refund"}
