"""Extractive summary: reason, actions and outcome quoted from the right turns in four languages."""

from __future__ import annotations

import pytest

from analysis.analysis_support import make
from callqa.analysis.base import Analysis
from callqa.analysis.summary import SummaryAnalyzer, sentence_spans
from callqa.core.annotations import Evidence, Summary
from callqa.core.document import Interaction
from qa_support import demo_interactions


def summarise(doc: Interaction) -> Summary:
    summary: Summary = SummaryAnalyzer()(Analysis(doc, {"redacted": True}))["summary"]
    return summary


def texts(summary: Summary) -> tuple[str | None, list[str], str | None]:
    return (
        summary.reason.text if summary.reason else None,
        [a.text for a in summary.actions],
        summary.outcome.text if summary.outcome else None,
    )


SPLITS = [
    (
        "Hi. The rate is 6.9 percent! Is that right? Yes",
        ["Hi.", "The rate is 6.9 percent!", "Is that right?", "Yes"],
    ),
    ("你好。卡丢了！怎么办？好", ["你好。", "卡丢了！", "怎么办？", "好"]),
    ("سلام. کارتم مسدود شده؟ لطفاً کمک کنید.", ["سلام.", "کارتم مسدود شده؟", "لطفاً کمک کنید."]),
    ("1 d. nuskaičiavo. Gausite el. paštu.", ["1 d. nuskaičiavo.", "Gausite el. paštu."]),
    ("Dear Tom,\n\nWe did this:\n1. blocked it", ["Dear Tom,", "We did this:", "1. blocked it"]),
]


@pytest.mark.parametrize(("text", "sentences"), SPLITS)
def test_sentence_spans(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


ENGLISH = [
    ("agent", "Good morning, Acme Bank, this is Sam. How can I help?"),
    ("customer", "Hi Sam. Someone has used my credit card in Spain and I've never been there."),
    ("agent", "I'm sorry to hear that. Can I take your date of birth and the last four digits?"),
    ("customer", "Fifth of May 1980, 1234."),
    ("agent", "Thank you, you're verified. I've blocked the card so nothing more can go through."),
    (
        "agent",
        "I've also raised a dispute for the two payments. A new card will arrive within 5 business days.",
    ),
    ("agent", "Is there anything else I can help with? Thank you for calling, goodbye."),
]


def test_english_reason_actions_outcome() -> None:
    reason, actions, outcome = texts(summarise(make([(r, t, None) for r, t in ENGLISH])))
    assert reason == "Someone has used my credit card in Spain and I've never been there."
    assert actions == ["I've blocked the card so nothing more can go through.",
                       "I've also raised a dispute for the two payments."]  # fmt: skip
    assert outcome == "I've also raised a dispute for the two payments."


ZH_HANT = [
    ("customer", "您好。我的信用卡昨天被盜刷了兩筆！"),
    ("agent", "好的，先核對一下身分。"),
    ("agent", "已經為您凍結這張卡了。新卡會在5個工作天內寄出。"),
    ("agent", "還有什麼可以幫您？再見。"),
]
ZH_HANS = [
    ("customer", "你好，我想问一下为什么这个月多扣了一笔年费？"),
    ("agent", "已为您提交退款申请，3到5个工作日到账。"),
    ("agent", "感谢您的来电，再见。"),
]
LT = [
    ("customer", "Laba diena. Mano kortelė užsiblokavo ir negaliu atsiskaityti parduotuvėje."),
    ("agent", "Kortelę jau atblokavau, ji veiks po penkių minučių."),
    ("agent", "Ar dar kuo nors galiu padėti? Viso gero."),
]
FA = [
    ("customer", "سلام. چرا دو بار از حسابم پول کسر شده؟ لطفاً بررسی کنید."),
    ("agent", "درخواست بازگشت وجه رو براتون ثبت کردم. مبلغ ظرف سه روز کاری برمی‌گرده."),
    ("agent", "امر دیگه‌ای هست؟ خداحافظ."),
]


@pytest.mark.parametrize(
    ("turns", "reason", "action", "outcome"),
    [
        (ZH_HANT, "我的信用卡昨天被盜刷了兩筆！", "已經為您凍結這張卡了。", "已經為您凍結這張卡了。"),
        (ZH_HANS, "我想问一下为什么这个月多扣了一笔年费？", ZH_HANS[1][1], ZH_HANS[1][1]),
        (LT, "Mano kortelė užsiblokavo ir negaliu atsiskaityti parduotuvėje.", LT[1][1], LT[1][1]),
        (
            FA,
            "چرا دو بار از حسابم پول کسر شده؟",
            "درخواست بازگشت وجه رو براتون ثبت کردم.",
            "درخواست بازگشت وجه رو براتون ثبت کردم.",
        ),
    ],
)
def test_other_languages(turns: list[tuple[str, str]], reason: str, action: str, outcome: str) -> None:
    got_reason, got_actions, got_outcome = texts(summarise(make([(r, t, None) for r, t in turns])))
    assert (got_reason, got_actions[:1], got_outcome) == (reason, [action], outcome)


def test_nothing_to_quote() -> None:
    summary = summarise(make([("customer", "Hello?", None), ("agent", "Bye.", None)]))
    assert summary == Summary(None, (), None)
    assert summary.text() == ""


def _check(doc: Interaction, evidence: Evidence) -> None:
    text = doc.turns[evidence.turn].text
    assert text[evidence.char_start : evidence.char_end] == evidence.text
    assert evidence.text and evidence.text == evidence.text.strip()


def test_demo_summaries_quote_the_right_speakers_with_exact_spans() -> None:
    for key, doc in demo_interactions().items():
        summary = summarise(doc)
        assert summary.reason is not None and summary.outcome is not None, key
        assert doc.turns[summary.reason.turn].role == "customer", key
        for evidence in (summary.reason, *summary.actions, summary.outcome):
            _check(doc, evidence)
        for evidence in (*summary.actions, summary.outcome):
            assert doc.turns[evidence.turn].role == "agent", key


def test_demo_examples() -> None:
    docs = demo_interactions()
    reason, actions, outcome = texts(summarise(docs["en-call-01"]))
    assert reason == "I think I've lost my debit card."
    assert "Done, the card is now blocked." in actions
    assert outcome is not None and outcome.startswith("So, to recap: your old card ending 2291 is blocked")
    reason, actions, _ = texts(summarise(docs["acb-zhs-20260922-2087"]))
    assert reason == "我信用卡好像丢了，想挂失。"
    assert "挂失已经办好了，新卡寄出以后会有短信通知您。" in actions
