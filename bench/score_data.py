"""Generated contact-centre calls for the scoring benchmark: ~30 turns, realistic repetition.

Scripted sentences (greetings, disclosures, closings) repeat across calls as they do in real centres;
sentences with amounts, dates, names and products vary, and customers (and, less often, agents) wrap what
they say in fillers and extra detail, so a realistic share of utterances is unique: ``bench/score.py``
prints how many.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

NAMES = ["Anna", "Tom", "Rūta", "Li Wei", "Sara", "Mark", "Eglė", "Chen", "Reza", "Emma", "Jonas", "Nina"]
PRODUCTS = ["debit card", "credit card", "savings account", "mortgage", "personal loan", "travel card"]
AGENT = {
    "open": [
        "Good morning, thank you for calling Acme Bank, my name is {name}. "
        "This call is recorded for quality.",
        "Hello, Acme Bank, {name} speaking. Please note calls are recorded for training.",
        "Hi, you're through to Acme Bank, this is {name}, how can I help?",
    ],
    "listen": [
        "So just to make sure I've understood, your {product} was charged {amount} euros twice?",
        "If I understand correctly, the payment of {amount} euros on the {day}th hasn't arrived?",
        "Okay, let me check that for you.",
        "Could you tell me a bit more about what happened on the {day}th?",
    ],
    "verify": [
        "Before I look at the account, can I have your date of birth to verify your identity?",
        "For security, could you confirm the last four digits of your {product}?",
    ],
    "empathy": [
        "I'm really sorry to hear that, I understand how frustrating this is.",
        "I'm sorry about the trouble with your {product}.",
        "That must be stressful, let's get it sorted.",
    ],
    "account": [
        "Thank you, you're verified. I can see a payment of {amount} euros on the {day}th.",
        "I can see your balance is {amount} euros and the last transaction was on the {day}th.",
    ],
    "solution": [
        "I can refund the {amount} euro fee today; there's no charge for that.",
        "There are two options: a free standard replacement, or express for 15 euros that arrives tomorrow.",
        "The {product} has no monthly fee, and the benefit is cashback of {pct} percent.",
    ],
    "next": [
        "You'll see the money back within {days} business days.",
        "The new card will arrive within {days} working days.",
        "I'll send you a confirmation by e-mail in the next hour.",
    ],
    "close": [
        "Is there anything else I can help you with today?",
        "Thank you for calling Acme Bank, have a lovely day.",
    ],
}
CUSTOMER = [
    "Hi, I have a problem with my {product}.",
    "I was charged {amount} euros twice this month.",
    "It's the third time I'm calling about this.",
    "My date of birth is the {day}th of May, {year}.",
    "Yes, that's right.",
    "Okay, thanks.",
    "I already tried in the app but it didn't work.",
    "How long will that take?",
    "That's really annoying, I need that money for rent.",
    "No, that's everything, thank you.",
    "Great, that helps a lot.",
]
OTHER = {
    "zh-Hans": (
        [
            "您好，欢迎致电安信银行，我是{name}，本次通话将被录音。",
            "非常抱歉给您带来不便，我马上帮您查。",
            "请提供您的出生日期核实身份。",
            "我这边查到一笔{amount}元的扣款。",
            "退款会在{days}个工作日内到账。",
            "请问还有什么可以帮您？",
            "感谢您的来电，再见。",
        ],
        [
            "我的信用卡被扣了两次{amount}元。",
            "我已经打了三次电话了！",
            "好的，谢谢。",
            "要多久才能到账？",
            "没有了，谢谢。",
        ],
    ),
    "lt": (
        [
            "Laba diena, Acme bankas, kalba {name}. Pokalbis įrašomas.",
            "Atsiprašau dėl nepatogumų, tuoj patikrinsiu.",
            "Prašyčiau gimimo datos tapatybei patvirtinti.",
            "Matau {amount} eurų mokestį.",
            "Pinigai grįš per {days} darbo dienas.",
            "Ar galiu dar kuo nors padėti?",
            "Ačiū, kad paskambinote.",
        ],
        [
            "Man du kartus nuskaičiavo {amount} eurų.",
            "Jau trečią kartą skambinu!",
            "Gerai, ačiū.",
            "Kiek tai užtruks?",
        ],
    ),
    "fa": (
        [
            "سلام، بانک اکمه، {name} هستم. این تماس ضبط می‌شود.",
            "متأسفم بابت این مشکل، الان بررسی می‌کنم.",
            "لطفاً تاریخ تولد را برای احراز هویت بگویید.",
            "یک برداشت {amount} تومانی می‌بینم.",
            "مبلغ ظرف {days} روز کاری برمی‌گردد.",
            "کار دیگری هست که بتوانم انجام دهم؟",
            "ممنون از تماس شما.",
        ],
        [
            "دو بار {amount} تومان از حسابم کم شده.",
            "این سومین بار است که زنگ می‌زنم!",
            "باشه، ممنون.",
            "چقدر طول می‌کشد؟",
        ],
    ),
}


# Free variation: a filler before, a detail after (empty most of the time for agents).
LEAD = {
    "en": ["Well, ", "Um, ", "Okay, so ", "Yeah, ", "Right, ", "Honestly, ", "Look, ", "So ", "Hmm, "],
    "zh-Hans": ["嗯，", "那个，", "就是，", "哦，", "对，"],
    "lt": ["Na, ", "Žinokit, ", "Tai ", "Mhm, ", "Klausykit, "],
    "fa": ["خب، ", "ببینید، ", "راستش ", "آهان، ", "یعنی "],
}
TAIL = {
    "en": [
        " I checked this morning.",
        " My partner noticed it first.",
        " It happened after I used it abroad.",
        " I'm at work right now.",
        " I don't have much time today.",
        " It was on the {product}.",
        " The app shows something different.",
        " I've been a customer for {days} years.",
        " Nobody told me about this.",
    ],
    "zh-Hans": [
        "我早上才看到。",
        "我现在在上班。",
        "app里显示的不一样。",
        "之前从来没有这样过。",
        "我老婆先发现的。",
    ],
    "lt": [
        " Pastebėjau tik šįryt.",
        " Dabar esu darbe.",
        " Programėlėje rodo kitaip.",
        " Anksčiau taip nebuvo.",
    ],
    "fa": [" امروز صبح دیدم.", " الان سر کارم.", " در برنامه چیز دیگری نشان می‌دهد.", " قبلاً این طور نبود."],
}


def _vary(text: str, language: str, rng: random.Random, share: float) -> str:
    if rng.random() < share:
        lead = rng.choice(LEAD[language])
        text = lead + (text[0].lower() + text[1:] if lead[-1:] == " " and language != "zh-Hans" else text)
    if rng.random() < share:
        text += rng.choice(TAIL[language])
    return text


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        name=rng.choice(NAMES),
        product=rng.choice(PRODUCTS),
        amount=rng.randint(5, 999),
        day=rng.randint(1, 28),
        year=rng.randint(1950, 2004),
        days=rng.randint(2, 7),
        pct=rng.randint(1, 3),
    )


def _english_turns(rng: random.Random, n: int) -> list[tuple[str, str]]:
    agent_plan = ["open", "listen", "verify", "empathy", "account", "solution", "listen", "next"]
    agent_plan += [
        rng.choice(["listen", "empathy", "solution", "next"]) for _ in range(n // 2 - len(agent_plan) - 2)
    ]
    agent_plan += ["close", "close"]
    turns: list[tuple[str, str]] = []
    for i, step in enumerate(agent_plan):
        turns.append(
            (
                "agent",
                _fill(
                    AGENT[step][i % len(AGENT[step])]
                    if step == "close"
                    else _vary(rng.choice(AGENT[step]), "en", rng, 0.15),
                    rng,
                ),
            )
        )
        turns.append(("customer", _fill(_vary(rng.choice(CUSTOMER), "en", rng, 0.6), rng)))
    return turns[:n]


def _other_turns(language: str, rng: random.Random, n: int) -> list[tuple[str, str]]:
    agent, customer = OTHER[language]
    turns = []
    for i in range(n // 2):
        a = agent[0] if i == 0 else agent[-1] if i == n // 2 - 1 else rng.choice(agent[1:-1])
        said = _vary(rng.choice(customer), language, rng, 0.6)
        turns += [("agent", _fill(_vary(a, language, rng, 0.15), rng)), ("customer", _fill(said, rng))]
    return turns


def generate(count: int, seed: int = 11, turns_per_call: int = 30) -> list[dict[str, Any]]:
    """``count`` interaction documents: 70 % English, 10 % each Chinese, Lithuanian and Persian."""
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    docs = []
    for i in range(count):
        language = rng.choices(["en", "zh-Hans", "lt", "fa"], weights=[70, 10, 10, 10])[0]
        pairs = (
            _english_turns(rng, turns_per_call)
            if language == "en"
            else _other_turns(language, rng, turns_per_call)
        )
        clock, turns = 0, []
        for role, text in pairs:
            turns.append({"role": role, "text": text, "start_ms": clock})
            clock += 2000 + 90 * len(text) + rng.randint(0, 1500)
        events = []
        if rng.random() < 0.2:
            at = turns[len(turns) // 2]["start_ms"] - 100
            events.append({"kind": "hold", "start_ms": at - rng.randint(20, 200) * 1000 // 10, "end_ms": at})
        docs.append(
            {
                "external_id": f"bench-{i:06d}",
                "source": "bench",
                "channel": "voice",
                "language": language,
                "agent": f"agent-{rng.randint(1, 500):03d}",
                "team": f"Team {rng.randint(1, 25)}",
                "started_at": (start + timedelta(minutes=7 * i)).isoformat(),
                "turns": turns,
                "events": events,
            }
        )
    return docs
