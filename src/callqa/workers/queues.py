"""The queues and task names (no Celery import: the CLI reads them on every start)."""

from __future__ import annotations

TRANSCRIBE, SCORE, REFRESH, LIVE = "transcribe", "score", "refresh", "live"
QUEUES = (TRANSCRIBE, SCORE, REFRESH)  # what `callqa worker` takes by default
KNOWN_QUEUES = (*QUEUES, LIVE)  # live: chunks of live audio, for workers started with --queues live
INGEST_TASK, SCORE_TASK, REFRESH_TASK = "callqa.ingest", "callqa.score", "callqa.refresh"
LIVE_TASK = "callqa.live_transcribe"
ROUTES = {INGEST_TASK: TRANSCRIBE, SCORE_TASK: SCORE, REFRESH_TASK: REFRESH, LIVE_TASK: LIVE}
