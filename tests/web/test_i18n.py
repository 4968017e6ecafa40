"""The interface in every language: every string the UI shows (templates, Python, the shipped scorecard,
reasons and live rules) is translated in every catalogue, each catalogue uses one word per idea, the user's
language (or the browser's) picks the catalogue, and Persian pages read right to left."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callqa.core.i18n import LANGUAGES, LOCALES, catalogue_path, pick_locale, translations
from callqa.core.i18n_extract import catalogues, extract, gaps, placeholder_mismatches
from callqa.views.formats import day, moment, number, percent, weekday_names
from web_support import Web

PRESENT = catalogues()


def test_the_strings_come_from_templates_python_and_shipped_content() -> None:
    found = extract()
    assert len(found) > 600
    where = {m.where.split(":")[0] for m in found.values()}
    assert "web/templates/base.html" in where and "scoring/data/standard.yaml" in where
    for msgid in ("Sign out", "Agent talk share", "Greeting with name and company", "Lost or stolen card"):
        assert msgid in found  # a template, N_() in Python, a criterion title, a contact reason
    assert "Customer is abusing the agent" in found and "QA analyst" in found  # live rule, role label
    assert "hello" not in found  # the scorecard's phrases are matched, never shown


@pytest.mark.parametrize("code", PRESENT)
def test_every_interface_string_is_translated_in_every_catalogue(code: str) -> None:
    found = gaps(code)
    assert (found.missing, found.untranslated) == ([], []), f"{code}: run python -m callqa.core.i18n_extract"


@pytest.mark.parametrize("code", PRESENT)
def test_translations_keep_the_placeholders_of_the_source(code: str) -> None:
    assert placeholder_mismatches(code) == []


def test_both_chinese_scripts_are_offered_and_lithuanian_and_persian_when_their_catalogues_are() -> None:
    assert {"en", "zh", "zh_Hant"} <= set(LOCALES)
    for code in ("lt", "fa"):
        assert (code in LOCALES) == catalogue_path(code).is_file()
    assert LANGUAGES["fa"].direction == "rtl" and LANGUAGES["zh_Hant"].html_lang == "zh-Hant"


# One word per idea in each catalogue (issue 19): the variant on the left never appears in a translation, the
# one on the right is the term. Traditional Chinese follows Taiwan's usage.
GLOSSARY: dict[str, dict[str, str]] = {
    "zh": {"互动": "交互", "评审": "复核", "评分卡": "评分表", "质检员": "质检员"},
    "zh_Hant": {
        "交互": "互動",
        "質量": "品質",
        "質檢": "品管",
        "坐席": "客服專員",
        "軟件": "軟體",
        "數據": "資料",
        "信息": "資訊",
        "界面": "介面",
        "渠道": "管道",
        "默認": "預設",
        "登錄": "登入",
        "退出": "登出",
        "賬": "帳",
        "釦": "扣",
        "令牌": "權杖",
        "視頻": "影片",
        "用戶": "使用者",
        "支援申訴": "接受申訴",
        "通話文本": "逐字稿",
        "置信": "信賴",
        "只讀": "唯讀",
        "審計": "稽核",
        "新建": "新增",
        "评": "評",  # no Simplified character left behind
        "质": "質",
    },
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
# Each catalogue's glossary is written with it (the translators of lt and fa add theirs here).
for _code in PRESENT:
    GLOSSARY.setdefault(_code, {})


def _translations(code: str) -> str:
    text = catalogue_path(code).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if line.startswith("msgstr"))


@pytest.mark.parametrize("code", PRESENT)
def test_each_catalogue_uses_its_glossary_terms(code: str) -> None:
    terms = {variant: term for variant, term in GLOSSARY[code].items() if variant != term}
    assert len(GLOSSARY[code]) >= 3, f"{code}: write the catalogue's glossary in tests/web/test_i18n.py"
    translated = _translations(code)
    wrong = [f"'{variant}' is written '{term}'" for variant, term in terms.items() if variant in translated]
    assert wrong == [], code
    used = [term for term in GLOSSARY[code].values() if term in translated]
    assert used, f"{code}: the glossary names terms the catalogue never uses"


def test_traditional_chinese_is_the_simplified_catalogue_in_taiwan_words() -> None:
    hant = translations("zh_Hant").gettext
    assert hant("Interactions") == "互動記錄" and hant("Sign out") == "登出"
    assert hant("Greeting with name and company") == "問候並報出姓名和公司名稱"
    assert hant("Unrecognised payment or suspected fraud") == "不明扣款或疑似詐欺"
    assert translations("zh").gettext("Interactions") == "交互记录"


@pytest.mark.parametrize(
    ("user", "browser", "expected"),
    [
        ("zh", "en-GB,en", "zh"),
        (None, "zh-CN,zh;q=0.9,en;q=0.5", "zh"),
        (None, "zh-TW,zh;q=0.9", "zh_Hant"),
        (None, "zh-HK", "zh_Hant"),
        (None, "zh-Hant-TW", "zh_Hant"),
        (None, "zh-Hans-SG", "zh"),
        (None, "zh-SG", "zh"),
        (None, "fr-FR, de;q=0.7", "en"),
        (None, "en;q=0.3, zh-TW;q=0.8", "zh_Hant"),  # the most wanted, not the first written
        (None, "zh-TW;q=0", "en"),  # q=0: not wanted
        ("en", "zh-CN", "en"),
        ("zh_Hant", "zh-CN", "zh_Hant"),
        ("xx", "zh-tw", "zh_Hant"),  # an unknown stored value: the browser decides
        (None, None, "en"),
    ],
)
def test_the_language_is_the_users_then_the_browsers(
    user: str | None, browser: str | None, expected: str
) -> None:
    assert pick_locale(user, browser) == expected


@pytest.mark.parametrize("code", ["lt", "fa"])
def test_lithuanian_and_persian_are_picked_once_their_catalogues_are_here(code: str) -> None:
    assert pick_locale(None, f"{code},en;q=0.5") == (code if code in LOCALES else "en")


def test_a_chinese_user_sees_the_chinese_interface(web: Web) -> None:
    page = web.signed_in("wang.fang").client.get("/interactions").text
    assert '<html lang="zh-Hans" dir="ltr">' in page
    assert "交互记录" in page and "退出" in page and "Interactions" not in page.split("<main>")[0]
    assert ">主管</span>" in page  # the role badge
    english = web.signed_in("sam.lead").client.get("/interactions").text
    assert '<html lang="en" dir="ltr">' in english and "Sign out" in english
    login = web.client().get("/login", headers={"accept-language": "zh-CN,zh;q=0.9"}).text
    assert "登录" in login
    taiwan = web.client().get("/login", headers={"accept-language": "zh-TW,zh;q=0.9"}).text
    assert '<html lang="zh-Hant"' in taiwan and "登入" in taiwan


def test_a_user_picks_traditional_chinese_and_sees_the_shipped_scorecard_in_it(web: Web) -> None:
    analyst = web.signed_in("analyst")
    profile = analyst.client.get("/me").text
    for name in ("English", "简体中文", "繁體中文（台灣）"):
        assert f">{name}</option>" in profile
    response = analyst.post("/me/language", data={"locale": "zh_Hant"}, follow_redirects=False)
    assert response.status_code == 303  # type: ignore[attr-defined]
    ident = next(iter(web.ids().values()))
    page = analyst.client.get(f"/interactions/{ident}").text
    assert '<html lang="zh-Hant" dir="ltr">' in page
    assert "登出" in page and ">品管員</span>" in page  # nav and role badge
    assert "問候並報出姓名和公司名稱" in page  # the standard scorecard's criterion title
    assert ">合格</span>" in page or ">不合格</span>" in page  # outcomes
    assert "Greeting with name and company" not in page
    assert analyst.client.get("/me").text.count('value="zh_Hant" lang="zh-Hant" dir="ltr" selected') == 1


def test_a_language_that_is_not_offered_is_refused_and_nothing_changes(web: Web) -> None:
    analyst = web.signed_in("analyst")
    response = analyst.post("/me/language", data={"locale": "xx"}, follow_redirects=False)
    assert response.status_code == 422 and "[L111]" in response.text  # type: ignore[attr-defined]
    assert '<html lang="en"' in analyst.client.get("/me").text


@pytest.mark.skipif("fa" not in LOCALES, reason="the Persian catalogue is not here yet")
def test_a_persian_page_reads_right_to_left(web: Web) -> None:
    page = web.client().get("/login", headers={"accept-language": "fa-IR,fa;q=0.9"}).text
    assert '<html lang="fa" dir="rtl">' in page and "/static/rtl.css" in page
    english = web.client().get("/login").text
    assert 'dir="ltr"' in english and "rtl.css" not in english


def test_numbers_dates_and_weekdays_follow_the_locale() -> None:
    at = datetime(2026, 12, 6, 14, 5, tzinfo=UTC)
    assert number(12345.678, 1, locale="en") == "12,345.7"
    assert number(12345.678, 1, locale="lt_LT") == "12\xa0345,7"
    assert number(12345.678, 1, locale="fa_IR") == "12,345.7"  # Latin digits on Persian pages (documented)
    assert percent(0.734, locale="en") == "73%" and percent(0.734, locale="lt_LT") == "73\xa0%"
    assert day(at, locale="zh_Hans_CN") == "2026年12月6日" and day(at, locale="lt_LT") == "2026-12-06"
    assert moment(at, locale="zh_Hant_TW") == "2026/12/6\u2009下午2:05"
    assert (
        weekday_names("zh_Hant_TW", "wide")[0] == "星期一"
        and weekday_names("lt_LT", "wide")[6] == "sekmadienis"
    )
    assert weekday_names("fa_IR", "wide")[0] == "دوشنبه" and weekday_names("en")[0] == "Mon"
    assert number(None, locale="en") == percent(None, locale="en") == "–"
