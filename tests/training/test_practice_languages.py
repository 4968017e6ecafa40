"""A Chinese scenario practised through the API in both scripts (Simplified and Traditional): the detectors
take the same branches; the result page shows the criterion titles in the viewer's language, as the
interaction page does, and reads the customer's lines with a voice of the scenario's script."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from callqa.core.settings import Settings
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.app import create_app
from practice_support import LINES, stored_scenario
from support import Database
from web_support import SignedIn, Web, seed

pytestmark = pytest.mark.issue(22)

# the standard scorecard's "Empathy and courtesy" in each catalogue
EMPATHY = {
    "zh": "同理心与礼貌",
    "zh_Hant": "同理心與禮貌",
    "lt": "Empatija ir mandagumas",
    "en": "Empathy and courtesy",
}


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    seed(db)
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    yield Web(db, create_app(settings, engine=db.engine), settings)


def _scenario(web: Web, language: str) -> int:
    with web.db.factory.begin() as session:
        analyst = session.scalar(select(UserRow).where(UserRow.username == "analyst"))
        assert analyst is not None
        actor = Actor(analyst.id, analyst.username, analyst.display_name, UserRole.QA_ANALYST)
        return stored_scenario(session, language, actor)


def _speaks(user: SignedIn, locale: str) -> None:
    """The user's interface language, chosen as on the profile page."""
    chosen = user.post("/me/language", data={"locale": locale}, follow_redirects=False)
    assert chosen.status_code == 303, chosen.text


@pytest.mark.parametrize(
    ("language", "viewer", "voice"), [("zh", "zh", "zh-CN"), ("zh-Hant", "zh_Hant", "zh-TW")]
)
def test_a_chinese_scenario_in_either_script(web: Web, language: str, viewer: str, voice: str) -> None:
    said = LINES[language]
    scenario_id = _scenario(web, language)
    agent = web.signed_in("j.smith")
    _speaks(agent, viewer)
    pid = agent.post("/api/practices", json={"scenario_id": scenario_id}).json()["id"]
    running = agent.client.get(f"/training/practice/{pid}").text
    assert f'data-speech-lang="{voice}"' in running and said["customer"] in running
    titles = running.split("data-titles='", 1)[1].split("'", 1)[0]  # what the page's script draws checks with
    assert json.loads(titles)["empathy"] == EMPATHY[viewer]

    missed = agent.post(f"/api/practices/{pid}/answer", json={"text": said["curt"]}).json()
    assert missed["turns"][1]["branch"] == "miss" and missed["turns"][1]["text"] == said["curt"]
    assert missed["harder_branches"] == 1 and missed["turns"][-1]["text"] == said["angry"]
    calmed = agent.post(f"/api/practices/{pid}/answer", json={"text": said["empathetic"]}).json()
    assert calmed["turns"][3]["branch"] == "pass" and calmed["current_step"] == "calm"
    done = agent.post(f"/api/practices/{pid}/answer", json={"text": said["calm"][:2] + "，五天内。"}).json()
    assert done["state"] == "finished" and done["language"] == language
    empathy = next(r for r in done["results"] if r["id"] == "empathy")
    assert empathy["outcome"] == "pass" and any("抱歉" in s for s in empathy["said"])

    lead = web.signed_in("sam.lead")
    for locale in ("zh", "zh_Hant", "lt", "en"):
        _speaks(lead, locale)
        page = lead.client.get(f"/training/practice/{pid}")
        assert page.status_code == 200
        row = page.text.split('data-criterion="empathy"', 1)[1].split("</tr>", 1)[0]
        assert EMPATHY[locale] in row, (locale, row)
        assert "抱歉" in row  # the agent's own words as evidence
