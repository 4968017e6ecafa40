"""The admin pages in headless Chromium at 1280 px: the audit log filtered and exported, the settings page,
the users page's dropdowns showing whole role names, and /api/docs rendering with no request leaving the
server. Screenshots are kept under .artifacts/screenshots."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Route, expect

from browser_support import browser, screenshot, serving, sign_in
from web_support import Web

pytestmark = [pytest.mark.slow, pytest.mark.issue(19)]
WIDTH = 1280


def test_admin_filters_and_exports_the_audit_log_and_reads_the_settings(web: Web, tmp_path: Path) -> None:
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "admin")
        page.set_viewport_size({"width": WIDTH, "height": 900})
        page.goto(f"{base}/interactions")
        page.click("[data-test=audit]")
        expect(page.locator("h1")).to_contain_text("Audit log")
        assert page.locator("[data-test=audit-entry]").count() > 0
        page.select_option("[data-test=audit-user]", "admin")
        page.select_option("[data-test=audit-action]", "login")
        page.click("[data-test=audit-filter]")
        expect(page.locator("[data-test=total]")).to_have_text("1")
        rows = page.locator("[data-test=audit-entry]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("login")
        screenshot(page, "admin-audit-1280")
        with page.expect_download() as download:
            page.click("[data-test=audit-export]")
        saved = tmp_path / "audit.csv"
        download.value.save_as(saved)
        exported = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
        assert [(r["username"], r["action"]) for r in exported] == [("admin", "login")]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.click("[data-test=settings]")
        expect(page.locator("[data-test=read-only]")).to_be_visible()
        expect(page.locator("tr[data-setting=secret_key] td.value")).not_to_contain_text("t" * 10)
        expect(page.locator("section[data-section=scoring] pre")).to_contain_text("scorecard")
        screenshot(page, "admin-settings-1280")


def test_the_users_page_shows_whole_role_names_at_1280(web: Web) -> None:
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "admin")
        page.set_viewport_size({"width": WIDTH, "height": 900})
        page.goto(f"{base}/admin/users")
        selects = page.locator("#users select[name=role]")
        assert selects.count() >= 4
        # each select is at least as wide as the text of its longest option plus its arrow
        cut = page.evaluate(
            """() => {
              const canvas = document.createElement('canvas').getContext('2d');
              const cut = [];
              for (const select of document.querySelectorAll('#users select:not([multiple])')) {
                const style = getComputedStyle(select);
                canvas.font = `${style.fontSize} ${style.fontFamily}`;
                const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
                for (const option of select.options) {
                  const text = canvas.measureText(option.text).width;
                  if (select.clientWidth - padding < text) cut.push(option.text);
                }
              }
              return cut;
            }"""
        )
        assert cut == []
        expect(page.locator("tr[data-user='sam.lead'] select[name=role] option:checked")).to_have_text(
            "supervisor"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, "admin-users-1280")


def test_api_docs_render_without_any_outside_request(web: Web) -> None:
    """Nothing the pages ask for reaches the network but this server. (ReDoc's footer names a logo on its
    CDN: the page's CSP, img-src 'self' data:, refuses it inside the browser, so it is never sent and
    ReDoc hides the image.)"""
    with serving(web.app) as base, browser() as chromium:
        context = chromium.new_context(viewport={"width": WIDTH, "height": 900})
        sent_outside: list[str] = []

        def only_here(route: Route) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                sent_outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_here)
        page = context.new_page()
        page.goto(f"{base}/api/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("callqa")
        expect(page.locator(".opblock").first).to_be_visible()
        screenshot(page, "api-docs-1280")
        page.goto(f"{base}/api/redoc")
        expect(page.locator("redoc h1").first).to_contain_text("callqa", timeout=30_000)
        page.wait_for_timeout(1000)
        screenshot(page, "api-redoc-1280")
        assert sent_outside == []
