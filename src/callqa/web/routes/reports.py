"""Reports in the web app: download the current dashboard as a quality report (PDF or HTML), and manage
the schedules that e-mail reports every week or month."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action
from callqa.core.errors import ErrorCode
from callqa.insights.dashboard import period
from callqa.reports.build import ReportRequest, ReportSettings, Scope, build_report
from callqa.reports.models import ReportScheduleRow
from callqa.reports.render import report_html, report_pdf
from callqa.reports.schedules import ScheduleIn, create_schedule, deliveries, get_schedule
from callqa.users.schemas import Actor, UserRole
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.filters import read_dashboard_filter
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/reports", tags=["reports"])


def _report(request: Request, session: Session, actor: Actor) -> tuple[ReportRequest, str]:
    settings = request.app.state.settings
    today = datetime.now(settings.zone()).date()
    flt = read_dashboard_filter(session, actor, request.query_params, today=today)
    days = period(flt)
    scope: Scope = "agent" if flt.agent else "team" if flt.team else "centre"
    report = ReportRequest(scope, flt.agent or flt.team, days.first, days.last, flt.teams)
    locale = request.query_params.get("locale") or actor.locale
    context = build_report(session, report, ReportSettings.from_settings(settings))
    audit(
        request, session, actor, "report", "insights", None, {"scope": scope, "subject": report.subject or ""}
    )
    return report, report_html(context, locale)


@pages.get("/insights/report.html", name="report_html")
def report_as_html(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    report, html = _report(request, session, actor)
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'inline; filename="{report.slug()}.html"'},
    )


@pages.get("/insights/report.pdf", name="report_pdf")
def report_as_pdf(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    report, html = _report(request, session, actor)
    with refusals(status=503):
        pdf = report_pdf(html)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{report.slug()}.pdf"'},
    )


def _visible(session: Session, actor: Actor) -> list[ReportScheduleRow]:
    query = select(ReportScheduleRow).order_by(ReportScheduleRow.id)
    if actor.role not in (UserRole.ADMIN, UserRole.QA_ANALYST):
        query = query.where(ReportScheduleRow.created_by == actor.user_id)
    return list(session.scalars(query))


def _schedule_json(row: ReportScheduleRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "scope": row.scope,
        "subject": row.subject,
        "cadence": row.cadence,
        "recipients": [r.strip() for r in row.recipients.split(",")],
        "attach": row.attach,
        "locale": row.locale,
        "hour": row.hour,
        "active": row.active,
        "next_run_at": row.next_run_at.isoformat(),
    }


def _own(session: Session, actor: Actor, schedule_id: int) -> ReportScheduleRow:
    with refusals(missing=(ErrorCode.P103,)):
        row = get_schedule(session, schedule_id)
    if actor.role is not UserRole.ADMIN and row.created_by != actor.user_id:
        raise HTTPException(404, "not found")
    return row


def _create(request: Request, session: Session, actor: Actor, spec: ScheduleIn) -> ReportScheduleRow:
    require(actor, Action.REPORT_SCHEDULE)
    settings = ReportSettings.from_settings(request.app.state.settings)
    with refusals():
        row = create_schedule(session, spec, creator=actor.user_id, settings=settings, now=datetime.now(UTC))
    audit(request, session, actor, "create", "report_schedule", row.id, {"name": row.name})
    return row


@api.get("/schedules")
def list_schedules(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """Schedules the caller made (QA analysts and admins: all of them)."""
    require(actor, Action.REPORT_SCHEDULE)
    return [_schedule_json(row) for row in _visible(session, actor)]


@api.post("/schedules", status_code=201)
def add_schedule(
    request: Request, session: DbSession, actor: CurrentActor, body: ScheduleIn
) -> dict[str, Any]:
    """E-mail a centre, team or agent report every week (Mondays, the last week) or month (the 1st)."""
    return _schedule_json(_create(request, session, actor, body))


@api.delete("/schedules/{schedule_id}", status_code=204)
def remove_schedule(
    request: Request, session: DbSession, actor: CurrentActor, schedule_id: RowId
) -> Response:
    session.delete(_own(session, actor, schedule_id))
    audit(request, session, actor, "delete", "report_schedule", schedule_id)
    return Response(status_code=204)


@pages.get("/reports", name="reports_page")
def reports_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.REPORT_SCHEDULE)
    rows = _visible(session, actor)
    zone = request.app.state.settings.zone()
    context = {
        "schedules": [
            (row, row.next_run_at.astimezone(zone), deliveries(session, row.id, 5)) for row in rows
        ],
        "smtp": bool(request.app.state.settings.smtp_host),
    }
    return render(request, "reports.html", context)


@pages.post("/reports", name="reports_add")
def reports_add(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    name: Annotated[str, Form()],
    scope: Annotated[str, Form()],
    cadence: Annotated[str, Form()],
    recipients: Annotated[str, Form()],
    subject: Annotated[str, Form()] = "",
    attach: Annotated[str, Form()] = "pdf",
    locale: Annotated[str, Form()] = "en",
    hour: Annotated[int, Form()] = 7,
) -> Response:
    fields = {
        "name": name,
        "scope": scope,
        "subject": subject or None,
        "cadence": cadence,
        "attach": attach,
        "recipients": [r for r in recipients.replace(";", ",").split(",")],
        "locale": locale,
        "hour": hour,
    }
    try:
        spec = ScheduleIn.model_validate(fields)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'schedule'}: {e['msg']}" for e in exc.errors())
        raise HTTPException(422, detail) from None
    _create(request, session, actor, spec)
    return RedirectResponse(request.url_for("reports_page"), status_code=303)


@pages.post("/reports/{schedule_id}/delete", name="reports_delete")
def reports_delete(request: Request, session: DbSession, actor: CurrentActor, schedule_id: RowId) -> Response:
    session.delete(_own(session, actor, schedule_id))
    audit(request, session, actor, "delete", "report_schedule", schedule_id)
    return RedirectResponse(request.url_for("reports_page"), status_code=303)
