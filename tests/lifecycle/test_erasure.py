"""Erasure on request (issue 18): a customer planted across every input format is erased through the CLI,
and then their phone, e-mail, name and card are in no byte of the database, the data folder or the exports;
other customers are intact and the dashboards' roll-ups equal a fresh recomputation."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.audit.service import record
from callqa.cli import app
from callqa.coaching.models import CoachingRow
from callqa.core.settings import Settings
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.models import CustomerKeyRow, InteractionRow, MetadataOverlayRow, TurnRow
from callqa.knowledge.models import ArticleRow
from callqa.review.models import NotificationRow
from callqa.scoring.models import EvaluationRow
from callqa.users.models import UserRow
from lifecycle_support import (
    AUDIO_KEYS,
    CUSTOMER_ID,
    EMAIL,
    NAME,
    OTHER_AUDIO,
    OTHER_NAME,
    PHONE,
    X_IDS,
    all_text,
    folder_hits,
    hits,
    plant,
    rollup_rows,
)
from support import Database

pytestmark = pytest.mark.issue(18)
runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _derived_rows(db: Database, interaction_id: int) -> None:
    """A knowledge article, a coaching quote and a notification made from the customer's interaction."""
    now = datetime.now(UTC)
    with db.factory.begin() as session:
        agent = UserRow(
            username="a.kim",
            display_name="Anna",
            password_hash="x",
            role="agent",
            agent_name="a.kim",
            created_at=now,
        )
        session.add(agent)
        session.flush()
        session.add(
            ArticleRow(
                title="Refunds",
                body=f"As told to {NAME}: refunds take a day.",
                source_interaction_id=interaction_id,
                created_at=now,
            )
        )
        session.add(
            CoachingRow(
                agent_id=agent.id,
                agent_name="a.kim",
                title="Empathy",
                notes="Acknowledge first.",
                interaction_id=interaction_id,
                turn=1,
                quote=f"Hi, this is {NAME}",
                state="open",
                created_at=now,
            )
        )
        session.add(
            NotificationRow(
                user_id=agent.id,
                kind="review_shared",
                text="A review was shared",
                link=f"/interactions/{interaction_id}#review",
                created_at=now,
            )
        )


def test_an_erased_customer_leaves_no_trace(cli_env: Database, tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = tmp_path / "inbox"
    plant(inbox, data / "files")
    out = _ok("ingest", str(inbox), "--no-progress")
    with cli_env.factory() as session:
        stored = {
            r.external_id: r.id
            for r in session.execute(select(InteractionRow.external_id, InteractionRow.id))
        }
        assert session.scalar(select(func.count()).select_from(CustomerKeyRow)) > 0
    assert set(X_IDS) <= set(stored), out
    assert len(stored) == len(X_IDS) + 4, out
    assert "1 metadata pending" in out  # x-pending-0009: the customer's row of a metadata import, waiting
    _ok("score")
    _ok("insights", "refresh")
    _derived_rows(cli_env, stored["x-jsonl-0001"])
    with cli_env.factory.begin() as session:  # as the web app audits a search for the customer
        record(
            session,
            user_id=None,
            username="analyst",
            action="search",
            resource="interaction",
            detail={"q": PHONE},
        )
    everything, others_only = tmp_path / "exports" / "all.jsonl", tmp_path / "exports" / "others.csv"
    everything.parent.mkdir()
    _ok("export", "-o", str(everything))
    _ok("export", "--agent", "o.lee", "--format", "csv", "-o", str(others_only))
    report = everything.parent / "october.html"  # lists the lowest-scored calls by external id
    _ok("report", "build", "-o", str(report), "--since", "2026-10-01", "--until", "2026-10-31")
    lowest = [x for x in X_IDS if x in report.read_text("utf-8")]
    assert hits(everything.read_bytes()), "the export holds the customer before the erasure"
    before_others = _other_rows(cli_env)
    assert set(hits(all_text(cli_env.engine))) >= {NAME, EMAIL, CUSTOMER_ID}  # the check sees them when there

    dry = _ok("erase", "--customer", PHONE, "--dry-run")
    exports = 1 + bool(lowest)
    assert f"would remove {len(X_IDS)} interaction(s), 3 file(s), {exports} export file(s)" in dry
    assert everything.exists() and (data / "files" / AUDIO_KEYS[0]).exists()

    done = _ok("erase", "--customer", PHONE)
    assert f"removed {len(X_IDS)} interaction(s), 3 file(s), {exports} export file(s)" in done

    # the customer's interactions and everything made from them are gone; the others are intact
    with cli_env.factory() as session:
        left = set(session.scalars(select(InteractionRow.external_id)))
        assert not left & set(X_IDS)
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 0
        coaching = session.scalars(select(CoachingRow)).one()
        assert (coaching.quote, coaching.interaction_id) == (None, None)
        assert session.scalar(select(func.count()).select_from(NotificationRow)) == 0
        overlays = session.scalars(select(MetadataOverlayRow.external_id)).all()
        assert "x-csv-0003" not in overlays and "x-pending-0009" not in overlays and "o-csv-0003" in overlays
        certificate = session.scalars(select(AuditRow).where(AuditRow.action == "erasure")).one()
        search = session.scalars(select(AuditRow).where(AuditRow.action == "search")).one()
    assert search.detail == {"q": "[erased]"}  # the entry stays, the value goes
    assert _other_rows(cli_env) == before_others
    assert (data / "files" / OTHER_AUDIO).exists() and others_only.exists()
    assert not everything.exists()
    assert report.exists() is not bool(lowest)  # deleted when it named one of the customer's calls
    assert not any((data / "files" / key).exists() for key in AUDIO_KEYS)

    # the certificate: what went and how much, by whom, under the customer key (never the identifiers)
    detail = certificate.detail
    assert certificate.username.startswith("cli:") and certificate.client == "cli"
    assert detail["interactions"] == len(X_IDS) and detail["files"] == 3 and detail["export_files"] == exports
    assert detail["rows"]["turns"] > 0 and detail["rows"]["evaluations"] == len(X_IDS)
    assert detail["rows"]["kb_articles"] == 1 and certificate.resource_id == detail["customer_key"][:12]
    assert not hits(repr(detail).encode())

    # not one byte of the database, the data folder or the exports holds the customer
    if (
        cli_env.backend == "sqlite"
    ):  # the database file, its write-ahead log (emptied by the erasure) and index
        database = Path(cli_env.url.removeprefix("sqlite:///"))
        for path in database.parent.glob(database.name + "*"):
            assert not hits(path.read_bytes()), path
    else:
        dump = _pg_dump(cli_env.url)
        assert not hits(dump) and OTHER_NAME.encode() in dump
    assert not hits(all_text(cli_env.engine))
    assert not folder_hits(data)
    assert not folder_hits(everything.parent)
    assert OTHER_NAME.encode() in all_text(cli_env.engine)  # the check can see a name when there is one

    # the roll-ups were summed again without the customer: equal to rebuilding them from scratch
    erased = rollup_rows(cli_env.engine)
    refresh_insights(cli_env.factory, InsightConfig.from_settings(Settings()), full=True)
    assert rollup_rows(cli_env.engine) == erased

    # asking again finds nothing; asking by the e-mail or the id too
    for value in (PHONE, EMAIL, CUSTOMER_ID):
        assert "would remove 0 interaction(s)" in _ok("erase", "--customer", value, "--dry-run")


def test_erasure_asks_for_a_customer(cli_env: Database) -> None:
    result = runner.invoke(app, ["erase", "--customer", "  "])
    assert result.exit_code == 2 and "[D100]" in result.output


def _other_rows(db: Database) -> list[tuple[str, int, int]]:
    with db.factory() as session:
        turns = (
            select(TurnRow.interaction_id, func.count().label("n"))
            .group_by(TurnRow.interaction_id)
            .subquery()
        )
        evaluations = (
            select(EvaluationRow.interaction_id, func.count().label("n"))
            .group_by(EvaluationRow.interaction_id)
            .subquery()
        )
        rows = session.execute(
            select(InteractionRow.external_id, turns.c.n, evaluations.c.n)
            .join(turns, turns.c.interaction_id == InteractionRow.id)
            .outerjoin(evaluations, evaluations.c.interaction_id == InteractionRow.id)
            .where(InteractionRow.external_id.not_in(X_IDS))
            .order_by(InteractionRow.external_id)
        )
        return [(r[0], r[1], r[2]) for r in rows]


def _pg_dump(url: str) -> bytes:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    done = subprocess.run(
        [pg_dump, "--data-only", libpq],
        capture_output=True,
        check=True,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    return done.stdout
