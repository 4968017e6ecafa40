"""Signed webhooks for alerts, so a centre can route them to its own chat or ticketing.

Each alert matching a target is POSTed as JSON with ``X-Callqa-Timestamp`` and ``X-Callqa-Signature:
sha256=<hex>``, the HMAC-SHA256 of ``"<timestamp>.<body>"`` under the target's secret (verify it and reject
old timestamps to stop replays). Delivery runs on its own thread with retries, so a slow receiver never holds
up the monitor; a target that still fails is logged with code V103, the alert stays on the board.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx

from callqa.core.errors import ErrorCode
from callqa.core.settings import WebhookTarget
from callqa.live.outputs import Alert

log = logging.getLogger(__name__)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, max_age_s: float = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    fresh = abs(time.time() - float(timestamp)) <= max_age_s
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookSender:
    def __init__(
        self,
        targets: Sequence[WebhookTarget],
        *,
        retries: int = 3,
        backoff_s: float = 0.5,
        timeout_s: float = 5.0,
    ) -> None:
        self.targets = list(targets)
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.delivered = 0
        self.failed = 0
        self._queue: queue.Queue[tuple[WebhookTarget, bytes] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def send(self, alerts: Sequence[Alert]) -> None:
        for alert in alerts:
            for target in self.targets:
                if target.wants(alert.severity, alert.rule, alert.team):
                    body = json.dumps(
                        {"event": "alert", "alert": alert.message()["alert"]}, ensure_ascii=False
                    )
                    self._start()
                    self._queue.put((target, body.encode()))

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="callqa-webhooks", daemon=True)
            self._thread.start()

    def close(self, timeout_s: float = 10.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout_s) as client:
            while (item := self._queue.get()) is not None:
                self._deliver(client, *item)

    def _deliver(self, client: httpx.Client, target: WebhookTarget, body: bytes) -> None:
        reason = ""
        for attempt in range(self.retries):
            timestamp = str(int(time.time()))
            headers: dict[str, Any] = {
                "content-type": "application/json",
                "x-callqa-timestamp": timestamp,
                "x-callqa-signature": sign(target.secret.get_secret_value(), timestamp, body),
            }
            try:
                response = client.post(target.url, content=body, headers=headers)
                if response.status_code < 300:
                    self.delivered += 1
                    return
                reason = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                reason = str(exc) or type(exc).__name__
            time.sleep(self.backoff_s * 2**attempt)
        self.failed += 1
        log.warning(
            ErrorCode.V103.format(url=target.url, reason=f"gave up after {self.retries} tries: {reason}")
        )
