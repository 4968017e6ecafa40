"""The live monitor: call messages in, alerts / agent cards / checklist ticks / board updates out.

Synchronous and free of I/O, so it is tested without sockets and the server runs it on its event loop. The
cheap work (phrases, moments, regexes, order, deadlines, durations, English sentiment by VADER) happens as
each message arrives; work that needs the embedding model (sentiment in the other languages, semantic
rules, knowledge-base suggestions) is queued as :class:`ModelJob` and its :class:`ModelResult` comes back
through :meth:`LiveMonitor.model_done`, so one slow model never holds up an alert.

Call time is the call's own clock: the latest timestamp any message carried, or, when ``realtime``, the
wall time since the call started if that is later (a hold is "over 60 s" even while nobody sends anything).
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from callqa.analysis.moments import quote_span
from callqa.analysis.text import Match, primary_language
from callqa.live.outputs import (
    Alert,
    CallEnded,
    CallUpdate,
    Card,
    ChecklistTick,
    Output,
    TranscriptUpdate,
)
from callqa.live.protocol import CallEnd, CallEvent, CallStart, Message, Segment
from callqa.live.rules import LiveRules
from callqa.live.spec import (
    DeadlineWhen,
    DurationWhen,
    MomentWhen,
    OrderWhen,
    PhraseWhen,
    RegexWhen,
    RuleSpec,
    SemanticWhen,
    SentimentWhen,
)
from callqa.live.state import CallState
from callqa.privacy.redact import redact_turns
from callqa.sentiment.model import SentimentModel

QuickSentiment = Callable[[str, str | None], float | None]
_QUESTION = re.compile(
    r"[?？؟]|^\s*(how|what|why|when|where|can|could|do|does|is|are|will|kaip|kodėl|ar|kada|kur|kiek|"
    r"چطور|چگونه|چرا|آیا|کجا)\b|吗|怎么|如何|什么|为什么|能不能|可以吗",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ModelJob:
    """Work for the embedding model about one final segment."""

    call_id: str
    segment_id: str
    role: str
    text: str
    language: str | None
    sentiment: bool
    semantic: tuple[str, ...]  # the semantic rules to test
    knowledge: bool


@dataclass(frozen=True)
class ModelResult:
    sentiment: float | None = None
    semantic: dict[str, tuple[float, str]] = field(default_factory=dict)  # rule → (similarity, example)
    articles: list[tuple[int, str, str, float]] = field(default_factory=list)  # (id, title, body, sim)


def vader_sentiment() -> QuickSentiment:
    """English by VADER (≈ 0.1 ms a sentence); other languages need the model (``None``)."""
    model = SentimentModel(english="vader")

    def quick(text: str, language: str | None) -> float | None:
        return model.vader([text])[0] if primary_language(language) == "en" else None

    return quick


class LiveMonitor:
    def __init__(
        self,
        rules: LiveRules,
        *,
        clock: Callable[[], float] = time.monotonic,
        realtime: bool = True,
        quick_sentiment: QuickSentiment | None = None,
        knowledge: bool = True,
    ) -> None:
        self.rules = rules
        self.clock = clock
        self.realtime = realtime
        self.quick_sentiment = quick_sentiment if quick_sentiment is not None else vader_sentiment()
        self.knowledge = knowledge
        self.calls: dict[str, CallState] = {}
        self.jobs: list[ModelJob] = []
        self.ended: list[tuple[CallState, CallEnd]] = []
        self._ids = itertools.count(1)
        self.alert_prefix = f"{int(time.time()):x}"  # alert ids: <prefix>-<n>
        self._hold_request = rules.library.matcher("hold_request")
        self._timed = [r for r in rules.rules if isinstance(r.when, DurationWhen | DeadlineWhen)]
        self._semantic = {
            role: tuple(
                r.id
                for r in rules.rules
                if isinstance(r.when, SemanticWhen) and r.when.speaker in (role, "any")
            )
            for role in ("agent", "customer", "system")
        }

    def prime(self) -> None:
        """Load what the first real segments would otherwise load mid-call (VADER's lexicon, the Chinese
        converter, compiled patterns), so no alert waits for it."""
        samples = {
            "en": "Hello, this call is recorded. I want to cancel, this is terrible!",
            "zh": "您好，本次通话将被录音。我要投诉！",
            "lt": "Laba diena, pokalbis įrašomas. Noriu kalbėti su vadovu.",
            "fa": "سلام، این تماس ضبط می‌شود. می‌خواهم شکایت کنم.",
        }
        jobs = len(self.jobs)
        for language, text in samples.items():
            call_id = f"__prime_{language}"
            self.handle(CallStart(call_id, language=language))
            for role in ("agent", "customer"):
                self.handle(Segment(call_id, role, role, text, 0, 1000))
            self.handle(CallEnd(call_id, 1000))
        self.ended = [e for e in self.ended if not e[0].call_id.startswith("__prime_")]
        del self.jobs[jobs:]

    # -- the clock -------------------------------------------------------------------------------------

    def now_ms(self, call: CallState) -> int:
        if not self.realtime:
            return call.last_ms
        return max(call.last_ms, int((self.clock() - call.opened) * 1000))

    # -- messages ----------------------------------------------------------------------------------------

    def handle(self, message: Message) -> list[Output]:
        """Apply one message; a message about an unknown call starts it (a lost call_start loses nothing)."""
        if isinstance(message, CallStart):
            return self._start(message)
        call = self.calls.get(message.call_id)
        if call is None:
            self._start(CallStart(message.call_id))
            call = self.calls[message.call_id]
        if isinstance(message, Segment):
            return self._segment(call, message)
        if isinstance(message, CallEvent):
            return self._event(call, message)
        return self._end(call, message)

    def _start(self, message: CallStart) -> list[Output]:
        known = self.calls.get(message.call_id)
        if known is not None:  # a repeated call_start updates who and where, keeps what was said
            known.start = message
            return [self._update(known)]
        call = CallState(message, self.clock())
        self.calls[message.call_id] = call
        return [self._update(call)]

    def _update(self, call: CallState) -> CallUpdate:
        return CallUpdate(call.call_id, call.agent, call.team)

    def _segment(self, call: CallState, seg: Segment) -> list[Output]:
        seg = _redacted(call, seg)  # before anything is matched, shown, stored or embedded
        out: list[Output] = []
        if not seg.final:
            call.last_ms = max(call.last_ms, seg.end_ms)
            call.partials[seg.segment_id] = seg
            out.append(TranscriptUpdate(call.call_id, call.agent, call.team, call.segment_json(seg)))
            out.extend(self._text_rules(call, seg, partial=True))
            return out
        # What was due before these words began (a hold or silence running until now) fires first.
        call.last_ms = max(call.last_ms, seg.start_ms)
        out.extend(self._timed_rules(call))
        call.last_ms = max(call.last_ms, seg.end_ms)
        call.partials.pop(seg.segment_id, None)
        call.finals.append(seg)
        if seg.role == "system":
            out.append(TranscriptUpdate(call.call_id, call.agent, call.team, call.segment_json(seg)))
            return out
        if call.hold_since is not None and call.hold_inferred:
            call.holds.append((call.hold_since, seg.start_ms))  # speech ends a hold only words started
            call.hold_since = None
        call.speech_end_ms = max(call.speech_end_ms, seg.end_ms)
        if seg.role != call.run_role:
            call.run_role, call.run_start_ms = seg.role, seg.start_ms
        call.run_end_ms = max(call.run_end_ms, seg.end_ms)
        language = call.start.language
        quick = self.quick_sentiment(seg.text, language) if seg.text.strip() else None
        out.append(TranscriptUpdate(call.call_id, call.agent, call.team, call.segment_json(seg), quick))
        out.extend(self._text_rules(call, seg, partial=False))
        if seg.role == "agent":
            out.extend(self._checklist(call, seg))
            if call.hold_since is None and self._hold_request.find(seg.text):
                call.hold_since, call.hold_inferred = seg.end_ms, True  # "please hold" with no hold event
        if quick is not None:
            out.extend(self._sentiment(call, seg.role, seg.segment_id, quick))
        semantic = self._semantic.get(seg.role, ())
        knowledge = self.knowledge and seg.role == "customer" and bool(_QUESTION.search(seg.text))
        if seg.text.strip() and (quick is None or semantic or knowledge):
            job = ModelJob(
                call.call_id, seg.segment_id, seg.role, seg.text, language, quick is None, semantic, knowledge
            )
            self.jobs.append(job)
        out.extend(self._timed_rules(call))
        out.append(self._update(call))
        return out

    def _event(self, call: CallState, event: CallEvent) -> list[Output]:
        call.last_ms = max(call.last_ms, event.at_ms)
        out = self._timed_rules(call)  # a hold that ends now was long before it ended
        call.events.append(event)
        if event.kind == "hold_start" and (call.hold_since is None or call.hold_inferred):
            call.hold_since, call.hold_inferred = event.at_ms, False
        elif event.kind == "hold_end" and call.hold_since is not None:
            call.holds.append((call.hold_since, event.at_ms))
            call.hold_since = None
            call.speech_end_ms = max(call.speech_end_ms, event.at_ms)
        elif event.kind == "transfer":
            call.transfers += 1
        return [*out, *self._timed_rules(call), self._update(call)]

    def _end(self, call: CallState, end: CallEnd) -> list[Output]:
        if end.at_ms is not None:
            call.last_ms = max(call.last_ms, end.at_ms)
        if call.hold_since is not None:
            call.holds.append((call.hold_since, call.last_ms))
            call.hold_since = None
        del self.calls[call.call_id]
        self.ended.append((call, end))
        return [CallEnded(call.call_id, call.agent, call.team)]

    def tick(self) -> list[Output]:
        """Time-driven rules for every call (holds, silences, deadlines); call this a few times a second."""
        out: list[Output] = []
        for call in list(self.calls.values()):
            out.extend(self._timed_rules(call))
        return out

    def take_jobs(self) -> list[ModelJob]:
        jobs, self.jobs = self.jobs, []
        return jobs

    def take_ended(self) -> list[tuple[CallState, CallEnd]]:
        ended, self.ended = self.ended, []
        return ended

    def board(self) -> list[dict[str, object]]:
        return [c.summary(self.now_ms(c)) for c in self.calls.values()]

    def line(self, call_id: str) -> dict[str, object] | None:
        """One call's board line, or None when it has ended."""
        call = self.calls.get(call_id)
        return call.summary(self.now_ms(call)) if call is not None else None

    # -- firing --------------------------------------------------------------------------------------------

    def _fire(
        self,
        call: CallState,
        rule: RuleSpec,
        at_ms: int,
        text: str,
        *,
        occurrence: int | None = None,
        segment_id: str | None = None,
    ) -> list[Output]:
        key = (rule.id, occurrence)
        last = call.fired.get(key)
        # |Δ|: the parties' segments arrive interleaved, so a later message may carry an earlier time
        if last is not None and (rule.cooldown_s == 0 or abs(at_ms - last) < rule.cooldown_s * 1000):
            return []
        call.fired[key] = at_ms
        out: list[Output] = []
        if "supervisor" in rule.notify or "agent" in rule.notify:
            alert = Alert(
                f"{self.alert_prefix}-{next(self._ids)}",
                call.call_id,
                rule.id,
                rule.title,
                rule.severity,
                at_ms,
                text,
                call.agent,
                call.team,
                segment_id,
                tuple(rule.notify),
            )
            call.alerts.append(alert)
            out.append(alert)
        if rule.card is not None:
            card = rule.card
            out.append(
                Card(call.call_id, call.agent, call.team, card.kind, card.title, card.body, rule.id, at_ms)
            )
        return out

    # -- rules on words ------------------------------------------------------------------------------------

    def _text_rules(self, call: CallState, seg: Segment, *, partial: bool) -> list[Output]:
        out: list[Output] = []
        for rule in self.rules.rules:
            when = rule.when
            if isinstance(when, PhraseWhen | MomentWhen | RegexWhen):
                if partial and not (isinstance(when, PhraseWhen) and when.partial):
                    continue
                speaker: str | None = when.speaker
                if isinstance(when, MomentWhen) and speaker is None:
                    speaker = self.rules.library.kinds[when.kind].speaker
                if speaker != "any" and seg.role != speaker:
                    continue
                found = self._find(rule.id, seg.text, regex=isinstance(when, RegexWhen))
                if found:
                    out.extend(
                        self._fire(
                            call, rule, seg.start_ms, _quote(seg.text, found[0]), segment_id=seg.segment_id
                        )
                    )
            elif partial:
                continue
            elif isinstance(when, DeadlineWhen):
                if (
                    rule.id not in call.said
                    and when.speaker in ("any", seg.role)
                    and self._find(rule.id, seg.text)
                ):
                    call.said[rule.id] = seg.start_ms
            elif isinstance(when, OrderWhen) and when.speaker in ("any", seg.role):
                out.extend(self._order(call, rule, seg))
        return out

    def _find(self, key: str, text: str, *, regex: bool = False) -> tuple[Match, ...]:
        matcher = self.rules.regexes[key] if regex else self.rules.matchers[key]
        return matcher.find(text)

    def _order(self, call: CallState, rule: RuleSpec, seg: Segment) -> list[Output]:
        first = self._find(f"{rule.id}.first", seg.text)
        then = self._find(f"{rule.id}.then", seg.text)
        verified_at = call.said.get(f"{rule.id}.first")
        if then and verified_at is None and not (first and first[0].start < then[0].start):
            return self._fire(call, rule, seg.start_ms, _quote(seg.text, then[0]), segment_id=seg.segment_id)
        if first and verified_at is None:
            call.said[f"{rule.id}.first"] = seg.start_ms
        return []

    def _checklist(self, call: CallState, seg: Segment) -> list[Output]:
        out: list[Output] = []
        for item in self.rules.checklist:
            if item.id in call.ticked or item.speaker not in ("any", seg.role):
                continue
            if item.after is not None and (
                item.after not in call.ticked or call.ticked[item.after] >= seg.start_ms
            ):
                continue
            found = self._find(f"checklist:{item.id}", seg.text)
            if found:
                call.ticked[item.id] = seg.start_ms
                out.append(
                    ChecklistTick(
                        call.call_id, call.agent, call.team, item.id, seg.start_ms, _quote(seg.text, found[0])
                    )
                )
        return out

    # -- rules on time -------------------------------------------------------------------------------------

    def _timed_rules(self, call: CallState) -> list[Output]:
        if not self._timed:
            return []
        now = self.now_ms(call)
        out: list[Output] = []
        for rule in self._timed:
            when = rule.when
            if isinstance(when, DeadlineWhen):
                due = int(when.within_s * 1000)
                said = call.said.get(rule.id)
                if now >= due and (said is None or said > due):
                    out.extend(self._fire(call, rule, due, f"not said in the first {when.within_s:g} s"))
                continue
            assert isinstance(when, DurationWhen)
            limit = int(when.over_s * 1000)
            if when.what == "hold" and call.hold_since is not None and now - call.hold_since > limit:
                text = f"on hold for over {when.over_s:g} s"
                out.extend(self._fire(call, rule, call.hold_since + limit, text, occurrence=call.hold_since))
            elif when.what == "silence" and call.hold_since is None and now - call.speech_end_ms > limit:
                text = f"no one has spoken for over {when.over_s:g} s"
                out.extend(
                    self._fire(call, rule, call.speech_end_ms + limit, text, occurrence=call.speech_end_ms)
                )
            elif when.what == "call" and now > limit:
                out.extend(self._fire(call, rule, limit, f"call running for over {when.over_s / 60:g} min"))
            elif (
                when.what in ("customer_talking", "agent_talking")
                and call.run_role == when.what.removesuffix("_talking")
                and call.run_end_ms - call.run_start_ms > limit
            ):
                text = f"{call.run_role} talking without a break for over {when.over_s:g} s"
                at = call.run_start_ms + limit
                out.extend(self._fire(call, rule, at, text, occurrence=call.run_start_ms))
        return out

    # -- rules on the model's results ----------------------------------------------------------------------

    def _sentiment(self, call: CallState, role: str, segment_id: str, score: float) -> list[Output]:
        if role not in call.sentiment:
            return []
        points = call.sentiment[role]
        points.append((segment_id, score))
        out: list[Output] = []
        for rule in self.rules.rules:
            when = rule.when
            if not isinstance(when, SentimentWhen) or when.speaker != role:
                continue
            at = call.last_ms
            if when.streak is not None and len(points) >= when.streak:
                recent = points[-when.streak :]
                if all(s <= when.below for _, s in recent):
                    start = len(points) - when.streak
                    while start > 0 and points[start - 1][1] <= when.below:
                        start -= 1  # the same streak going on is one occurrence
                    text = f"{when.streak} {role} turns in a row at or below {when.below:g}"
                    out.extend(self._fire(call, rule, at, text, occurrence=start, segment_id=segment_id))
            elif when.drop is not None and len(points) >= 2:
                best = max(s for _, s in points[:-1])
                if best - score >= when.drop:
                    text = f"{role} sentiment fell from {best:+.2f} to {score:+.2f}"
                    out.extend(self._fire(call, rule, at, text, segment_id=segment_id))
        return out

    def model_done(self, job: ModelJob, result: ModelResult) -> list[Output]:
        """Apply what the model found about a segment (ignored if the call has ended meanwhile)."""
        call = self.calls.get(job.call_id)
        if call is None:
            return []
        out: list[Output] = []
        if result.sentiment is not None:
            out.extend(self._sentiment(call, job.role, job.segment_id, result.sentiment))
        rules = {r.id: r for r in self.rules.rules}
        at = next((s.start_ms for s in reversed(call.finals) if s.segment_id == job.segment_id), call.last_ms)
        for rule_id, (similarity, example) in result.semantic.items():
            text = f"“{job.text[:200]}” ≈ “{example}” ({similarity:.2f})"
            out.extend(self._fire(call, rules[rule_id], at, text, segment_id=job.segment_id))
        for article_id, title, body, _ in result.articles:
            if str(article_id) in call.suggested:
                continue
            call.suggested.add(str(article_id))
            out.append(
                Card(call.call_id, call.agent, call.team, "knowledge", title, body, f"kb:{article_id}", at)
            )
        if out:
            out.append(self._update(call))
        return out


def _redacted(call: CallState, seg: Segment) -> Segment:
    """The segment with card numbers, CVVs, IDs ... replaced (the call's last turns give the context a
    CVV or a spoken card number needs, as for stored interactions, and the rest of a number split across
    segments; its first part was shown before the rest was said, which the stored call redacts)."""
    recent = [(str(s.role), s.text) for s in (*call.finals[-4:], seg)]
    result = redact_turns(recent)[-1]
    return replace(seg, text=result.text) if result.changed else seg


def _quote(text: str, match: Match) -> str:
    start, end = quote_span(text, match.start, match.end)
    return text[start:end]
