"""Every demo call replayed through the live monitor: each alert fires where the same call's analysis
after the call (key moments, scorecard expectations in the demo manifest) says it should, and nowhere else."""

from __future__ import annotations

import functools

import pytest

from callqa.analysis.defaults import build_pipeline
from callqa.core.document import Interaction
from callqa.live.monitor import LiveMonitor
from callqa.live.outputs import Alert
from callqa.live.protocol import parse_message
from callqa.live.replay import call_messages
from callqa.live.rules import load_rules
from qa_support import demo_interactions, manifest

pytestmark = pytest.mark.issue(6)

MOMENT_RULES = ("abuse", "legal_threat", "escalation_request", "cancellation_threat", "complaint")
LIMITS = {"long_hold": 120_000, "long_silence": 30_000}


def voice_calls() -> list[str]:
    return sorted(k for k, d in demo_interactions().items() if d.channel == "voice")


@functools.cache
def expected() -> dict[str, dict[str, str]]:
    return {m["external_id"]: m.get("expected", {}) for m in manifest()}


def replay(doc: Interaction) -> list[Alert]:
    mon = LiveMonitor(load_rules(), realtime=False)
    fired: list[Alert] = []
    for _, message in call_messages(doc):
        fired += [o for o in mon.handle(parse_message(message)) + mon.tick() if isinstance(o, Alert)]
    return fired


@pytest.mark.parametrize("external_id", voice_calls())
def test_live_alerts_match_the_analysis_after_the_call(external_id: str) -> None:
    doc = demo_interactions()[external_id]
    fired = replay(doc)
    moments = build_pipeline().run(doc).get("moments")

    for rule in MOMENT_RULES:
        turns = [m.evidence.turn for m in moments if m.kind == rule]
        live = [int(a.segment_id or -1) for a in fired if a.rule == rule]
        assert bool(live) == bool(turns), f"{rule}: live {live}, after the call {turns}"
        if turns:
            assert live[0] == turns[0], f"{rule} fired at turn {live[0]}, the analysis found it at {turns[0]}"
            assert set(live) <= set(turns)

    for rule, limit in LIMITS.items():
        gaps = [m.evidence.start_ms for m in moments if m.kind == rule]
        live = [a.at_ms for a in fired if a.rule == rule]
        assert live == [g + limit for g in gaps if g is not None], f"{rule}: live {live}, gaps start {gaps}"

    outcomes = expected().get(external_id, {})
    disclosure = [a for a in fired if a.rule == "disclosure_missing"]
    assert bool(disclosure) == (outcomes.get("recording_disclosure") == "fail")
    assert all(a.at_ms == 30_000 for a in disclosure)
    order = [a for a in fired if a.rule == "account_before_verification"]
    if order:  # never a false alarm: every call it fires on fails the criterion after the call
        assert outcomes.get("identity_before_account") == "fail"


def test_most_verification_failures_are_caught_live() -> None:
    failing = [k for k in voice_calls() if expected().get(k, {}).get("identity_before_account") == "fail"]
    caught = [
        k
        for k in failing
        if any(a.rule == "account_before_verification" for a in replay(demo_interactions()[k]))
    ]
    assert len(failing) >= 5 and len(caught) >= len(failing) - 1, (failing, caught)
