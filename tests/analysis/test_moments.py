"""Key moments: the multilingual phrase library, speaker rules, holds and silences, the demo set."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from analysis.analysis_support import analysed, make
from callqa.analysis.defaults import build_pipeline
from callqa.analysis.moments import MomentLibrary, MomentsAnalyzer, hold_phrases, load_library
from callqa.core.annotations import Moment
from qa_support import demo_interactions, manifest

PHRASE_KINDS = (
    "abuse", "cancellation_threat", "competitor_mention", "complaint", "escalation_request",
    "legal_threat", "repeat_contact", "tried_online",
)  # fmt: skip


def kinds_of(*turns: tuple[str, str], **options: object) -> list[str]:
    doc = make([(role, text, None) for role, text in turns], channel="chat")
    return [m.kind for m in MomentsAnalyzer(**options)(analysed(doc))["moments"]]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could I talk to a supervisor about this, please?", "escalation_request"),
        ("Honestly I'm going to take my business elsewhere.", "cancellation_threat"),
        ("I'd like to file a formal complaint about the branch.", "complaint"),
        ("My lawyer will be in touch about this.", "legal_threat"),
        ("You're useless, all of you are idiots.", "abuse"),
        ("Other banks give me a much better rate than this.", "competitor_mention"),
        ("I called yesterday and was promised a callback.", "repeat_contact"),
        ("I tried resetting it in the app but it just crashes.", "tried_online"),
        ("请帮我叫你们主管过来。", "escalation_request"),
        ("再这样我就把钱转走，换一家银行。", "cancellation_threat"),
        ("我要向你们的上级投诉。", "complaint"),
        ("我會請律師處理這件事。", "legal_threat"),  # traditional text, simplified phrase
        ("你們這些騙子！", "abuse"),
        ("別的銀行早就給我辦好了。", "competitor_mention"),
        ("我昨天打過電話，今天第二次打來了。", "repeat_contact"),
        ("我已經在網上銀行試過了，一直失敗。", "tried_online"),
        ("Noriu pasikalbėti su vadove.", "escalation_request"),
        ("Jei nesutvarkysite, uždarysiu sąskaitą.", "cancellation_threat"),
        ("Rašysiu skundą Lietuvos bankui.", "complaint"),
        ("Kreipsiuosi į teismą.", "legal_threat"),
        ("Jūs visi idiotai.", "abuse"),
        ("Kituose bankuose tokio mokesčio nėra.", "competitor_mention"),
        ("Skambinau vakar, bet niekas nepadėjo.", "repeat_contact"),
        ("Bandžiau per programėlę, bet neveikia.", "tried_online"),
        ("لطفاً من رو به سرپرست وصل کنید.", "escalation_request"),
        ("اگه درست نشه حسابم را می‌بندم.", "cancellation_threat"),
        ("من از این وضعیت خیلی ناراضی هستم.", "complaint"),
        ("وکیلم باهاتون تماس می‌گیره، منتظر باشید.", "legal_threat"),
        ("خفه شو، حوصله ندارم.", "abuse"),
        ("بانک‌های دیگه این کارمزد رو نمی‌گیرن.", "competitor_mention"),
        ("دیروز زنگ زدم، کسی جواب نداد.", "repeat_contact"),
        ("تو اپلیکیشن چند بار امتحان کردم، نشد.", "tried_online"),
    ],
)
def test_phrase_kinds_in_four_languages(text: str, expected: str) -> None:
    assert kinds_of(("customer", text)) == [expected]


def test_only_the_kinds_speaker_counts() -> None:
    assert kinds_of(("agent", "I can log a complaint for you, or put you through to a manager.")) == []
    assert kinds_of(("customer", "我要投訴。"), ("agent", "我会把您的投诉转给经理。")) == ["complaint"]


def test_persian_punctuation_after_a_phrase_still_matches() -> None:
    assert kinds_of(("customer", "با مدیرتان صحبت کنم، لطفاً؟")) == ["escalation_request"]


def test_evidence_quotes_the_sentence_and_points_into_the_text() -> None:
    text = "Hi. The rate is 6.9 percent. Frankly I want to speak to your manager now! Thanks."
    doc = make([("customer", text, 4.0)])
    (moment,) = MomentsAnalyzer()(analysed(doc))["moments"]
    assert moment.phrase == "speak to * manager"
    assert moment.evidence.text == "Frankly I want to speak to your manager now!"
    assert text[moment.evidence.char_start : moment.evidence.char_end] == moment.evidence.text
    assert (moment.evidence.turn, moment.evidence.start_ms) == (0, 4000)


def test_long_hold_and_long_silence_in_turn_order() -> None:
    doc = make(
        [
            ("agent", "How can I help?", 0.0, 2.0),
            ("customer", "This is the third time I'm calling.", 3.0, 6.0),
            ("agent", "Let me look.", 7.0, 8.0),
            ("customer", "Hello? I want a supervisor.", 48.0, 50.0),
            ("agent", "Thank you for holding.", 200.0, 202.0),
        ],
        events=[{"kind": "hold", "start_ms": 51000, "end_ms": 199000}],
    )
    moments = MomentsAnalyzer()(analysed(doc))["moments"]
    assert [(m.kind, m.evidence.turn) for m in moments] == [
        ("repeat_contact", 1),
        ("long_silence", 2),
        ("escalation_request", 3),
        ("long_hold", 3),
    ]
    assert moments[1].evidence.start_ms == 8000 and moments[1].evidence.text == "40 s of silence"
    quiet = MomentsAnalyzer(long_hold_s=200, long_silence_s=60)(analysed(doc))["moments"]
    assert [m.kind for m in quiet] == ["repeat_contact", "escalation_request"]


def test_competitor_names_come_from_options_or_the_library_file(tmp_path: Path) -> None:
    text = "Northwind Credit Union would do this for free."
    assert kinds_of(("customer", text)) == []
    assert kinds_of(("customer", text), competitors=["Northwind Credit Union"]) == ["competitor_mention"]
    custom = tmp_path / "moments.yaml"
    custom.write_text("competitors: [Northwind Credit Union, 北风银行]\n", encoding="utf-8")
    assert kinds_of(("customer", "北風銀行利率更低。"), library_file=str(custom)) == ["competitor_mention"]


def test_user_file_adds_extends_and_replaces_kinds(tmp_path: Path) -> None:
    custom = tmp_path / "moments.yaml"
    custom.write_text(
        "kinds:\n"
        "  refund_request:\n    phrases: {en: [refund me, money back]}\n"
        "  complaint:\n    extend: true\n    phrases: {en: [not impressed]}\n"
        "  abuse:\n    phrases: {en: [numpty]}\n",
        encoding="utf-8",
    )
    options = {"library_file": str(custom)}
    assert kinds_of(("customer", "I want my money back."), **options) == ["refund_request"]
    assert kinds_of(("customer", "Not impressed. I want to complain."), **options) == ["complaint"]
    assert kinds_of(("customer", "You numpty."), **options) == ["abuse"]
    assert kinds_of(("customer", "You idiot."), **options) == []  # replaced, not extended
    library = load_library(str(custom))
    assert library.kinds["refund_request"].speaker == "customer"
    assert "complain" in library.kinds["complaint"].phrases["en"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "kinds:\n  complaint:\n    phrases: {cn: [投诉]}\n",
            r"moments\.yaml: kind 'complaint': unknown language code 'cn'",
        ),
        (
            "kinds:\n  refund:\n    phrases: {en: []}\n",
            r"moments\.yaml: kind 'refund': empty phrase list for 'en'",
        ),
        ("kinds:\n  refund:\n    phrases: {}\n", r"kind 'refund': 'phrases' must map"),
        ("kinds:\n  refund:\n    speaker: boss\n    phrases: {en: [x]}\n", r"kind 'refund': speaker 'boss'"),
        ("kinds:\n  refund:\n    phrase: {en: [x]}\n", r"kind 'refund': unknown keys \['phrase'\]"),
        ("competitors: Northwind\n", r"'competitors' must be a list"),
    ],
)
def test_invalid_library_files_name_the_file_and_kind(tmp_path: Path, body: str, message: str) -> None:
    custom = tmp_path / "moments.yaml"
    custom.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        MomentsAnalyzer(library_file=str(custom))


def test_packaged_library_is_valid_and_covers_every_kind_in_four_languages() -> None:
    library = load_library()
    assert set(PHRASE_KINDS) | {"hold_request", "hold_return"} == set(library.kinds)
    for kind in library.kinds.values():
        assert {"en", "zh", "lt", "fa"} <= set(kind.phrases), kind.name
    assert library.competitors == ()
    assert {k.name for k in library.reported()} == set(PHRASE_KINDS)
    with pytest.raises(KeyError, match="known: abuse"):
        library.matcher("nope")


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("hold_request", "Would it be okay if I put you on hold for a minute?"),
        ("hold_request", "我需要查一下，请您稍等。"),
        ("hold_request", "可以請您稍候一下嗎？"),
        ("hold_request", "Ar galiu jus trumpam palikti laukti linijoje?"),
        ("hold_request", "لطفاً چند لحظه منتظر بمانید."),
        ("hold_request", "اجازه می‌دید چند لحظه شما رو پشت خط نگه دارم؟"),
        ("hold_return", "Thanks for holding, Sam."),
        ("hold_return", "感謝您的耐心等候。"),
        ("hold_return", "Ačiū, kad palaukėte."),
        ("hold_return", "ممنون از صبر و شکیبایی‌تون."),
    ],
)
def test_hold_phrases_for_metrics(kind: str, text: str) -> None:
    assert hold_phrases(kind).find(text)


def test_looking_something_up_is_not_a_hold_request() -> None:
    for text in (
        "Let me look into this.",
        "我查一下。",
        "Gerai, palauksiu.",
        "بله، راحت باشید، من پشت خط هستم.",
    ):
        assert not hold_phrases("hold_request").find(text), text


def test_library_parse_without_base_and_with_competitors() -> None:
    library = MomentLibrary.parse("kinds:\n  x:\n    phrases: {en: [foo]}\n", "inline")
    assert library.with_competitors(["Acme"]).competitors == ("Acme",)
    assert library.with_competitors([]) is library


def test_runs_in_the_pipeline() -> None:
    pipeline = build_pipeline(["callqa.redact.v1", "callqa.metrics.v1", "callqa.moments.v1"])
    analysis = pipeline.run(make([("customer", "I want to speak to a manager.", 0.0)]))
    assert [m.kind for m in analysis.get("moments")] == ["escalation_request"]


def _demo_moments() -> dict[str, list[Moment]]:
    analyzer = MomentsAnalyzer()
    return {key: analyzer(analysed(doc))["moments"] for key, doc in demo_interactions().items()}


def test_demo_interactions_get_exactly_the_manifest_moments() -> None:
    found = _demo_moments()
    hits: Counter[str] = Counter()
    wrong: list[str] = []
    for entry in manifest():
        expected = set(entry["moments"])
        got = {m.kind for m in found[str(entry["external_id"])]}
        hits.update(expected & got)
        if got != expected:
            wrong.append(
                f"{entry['external_id']}: missing {sorted(expected - got)}, extra {sorted(got - expected)}"
            )
    assert not wrong, "\n".join(wrong)
    assert sum(hits.values()) == 57


def test_demo_moment_evidence_points_into_the_turn_text() -> None:
    docs = demo_interactions()
    for key, moments in _demo_moments().items():
        for m in moments:
            if m.phrase:
                text = docs[key].turns[m.evidence.turn].text
                assert text[m.evidence.char_start : m.evidence.char_end] == m.evidence.text
                assert docs[key].turns[m.evidence.turn].role == "customer"
