"""The queues and task names (no Celery import: the CLI reads them on every start)."""

from __future__ import annotations

TRANSCRIBE, SCORE, REFRESH = "transcribe", "score", "refresh"
QUEUES = (TRANSCRIBE, SCORE, REFRESH)
INGEST_TASK, SCORE_TASK, REFRESH_TASK = "callqa.ingest", "callqa.score", "callqa.refresh"
ROUTES = {INGEST_TASK: TRANSCRIBE, SCORE_TASK: SCORE, REFRESH_TASK: REFRESH}
