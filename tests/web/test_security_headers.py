"""Security headers on every response, and pages that still work under a CSP that forbids inline script."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.sync_api import expect

from browser_support import browser, serving, sign_in
from callqa.web.headers import SecurityHeaders
from web_support import Web

pytestmark = pytest.mark.issue(18)


def test_every_response_carries_the_headers(web: Web) -> None:
    client = web.client()
    for path in ("/login", "/static/app.js", "/api/interactions", "/nowhere"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # plain HTTP: no HSTS
    tls = client.get("/login", headers={"x-forwarded-proto": "https"})
    assert tls.headers["strict-transport-security"].startswith("max-age=")


def test_a_header_the_app_set_itself_is_kept() -> None:
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        own = [(b"x-frame-options", b"SAMEORIGIN")]
        await send({"type": "http.response.start", "status": 200, "headers": own})
        await send({"type": "http.response.body", "body": b""})

    async def collect(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(SecurityHeaders(app)({"type": "http", "path": "/x", "headers": []}, None, collect))
    headers = dict(sent[0]["headers"])
    assert headers[b"x-frame-options"] == b"SAMEORIGIN" and b"content-security-policy" in headers


def test_pages_run_their_scripts_under_the_policy_in_chromium(web: Web) -> None:
    """No CSP violation on the pages with scripts (the live board starts from its script tag, the editor
    validates, tuning proposes), so nothing inline is left."""
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "analyst")
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Security Policy" in m.text else None)
        page.goto(f"{base}/scorecards/standard")
        expect(page.locator("[data-test=validation]")).to_contain_text("✓ standard")
        page.goto(f"{base}/tune")
        page.click("[data-test=propose]")
        expect(page.locator("#skipped")).not_to_be_empty(timeout=60_000)
        page.goto(f"{base}/live")
        # the board's script started from its tag and connected
        expect(page.locator("[data-test=live-status]")).to_have_attribute("data-state", "live")
        page.goto(f"{base}/interactions")
        assert violations == []
