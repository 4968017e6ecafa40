"""Apply a suggested reweighting as a DRAFT version of the scorecard: the current text with only the
changed weights edited in place (comments, order and everything else kept) and a changelog comment on top
saying where the weights came from. Scoring never uses a draft; a person opens it in the scorecard editor
and saves it to publish it, and re-scores when they choose."""

from __future__ import annotations

import textwrap
from datetime import date

from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.insights.reweight import Reweighting, text_hash
from callqa.scoring import editing
from callqa.scoring.loader import scorecard_spec
from callqa.scoring.models import ScorecardRow
from callqa.scoring.yaml_edit import set_value


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _r(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def changelog(report: Reweighting, today: date) -> str:
    """The comment put on top of the draft: when, from what data and by which rule its weights came."""
    p = report.policy
    changes = ", ".join(
        f"{s.criterion} {_number(s.weight)} → {_number(s.suggested)}" for s in report.criteria if s.change
    )
    source = f"v{report.version}" if report.version is not None else "the built-in version"
    text = (
        f"Draft made {today.isoformat()} by callqa's reweighting (callqa scorecard reweight; "
        f"/operations/standards) from {source}: each weight blends the current one with the criterion's "
        f"measured effect on CSAT and recontact over {report.days.first}..{report.days.last} "
        f"({report.surveyed} surveyed of {report.interactions} evaluated interactions; blend {p.blend:g}, "
        f"at most ×{p.factor:g}, floor {100 * p.floor:g} %, q ≤ {p.q_max:g}). Held-out correlation of the "
        f"score with CSAT: {_r(report.before.r if report.before else None)} now, "
        f"{_r(report.after.r if report.after else None)} reweighted ({report.held_out} interactions, "
        f"{report.folds} folds). Changed: {changes}. Association, not cause: review before publishing."
    )
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, 106)) + "#\n"


def draft_version(
    session: Session,
    report: Reweighting,
    *,
    vocabulary: dict[str, list[str]] | None = None,
    today: date | None = None,
) -> ScorecardRow:
    """Store the suggestion of ``report`` as a draft version of its scorecard; refused when the scorecard
    changed since the report was made, or when no weight changes."""
    name = report.scorecard
    text = editing.current_text(session, name, vocabulary)
    if text_hash(text) != report.base_hash:
        raise CallqaError(ErrorCode.O161, name=name, version=report.version or "built-in")
    if not report.changed:
        reason = "no criterion's effect is significant" if report.surveyed else "no surveyed interactions"
        raise CallqaError(ErrorCode.O162, name=name, reason=reason)
    new = report.weights()
    spec = scorecard_spec(text, name)
    for si, section in enumerate(spec.sections):
        for ci, criterion in enumerate(section.criteria):
            if new.get(criterion.id, criterion.weight) != criterion.weight:
                path: list[str | int] = ["sections", si, "criteria", ci, "weight"]
                text = set_value(text, path, _number(new[criterion.id]))
    row = editing.save_draft(session, changelog(report, today or date.today()) + text, vocabulary)
    if row.origin != "draft":
        raise CallqaError(ErrorCode.O162, name=name, reason=f"the text is that of v{row.version}")
    return row
