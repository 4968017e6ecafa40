"""The real models (VADER, e5 embeddings, shipped heads) on sentences that are not in the training data."""

from __future__ import annotations

import numpy as np
import pytest

from callqa.ml.embeddings import E5_NAME
from callqa.sentiment import SENTIMENT_VERSION, complaint_score, get_sentiment_model, politeness_score
from callqa.sentiment.languages import primary_language, route
from callqa.sentiment.lexicon import lexicon_score
from callqa.sentiment.training import WEIGHTS_FILE, data_path, fingerprint, load_heads

# (language, positive, neutral, negative)
SENTIMENT_CASES = [
    (
        "en",
        "Brilliant, the engineer sorted everything out, thank you!",
        "I moved house in March.",
        "I'm furious, my card was blocked again and nobody warned me.",
    ),
    (
        "zh-Hans",
        "客服小姐姐特别好，问题很快就解决了，谢谢！",
        "我三月份搬家了。",
        "太气人了，我的卡又被冻结了，也没人通知我。",
    ),
    (
        "zh-Hant",
        "客服小姐姐特別好，問題很快就解決了，謝謝！",
        "我三月份搬家了。",
        "太氣人了，我的卡又被凍結了，也沒人通知我。",
    ),
    (
        "lt",
        "Nuostabu, meistras viską sutvarkė, labai ačiū!",
        "Vakar užsisakiau naują telefoną.",
        "Esu įsiutęs, mano kortelė vėl užblokuota ir niekas neįspėjo.",
    ),
    (
        "fa",
        "عالی بود، تکنسین همه چیز را درست کرد، خیلی ممنون!",
        "من اسفند اسباب‌کشی کردم.",
        "خیلی عصبانی هستم، کارتم دوباره مسدود شد و هیچ‌کس خبر نداد.",
    ),
]


@pytest.mark.parametrize(("language", "positive", "neutral", "negative"), SENTIMENT_CASES)
def test_sentiment_sign_per_language(language: str, positive: str, neutral: str, negative: str) -> None:
    pos, neu, neg = get_sentiment_model().score([positive, neutral, negative], [language] * 3)
    assert pos > 0.3 and neg < -0.3
    assert neg < neu < pos and abs(neu) < 0.5


# Three paraphrase pairs per language. Measured (2026-12, AVX-512 + AMX, onnxruntime 1.32): polite ≥ 0.76,
# rude ≤ -0.29, polite - rude ≥ 1.09; the bounds below leave room for other CPUs and library versions.
POLITENESS_PAIRS = {
    "en": [
        (
            "Would you be so kind as to resend the confirmation email? Many thanks.",
            "Send me the confirmation again, are you deaf?",
        ),
        (
            "Could you please check the status of my order? Thank you so much.",
            "Check my order already, how hard can it be, idiot?",
        ),
        (
            "Sorry to bother you, would it be possible to change my address?",
            "Change my address now and stop wasting my time.",
        ),
    ],
    "zh-Hans": [
        ("您好，麻烦您再发一次确认邮件，谢谢您。", "确认邮件再发一次，你聋了吗？"),
        ("请问您能帮我查一下订单状态吗？非常感谢。", "赶紧给我查订单，你们到底会不会干活？"),
        ("不好意思打扰您，请问可以修改地址吗？", "快点把地址改了，别浪费我时间，废物。"),
    ],
    "zh-Hant": [
        ("您好，麻煩您再發一次確認郵件，謝謝您。", "確認郵件再發一次，你聾了嗎？"),
        ("請問您能幫我查一下訂單狀態嗎？非常感謝。", "趕緊給我查訂單，你們到底會不會幹活？"),
        ("不好意思打擾您，請問可以修改地址嗎？", "快點把地址改了，別浪費我時間，廢物。"),
    ],
    "lt": [
        (
            "Sveiki, gal galėtumėte dar kartą atsiųsti patvirtinimą? Labai ačiū.",
            "Atsiųsk patvirtinimą dar kartą, ar tu kurčias?",
        ),
        (
            "Atsiprašau, ar galėtumėte patikrinti mano užsakymo būseną? Dėkoju.",
            "Greičiau patikrink mano užsakymą, kvaily.",
        ),
        (
            "Laba diena, gal būtų galima pakeisti mano adresą? Iš anksto ačiū.",
            "Pakeisk adresą ir užsičiaupk, nesąmonė kažkokia.",
        ),
    ],
    "fa": [
        (
            "سلام، لطفاً اگر زحمتی نیست ایمیل تأیید را دوباره بفرستید. خیلی ممنون.",
            "ایمیل تأیید را دوباره بفرست، مگر کری؟",
        ),
        ("ببخشید، ممکن است لطفاً وضعیت سفارش من را بررسی کنید؟ متشکرم.", "زود باش سفارشم را چک کن، احمق."),
        (
            "سلام وقت بخیر، اگر امکان دارد آدرس من را تغییر دهید. سپاسگزارم.",
            "آدرسم را عوض کن و ساکت شو، مزخرف است.",
        ),
    ],
}


@pytest.mark.parametrize("language", sorted(POLITENESS_PAIRS))
def test_politeness_ranks_polite_requests_above_rude_ones_by_a_wide_margin(language: str) -> None:
    pairs = POLITENESS_PAIRS[language]
    scores = politeness_score([text for pair in pairs for text in pair], [language] * (2 * len(pairs)))
    for (polite, rude), high, low in zip(pairs, scores[0::2], scores[1::2], strict=True):
        assert high >= 0.4, (polite, high)
        assert low <= -0.1, (rude, low)
        assert high - low >= 0.6, (polite, rude, high, low)


@pytest.mark.parametrize(
    ("language", "complaint", "other"),
    [
        (
            "en",
            "I paid for express shipping and the parcel still hasn't shown up after ten days.",
            "Do you have any stores open late on Thursdays?",
        ),
        ("zh-Hans", "我付了加急运费，十天了包裹还没到。", "你们周四晚上有门店营业吗？"),
        ("zh-Hant", "我付了加急運費，十天了包裹還沒到。", "你們週四晚上有門市營業嗎？"),
        (
            "lt",
            "Sumokėjau už skubų pristatymą, o siuntinio nėra jau dešimt dienų.",
            "Ar turite parduotuvių, dirbančių ketvirtadieniais vakare?",
        ),
        (
            "fa",
            "هزینه‌ی ارسال فوری را پرداختم و بعد از ده روز هنوز بسته نرسیده.",
            "فروشگاهی دارید که پنجشنبه‌ها تا دیروقت باز باشد؟",
        ),
    ],
)
def test_complaint_scores_higher_for_complaints(language: str, complaint: str, other: str) -> None:
    high, low = complaint_score([complaint, other], [language, language])
    assert 0.0 <= low < 0.5 < high <= 1.0


def test_interface_shapes_ranges_and_empty_input() -> None:
    model = get_sentiment_model()
    assert model is get_sentiment_model()
    assert SENTIMENT_VERSION.startswith("callqa.sentiment.v")
    texts = ["Thanks!", "", "   ", "谢谢", "Ačiū", "ممنون", "Gracias, muy amable"]
    tags = ["en-GB", "en", "zh", "zh-Hant-TW", "lt-LT", "fa-IR", ""]
    for scores, low in (
        (model.score(texts, tags), -1),
        (politeness_score(texts, tags), -1),
        (complaint_score(texts, tags), 0),
    ):
        assert len(scores) == len(texts)
        assert all(low <= s <= 1 for s in scores)
    assert model.score([], []) == [] and complaint_score([], []) == []
    assert model.score(["", " "], ["en", "fa"]) == [0.0, 0.0]
    with pytest.raises(ValueError):
        model.score(["a", "b"], ["en"])


def test_vader_mode_skips_the_embedder() -> None:
    from callqa.sentiment import SentimentModel

    class NoEmbedder:
        name = E5_NAME

        def embed(self, texts: object) -> np.ndarray:
            raise AssertionError("English in vader mode must not be embedded")

    fast = SentimentModel(embedder=NoEmbedder(), english="vader")
    assert fast.score(["I love it", "I hate it"], ["en", "en"])[0] > 0.5
    with pytest.raises(ValueError):
        SentimentModel(english="bert")


def test_language_routing() -> None:
    assert [primary_language(t) for t in ("en-GB", "zh-Hans", "zh_Hant", "LT", "fa-IR", "", None, "de")] == [
        "en",
        "zh",
        "zh",
        "lt",
        "fa",
        None,
        None,
        None,
    ]
    assert route("Where is my parcel?", "") == "en"
    assert route("Wo ist mein Paket?", "de") == "en"  # Latin script, unknown tag: English/VADER fallback
    assert route("我的包裹在哪里", None) == "multi"


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("很满意", "zh", 1),
        ("不满意", "zh", -1),
        ("一点都不满意", "zh", -1),
        ("不錯，很滿意", "zh", 1),
        ("خوب بود", "fa", 1),
        ("خوب نبود", "fa", -1),
        ("افتضاح", "fa", -1),
        ("puiku", "lt", 1),
        ("ne puiku", "lt", -1),
        ("esu nepatenkintas", "lt", -1),
    ],
)
def test_lexicon_handles_negation(text: str, language: str, sign: int) -> None:
    score, hits = lexicon_score(text, language)
    assert hits >= 1 and score * sign > 0


def test_shipped_weights_match_the_training_sentences() -> None:
    heads = load_heads(data_path(WEIGHTS_FILE), fingerprint(E5_NAME))
    assert heads is not None, "run: .venv/bin/python scripts/train_sentiment.py"
    assert set(heads) == {"sentiment", "politeness", "complaint"}
