"""Shipped content and coded values in the reader's language: the standard scorecard's titles, outcomes,
channels, moments, live rules and weekdays are translated; a centre's own wording is shown as written."""

from __future__ import annotations

import json
import re

from sqlalchemy import update

from callqa.core.i18n import translations
from callqa.users.models import UserRow
from callqa.views.labels import translate
from web_support import Web


def test_coded_values_and_shipped_titles_read_in_the_catalogue_and_a_centres_own_words_as_written() -> None:
    zh = translations("zh").gettext
    assert translate("qa_analyst", zh) == "质检员" and translate("n/a", zh) == "不适用"
    assert translate("email", zh) == "电子邮件" and translate("escalation_request", zh) == "要求升级"
    assert translate("Recording disclosure in the first 30 seconds", zh) == "前 30 秒内告知录音"
    assert translate("Monday", zh) == "星期一"
    assert translate("Our own greeting check", zh) == "Our own greeting check"  # a centre's criterion
    assert translate("my_custom_moment", zh) == "my custom moment"  # an unknown code, in words
    assert translate(None, zh) == ""
    english = translations("en").gettext
    assert translate("qa_analyst", english) == "QA analyst" and translate("pass", english) == "pass"


def test_a_chinese_supervisor_sees_weekdays_live_rules_and_the_scorecard_in_chinese(web: Web) -> None:
    lead = web.signed_in("wang.fang").client
    insights = lead.get("/insights").text
    heat = insights[insights.index('data-test="heatmap"') :]
    assert "周一" in heat and "Mon" not in heat[:4000]
    board = lead.get("/live").text
    words = json.loads(
        re.search(r'<script type="application/json" id="t-content">(.*?)</script>', board, re.S)[1]
    )  # type: ignore[index]
    assert words["Customer is abusing the agent"] == "客户辱骂坐席"
    assert words["Say the recording disclosure now"] == "请立即告知录音"
    # the live card "Retention" keeps a customer; the admin page of that name removes old data
    assert words["Retention"] == "挽留客户"


def test_an_agent_reading_chinese_sees_the_checklist_and_review_in_chinese(web: Web) -> None:
    with web.db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "j.smith").values(locale="zh"))
    agent = web.signed_in("j.smith").client
    assist = agent.get("/live/assist").text
    checklist = assist[assist.index('id="checklist"') : assist.index("</ul>", assist.index('id="checklist"'))]
    assert "核实身份" in checklist and "Verify identity" not in checklist  # the shipped live checklist
    assert ">坐席</span>" in assist  # the role badge
