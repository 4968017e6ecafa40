"""What runs beside the web app while it serves: the insights refresher, the report sender, and (once a
call streams in) the live service with its model process and speech-to-text pool; all stopped on shutdown."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI

from callqa.calibration.agreement_watch import start_agreement_watch
from callqa.core.background import Periodic
from callqa.insights.refresh import InsightConfig, start_refresher
from callqa.lifecycle.retention import start_retention
from callqa.live.service import LiveService
from callqa.reports.build import ReportSettings
from callqa.reports.mail import SmtpSettings
from callqa.reports.notification_mail import start_notification_mailer
from callqa.reports.schedules import start_sender
from callqa.runtime import Runtime
from callqa.storage.files import FileStore

log = logging.getLogger(__name__)


def start_background(app: FastAPI) -> None:
    """Start the periodic jobs in this process unless ``background_jobs`` is off (``--workers N``: the
    parent process runs them once for all workers)."""
    runtime: Runtime = app.state.runtime
    app.state.background = start_jobs(runtime) if runtime.settings.background_jobs else []


def start_jobs(runtime: Runtime) -> list[Periodic]:
    """The insights refresher (unless ``insights_refresh_s`` is 0), the report sender, the notification
    mailer (with an SMTP server, unless ``notification_mail_s`` is 0), the AI agreement
    watch (unless ``agreement_check_s`` is 0) and retention (when the configuration sets any days and
    ``retention_run_s`` is not 0), started."""
    settings = runtime.settings
    jobs: list[Periodic] = []
    refresher = start_refresher(
        runtime.factory, InsightConfig.from_settings(settings), settings.insights_refresh_s
    )
    if refresher is not None:
        jobs.append(refresher)
    reports, smtp = ReportSettings.from_settings(settings), SmtpSettings.from_settings(settings)
    jobs.append(start_sender(runtime.factory, reports, smtp))
    mailer = start_notification_mailer(
        runtime.factory, smtp, settings.notification_mail_s, settings.public_url
    )
    if mailer is not None:
        jobs.append(mailer)
    watch = start_agreement_watch(runtime.factory, settings.agreement_floor, settings.agreement_check_s)
    if watch is not None:
        jobs.append(watch)
    store = FileStore(settings.resolved_file_store())
    retention = start_retention(runtime.factory, store, runtime.config.retention, settings.retention_run_s)
    if retention is not None:
        jobs.append(retention)
    return jobs


async def stop_background(app: FastAPI) -> None:
    """Stop the live service (its model process too), the speech-to-text pool and the periodic jobs."""
    live: LiveService | None = getattr(app.state, "live", None)
    if live is not None:
        await live.stop()
        app.state.live = None
    audio: Any = getattr(app.state, "live_audio", None)
    if audio is not None:
        pool: ThreadPoolExecutor = audio[1]
        pool.shutdown(wait=True, cancel_futures=True)
        app.state.live_audio = None
    for job in getattr(app.state, "background", []):
        job.stop()
    app.state.background = []
    log.info("background work stopped")
