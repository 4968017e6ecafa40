"""Real Redis servers for the tests: the one the test command started (shared, flushed per test) and
private ones a test may stop and restart (broker faults)."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REDIS_URL_ENV = "CALLQA_TEST_REDIS_URL"
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "redis.sh"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _require_redis() -> None:
    if os.environ.get(REDIS_URL_ENV):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{REDIS_URL_ENV} is not set: the test command must start Redis")
    pytest.skip(f"Redis not configured ({REDIS_URL_ENV})")


@dataclass
class RedisServer:
    """A throw-away Redis server in ``folder`` (append-only file on, so a restart keeps the queues)."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            ["bash", str(SCRIPT), "start", str(self.folder), str(self.port)], check=True, capture_output=True
        )

    def stop(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "stop", str(self.folder)], check=False, capture_output=True)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The shared test Redis, emptied before the test."""
    _require_redis()
    import redis

    url = os.environ[REDIS_URL_ENV]
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    yield url


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of this test's own, which it may stop and restart."""
    _require_redis()  # the test command installed redis-server when it set this
    server = RedisServer(tmp_path / "redis", free_port())
    server.start()
    yield server
    server.stop()
