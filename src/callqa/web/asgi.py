"""ASGI entry point for servers that import an app object (``uvicorn callqa.web.asgi:app``)."""

from __future__ import annotations

from callqa.web.app import create_app

app = create_app()
