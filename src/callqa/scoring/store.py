"""The scorecard store: which version of a scorecard scoring uses now.

A name means the newest version saved in the web editor when there is one, else the scorecard shipped with
callqa (so an unedited built-in follows callqa's releases while a centre's own edits are never replaced by
them); a path means that YAML file. The CLI, the web app, the live monitor and any worker ask the same store.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.config import DEFAULT_SCORECARD
from callqa.scoring.loader import Scorecard, is_file_reference, load_scorecard, parse_scorecard
from callqa.scoring.models import ScorecardRow


class ScorecardStore:
    """``current(name)``: the scorecard to score with; parsed versions are kept, so asking is one query."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        default: str = DEFAULT_SCORECARD,
        vocabulary: dict[str, list[str]] | None = None,
    ) -> None:
        self.factory = factory
        self.default = default
        self.vocabulary = vocabulary or None
        self._parsed: dict[tuple[str, int | None], Scorecard] = {}
        self._lock = threading.Lock()

    def current(self, name_or_path: str | Path | None = None) -> Scorecard:
        """The newest editor-saved version of ``name`` (default: the configured scorecard), else the
        built-in one; a YAML file as it is now when given a path."""
        ref = str(name_or_path or self.default)
        if is_file_reference(ref):
            return load_scorecard(ref, self.vocabulary)
        with self.factory() as session:
            edited = edited_version(session, ref)
        key = (ref, edited.id if edited is not None else None)
        with self._lock:
            card = self._parsed.get(key)
        if card is None:
            card = (
                parse_scorecard(edited.source, f"{ref} v{edited.version}", self.vocabulary, kind="editor")
                if edited is not None
                else load_scorecard(ref, self.vocabulary)
            )
            with self._lock:
                self._parsed[key] = card
        return card


def edited_version(session: Session, name: str) -> ScorecardRow | None:
    """The newest version of ``name`` saved in the web editor (None: never edited)."""
    return session.scalars(
        select(ScorecardRow)
        .where(ScorecardRow.name == name, ScorecardRow.origin == "editor")
        .order_by(ScorecardRow.version.desc())
        .limit(1)
    ).first()
