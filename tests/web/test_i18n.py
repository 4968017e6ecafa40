"""The interface in English and Chinese: every template string has a Chinese translation, and the user's
language (or the browser's) picks the catalogue."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from callqa.core.i18n import pick_locale, translations
from web_support import Web

SRC = Path(__file__).resolve().parents[2] / "src" / "callqa"
TEMPLATES = [*(SRC / "web" / "templates").glob("*.html"), *(SRC / "reports" / "templates").glob("*.html")]


def _messages() -> set[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    found: set[str] = set()
    for path in TEMPLATES:
        for _, _, message in env.extract_translations(path.read_text(encoding="utf-8")):  # type: ignore[attr-defined]
            # a call with keyword arguments (_("last %(n)s days", n=p)) extracts as (msgid, None, ...)
            found.add(str(message[0] if isinstance(message, tuple) else message))
    return found


def test_every_interface_string_has_a_chinese_translation() -> None:
    messages = _messages()
    zh = translations("zh")
    assert len(messages) > 100
    missing = sorted(m for m in messages if zh.gettext(m) == m and m not in ("AI", "YAML", "Cliff's δ"))
    assert missing == []


def test_the_language_is_the_users_then_the_browsers() -> None:
    assert pick_locale("zh", "en-GB,en") == "zh"
    assert pick_locale(None, "zh-CN,zh;q=0.9,en;q=0.5") == "zh"
    assert pick_locale(None, "fr-FR, de;q=0.7") == "en"
    assert pick_locale("en", "zh-CN") == "en"


def test_a_chinese_user_sees_the_chinese_interface(web: Web) -> None:
    page = web.signed_in("wang.fang").client.get("/interactions").text
    assert '<html lang="zh-Hans">' in page
    assert "交互记录" in page and "退出" in page and "Interactions" not in page.split("<main>")[0]
    english = web.signed_in("sam.lead").client.get("/interactions").text
    assert '<html lang="en">' in english and "Sign out" in english
    login = web.client().get("/login", headers={"accept-language": "zh-CN,zh;q=0.9"}).text
    assert "登录" in login


# One word per idea in each catalogue (issue 19): the variant on the left never appears, the one on the right
# is the term.
GLOSSARY = {
    "zh": {"互动": "交互"},
    # Lithuanian (stems, so every case ending is caught): an interaction is a "pokalbis" (calls, chats and
    # e-mails alike; a phone call is a "skambutis"), an evaluation a "vertinimas", a person's review a
    # "peržiūra", the scorecard a "vertinimo forma", the agent an "agentas" (as in the Lithuanian QA seed),
    # a supervisor a "vadovas", a dispute a "ginčas", coaching "ugdymas", a transcript a "transkripcija",
    # an auto-fail a "kritinė klaida", a failed criterion "neįvykdytas".
    "lt": {
        "sąveik": "pokalbis",
        "interakcij": "pokalbis",
        "operator": "agentas",
        "vertinimo kortel": "vertinimo forma",
        "balų kortel": "vertinimo forma",
        "recenzij": "peržiūra",
        "supervizori": "vadovas",
        "apeliacij": "ginčas",
        "koučing": "ugdymas",
        "stenogram": "transkripcija",
        "neišlaik": "neįvykdyta",
    },
    # Persian: interaction تعامل, evaluation ارزیابی, review بازبینی, scorecard فرم ارزیابی,
    # agent کارشناس (as in the Persian QA seed), supervisor سرپرست, score امتیاز, dispute اعتراض,
    # coaching مربیگری, transcript متن گفتگو; Persian yeh and kaf, never the Arabic letters.
    "fa": {
        "اپراتور": "کارشناس",
        "برهمکنش": "تعامل",
        "کارت امتیاز": "فرم ارزیابی",
        "نمره": "امتیاز",
        "بازنگری": "بازبینی",
        "سوپروایزر": "سرپرست",
        "کوچینگ": "مربیگری",
        "رونوشت": "متن گفتگو",
        "ترانسکریپت": "متن گفتگو",
        "ي": "ی",
        "ك": "ک",
    },
}


def test_each_catalogue_uses_its_glossary_terms() -> None:
    for locale, terms in GLOSSARY.items():
        path = SRC / "core" / "locale" / locale / "LC_MESSAGES" / "messages.po"
        catalogue = path.read_text(encoding="utf-8")
        translated = "\n".join(line for line in catalogue.splitlines() if line.startswith("msgstr"))
        for variant, term in terms.items():
            assert variant not in translated, f"{locale}: '{variant}' is written '{term}' everywhere"
