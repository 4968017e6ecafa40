"""What a board loads after a reload: alerts with their acknowledgement, and an ended call's alerts marked
ended and linked to the interaction the call was stored as (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select

from callqa.interactions.models import InteractionRow
from callqa.live.replay import call_messages
from callqa.users.models import UserRow
from callqa.users.service import create_token
from callqa.web.app import create_app
from qa_support import demo_interactions
from web_support import Web

pytestmark = [pytest.mark.issue(19), pytest.mark.timeout(180)]


def bearer(web: Web, username: str) -> dict[str, str]:
    with web.db.factory.begin() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        assert user is not None
        return {"authorization": f"Bearer {create_token(session, user.id, 'board test')[0]}"}


def board_alerts(client: Any, headers: dict[str, str], done: Any) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60
    while True:
        alerts: list[dict[str, Any]] = client.get("/api/live/calls", headers=headers).json()["alerts"]
        if done(alerts) or time.monotonic() > deadline:
            return alerts
        time.sleep(0.1)


def test_a_reloaded_board_shows_acknowledgements_and_links_ended_calls_to_their_interaction(web: Web) -> None:
    lead = bearer(web, "sam.lead")
    messages = [m for _, m in call_messages(demo_interactions()["en-call-06"], "board-state")]
    with web.client() as client:
        with client.websocket_connect("/api/live/ingest", headers=bearer(web, "admin")) as ingest:
            for message in messages[:-1]:
                ingest.send_text(json.dumps(message))
        alerts = board_alerts(client, lead, lambda a: any(x["rule"] == "abuse" for x in a))
        abuse = next(a for a in alerts if a["rule"] == "abuse")
        assert (
            abuse["acknowledged_by"] is None and abuse["ended"] is False and abuse["interaction_id"] is None
        )
        assert client.post(f"/api/live/alerts/{abuse['id']}/ack", headers=lead).status_code == 200

        alerts = board_alerts(client, lead, lambda a: True)  # a reload at once, before the write is done
        assert next(a for a in alerts if a["id"] == abuse["id"])["acknowledged_by"] == "sam.lead"

        with client.websocket_connect("/api/live/ingest", headers=bearer(web, "admin")) as ingest:
            ingest.send_text(json.dumps(messages[-1]))  # call_end: stored and scored in the background
        alerts = board_alerts(
            client, lead, lambda a: any(x["id"] == abuse["id"] and x["interaction_id"] for x in a)
        )
        shown = next(a for a in alerts if a["id"] == abuse["id"])
        with web.db.factory() as session:
            stored = session.scalar(
                select(InteractionRow.id).where(InteractionRow.external_id == "board-state")
            )
        assert stored is not None
        assert shown["ended"] is True and shown["interaction_id"] == stored
        assert shown["acknowledged_by"] == "sam.lead" and shown["acknowledged_at"]
        assert all(a["team"] == "Team North" for a in alerts)  # the lead's scope only
        other = board_alerts(client, bearer(web, "wang.fang"), lambda a: True)
        assert abuse["id"] not in {a["id"] for a in other}

    # a fresh server process (a restart): what was saved is what the board shows
    with Web(web.db, create_app(web.settings, engine=web.db.engine), web.settings).client() as client:
        alerts = client.get("/api/live/calls", headers=lead).json()["alerts"]
        again = next(a for a in alerts if a["id"] == abuse["id"])
        assert again["acknowledged_by"] == "sam.lead" and again["interaction_id"] == stored and again["ended"]
