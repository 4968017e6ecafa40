"""Signed alert webhooks delivered to a real local HTTP server: signature, filters, retries, give-up."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from callqa.live.outputs import Alert
from callqa.live.webhooks import WebhookSender, WebhookTarget, sign, verify

pytestmark = pytest.mark.issue(6)


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.failures_left = {"/flaky": 2}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                left = receiver.failures_left.get(self.path, 0)
                if self.path == "/down" or left > 0:
                    receiver.failures_left[self.path] = left - 1
                    self.send_response(500)
                else:
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


def alert(rule: str = "abuse", severity: str = "critical", team: str = "North") -> Alert:
    return Alert("a-1", "c1", rule, "Customer abusing the agent", severity, 9000, "You idiots.", "ann", team)


def test_alerts_are_signed_and_the_receiver_can_verify_them(receiver: Receiver) -> None:
    sender = WebhookSender([WebhookTarget(url=f"{receiver.url}/hook", secret="s3cret")])
    sender.send([alert()])
    sender.close()
    ((path, headers, body),) = receiver.received
    assert path == "/hook" and json.loads(body)["alert"]["rule"] == "abuse"
    timestamp, signature = headers["x-callqa-timestamp"], headers["x-callqa-signature"]
    assert verify("s3cret", timestamp, body, signature)
    assert not verify("s3cret", timestamp, body.replace(b"abuse", b"other"), signature)  # tampered
    assert not verify("wrong", timestamp, body, signature)
    old = str(int(time.time()) - 3600)
    assert not verify("s3cret", old, body, sign("s3cret", old, body))  # a replay an hour later


def test_targets_choose_by_severity_rule_and_team(receiver: Receiver) -> None:
    targets = [
        WebhookTarget(url=f"{receiver.url}/critical", secret="x", min_severity="critical"),
        WebhookTarget(url=f"{receiver.url}/holds", secret="x", min_severity="info", rules=["long_hold"]),
        WebhookTarget(url=f"{receiver.url}/south", secret="x", teams=["South"]),
    ]
    sender = WebhookSender(targets)
    sender.send([alert(), alert("long_hold", "warning"), alert("complaint", "info", team="South")])
    sender.close()
    assert sorted(receiver.paths()) == ["/critical", "/holds"]


def test_a_failing_receiver_is_retried_then_given_up_and_logged(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    sender = WebhookSender(
        [
            WebhookTarget(url=f"{receiver.url}/flaky", secret="x"),
            WebhookTarget(url=f"{receiver.url}/down", secret="x"),
        ],
        retries=3,
        backoff_s=0.01,
    )
    sender.send([alert()])
    sender.close()
    assert receiver.paths().count("/flaky") == 3 and sender.delivered == 1  # two 500s, then delivered
    assert receiver.paths().count("/down") == 3 and sender.failed == 1
    assert any("[V103]" in r.getMessage() and "/down" in r.getMessage() for r in caplog.records)
