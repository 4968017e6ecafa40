"""Live rules: the YAML is validated with coded errors naming the rule, and each condition fires at the
right moment and only there (the monitor driven directly, no sockets)."""

from __future__ import annotations

import pytest

from callqa.core.errors import CallqaError
from callqa.live.monitor import LiveMonitor, ModelJob, ModelResult
from callqa.live.outputs import Alert, Card, ChecklistTick, TranscriptUpdate
from callqa.live.protocol import parse_message
from callqa.live.rules import load_rules, parse_rules

pytestmark = pytest.mark.issue(6)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def monitor(text: str | None = None, *, clock: Clock | None = None) -> LiveMonitor:
    rules = parse_rules(text, "test.yaml") if text else load_rules()
    if clock is None:
        return LiveMonitor(rules, realtime=False)
    return LiveMonitor(rules, realtime=True, clock=clock)


def send(mon: LiveMonitor, **message: object) -> list[object]:
    message.setdefault("call_id", "c1")
    return list(mon.handle(parse_message(dict(message))))


def say(
    mon: LiveMonitor, seg: str, role: str, text: str, start_s: float, end_s: float | None = None
) -> list[object]:
    end = end_s if end_s is not None else start_s + 2
    return send(
        mon,
        type="segment",
        segment_id=seg,
        role=role,
        text=text,
        start_ms=int(start_s * 1000),
        end_ms=int(end * 1000),
    )


def alerts(outputs: list[object]) -> list[Alert]:
    return [o for o in outputs if isinstance(o, Alert)]


def start(mon: LiveMonitor, language: str = "en") -> None:
    send(mon, type="call_start", agent="ann", team="North", language=language)


# -- validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "rules: [{id: x, title: X, when: {type: moment, kind: nonsense}}]",
            "rule 'x': moment kind 'nonsense'",
        ),
        ("rules: [{id: x, title: X, when: {type: duration, what: hold, over_s: -1}}]", "rule 'x'"),
        ("rules: [{id: x, title: X, when: {type: phrase}}]", "give either 'phrases' or 'criterion'"),
        (
            "rules: [{id: x, title: X, when: {type: phrase, criterion: no_such}}]",
            "has no criterion 'no_such'",
        ),
        (
            "rules: [{id: x, title: X, when: {type: sentiment, streak: 2, drop: 0.5}}]",
            "either 'streak' or 'drop'",
        ),
        ("rules: [{id: x, title: X, when: {type: teleport}}]", "rule 'x'"),
        (
            "rules: [{id: x, title: X, when: {type: duration, what: call, over_s: 1}},"
            " {id: x, title: Y, when: {type: duration, what: call, over_s: 2}}]",
            "rule id 'x' is used twice",
        ),
        ("rules: [{id: x, title: X, when: {type: regex, patterns: ['(']}}]", "bad pattern"),
        ("rules: [", "invalid YAML"),
    ],
)
def test_bad_rules_are_refused_with_a_coded_error_naming_the_rule(yaml_text: str, expected: str) -> None:
    with pytest.raises(CallqaError) as caught:
        parse_rules(yaml_text, "centre.yaml")
    assert "[V100]" in str(caught.value) and "centre.yaml" in str(caught.value)
    assert expected in str(caught.value)


def test_the_shipped_rules_borrow_the_scorecards_phrases() -> None:
    rules = load_rules()
    disclosure = rules.matchers["disclosure_missing"]
    assert disclosure.find("This call is being recorded for quality.")
    assert disclosure.find("本次通话将被录音。")
    assert {item.id for item in rules.checklist} >= {"greeting", "recording_disclosure", "thanks"}


# -- words --------------------------------------------------------------------------------------------------


def test_a_moment_fires_on_its_speakers_words_once_with_the_quote() -> None:
    mon = monitor()
    start(mon)
    assert not alerts(
        say(mon, "1", "agent", "Don't be an idiot about it, I mean the form.", 5)
    )  # agent: not abuse
    fired = alerts(say(mon, "2", "customer", "Sorry. You lot are a bunch of thieving idiots. Fix it.", 9))
    assert [(a.rule, a.segment_id, a.at_ms, a.severity) for a in fired] == [("abuse", "2", 9000, "critical")]
    assert fired[0].text == "You lot are a bunch of thieving idiots."
    assert not alerts(say(mon, "3", "customer", "You idiots!", 12))  # once within the cooldown (120 s)
    later = alerts(say(mon, "4", "customer", "Thieving idiots, all of you.", 140))
    assert [a.segment_id for a in later if a.rule == "abuse"] == ["4"]


def test_a_card_goes_with_the_alert_when_the_rule_has_one() -> None:
    mon = monitor()
    start(mon)
    out = say(mon, "1", "customer", "If this isn't fixed I'm going to cancel my account.", 3)
    cards = [o for o in out if isinstance(o, Card)]
    assert [c.source for c in cards] == ["cancellation_threat"] and cards[0].kind == "objection"


def test_card_numbers_are_redacted_before_anything_sees_them() -> None:
    mon = monitor()
    start(mon)
    out = say(mon, "1", "customer", "My card is 4111 1111 1111 1111, you idiots.", 3)
    shown = [o.segment["text"] for o in out if isinstance(o, TranscriptUpdate)]
    assert shown and "4111" not in shown[0] and "[CARD_NUMBER]" in shown[0]
    assert all("4111" not in a.text for a in alerts(out))
    assert "4111" not in mon.calls["c1"].finals[0].text


def test_account_details_before_verification_fire_and_after_do_not() -> None:
    mon = monitor()
    start(mon)
    fired = alerts(say(mon, "1", "agent", "Right, I can see your balance is 1,204 pounds.", 14))
    assert [a.rule for a in fired] == ["account_before_verification"]
    ok = monitor()
    start(ok)
    say(ok, "1", "agent", "Before we go on, can I take your date of birth and the last four digits?", 10)
    assert not alerts(say(ok, "2", "agent", "Thanks. I can see your balance is 1,204 pounds.", 20))


def test_the_disclosure_deadline_fires_at_30_seconds_unless_said_in_time() -> None:
    clock = Clock()
    mon = monitor(clock=clock)
    start(mon)
    say(mon, "1", "agent", "Good morning, Acme Bank.", 1)
    clock.now += 29.5
    assert not alerts(mon.tick())
    clock.now += 1
    fired = alerts(mon.tick())
    assert [(a.rule, a.at_ms) for a in fired] == [("disclosure_missing", 30_000)]
    assert not alerts(mon.tick())  # once

    said = monitor(clock=Clock())
    start(said)
    say(said, "1", "agent", "Good morning, this call is recorded for quality.", 1)
    said.clock.now += 60  # type: ignore[attr-defined]
    assert "disclosure_missing" not in {a.rule for a in alerts(said.tick())}


def test_checklist_items_tick_as_they_are_said() -> None:
    mon = monitor()
    start(mon)
    out = say(mon, "1", "agent", "Thank you for calling Acme Bank, my name is Sam. This call is recorded.", 1)
    assert {o.item for o in out if isinstance(o, ChecklistTick)} == {"greeting", "recording_disclosure"}
    out = say(mon, "2", "agent", "Is there anything else? Thank you for calling.", 60)
    assert {o.item for o in out if isinstance(o, ChecklistTick)} == {"anything_else", "thanks"}
    early = monitor()
    start(early)
    out = say(
        early, "1", "agent", "Thank you for calling Acme Bank.", 1
    )  # thanks only count after the greeting
    assert {o.item for o in out if isinstance(o, ChecklistTick)} == {"greeting"}


# -- time ------------------------------------------------------------------------------------------------


def test_a_long_hold_fires_once_after_the_limit_and_a_short_one_never() -> None:
    clock = Clock()
    mon = monitor(clock=clock)
    start(mon)
    say(mon, "1", "agent", "This call is recorded. One moment please.", 1)
    send(mon, type="event", kind="hold_start", at_ms=10_000)
    clock.now += 100
    assert not [a for a in alerts(mon.tick()) if a.rule == "long_hold"]
    clock.now += 25  # 125 s of call time, 115 s on hold
    assert not [a for a in alerts(mon.tick()) if a.rule == "long_hold"]
    clock.now += 10  # 125 s on hold
    fired = [a for a in alerts(mon.tick()) if a.rule == "long_hold"]
    assert [(a.at_ms, a.text) for a in fired] == [(130_000, "on hold for over 120 s")]
    assert not [a for a in alerts(mon.tick()) if a.rule == "long_hold"]
    assert mon.board()[0]["state"] == "hold"


def test_a_hold_is_inferred_from_please_hold_when_no_event_comes() -> None:
    mon = monitor()
    start(mon)
    say(mon, "1", "agent", "This call is recorded. Let me put you on hold for a moment.", 1, 5)
    fired = [a for a in alerts(say(mon, "2", "agent", "Thanks for waiting.", 200)) if a.rule == "long_hold"]
    assert [a.at_ms for a in fired] == [125_000]  # 120 s after the words ended, before the agent came back


def test_silence_fires_per_silence_and_speech_resets_it() -> None:
    mon = monitor()
    start(mon)
    say(mon, "1", "agent", "This call is recorded. Hello?", 1, 3)
    assert [
        a.at_ms
        for a in alerts(say(mon, "2", "customer", "Sorry, I was away.", 40))
        if a.rule == "long_silence"
    ] == [33_000]
    assert not [a for a in alerts(say(mon, "3", "agent", "No problem.", 50)) if a.rule == "long_silence"]


def test_a_customer_monologue_fires_once_per_run() -> None:
    mon = monitor()
    start(mon)
    say(mon, "0", "agent", "This call is recorded, go ahead.", 0, 2)
    out: list[object] = []
    for k in range(8):
        out += say(mon, f"c{k}", "customer", "And another thing about the fees.", 3 + k * 10, 12 + k * 10)
    fired = [a for a in alerts(out) if a.rule == "customer_monologue"]
    assert [a.at_ms for a in fired] == [63_000]


# -- sentiment and the model ------------------------------------------------------------------------------


def test_a_negative_streak_fires_once_and_again_after_a_break() -> None:
    mon = monitor()
    start(mon)
    bad = "This is terrible, awful service and I hate it."
    out: list[object] = []
    for k in range(4):
        out += say(mon, f"b{k}", "customer", bad, 5 + k * 5)
    assert [a.segment_id for a in alerts(out) if a.rule == "negative_streak"] == ["b2"]
    out = say(mon, "g", "customer", "Great, thank you, that is wonderful.", 40)
    for k in range(3):
        out += say(mon, f"n{k}", "customer", bad, 45 + k * 5)
    assert [a.segment_id for a in alerts(out) if a.rule == "negative_streak"] == ["n2"]


def test_other_languages_wait_for_the_model_and_its_result_applies_rules() -> None:
    mon = monitor()
    start(mon, "lt")
    say(mon, "1", "customer", "Tai siaubinga.", 5)
    jobs = mon.take_jobs()
    assert [(j.segment_id, j.sentiment, j.language) for j in jobs] == [("1", True, "lt")]
    out: list[object] = []
    for job in [jobs[0], *_more(mon, 2)]:
        out += mon.model_done(job, ModelResult(sentiment=-0.8))
    assert [a.rule for a in alerts(out)] == ["negative_streak"]
    assert mon.board()[0]["sentiment"] == -0.8


def _more(mon: LiveMonitor, n: int) -> list[ModelJob]:
    for k in range(n):
        say(mon, f"x{k}", "customer", "Blogai.", 10 + 5 * k)
    return mon.take_jobs()


def test_semantic_rules_and_knowledge_suggestions_come_from_the_model_result() -> None:
    text = """
rules:
  - id: fee_dispute
    title: Fee dispute
    when: {type: semantic, speaker: customer, examples: [why was I charged this fee]}
"""
    mon = monitor(text)
    start(mon)
    say(mon, "1", "customer", "How come you took forty pounds off me?", 5)
    (job,) = mon.take_jobs()
    assert job.semantic == ("fee_dispute",) and job.knowledge and not job.sentiment
    out = mon.model_done(
        job,
        ModelResult(
            semantic={"fee_dispute": (0.91, "why was I charged this fee")},
            articles=[(7, "Fees", "Monthly fee is waived if …", 0.9)],
        ),
    )
    assert [(a.rule, a.segment_id, a.at_ms) for a in alerts(out)] == [("fee_dispute", "1", 5000)]
    assert [c.source for c in out if isinstance(c, Card)] == ["kb:7"]
    assert not [
        c for c in mon.model_done(job, ModelResult(articles=[(7, "Fees", "…", 0.9)])) if isinstance(c, Card)
    ]


def test_messages_for_an_unknown_call_start_it_and_call_end_hands_it_over() -> None:
    mon = monitor()
    say(mon, "1", "customer", "Hello?", 1)
    assert list(mon.calls) == ["c1"]
    send(mon, type="call_end", at_ms=5000)
    ((call, end),) = mon.take_ended()
    assert call.call_id == "c1" and end.at_ms == 5000 and not mon.calls
