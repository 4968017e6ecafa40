"""Web latency: the interaction list, transcript search and detail pages with 100k interactions stored.

    .venv/bin/python bench/web.py [--count 100000] [--requests 200] [--database-url postgresql+psycopg://...]

A SQLite database (or the PostgreSQL database named by ``--database-url``: its ``public`` schema is dropped
and rebuilt) gets ``count`` generated calls (12 turns each, 500 agents in 25 teams); 300 are scored by
the real engine (the detail pages), the rest get a current evaluation with 15 criterion results written
directly (same tables, random outcomes), so score and failed-criterion filters have realistic volume.
The app runs under uvicorn in its own process; a client signs in and times sequential requests over loopback
(p50 / p95 / max). The **baseline** for each page is the same library query run in-process without HTTP,
templates or access checks (``search_interactions`` / the detail queries): the ratio is what the web layer
costs on top of the database work.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from common import latencies_ms

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "bench-password-1"
CRITERIA = [f"c{i:02d}" for i in range(15)]


def reset(url: str) -> None:
    """An empty PostgreSQL database: the bench owns it."""
    from sqlalchemy import text

    from callqa.db.engine import create_db_engine

    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, count: int) -> list[int]:
    """Store, score and evaluate; returns the ids of the interactions scored by the real engine."""
    from sqlalchemy import insert, select

    from callqa.analysis.defaults import build_pipeline
    from callqa.core.document import Interaction
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.interactions.models import InteractionRow
    from callqa.interactions.service import StoreItem, store_interactions
    from callqa.scoring.loader import load_scorecard
    from callqa.scoring.models import CriterionResultRow, EvaluationRow
    from callqa.scoring.service import register_scorecard, score_stored
    from callqa.users.schemas import UserCreate, UserRole
    from callqa.users.service import create_user
    from score_data import generate

    engine = create_db_engine(url)
    ensure_schema(engine)
    factory = session_factory(engine)
    for start in range(0, count, 2000):
        docs = generate(min(2000, count - start), seed=start, turns_per_call=12)
        for n, doc in enumerate(docs):
            doc["external_id"] = f"web-{start + n:06d}"
            doc["survey"] = {"csat": random.Random(start + n).randint(1, 5), "csat_scale": 5}
        with factory.begin() as session:
            store_interactions(session, [StoreItem(Interaction.model_validate(d)) for d in docs])
    card = load_scorecard("standard")
    with factory() as session:
        ids = list(session.scalars(select(InteractionRow.id).order_by(InteractionRow.id)))
    rng = random.Random(5)
    scored = sorted(rng.sample(ids, 300))
    score_stored(factory, card, pipeline=build_pipeline(), ids=scored, batch_size=100)
    with factory.begin() as session:
        card_id = register_scorecard(session, card).id
        create_user(
            session, UserCreate(username="qa", display_name="QA", password=PASSWORD, role=UserRole.QA_ANALYST)
        )
        create_user(
            session,
            UserCreate(
                username="lead",
                display_name="Lead",
                password=PASSWORD,
                role=UserRole.SUPERVISOR,
                leads=["Team 1"],
            ),
        )
    rest = sorted(set(ids) - set(scored))
    now = datetime.now(UTC)
    for start in range(0, len(rest), 5000):
        chunk = rest[start : start + 5000]
        with engine.begin() as connection:
            connection.execute(
                insert(EvaluationRow),
                [
                    {
                        "interaction_id": i,
                        "scorecard_id": card_id,
                        "scorecard_name": card.name,
                        "engine_version": "bench",
                        "pipeline": "bench",
                        "interaction_hash": "bench",
                        "score": float(rng.randint(20, 100)),
                        "raw_score": None,
                        "auto_failed": rng.random() < 0.1,
                        "passed": False,
                        "is_current": True,
                        "created_at": now,
                    }
                    for i in chunk
                ],
            )
            evaluation_ids = [
                r[0]
                for r in connection.exec_driver_sql(
                    "SELECT id, interaction_id FROM evaluations "
                    f"WHERE interaction_id BETWEEN {chunk[0]} AND {chunk[-1]} AND engine_version = 'bench'"
                )
            ]
            connection.execute(
                insert(CriterionResultRow),
                [
                    {
                        "evaluation_id": e,
                        "criterion": c,
                        "section": "s",
                        "title": c,
                        "outcome": rng.choice(("pass", "pass", "pass", "fail", "n/a")),
                        "confidence": rng.random(),
                        "weight": 1.0,
                        "critical": False,
                        "explanation": "",
                        "evidence": [],
                    }
                    for e in evaluation_ids
                    for c in CRITERIA
                ],
            )
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return scored


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER = """
import sys, uvicorn
from pydantic import SecretStr
from callqa.core.settings import Settings
from callqa.web.app import create_app
# no background jobs: at 1M the insights refresher's first pass holds SQLite's write lock for minutes
settings = Settings(
    database_url=sys.argv[1], data_dir=sys.argv[2], secret_key=SecretStr("b" * 40), background_jobs=False
)
app = create_app(settings)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning", access_log=False)
"""


def _client(base: str, username: str) -> Any:
    import httpx

    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    answer = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code in (200, 303), answer.text
    return client


def _timed(call: Callable[[], Any], n: int) -> dict[str, float]:
    samples = latencies_ms(call, n)
    return {
        "p50": statistics.median(samples),
        "p95": samples[int(0.95 * (len(samples) - 1))],
        "max": samples[-1],
    }


def _get(client: Any, url: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return call


# Words of the generated calls by how many turns hold them (at 1M interactions, 8 turns each): each
# case cycles through its words, so p95 is over many different queries, not one cached answer.
RARE = ("attached", "desperate", "mediocre", "preview", "inherit", "保鲜")  # ~0.003 % of turns
MEDIUM = ("taxi", "cheap", "refund", "airport", "发票", "退款")  # ~0.5–1 %
COMMON = ("the", "movie", "book", "hotel", "restaurant", "订单")  # 3–33 %
PHRASES = ('"a train"', '"the restaurant"', '"book a table"', '"what time"')
SPEAKERS = ("customer:book", "agent:sorry", "customer:refund", "agent:hotel")
SEARCHES: tuple[tuple[str, tuple[str, ...], dict[str, str]], ...] = (
    ("search, rare word", RARE, {}),
    ("search, medium word", MEDIUM, {}),
    ("search, very common word", COMMON, {}),
    ("search, phrase", PHRASES, {}),
    ("search, one speaker", SPEAKERS, {}),
    ("search, common word + team", COMMON, {"team": "Team 7"}),
    ("search, medium word + score 40–70", MEDIUM, {"min_score": "40", "max_score": "70"}),
)
LISTS: tuple[tuple[str, dict[str, str], str | None], ...] = (
    ("list, team", {"team": "Team 7"}, None),
    ("list, date range (one month)", {"since": "2025-03-01", "until": "2025-04-01"}, None),
    ("list, score band 40–70", {"min_score": "40", "max_score": "70"}, None),
    ("list, failed criterion", {"failed": "c03"}, None),
    ("list, team + score band", {"team": "Team 7", "min_score": "40", "max_score": "70"}, None),
    ("list, sorted by score", {}, "-score"),
    ("list, team sorted by score", {"team": "Team 7"}, "-score"),
)


def _query(params: dict[str, str]) -> Any:
    from datetime import date

    from callqa.core.query import InteractionQuery

    values: dict[str, Any] = {}
    for key, value in params.items():
        if key in ("min_score", "max_score"):
            values[key] = float(value)
        elif key in ("since", "until"):
            values[key] = datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        else:
            values[key] = value
    return InteractionQuery(**values)


def _cycle(calls: list[Callable[[], Any]]) -> Callable[[], Any]:
    turn = iter(range(10**9))

    def call() -> Any:
        return calls[next(turn) % len(calls)]()

    return call


def measure(url: str, scored: list[int], requests: int) -> list[dict[str, Any]]:
    from callqa.access.policies import interaction_scope
    from callqa.core.query import InteractionQuery
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.interactions.queries import get_interaction
    from callqa.scoring.queries import analysis_for, evaluations_for
    from callqa.users.schemas import Actor, UserRole
    from callqa.views.search import facet_values, search_interactions

    engine = create_db_engine(url)
    factory = session_factory(engine)
    port = _port()
    data = tempfile.mkdtemp(prefix="callqa-web-bench-")
    server = subprocess.Popen([sys.executable, "-c", SERVER, url, data, str(port)], env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(600):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        qa, lead = _client(base, "qa"), _client(base, "lead")
        rng = random.Random(3)
        analyst = Actor(1, "qa", "QA", UserRole.QA_ANALYST)
        supervisor = Actor(2, "lead", "Lead", UserRole.SUPERVISOR, led_teams=frozenset({"Team 1"}))

        def bare_list(
            flt: InteractionQuery, actor: Actor, offset: int = 0, sort: str | None = None
        ) -> Callable[[], Any]:
            def call() -> Any:
                with factory() as session:
                    scope = interaction_scope(actor)
                    search_interactions(session, flt, scope=scope, limit=50, offset=offset, sort=sort)
                    return facet_values(session, scope=scope)

            return call

        def bare_detail() -> Any:
            with factory() as session:
                ident = rng.choice(scored)
                get_interaction(session, ident)
                evaluations_for(session, ident)
                return analysis_for(session, ident)

        detail_ids = iter(rng.choice(scored) for _ in range(requests * 4))
        cases = [
            ("list, newest 50 (analyst)", _get(qa, "/interactions"), bare_list(InteractionQuery(), analyst)),
            (
                "list, supervisor scope",
                _get(lead, "/interactions"),
                bare_list(InteractionQuery(), supervisor),
            ),
            (
                "list, page 200",
                _get(qa, "/interactions?page=200"),
                bare_list(InteractionQuery(), analyst, 9_950),
            ),
            ("detail page", lambda: _get(qa, f"/interactions/{next(detail_ids)}")(), bare_detail),
            (
                "API list (JSON)",
                _get(qa, "/api/interactions?limit=50"),
                bare_list(InteractionQuery(), analyst),
            ),
        ]
        for name, params, sort in LISTS:
            query = urlencode({**params, **({"sort": sort} if sort else {})})
            cases.append(
                (name, _get(qa, f"/interactions?{query}"), bare_list(_query(params), analyst, sort=sort))
            )
        for name, words, params in SEARCHES:
            pages = [_get(qa, f"/interactions?{urlencode({'q': w, **params})}") for w in words]
            bare = [bare_list(_query({"q": w, **params}), analyst) for w in words]
            cases.append((name, _cycle(pages), _cycle(bare)))
        rows = []
        for name, page, bare in cases:
            web = _timed(page, requests)
            baseline = _timed(bare, requests)
            rows.append(
                {
                    "case": name,
                    **{f"web_{k}": v for k, v in web.items()},
                    **{f"bare_{k}": v for k, v in baseline.items()},
                }
            )
            sys.stdout.write(json.dumps(rows[-1]) + "\n")
            sys.stdout.flush()
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)
        engine.dispose()


def check_sample(url: str, size: int = 3000) -> list[tuple[str, int, bool]]:
    """Each search's matches among ``size`` random interactions, as the search plans it and with every word
    checked per interaction, against a Python scan of their stored words: (query, matches, all equal)."""
    from sqlalchemy import select

    from callqa.db.engine import create_db_engine, session_factory
    from callqa.interactions.fulltext import parse, plan_terms, search_condition
    from callqa.interactions.models import InteractionRow, TurnRow

    engine = create_db_engine(url)
    out = []
    with session_factory(engine)() as session:
        top = int(session.scalar(select(InteractionRow.id).order_by(InteractionRow.id.desc()).limit(1)) or 0)
        sample = sorted(random.Random(9).sample(range(1, top + 1), min(size, top)))
        said: dict[int, list[tuple[str, list[str]]]] = {}
        for row in session.execute(
            select(TurnRow.interaction_id, TurnRow.role, TurnRow.search_text).where(
                TurnRow.interaction_id.in_(sample)
            )
        ):
            said.setdefault(row.interaction_id, []).append((row.role, row.search_text.split()))
        for query in (*RARE, *MEDIUM, *COMMON, *PHRASES, *SPEAKERS, "hotel -cheap", "taxi OR airport"):
            clauses = parse(query)
            expected = {i for i, turns in said.items() if _matches(turns, clauses)}
            answers = []
            # the plan the search chooses, and every term checked per interaction (a common word's set
            # would be millions of ids, which no search builds)
            plan = plan_terms(session, clauses)
            every = frozenset(t for c in clauses for t in c.terms)
            for probe, walked in ((plan.probe, plan.walked), (every, frozenset())):
                condition = search_condition(clauses, probe, walked)
                found = select(InteractionRow.id).where(InteractionRow.id.in_(sample), condition)  # type: ignore[arg-type]
                answers.append(set(session.scalars(found)))
            out.append((query, len(expected), all(a == expected for a in answers)))
    engine.dispose()
    return out


def _matches(turns: list[tuple[str, list[str]]], clauses: Any) -> bool:
    def has(term: Any) -> bool:
        size = len(term.words)
        return any(
            term.role in (None, role)
            and any(tuple(ws[i : i + size]) == term.words for i in range(len(ws) - size + 1))
            for role, ws in turns
        )

    return all(any(has(t) for t in c.terms) != c.negated for c in clauses)


def scored_ids(url: str) -> list[int]:
    """The interactions the real engine scored (the detail pages)."""
    from sqlalchemy import select

    from callqa.db.engine import create_db_engine, session_factory
    from callqa.scoring.models import EvaluationRow

    engine = create_db_engine(url)
    with session_factory(engine)() as session:
        ids = list(
            session.scalars(
                select(EvaluationRow.interaction_id).where(EvaluationRow.engine_version != "bench").limit(300)
            )
        )
    engine.dispose()
    return ids


REAL = 2000  # interactions stored through the real path; the rest are bulk-loaded (bench/web_data.py)


def build(url: str, count: int, turns: int, fresh: bool) -> None:
    """The database for ``count`` interactions, reused when a finished build with the same size exists."""
    from web_data import bulk_load, is_done, mark_done

    if not fresh and is_done(url, count, turns, 1):
        print(f"reusing the {count}-interaction database")
        return
    started = time.perf_counter()
    if url.startswith("postgresql"):
        reset(url)
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    prepare(url, min(count, REAL))
    if count > REAL:
        bulk_load(url, count - REAL, turns=turns, seed=1, card_id=_card_id(url))
    mark_done(url, count, turns, 1)
    print(f"prepared {count} interactions in {time.perf_counter() - started:.0f} s")


def _card_id(url: str) -> int:
    from sqlalchemy import text

    from callqa.db.engine import create_db_engine

    engine = create_db_engine(url)
    with engine.connect() as connection:
        ident = connection.execute(
            text("SELECT max(id) FROM scorecards WHERE name = 'standard'")
        ).scalar_one()
    engine.dispose()
    return int(ident)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--turns", type=int, default=8, help="turns per bulk-loaded call")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to use (rebuilt unless it holds this size)"
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild even when a finished build exists")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the database and stop")
    parser.add_argument("--no-check", action="store_true", help="skip the check against a brute-force scan")
    args = parser.parse_args()
    cache = ROOT / ".bench"
    cache.mkdir(exist_ok=True)
    url = args.database_url or f"sqlite:///{cache / f'web-{args.count}.db'}"
    build(url, args.count, args.turns, args.fresh)
    if args.build_only:
        return
    checks = [] if args.no_check else check_sample(url)
    for query, matches, equal in checks:
        print(f"check {query!r}: {matches} of the sample match, both plans equal the scan: {equal}")
    rows = measure(url, scored_ids(url), args.requests)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n{backend}, {args.count} interactions, {args.requests} sequential requests per case\n")
    print("| case | web p50 ms | web p95 ms | web max ms | bare query p50 ms | p95 ÷ plain list p95 |")
    print("|---|---:|---:|---:|---:|---:|")
    plain = rows[0]["web_p95"]
    for r in rows:
        print(
            f"| {r['case']} | {r['web_p50']:.1f} | {r['web_p95']:.1f} | {r['web_max']:.1f} | "
            f"{r['bare_p50']:.1f} | {r['web_p95'] / plain:.2f} |"
        )
    if not all(equal for _, _, equal in checks):
        raise SystemExit("a search disagreed with the brute-force scan")


if __name__ == "__main__":
    main()
