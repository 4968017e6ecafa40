"""Which channel is the agent, from the words heard on each, in English, Chinese, Lithuanian and Persian."""

from __future__ import annotations

import pytest

from callqa.audio.role_cues import RoleCues, decide_roles, normalise
from callqa.core.document import Role

pytestmark = pytest.mark.issue(4)

AGENT_FIRST = {0: Role.AGENT, 1: Role.CUSTOMER}
AGENT_SECOND = {0: Role.CUSTOMER, 1: Role.AGENT}


@pytest.mark.parametrize(
    ("agent", "customer"),
    [
        ("Thank you for calling Acme Bank, how can I help you today?", "Hi, I'm calling about my card."),
        ("您好，感谢致电，很高兴为您服务。请问有什么可以帮您？", "你好，我想问一下我的订单。"),
        ("您好，感謝您的來電，有什麼可以幫您？", "我想諮詢一下。"),
        ("Laba diena, ačiū, kad skambinate. Kuo galiu padėti?", "Sveiki, skambinu dėl sąskaitos."),
        ("سلام، با تشکر از تماس شما. چطور می‌توانم کمک کنم؟", "سلام، در مورد سفارشم تماس گرفتم."),
    ],
    ids=["en", "zh-Hans", "zh-Hant", "lt", "fa"],
)
def test_greeting_phrases_find_the_agent_in_every_language(agent: str, customer: str) -> None:
    first = decide_roles({0: agent, 1: customer})
    second = decide_roles({0: customer, 1: agent})
    assert (first.roles, first.method) == (AGENT_FIRST, "content")
    assert (second.roles, second.method) == (AGENT_SECOND, "content")
    assert first.confidence == second.confidence > 0.9


def test_without_any_cue_the_default_is_a_coin_flip() -> None:
    decision = decide_roles({0: "Yes.", 1: "Okay."})
    assert (decision.roles, decision.confidence, decision.method) == (AGENT_FIRST, 0.5, "default")


def test_speaking_first_is_a_weak_cue() -> None:
    decision = decide_roles({0: "Hello?", 1: "Hello."}, first_speaker=1)
    assert decision.roles == AGENT_SECOND
    assert 0.5 < decision.confidence < 0.7
    assert decision.evidence == {0: (), 1: ("(spoke first)",)}


def test_company_and_agent_names_from_the_config_count() -> None:
    cues = RoleCues(company=("Platinum Motors",), agent_names=("Michelle",))
    agent = "Platinum Motors, Michelle speaking."
    decision = decide_roles({0: "Hi there.", 1: agent}, cues=cues)
    assert decision.roles == AGENT_SECOND
    assert decision.evidence[1] == ("Platinum Motors", "Michelle speaking")
    # a customer who names the agent is not taken for her
    assert decide_roles({0: "Hi Michelle.", 1: "Yes."}, cues=cues).method == "default"


def test_normalising_ignores_case_punctuation_and_persian_letter_forms() -> None:
    assert normalise("  How CAN I help—you?! ") == " how can i help you "
    assert normalise("I’m calling") == " i'm calling "
    assert normalise("می‌توانم كمك") == " می توانم کمک "


def test_roles_by_content_need_two_channels() -> None:
    with pytest.raises(ValueError, match="exactly two channels"):
        decide_roles({0: "Thank you for calling."})
