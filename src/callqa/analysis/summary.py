"""Extractive summary: why the customer got in touch, what the agent did, and how it ended.

Every part is a sentence quoted from a turn (its character span points into the turn text as stored), so a
reviewer can jump to it; nothing is paraphrased.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from callqa.analysis.base import Analysis, analyzers
from callqa.analysis.text import PhraseMatcher
from callqa.core.annotations import Evidence, Summary
from callqa.core.document import Turn

# A sentence ends at . ! ? (not in "6.9", "a D. Marsh", "el. paštu"), 。！？, Persian ؟, an ellipsis, a
# colon at the end of a line (a list follows), or a blank line.
_ABBREVIATION = (
    r"(?<!\b\w)(?<!\bel)(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNr)(?<!\bnr)(?<!\bpvz)(?<!\btel)"
)
_SENTENCE_END = re.compile(
    rf"(?:[!?。！？؟…]+|{_ABBREVIATION}\.(?!\d)[.!?]*)[\"'”’」』)»]*|[:：](?=[ \t]*\n)|\n\s*\n"
)
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LEADING_NOISE = re.compile(r"^[\s,，、:：;；\-–—.!?。！？]+")
_MAX_ACTIONS = 2

# Cue phrases, "|"-separated (PhraseMatcher syntax: "*" is a gap or, at the end, any word ending).
CUES = {
    "greeting": (
        "hi|hello|hey|good morning|good afternoon|good evening|morning|yes|yeah|how are you|thank you|thanks|"
        "speaking|ok|okay|dear|你好|您好|喂|嗯|对|是的|谢谢|laba diena|labas|sveiki|labą rytą|labas vakaras|"
        "ačiū|taip|gerai|سلام|وقت * بخیر|وقتتون بخیر|خسته نباشید|ممنون|بله|آره|خانم|آقا|ببینید"
    ),
    "problem": (
        "lost|stolen|missing|declined|charged|charge|fee|not arrived|hasn't arrived|hasn't received|can't|"
        "cannot|won't|doesn't work|not working|blocked|locked|wrong|twice|haven't heard|still haven't|"
        "calling about|i want to|i'd like to|i need to|want to|problem|issue|why|"
        "丢|挂失|扣|没到账|没收到|不能|不了|失败|锁定|多了|想问|想申请|想|为什么|问题|投诉|没有消息|被|"
        "užsiblokav*|nuskaičiav*|neveikia|negaliu|nepavyksta|dingo|skambinu dėl|norėčiau|noriu|sulaikyt*|"
        "kodėl|problem*|مسدود|کسر|کم شد|برداشت|نمی‌تونم|نمی‌توانم|نشد|اشتباه|چرا|مشکل|می‌خواستم"
    ),
    "done": (
        "i've|i have|that's done|done|is now|has been|have been|already|we've|"
        "已经|已为|已帮|已给|已将|已提交|已登记|已開|办好了|开通了|冻结了|解锁了|登记了|提交了|處理好|帮您申请|"
        "užblokavau|užregistravau|nuėmiau|padidinau|pakeičiau|išsiunčiau|grąžinau|perdaviau|atšaukiau|"
        "sutvarkiau|padaryta|jau|užsakiau|panaikinau|"
        "کردم|ثبت شد|انجام شد|برداشته شد|غیرفعال شد|برگشت داده|واریز شد|فعال شد|ارسال شد|انجام شده|شده است"
    ),
    "commit": (
        "i'll|i will|i can|we'll|we will|i'm going to|i'm transferring|"
        "我现在|我会|我帮您|我给您|给您提交|我这边可以|我们会|会在|"
        "perduosiu|išsiųsiu|užregistruosiu|galiu|patikrinsiu|sujungsiu|jungiu|nuimsiu|"
        "می‌کنم|برمی‌دارم|می‌فرستم|ثبت می‌کنم|وصل‌تون می‌کنم"
    ),
    "timeframe": (
        "within|business days|working days|today|tomorrow|工作日|工作天|小时内|分钟内|"
        "darbo dien*|per valandą|šiandien|روز کاری|ساعت|امروز"
    ),
    "closing": (
        "anything else|thank you for calling|thanks for calling|thank you for contacting|have a|goodbye|bye|"
        "take care|thank you for your patience|thank you for your time|sorry again|apologies again|"
        "再见|还有什么|还有其他|感谢您的来电|感谢您致电|感谢您咨询|祝您|谢谢您的来电|谢谢您告诉我们|说声抱歉|"
        "ar dar kuo|viso gero|geros dienos|gražios dienos|dėkoju, kad|ačiū už skambutį|ačiū, kad|"
        "ačiū už kantrybę|خداحافظ|روز خوبی|روزتون بخیر|امر دیگه|امر دیگری|ممنون که با|ممنون از تماس|"
        "ممنون از صبر|ممنون از حوصله|در ارتباط بودید|در خدمتتون"
    ),
    # Restating, empathising and looking things up are not actions.
    "not_action": (
        "understood|got it right|got this right|so you|you're saying|i can see|i see|i understand|"
        "i'm sorry|sorry|apologise|apologize|according to your|i can't|i cannot|can't|i've got you|"
        "您是说|您是想|对吧|对吗|根据您的描述|我理解|抱歉|不好意思|我看到|没办法|无法|"
        "teisingai supratau|suprantu|atsiprašau|matau|negaliu|"
        "درسته|یعنی|متأسفم|متوجهم|متوجه شدم|حق دارید|طبق ایمیل شما|نمی‌تونم|نمی‌توانم"
    ),
    "verification": (
        "verified|verify|confirm your|date of birth|last four|last 4|核实|核對|核对|出生|后四位|"
        "patvirtint*|gimimo data|احراز هویت|هویت|تاریخ تولد"
    ),
}


@functools.cache
def _matcher(name: str) -> PhraseMatcher:
    return PhraseMatcher(CUES[name].split("|"))


def _has(name: str, text: str) -> bool:
    return bool(_matcher(name).find(text))


@functools.lru_cache(maxsize=50_000)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the sentences of a text, without surrounding whitespace (remembered per text)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.extend(_trimmed(text, start, match.end()))
        start = match.end()
    spans.extend(_trimmed(text, start, len(text)))
    return tuple(spans)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


@functools.lru_cache(maxsize=50_000)
def size(text: str) -> int:
    """Words of alphabetic scripts plus Han characters / 2 (a Chinese word is about two characters)."""
    return len(_WORD.findall(_HAN.sub(" ", text))) + len(_HAN.findall(text)) // 2


def _without_greetings(text: str) -> str:
    kept, last = [], 0
    for m in _matcher("greeting").find(text):
        kept.append(text[last : m.start])
        last = m.end
    kept.append(text[last:])
    return "".join(kept)


def _strip_greeting(text: str, start: int, end: int) -> int:
    """Move ``start`` past a greeting that opens a longer sentence ("Hi, I'm going to Japan ...")."""
    matches = _matcher("greeting").find(text[start:end])
    while matches and matches[0].start == 0:
        rest = text[start + matches[0].end : end]
        noise = _LEADING_NOISE.match(rest)
        skip = matches[0].end + (noise.end() if noise else 0)
        if size(text[start + skip : end]) < 4:
            break
        start += skip
        matches = _matcher("greeting").find(text[start:end])
    return start


def _evidence(turns: Sequence[Turn], index: int, start: int, end: int) -> Evidence:
    turn = turns[index]
    return Evidence(index, turn.start_ms, turn.end_ms, turn.text[start:end], start, end)


def _is_question(sentence: str) -> bool:
    return sentence.rstrip("\"'”’」』)» ").endswith(("?", "？", "؟"))


def reason(turns: Sequence[Turn]) -> Evidence | None:
    """The customer's first substantive statement of the problem (a cue sentence is preferred)."""
    for index, turn in enumerate(turns):
        if turn.role != "customer":
            continue
        spans = [
            (s, e)
            for s, e in sentence_spans(turn.text)
            if size(_without_greetings(turn.text[s:e])) >= 4 and not _has("verification", turn.text[s:e])
        ]
        if not spans:
            continue
        start, end = next(((s, e) for s, e in spans if _has("problem", turn.text[s:e])), spans[0])
        following = [e for s, e in spans if s >= end]
        if size(turn.text[start:end]) < 6 and following:  # "I'm calling about my mortgage." says too little
            end = following[0]
        return _evidence(turns, index, _strip_greeting(turn.text, start, end), end)
    return None


def _agent_sentences(turns: Sequence[Turn]) -> Iterator[tuple[int, int, int, str]]:
    for index, turn in enumerate(turns):
        if turn.role == "agent":
            for start, end in sentence_spans(turn.text):
                yield index, start, end, turn.text[start:end]


@functools.lru_cache(maxsize=50_000)
def _substantive(sentence: str) -> bool:
    return (
        size(sentence) >= 3
        and not _is_question(sentence)
        and not sentence.endswith((":", "："))
        and not _has("closing", sentence)
        and not _has("verification", sentence)
    )


@functools.lru_cache(maxsize=50_000)
def _action_score(sentence: str) -> int:
    """2: says something was done; 1: promises it; 0: neither (or not an action at all)."""
    if not _substantive(sentence) or _has("not_action", sentence):
        return 0
    return 2 if _has("done", sentence) else 1 if _has("commit", sentence) else 0


def actions(turns: Sequence[Turn]) -> tuple[Evidence, ...]:
    """Up to two agent sentences saying what was done (done beats promised), in conversation order."""
    scored = []
    for position, (index, start, end, sentence) in enumerate(_agent_sentences(turns)):
        score = _action_score(sentence)
        if score:
            scored.append((-score, position, index, start, end))
    best = sorted(sorted(scored)[:_MAX_ACTIONS], key=lambda item: item[1])
    return tuple(_evidence(turns, index, start, end) for _, _, index, start, end in best)


def outcome(turns: Sequence[Turn]) -> Evidence | None:
    """The last substantive agent sentence before the closing, preferring one that states an action."""
    sentences = [s for s in _agent_sentences(turns) if _substantive(s[3])]
    if not sentences:
        return None
    last_turn = sentences[-1][0]
    in_last = [s for s in sentences if s[0] == last_turn]
    done = [s for s in in_last if _has("done", s[3])]
    cued = [s for s in in_last if _has("commit", s[3]) or _has("timeframe", s[3])]
    index, start, end, _ = (done or cued or in_last)[-1]
    return _evidence(turns, index, start, end)


@analyzers.register("callqa.summary.v1")
class SummaryAnalyzer:
    """Reason, actions and outcome quoted from the interaction (multilingual cue words, no model)."""

    name: ClassVar[str] = "callqa.summary.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction", "redacted", "language")
    assigns: ClassVar[tuple[str, ...]] = ("summary",)

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        turns = analysis.turns
        return {"summary": Summary(reason(turns), actions(turns), outcome(turns))}
