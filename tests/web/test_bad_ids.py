"""No 500 for an id no database can hold: every route with an id in its path answers a huge or negative id
with a 4xx that names the parameter (issue 18: OverflowError from the driver before)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute

from web_support import Web

pytestmark = pytest.mark.issue(18)

HUGE = "99999999999999999999"


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)  # an included router (newer FastAPI)
        if inner is not None:
            yield from _routes(inner.routes)


def _id_routes(web: Web) -> list[tuple[str, str]]:
    """(method, path) of every route, pages and API, with an id in its path."""
    return sorted(
        {
            (method, route.path)
            for route in _routes(list(web.app.routes))
            if re.search(r"\{\w*id\}", route.path)
            for method in route.methods
        }
    )


def test_every_id_route_refuses_a_huge_or_negative_id(web: Web) -> None:
    admin = web.signed_in("admin")
    routes = _id_routes(web)
    assert len(routes) >= 40  # the reviews, calibrations, coaching, knowledge, live help, schedules … routes
    for method, path in routes:
        for bad in (HUGE, "-1"):
            url = re.sub(r"\{\w*id\}", bad, path)
            url = re.sub(r"\{\w+\}", "x", url)  # other parameters (names)
            response = admin.client.request(method, url, json={}, headers={"x-csrf-token": admin.csrf})
            assert response.status_code < 500, (method, url, response.status_code, response.text[:200])
            if "/api/" in url:
                assert response.status_code in (404, 405, 422), (method, url, response.status_code)
    detail = admin.client.get(f"/api/interactions/{HUGE}").json()["detail"][0]
    assert detail["field"] == "interaction_id" and "less than or equal" in detail["message"]


def test_an_id_in_a_body_is_bounded_too(web: Web) -> None:
    admin = web.signed_in("admin")
    headers = {"x-csrf-token": admin.csrf}
    for bad in (int(HUGE), -1):
        preview = admin.client.post(
            "/api/scorecards/preview", json={"yaml": "name: x", "interaction_id": bad}, headers=headers
        )
        assert preview.status_code == 422, preview.text
        assert preview.json()["detail"][0]["field"] == "interaction_id"
