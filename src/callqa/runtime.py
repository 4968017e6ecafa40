"""The runtime seam: everything a surface needs, built once from the settings and their configuration file.

``Runtime.open(settings)`` gives the engine (migrated), the session factory, the configuration tree, the
scorecard store, the file store (with its keys), and — built on first use, then shared — the analysis
pipeline and the detectors' services.
The CLI, the web app, the live model process and workers all start here, so they read the same
configuration and score with the same scorecard version.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callqa.analysis.pipeline import Pipeline
from callqa.core.config import CallqaConfig
from callqa.core.settings import Settings
from callqa.db.engine import engine_from_settings, session_factory
from callqa.db.migrate import ensure_schema
from callqa.lifecycle.customer_key import attach_keyer, customer_keyer
from callqa.privacy.redact import configure as configure_redaction
from callqa.scoring.detectors import Services
from callqa.scoring.setup import configured_pipeline, configured_services
from callqa.scoring.store import ScorecardStore
from callqa.storage.files import FileStore


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    scorecards: ScorecardStore
    files: FileStore
    owns_engine: bool = True
    _pipeline: Pipeline | None = field(default=None, repr=False)
    _services: Services | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(
        cls, settings: Settings | None = None, *, engine: Engine | None = None, migrate: bool = True
    ) -> Self:
        """Read the settings (and the configuration file they name) and open the database.

        ``engine``: use this one (the caller disposes of it); ``migrate``: bring the schema up to date.
        Raises ``CallqaError`` for a bad configuration file or an unreachable database.
        """
        settings = settings or Settings()
        config = settings.config  # a bad file fails here, before anything is opened
        configure_redaction(person_names=settings.redact_person_names)
        files = FileStore.from_settings(settings)  # and a bad storage key
        owns = engine is None
        engine = engine or engine_from_settings(settings)
        try:
            if migrate:
                ensure_schema(engine)
        except Exception:
            if owns:
                engine.dispose()
            raise
        factory = session_factory(engine)
        try:
            attach_keyer(factory, customer_keyer(settings))
        except Exception:
            if owns:
                engine.dispose()
            raise
        store = ScorecardStore(
            factory, default=config.scoring.scorecard, vocabulary=config.scoring.vocabulary or None
        )
        return cls(settings, engine, factory, store, files, owns)

    @property
    def config(self) -> CallqaConfig:
        return self.settings.config

    @property
    def pipeline(self) -> Pipeline:
        """The configured analysis pipeline (built on first use: its analyzers load models)."""
        with self._lock:
            if self._pipeline is None:
                self._pipeline = configured_pipeline(self.config)
            return self._pipeline

    @property
    def services(self) -> Services:
        """What detectors share: the embedder (loaded on first use) and the LLM judge when configured."""
        with self._lock:
            if self._services is None:
                self._services = configured_services(self.config, self.factory)
            return self._services

    def settings_for_children(self) -> Settings:
        """These settings naming this runtime's database outright, for a process started from this one
        (its engine may have been handed over rather than configured)."""
        url = self.engine.url.render_as_string(hide_password=False)
        return self.settings.model_copy(update={"database_url": url})

    def close(self) -> None:
        if self.owns_engine:
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
