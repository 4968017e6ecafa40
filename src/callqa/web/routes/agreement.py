"""How well the AI grades: agreement with the centre's graders per criterion (page and API), and the
examples behind each figure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from callqa.access.policies import Action
from callqa.calibration import ai_agreement
from callqa.calibration.ai_agreement import KEYS, Example
from callqa.web.deps import CurrentActor, DbSession, audit, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/agreement", tags=["agreement"])
EXAMPLES_SHOWN = 200


def _by(value: str) -> list[str]:
    by = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in by if k not in KEYS]
    if unknown or not by:
        raise HTTPException(422, f"by: choose from {', '.join(KEYS)} (comma-separated)")
    return by


def _measured(
    request: Request, session: DbSession, actor: CurrentActor, scorecard: str | None, by: str
) -> dict[str, Any]:
    require(actor, Action.AGREEMENT_VIEW)
    keys = _by(by)
    found = ai_agreement.examples(session, scorecard=scorecard)
    audit(request, session, actor, "view", "agreement", None, {"by": by, "scorecard": scorecard or ""})
    floor = request.app.state.settings.agreement_floor
    rows = ai_agreement.measure(found, keys)
    return {
        "floor": floor,
        "by": keys,
        "sources": ai_agreement.sources(found),
        "graders": ai_agreement.grader_agreement(session, scorecard=scorecard),
        "rows": rows,
        "flagged": [r for r in rows if r.below(floor)],
    }


def _row_json(
    row: ai_agreement.Agreement, graders: dict[str, tuple[int, float]], floor: float
) -> dict[str, Any]:
    human = graders.get(row.key.get("criterion", ""))
    return {
        **row.as_json(),
        "below_floor": row.below(floor),
        "graders_pairs": human[0] if human else None,
        "graders_agreement": round(human[1], 4) if human else None,
        # the AI agrees with the graders as often as they agree with each other (within its interval)
        "as_good_as_graders": None if human is None else row.high >= human[1],
    }


@api.get("")
def agreement_json(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    scorecard: str | None = None,
    by: Annotated[
        str, Query(description=f"group by any of {', '.join(KEYS)}")
    ] = "scorecard,version,criterion",
) -> dict[str, Any]:
    """Agreement of the AI with people (shared reviews and calibration answers) per group: n, agreement with
    its 95 % Wilson interval, Cohen's kappa, precision and recall of "fail", confusion counts (AI → human),
    the trend by month, the graders' own pairwise agreement, and whether the group is below the floor."""
    found = _measured(request, session, actor, scorecard, by)
    return {
        "floor": found["floor"],
        "by": found["by"],
        "sources": found["sources"],
        "rows": [_row_json(r, found["graders"], found["floor"]) for r in found["rows"]],
    }


def _example_json(x: Example) -> dict[str, Any]:
    return {
        "interaction_id": x.interaction_id,
        "external_id": x.external_id,
        "criterion": x.criterion,
        "ai": x.ai,
        "human": x.human,
        "source": x.source,
        "language": x.language,
        "channel": x.channel,
        "month": x.month,
        "href": f"/interactions/{x.interaction_id}#criteria",
    }


def _chosen(
    session: DbSession, scorecard: str | None, criterion: str, ai: str | None, human: str | None
) -> list[Example]:
    return [
        x
        for x in ai_agreement.examples(session, scorecard=scorecard)
        if x.criterion == criterion and ai in (None, x.ai) and human in (None, x.human)
    ]


@api.get("/examples")
def examples_json(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    criterion: str,
    scorecard: str | None = None,
    ai: str | None = None,
    human: str | None = None,
) -> list[dict[str, Any]]:
    """The labelled examples behind a figure: one criterion, optionally one cell of its confusion counts."""
    require(actor, Action.AGREEMENT_VIEW)
    audit(request, session, actor, "view", "agreement_examples", None, {"criterion": criterion})
    return [_example_json(x) for x in _chosen(session, scorecard, criterion, ai, human)]


@pages.get("/agreement", name="agreement_page")
def agreement_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    params = request.query_params
    scorecard = params.get("scorecard") or None
    found = _measured(request, session, actor, scorecard, params.get("by") or "scorecard,version,criterion")
    criterion = params.get("criterion")
    shown = (
        _chosen(session, scorecard, criterion, params.get("ai") or None, params.get("human") or None)
        if criterion
        else []
    )
    rows = [_row_json(r, found["graders"], found["floor"]) for r in found["rows"]]
    return render(
        request,
        "agreement.html",
        {
            **found,
            "rows": rows,
            "criterion": criterion,
            "examples": shown[:EXAMPLES_SHOWN],
            "total": len(shown),
        },
    )
