"""Real ``callqa serve`` processes for the tests of several servers: started on one PostgreSQL database and
one Redis, waited for, killed with ``kill -9`` (their whole process group)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from callqa.db.engine import create_db_engine, session_factory
from callqa.db.migrate import upgrade
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_token, create_user
from redis_support import free_port

Message = dict[str, Any]
# what the monitor alone gives demo call en-call-02 (tests/live/test_ws.py): each alert exactly once, whoever
# held the call
EXPECTED = [
    ("account_before_verification", "4"),
    ("disclosure_missing", None),
    ("sentiment_drop", "9"),
    ("complaint", "11"),
    ("escalation_request", "13"),
]


def admin_token(url: str) -> str:
    engine = create_db_engine(url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        new = UserCreate(
            username="root", display_name="Root", password="a-long-password", role=UserRole.ADMIN
        )
        token, _ = create_token(session, create_user(session, new).id, "cluster test")
    engine.dispose()
    return token


def start_server(folder: Path, database_url: str, redis_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "CALLQA_DATABASE_URL": database_url,
        "CALLQA_REDIS_URL": redis_url,
        "CALLQA_DATA_DIR": str(folder),
        "CALLQA_SECRET_KEY": "s" * 40,
        "CALLQA_LIVE_MODEL_PROCESS": "false",
        "CALLQA_BACKGROUND_JOBS": "false",
        "CALLQA_LIVE_LEASE_S": "2",
    }
    log = (folder.parent / f"{folder.name}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "callqa", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill -9 takes all of it
    )
    return process, f"127.0.0.1:{port}"


def wait_up(process: subprocess.Popen[bytes], host: str, token: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            # the live service starts with the first live request
            reply = httpx.get(f"http://{host}/api/live/stats", headers={"authorization": f"Bearer {token}"})
            if reply.status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, f"callqa serve on {host} did not start"
        time.sleep(0.2)


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def until(ws: Any, done: Callable[[Message], bool], seen: list[Message], timeout: float = 60) -> Message:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
        seen.append(message)
        if done(message):
            return message
