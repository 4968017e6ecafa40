"""Real headless Chromium (Debian's) against the app served by uvicorn on a loopback port."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("CALLQA_TEST_ARTIFACTS", ROOT / ".artifacts"))


def chromium_path() -> str:
    """Debian's chromium; CI must have it (scripts/setup.sh --dev installs it), elsewhere the test skips."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: scripts/setup.sh --dev must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app served in a background thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def browser(args: Sequence[str] = ()) -> Iterator[Any]:
    """A headless Chromium; open one context (own cookies) per user with ``new_context``. ``args``: extra
    command-line switches (e.g. a WAV file as the microphone)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox", *args]
        )
        try:
            yield instance
        finally:
            instance.close()


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG kept under .artifacts/screenshots (or $CALLQA_TEST_ARTIFACTS)."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(browser_: Any, base: str, username: str, password: str = "callqa-demo") -> Any:
    """A new browser context signed in as ``username`` through the form; returns its page."""
    context = browser_.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base) + r"/(interactions|home)$"))  # an agent lands on their home
    return page
