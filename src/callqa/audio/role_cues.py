"""Telling the agent's channel from the customer's by what is said on each (en, zh, lt, fa).

Each phrase carries a weight, roughly the log of how much likelier an agent says it than a customer
(negative: a customer phrase). A channel's score is the sum of the weights of the phrases found on it; the
difference between two channels' scores, through a logistic, is the confidence of the decision.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from callqa.core.document import Role

Method = Literal["configured", "content", "default"]
FIRST_SPEAKER_WEIGHT = 0.5  # the agent answers an inbound call, but IVRs and outbound calls blur it

AGENT_PHRASES: dict[str, float] = {
    # en
    "thank you for calling": 3.0,
    "thanks for calling": 3.0,
    "how can i help": 2.0,
    "how may i help": 2.0,
    "how can i assist": 2.0,
    "how may i assist": 2.0,
    "what can i do for you": 1.5,
    "anything else i can help": 2.0,
    "anything else i can do for you": 2.0,
    "is there anything else": 1.0,
    "this call may be recorded": 2.0,
    "call is being recorded": 2.0,
    "recorded for quality": 2.0,
    "thank you for holding": 2.0,
    "thank you for your patience": 1.5,
    "sorry for the inconvenience": 1.5,
    "apologize for the inconvenience": 1.5,
    "could you spell": 1.0,
    "can you spell": 1.0,
    "can i have your": 1.0,
    "could i have your": 1.0,
    "can i get your": 1.0,
    "look you up": 1.0,
    "let me check": 1.0,
    "let me look": 1.0,
    "bear with me": 1.0,
    "in our system": 1.0,
    "verify your": 1.0,
    "my name is": 0.5,
    # zh (simplified and traditional)
    "感谢致电": 3.0,
    "感謝致電": 3.0,
    "感谢您的来电": 3.0,
    "感謝您的來電": 3.0,
    "很高兴为您服务": 2.0,
    "很高興為您服務": 2.0,
    "有什么可以帮您": 2.0,
    "有什麼可以幫您": 2.0,
    "有什么可以帮助您": 2.0,
    "有什麼可以幫助您": 2.0,
    "工号": 2.0,
    "工號": 2.0,
    "请您稍等": 1.0,
    "請您稍等": 1.0,
    "给您带来不便": 1.5,
    "給您帶來不便": 1.5,
    "还有其他可以帮您": 2.0,
    "還有其他可以幫您": 2.0,
    # lt
    "ačiū kad skambinate": 3.0,
    "dėkojame kad skambinate": 3.0,
    "dėkoju kad skambinate": 3.0,
    "kuo galiu padėti": 2.0,
    "kaip galiu padėti": 2.0,
    "kuo galėčiau padėti": 2.0,
    "pokalbis yra įrašomas": 2.0,
    "mano vardas": 0.5,
    # fa
    "با تشکر از تماس شما": 3.0,
    "ممنون از تماس شما": 3.0,
    "چطور می توانم کمک کنم": 2.0,
    "چه کمکی از دستم بر می آید": 2.0,
    "در خدمت شما هستم": 2.0,
}
CUSTOMER_PHRASES: dict[str, float] = {
    # en
    "i'm calling": 1.5,
    "i am calling": 1.5,
    "i was calling": 1.5,
    "calling about": 1.0,
    "calling because": 1.0,
    "i'd like to": 0.5,
    "i would like to": 0.5,
    "i have a question": 1.0,
    "my order": 0.5,
    "my account": 0.5,
    "my bill": 0.5,
    "can you help me": 1.0,
    # zh
    "我想问": 1.0,
    "我想問": 1.0,
    "我想咨询": 1.0,
    "我想諮詢": 1.0,
    "我的订单": 0.5,
    "我的訂單": 0.5,
    "我打电话": 1.0,
    "我打電話": 1.0,
    # lt
    "skambinu dėl": 1.5,
    "mano užsakymas": 0.5,
    # fa
    "تماس گرفتم": 1.5,
    "زنگ زدم": 1.5,
}
COMPANY_WEIGHT = 1.5
AGENT_NAME_WEIGHT = 2.0
# "{name}" is replaced by each configured agent name
AGENT_NAME_PATTERNS = ("my name is {name}", "this is {name}", "i'm {name}", "{name} speaking", "我是{name}")

_PUNCTUATION = re.compile(r"[^\w\s']+")
_SPACES = re.compile(r"\s+")
_PERSIAN = str.maketrans({"ي": "ی", "ك": "ک", "’": "'", "‘": "'"})


@dataclass(frozen=True)
class RoleCues:
    """What the contact centre's agents say: the company (brand) names and the agents' own names."""

    company: tuple[str, ...] = ()
    agent_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleDecision:
    """Which channel is which role, how sure, and the phrases that decided it (per channel)."""

    roles: dict[int, Role]
    confidence: float
    method: Method
    evidence: dict[int, tuple[str, ...]] = field(default_factory=dict)


def normalise(text: str) -> str:
    """Casefolded, punctuation as spaces (Persian ZWNJ too), Arabic letter forms as Persian; space-padded."""
    text = unicodedata.normalize("NFKC", text).translate(_PERSIAN).casefold()
    return f" {_SPACES.sub(' ', _PUNCTUATION.sub(' ', text)).strip()} "


def decide_roles(
    texts: Mapping[int, str], *, first_speaker: int | None = None, cues: RoleCues | None = None
) -> RoleDecision:
    """Which of two channels is the agent, from the text heard on each (and who spoke first)."""
    if len(texts) != 2:
        raise ValueError(f"deciding roles by content needs exactly two channels, got {sorted(texts)}")
    scores: dict[int, float] = {}
    evidence: dict[int, tuple[str, ...]] = {}
    for channel, text in texts.items():
        found = _phrases_found(text, cues or RoleCues())
        if channel == first_speaker:
            found.append(("(spoke first)", FIRST_SPEAKER_WEIGHT))
        scores[channel] = sum(weight for _, weight in found)
        evidence[channel] = tuple(phrase for phrase, _ in found)
    low, high = sorted(texts)
    margin = scores[low] - scores[high]
    if margin == 0:
        return RoleDecision({low: Role.AGENT, high: Role.CUSTOMER}, 0.5, "default", evidence)
    agent, customer = (low, high) if margin > 0 else (high, low)
    confidence = round(1.0 / (1.0 + math.exp(-abs(margin))), 4)
    return RoleDecision({agent: Role.AGENT, customer: Role.CUSTOMER}, confidence, "content", evidence)


def _phrases_found(text: str, cues: RoleCues) -> list[tuple[str, float]]:
    spaced = normalise(text)
    solid = spaced.replace(" ", "")  # CJK phrases: Whisper may put spaces or punctuation anywhere
    weights: dict[str, float] = dict(AGENT_PHRASES)
    weights.update({phrase: -weight for phrase, weight in CUSTOMER_PHRASES.items()})
    weights.update({name: COMPANY_WEIGHT for name in cues.company})
    for name in cues.agent_names:
        weights.update({p.format(name=name): AGENT_NAME_WEIGHT for p in AGENT_NAME_PATTERNS})
    return [(phrase, weight) for phrase, weight in weights.items() if _contains(spaced, solid, phrase)]


def _contains(spaced: str, solid: str, phrase: str) -> bool:
    wanted = normalise(phrase)
    if _has_cjk(wanted):
        return wanted.replace(" ", "") in solid
    return wanted in spaced


def _has_cjk(text: Iterable[str]) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)
