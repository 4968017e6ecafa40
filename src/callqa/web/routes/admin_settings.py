"""The settings page (admin): every setting, where it came from, and the configuration file's sections;
read-only (secrets masked)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from callqa.access.policies import Action
from callqa.core.settings_report import config_sections, describe
from callqa.web.deps import CurrentActor, require
from callqa.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/settings", name="settings_page")
def settings_page(request: Request, actor: CurrentActor) -> Response:
    require(actor, Action.SETTINGS_VIEW)
    settings = request.app.state.settings
    context = {
        "lines": describe(settings),
        "sections": config_sections(settings),
        "config_file": settings.config_file,
    }
    return render(request, "settings.html", context)
