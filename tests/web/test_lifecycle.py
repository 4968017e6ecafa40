"""The web app's lifespan owns its background work: the refresher, the report sender and the agreement
watch start with it however it is served, and a stopped server (SIGTERM or SIGINT) leaves no process or
thread behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from callqa.db.engine import create_db_engine, session_factory
from callqa.db.migrate import upgrade
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_token, create_user
from callqa.web.app import create_app
from web_support import Web

pytestmark = pytest.mark.issue(16)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_lifespan_starts_and_stops_the_periodic_jobs(web: Web) -> None:
    app = web.app
    with TestClient(app):
        jobs = app.state.background
        assert sorted(job.name for job in jobs) == ["agreement watch", "insights refresh", "report sender"]
        assert all(job.running for job in jobs)
    assert not any(job.running for job in jobs)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_background_jobs_can_be_left_to_another_process(web: Web) -> None:
    settings = web.settings.model_copy(update={"background_jobs": False})
    app = create_app(settings, engine=web.db.engine)
    with TestClient(app):
        assert app.state.background == []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.timeout(240)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_callqa_serve_after_live_use_leaves_no_process_behind(tmp_path: Path, stop: int) -> None:
    url = f"sqlite:///{tmp_path / 'callqa.db'}"
    engine = create_db_engine(url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        new = UserCreate(
            username="root", display_name="Root", password="a-long-password", role=UserRole.ADMIN
        )
        admin = create_user(session, new)
        token, _ = create_token(session, admin.id, "lifecycle test")
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "CALLQA_DATABASE_URL": url,
        "CALLQA_DATA_DIR": str(tmp_path / "data"),
        "CALLQA_SECRET_KEY": "s" * 40,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "callqa", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "callqa serve did not start"
                time.sleep(0.2)
        stats = httpx.get(f"{base}/api/live/stats", headers={"authorization": f"Bearer {token}"}, timeout=30)
        assert stats.status_code == 200, stats.text  # the live service is up: its model process starts
        deadline = time.monotonic() + 90
        while not (children := [p for p in _children(server.pid) if _alive(p)]):
            assert time.monotonic() < deadline, "the live model process did not start"
            time.sleep(0.2)

        server.send_signal(stop)
        output, _ = server.communicate(timeout=60)
        said = output.decode(errors="replace")
        # uvicorn shuts down gracefully, then exits as the signal would have it
        assert server.returncode in (0, -stop), said
        assert "Application shutdown complete" in said and "Traceback" not in said, said
        deadline = time.monotonic() + 10
        while [p for p in children if _alive(p)]:
            assert time.monotonic() < deadline, f"left behind: {children}"
            time.sleep(0.1)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
