"""Full-text search over stored turns: the query syntax, its SQL (SQLite FTS5, PostgreSQL ``tsvector``)
and the highlighted snippet of a hit.

Syntax: words (all must occur somewhere in the interaction), ``"quoted phrases"``, ``a OR b``, ``-word``
(no turn has it), ``agent:word`` / ``customer:"a phrase"`` (said by that speaker). Index and query both
go through ``search_text.words``; the index holds only the redacted text (the only text stored).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, and_, bindparam, exists, false, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.sqltypes import NullType

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.search_text import Word, words
from callqa.interactions.models import InteractionRow, TurnRow

MAX_TERMS = 16
MAX_QUERY = 500
SPEAKERS = ("agent", "customer")
FTS_TABLE = "turns_fts"  # SQLite: an external-content FTS5 table over turns.search_text, kept by triggers
# PostgreSQL: turns.search_vector, to_tsvector('simple', search_text) stored as a generated column (0027),
# under a GIN index: a match is checked on the stored vector, never by parsing the text again
PG_INDEX = "ix_turns_search_vector"

_TOKEN = re.compile(r'(-?)(?:(agent|customer):)?(?:"([^"]*)"?|(\S+))')


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase (its folded words in order), said by ``role`` (None: anyone)."""

    words: tuple[str, ...]
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """Any of ``terms`` occurs in the interaction (``negated``: none does)."""

    terms: tuple[Term, ...]
    negated: bool = False


def parse(query: str) -> list[Clause]:
    """The clauses of a search box; punctuation alone is no term, a trailing ``OR`` is a word."""
    if len(query) > MAX_QUERY:
        raise CallqaError(
            ErrorCode.V106, query=query[:40] + "…", reason=f"longer than {MAX_QUERY} characters"
        )
    clauses: list[Clause] = []
    join_next = False
    for match in _TOKEN.finditer(query):
        minus, role, phrase, bare = match.groups()
        if bare == "OR" and not minus and not role and clauses and not clauses[-1].negated:
            join_next = True
            continue
        text = phrase if phrase is not None else bare
        folded = tuple(w.folded for w in words(text or ""))
        if not folded:
            join_next = False
            continue
        term = Term(folded, role)
        if join_next and not minus:
            clauses[-1] = Clause((*clauses[-1].terms, term))
        else:
            clauses.append(Clause((term,), negated=bool(minus)))
        join_next = False
    if sum(len(c.terms) for c in clauses) > MAX_TERMS:
        raise CallqaError(ErrorCode.V106, query=query[:40] + "…", reason=f"more than {MAX_TERMS} terms")
    return clauses


class _TurnMatch(ColumnElement[Any]):
    """``turns`` rows whose indexed words hold the phrase; compiled per dialect."""

    type = NullType()  # Boolean would make SQLite compare it "= 1", which no index serves
    inherit_cache = False

    def __init__(self, phrase: str) -> None:
        self.phrase = phrase


@compiles(_TurnMatch, "sqlite")
def _sqlite_match(element: _TurnMatch, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(bindparam(None, f'"{element.phrase}"', String), **kw)
    turn_id = compiler.process(TurnRow.__table__.c.id, **kw)
    return f"{turn_id} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {value})"


@compiles(_TurnMatch, "postgresql")
def _postgres_match(element: _TurnMatch, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(bindparam(None, element.phrase, String), **kw)
    text = compiler.process(TurnRow.__table__.c.search_text, **kw)
    vector = text.removesuffix("search_text") + "search_vector"  # the same table (or alias) as the text
    return f"{vector} @@ phraseto_tsquery('simple'::regconfig, {value})"


def compact_search_index(session: Session) -> None:
    """Rewrite SQLite's index without the entries of deleted turns (FTS5 keeps a deleted word in its old
    segments until they merge; with ``secure_delete`` the freed pages are zeroed). PostgreSQL's index is not
    in a dump and its dead entries go with VACUUM: nothing to do there. Costs a pass over the whole index."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))


class _TurnProbe(ColumnElement[Any]):
    """This ``turns`` row holds the phrase, checked row by row (no set of every match is built)."""

    type = NullType()
    inherit_cache = False

    def __init__(self, phrase: str) -> None:
        self.phrase = phrase


@compiles(_TurnProbe, "sqlite")
def _sqlite_probe(element: _TurnProbe, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(bindparam(None, f'"{element.phrase}"', String), **kw)
    turn_id = compiler.process(TurnRow.__table__.c.id, **kw)
    # the rowid constraint lets FTS5 seek each doclist to this one turn instead of reading it whole
    return f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {value} AND rowid = {turn_id})"


@compiles(_TurnProbe, "postgresql")
def _postgres_probe(element: _TurnProbe, compiler: SQLCompiler, **kw: Any) -> str:
    return _postgres_match(_TurnMatch(element.phrase), compiler, **kw)


# A term in more turns than this is checked per interaction, newest first (``probe``). PostgreSQL reaches
# its set of matches through the heap (each row rechecked), so its sets stay smaller than SQLite's.
COMMON = {"sqlite": 100_000, "postgresql": 20_000}


def _turns_holding(session: Session, phrase: str, most: int) -> int:
    """How many turns hold the phrase, no further than ``most``. SQLite counts in the FTS5 index itself
    (cheap); PostgreSQL's GIN index cannot stop early (it reads every match, then rechecks the rows), so
    there the planner's estimate from the index statistics answers: enough to choose a plan, which never
    changes the result."""
    if session.get_bind().dialect.name == "sqlite":
        found = session.execute(
            text(
                f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase"
                " LIMIT :most)"
            ),
            {"phrase": f'"{phrase}"', "most": most},
        )
        return int(found.scalar_one())
    plan = session.execute(
        text(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM turns"
            " WHERE search_vector @@ phraseto_tsquery('simple'::regconfig, :phrase)"
        ),
        {"phrase": phrase},
    ).scalar_one()
    document = json.loads(plan) if isinstance(plan, str) else plan
    return min(most, int(document[0]["Plan"]["Plan Rows"]))


# SQLite: a term in more turns than this (and no more than ``COMMON``) is still a set, but the interactions
# are walked newest first (their ``started_at`` index), each looked up in the set: a word in 80,000 turns
# fills the first 1,000 matches within 13,000 interactions, where looking up every member of its set and
# sorting them costs 100 ms more. Below it the set is smaller than that walk.
WALKED = 20_000


@dataclass(frozen=True, slots=True)
class TermPlan:
    """How each term of a search is checked: ``probe``, per interaction (``common_terms``); ``walked``, as
    a set looked up from the newest-first walk (SQLite); the others as a set looked up member by member."""

    probe: frozenset[Term] = frozenset()
    walked: frozenset[Term] = frozenset()


def plan_terms(session: Session, clauses: Sequence[Clause]) -> TermPlan:
    """Each term counted once in the index (no further than ``COMMON``) and planned by that count."""
    terms = {term for clause in clauses for term in clause.terms}
    dialect = session.get_bind().dialect.name
    most = COMMON[dialect]
    counts = {t: _turns_holding(session, " ".join(t.words), most + 1) for t in terms}
    walk_from = WALKED if dialect == "sqlite" else most
    return TermPlan(
        probe=frozenset(t for t, n in counts.items() if n > most),
        walked=frozenset(t for t, n in counts.items() if walk_from < n <= most),
    )


def common_terms(session: Session, clauses: Sequence[Clause]) -> frozenset[Term]:
    """The terms found in more than ``COMMON`` turns (counted no further than that).

    A rare term is cheapest as the set of its interactions; a common one is not: building the set of a
    word in a third of all turns costs seconds, while walking the interactions newest first and checking
    each finds the first page after a few hundred."""
    return plan_terms(session, clauses).probe


def prepare_search(session: Session) -> None:
    """PostgreSQL, for this transaction: memory enough that a word's bitmap of matching turns stays exact
    (at the default 4 MB a word in 80,000 turns goes lossy and every row of each page is rechecked: 7 s
    instead of 0.3), and no JIT compiling (100+ ms for queries it would not speed up)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        session.execute(text("SET LOCAL jit = off"))


def _term_condition(term: Term, probe: bool, walked: bool = False) -> ColumnElement[bool]:
    phrase = " ".join(term.words)
    if probe:
        turns = select(TurnRow.id).where(TurnRow.interaction_id == InteractionRow.id, _TurnProbe(phrase))
        if term.role is not None:
            turns = turns.where(TurnRow.role == term.role)
        return exists(turns)
    found = select(TurnRow.interaction_id).where(_TurnMatch(phrase))
    if term.role is not None:
        found = found.where(TurnRow.role == term.role)
    return _Members(found, walked)


class _Members(ColumnElement[Any]):
    """``interactions.id`` is one of the ids the sub-query returns, computed once as a set (``walked``: on
    SQLite, only looked up, never used to find the interactions, so a sorted index is walked instead)."""

    type = NullType()
    inherit_cache = False

    def __init__(self, found: Any, walked: bool = False) -> None:
        self.found = found
        self.walked = walked


@compiles(_Members, "sqlite")
def _sqlite_members(element: _Members, compiler: SQLCompiler, **kw: Any) -> str:
    ident = compiler.process(InteractionRow.__table__.c.id, **kw)
    # unary "+" keeps SQLite from reaching the interactions through the set's members (then sorting them)
    prefix = "+" if element.walked else ""
    return f"{prefix}{ident} IN ({compiler.process(element.found, **kw)})"


@compiles(_Members, "postgresql")
def _postgres_members(element: _Members, compiler: SQLCompiler, **kw: Any) -> str:
    # An array built once, looked up by primary key: as "IN (sub-query)" PostgreSQL turns it into a semi
    # join and walks every interaction newest first checking its turns, even for a rare word.
    ident = compiler.process(InteractionRow.__table__.c.id, **kw)
    return f"{ident} = ANY(ARRAY({compiler.process(element.found, **kw)}))"


def search_condition(
    clauses: Sequence[Clause], probe: frozenset[Term] = frozenset(), walked: frozenset[Term] = frozenset()
) -> ColumnElement[bool] | None:
    """The interactions matching every clause, as one condition on ``interactions`` (None: no clause);
    the terms in ``probe`` are checked per interaction (``common_terms``), the others as sets (those in
    ``walked`` looked up from a walk of the interactions in order, ``TermPlan``)."""
    if not clauses:
        return None
    parts: list[ColumnElement[bool]] = []
    for clause in clauses:
        terms = clause.terms
        any_term = or_(false(), *(_term_condition(term, term in probe, term in walked) for term in terms))
        parts.append(~any_term if clause.negated else any_term)
    return and_(*parts)


@dataclass(frozen=True, slots=True)
class Snippet:
    """Where an interaction matched: the turn (its ``seq``), who spoke, and the text around the hit as
    ``(text, marked)`` pieces (escaped when rendered)."""

    seq: int
    role: str
    pieces: tuple[tuple[str, bool], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "turn": self.seq,
            "role": self.role,
            "text": "".join(text for text, _ in self.pieces),
            "marks": [text for text, marked in self.pieces if marked],
        }


CONTEXT = 60  # characters shown before the first hit
LENGTH = 200  # characters in a snippet


def snippets(session: Session, ids: Sequence[int], clauses: Sequence[Clause]) -> dict[int, Snippet]:
    """The first matching turn of each interaction in ``ids`` with its hit words marked."""
    wanted = [term for clause in clauses if not clause.negated for term in clause.terms]
    if not wanted or not ids:
        return {}
    rows = session.execute(
        select(TurnRow.interaction_id, TurnRow.seq, TurnRow.role, TurnRow.text, TurnRow.search_text)
        .where(TurnRow.interaction_id.in_(ids))
        .order_by(TurnRow.interaction_id, TurnRow.seq)
    )
    found: dict[int, Snippet] = {}
    for row in rows:
        if row.interaction_id in found:
            continue
        indexed = set(row.search_text.split())  # cheap: only turns holding every word are segmented again
        terms = [t for t in wanted if t.role in (None, row.role) and indexed.issuperset(t.words)]
        if not terms:
            continue
        spans = _hits(words(row.text), terms)
        if spans:
            found[row.interaction_id] = Snippet(row.seq, row.role, _pieces(row.text, spans))
    return found


def _hits(said: list[Word], terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Spans of every occurrence of any term (a phrase: its words in a row)."""
    folded = [w.folded for w in said]
    spans: list[tuple[int, int]] = []
    for term in terms:
        size = len(term.words)
        for i in range(len(folded) - size + 1):
            if tuple(folded[i : i + size]) == term.words:
                spans.extend((w.start, w.end) for w in said[i : i + size])
    return sorted(set(spans))


def _pieces(text: str, spans: list[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    text = unicodedata.normalize("NFC", text)  # the spans are in the NFC text
    first = max(0, spans[0][0] - CONTEXT)
    last = min(len(text), first + LENGTH)
    pieces: list[tuple[str, bool]] = [("…", False)] if first > 0 else []
    position = first
    for start, end in spans:
        if start < position or end > last:
            continue
        pieces.extend(((text[position:start], False), (text[start:end], True)))
        position = end
    pieces.append((text[position:last], False))
    if last < len(text):
        pieces.append(("…", False))
    return tuple((t, m) for t, m in pieces if t)
