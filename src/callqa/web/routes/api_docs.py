"""The interactive API pages, working offline: Swagger UI at /api/docs and ReDoc at /api/redoc, their files
served from the ``fastapi-offline`` package under /api/docs/assets (nothing from a CDN, so the app-wide CSP
of 'self' holds here too).

FastAPI's ``get_swagger_ui_html`` starts Swagger UI from an inline script, which that CSP forbids; the page
below loads the same bundle and starts it from /static/api-docs.js instead. ReDoc needs no script of its own:
``get_redoc_html`` is used as it is, without Google Fonts."""

from __future__ import annotations

from html import escape
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
REDOC_URL = "/api/redoc"
ASSETS_URL = "/api/docs/assets"
OPENAPI_URL = "/api/openapi.json"
ASSETS = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)


def mount_assets(app: FastAPI) -> None:
    """Serve Swagger UI's and ReDoc's files (JavaScript, CSS, icon) from the installed package."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="api_docs_assets")


@router.get(DOCS_URL, name="api_docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(
        f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>callqa API</title>
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
<link rel="icon" href="{ASSETS_URL}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{escape(OPENAPI_URL)}"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""
    )


@router.get(REDOC_URL, name="api_redoc")
def redoc() -> HTMLResponse:
    return get_redoc_html(
        openapi_url=OPENAPI_URL,
        title="callqa API",
        redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )
