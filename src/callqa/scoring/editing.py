"""Editing scorecards: the stored versions, validating YAML as it is typed, previewing a draft on one stored
interaction (nothing stored), and saving it as a new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.analysis.pipeline import Pipeline
from callqa.core.errors import CallqaError
from callqa.interactions.service import load_document
from callqa.scoring.detectors import Services
from callqa.scoring.engine import Evaluation, evaluate
from callqa.scoring.loader import Scorecard, builtin_names, load_scorecard, parse_scorecard
from callqa.scoring.models import ScorecardRow
from callqa.scoring.service import register_scorecard
from callqa.scoring.store import edited_version


@dataclass(frozen=True)
class Version:
    name: str
    version: int
    title: str
    created_at: datetime
    origin: str = "editor"  # builtin | file | editor | draft (made for a person to review and save)


def versions(session: Session) -> dict[str, list[Version]]:
    """Every stored scorecard with its versions, newest first; built-in ones not yet used are listed too."""
    out: dict[str, list[Version]] = {name: [] for name in builtin_names()}
    query = select(ScorecardRow).order_by(ScorecardRow.name, ScorecardRow.version.desc())
    for row in session.scalars(query):
        version = Version(row.name, row.version, row.title, row.created_at, row.origin)
        out.setdefault(row.name, []).append(version)
    return out


def source_of(session: Session, name: str, version: int | None = None) -> str:
    """The YAML of a stored version (default: the latest that is not a draft), else of the built-in
    scorecard."""
    query = select(ScorecardRow.source).where(ScorecardRow.name == name)
    query = (
        query.where(ScorecardRow.version == version)
        if version
        else query.where(ScorecardRow.origin != "draft").order_by(ScorecardRow.version.desc())
    )
    text = session.scalars(query).first()
    return text if text is not None else load_scorecard(name).source_text


def check(text: str, vocabulary: dict[str, list[str]] | None = None) -> tuple[Scorecard | None, list[str]]:
    """The parsed scorecard, or the coded errors that stop it (each names where and why); ``vocabulary``:
    the configuration's, as scoring will apply it."""
    try:
        return parse_scorecard(text, "editor", vocabulary, kind="editor"), []
    except CallqaError as exc:
        return None, [str(exc)]


def preview(
    session: Session, card: Scorecard, interaction_id: int, *, pipeline: Pipeline, services: Services
) -> Evaluation:
    """How ``card`` would score one stored interaction (analysed afresh; nothing is stored)."""
    return evaluate(pipeline.run(load_document(session, interaction_id)), card, services)


def save(session: Session, card: Scorecard) -> ScorecardRow:
    """Store the scorecard: a changed text becomes the next version; old evaluations keep theirs. Saving
    the text of a draft publishes that draft."""
    return register_scorecard(session, card)


def current_text(session: Session, name: str, vocabulary: dict[str, list[str]] | None = None) -> str:
    """The text scoring uses now: the newest editor version, else the built-in scorecard, else (a scorecard
    scored from a file) its newest stored version."""
    edited = edited_version(session, name)
    if edited is not None:
        return edited.source
    if name in builtin_names():
        return load_scorecard(name, vocabulary).source_text
    return source_of(session, name)


def save_draft(session: Session, text: str, vocabulary: dict[str, list[str]] | None = None) -> ScorecardRow:
    """Store ``text`` as a draft version: listed with the versions, never scored with, published by saving
    its text in the editor. A text some version already has is that version (drafts are not duplicated)."""
    card = parse_scorecard(text, "draft", vocabulary, kind="draft")
    return register_scorecard(session, card)
