"""Two deliveries of the same scoring batch racing on PostgreSQL leave exactly one current evaluation per
interaction: the store path locks the interactions' rows, and the second to get them stores nothing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from callqa.core.settings import Settings
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import ingest_paths
from callqa.interactions.models import InteractionRow
from callqa.runtime import Runtime
from callqa.scoring.models import EvaluationRow
from callqa.scoring.service import ScoreReport, score_stored
from workers.workers_support import demo_transcripts

pytestmark = pytest.mark.issue(20)


def waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as connection:
        query = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(connection.execute(text(query)).scalar_one())


def test_two_batches_with_the_same_ids_at_once_leave_one_current_evaluation(
    database: Engine, tmp_path: Path
) -> None:
    url = database.url.render_as_string(hide_password=False)
    runtime = Runtime.open(Settings(database_url=url, data_dir=tmp_path / "data"), migrate=False)
    try:
        inbox = tmp_path / "in"
        inbox.mkdir()
        demo_transcripts(inbox, 3)
        ingest_paths(
            [inbox],
            factory=runtime.factory,
            registry=default_registry(runtime.settings),
            config=runtime.config.ingest,
        )
        with runtime.factory() as session:
            ids = list(session.scalars(select(InteractionRow.id).order_by(InteractionRow.id)))
        assert len(ids) == 3
        card = runtime.scorecards.current()
        pipeline, services = runtime.pipeline, runtime.services
        reports: list[ScoreReport] = []
        finished: list[float] = []

        def deliver() -> None:
            reports.append(
                score_stored(
                    runtime.factory, card, pipeline=pipeline, services=services, ids=ids, batch_size=3
                )
            )
            finished.append(time.monotonic())

        # A third transaction holds the interactions' rows (as a delivery storing at this very moment
        # would): both deliveries must queue behind it in the store path, then run one after the other.
        with runtime.factory.begin() as holder:
            holder.execute(select(InteractionRow.id).where(InteractionRow.id.in_(ids)).with_for_update())
            deliveries = [threading.Thread(target=deliver) for _ in range(2)]
            for delivery in deliveries:
                delivery.start()
            deadline = time.monotonic() + 60
            while waiting_on_locks(database) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert waiting_on_locks(database) >= 1  # at least one delivery waits for the rows
            released = time.monotonic()
        for delivery in deliveries:
            delivery.join(timeout=120)

        assert min(finished) >= released
        assert [r.failures for r in reports] == [[], []]
        assert sorted(r.already_current for r in reports) == [0, 3]  # the second to get the rows stored none
        with runtime.factory() as session:
            current = session.execute(
                select(EvaluationRow.interaction_id, func.count())
                .where(EvaluationRow.is_current.is_(True))
                .group_by(EvaluationRow.interaction_id)
            ).all()
            total = session.scalar(select(func.count(EvaluationRow.id)))
        assert sorted(current) == [(i, 1) for i in ids]
        assert total == 3  # the second delivery found them current and stored nothing
    finally:
        runtime.close()
