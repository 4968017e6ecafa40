"""Server-rendered pages: the list with its filters, the detail with evidence, right-to-left, audio."""

from __future__ import annotations

import re

from sqlalchemy import select

from callqa.demo import demo_data_dir
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.storage.files import FileStore
from web_support import Web


def test_the_list_page_filters_with_the_form_values(web: Web) -> None:
    client = web.signed_in("analyst").client
    page = client.get("/interactions?channel=chat&language=&min_score=")
    assert page.status_code == 200
    total = int(re.search(r'data-test="total">(\d+)<', page.text).group(1))  # type: ignore[union-attr]
    with web.db.factory() as session:
        chats = session.scalars(select(InteractionRow.id).where(InteractionRow.channel == "chat")).all()
    assert total == len(chats)
    assert set(map(int, re.findall(r'<tr data-id="(\d+)"', page.text))) == set(chats)
    assert '<option value="chat" selected>' in page.text


def test_the_detail_page_marks_each_criterions_evidence(web: Web) -> None:
    ident = web.ids()["en-call-01"]
    page = web.signed_in("analyst").client.get(f"/interactions/{ident}")
    assert page.status_code == 200
    with web.db.factory() as session:
        results = session.execute(
            select(CriterionResultRow.criterion, CriterionResultRow.evidence)
            .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
            .where(EvaluationRow.interaction_id == ident, EvaluationRow.is_current.is_(True))
        ).all()
    with_evidence = [r for r in results if r.evidence]
    assert with_evidence
    for criterion, evidence in with_evidence:
        assert f'data-criterion="{criterion}"' in page.text
        marked = re.findall(r'<mark data-criteria="([^"]*)">([^<]*)</mark>', page.text)
        texts = "".join(text for labels, text in marked if criterion in labels.split())
        for item in evidence:
            if item.get("char_start") is not None:
                assert item["text"].replace("'", "&#39;") in texts or item["text"] in texts, (criterion, item)


def test_persian_turns_read_right_to_left(web: Web) -> None:
    ident = next(i for e, i in web.ids().items() if e.startswith("acb-fa-"))
    page = web.signed_in("analyst").client.get(f"/interactions/{ident}")
    turns = re.findall(r'<div class="turn [a-z]+" data-turn="\d+"[^>]*dir="(\w+)"', page.text)
    assert turns and set(turns) == {"rtl"}
    english = web.signed_in("analyst").client.get(f"/interactions/{web.ids()['en-call-01']}")
    assert 'dir="rtl"' not in english.text


def test_the_recording_plays_with_seeking_for_those_who_may_see_it(web: Web) -> None:
    ident = web.ids()["en-audio-01"]
    store = FileStore(web.settings.resolved_file_store())
    uri = store.put_file(demo_data_dir() / "calls" / "en-audio-01.flac", "recordings/test/en-audio-01.flac")
    with web.db.factory.begin() as session:
        row = session.get(InteractionRow, ident)
        assert row is not None and row.recording is not None
        row.recording = {**row.recording, "uri": uri}
        agent = row.agent
    size = len(store.read_bytes(uri))
    analyst = web.signed_in("analyst").client
    page = analyst.get(f"/interactions/{ident}")
    assert f'<audio id="player" controls preload="metadata" src="/interactions/{ident}/audio">' in page.text
    assert 'data-start="' in page.text  # turns carry their times for click-to-seek
    whole = analyst.get(f"/interactions/{ident}/audio")
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/flac"
    assert len(whole.content) == size and whole.content[:4] == b"fLaC"
    part = analyst.get(f"/interactions/{ident}/audio", headers={"range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    outsider = "li.wei" if agent != "li.wei" else "j.smith"
    assert web.signed_in(outsider).client.get(f"/interactions/{ident}/audio").status_code == 404


def test_an_interaction_that_does_not_exist_is_a_404_page(web: Web) -> None:
    page = web.signed_in("analyst").client.get("/interactions/999999")
    assert page.status_code == 404 and "<h1>404</h1>" in page.text
