"""Analyst productivity: the review form's opening is recorded on the page view, time per review is the share
time − the last opening before it (capped), and the table is the analyst's own unless an admin asks."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from callqa.interactions.convert import as_utc
from callqa.review.models import DisputeRow, ReviewOpenRow, ReviewRow
from callqa.review.productivity import nearest_rank
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.users.models import UserRow
from web_support import SignedIn, Web


def _send(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _opens(web: Web, username: str, interaction_id: int) -> int:
    with web.db.factory() as session:
        query = (
            select(func.count(ReviewOpenRow.id))
            .join(UserRow, UserRow.id == ReviewOpenRow.user_id)
            .where(UserRow.username == username, ReviewOpenRow.interaction_id == interaction_id)
        )
        return int(session.scalar(query) or 0)


def _review(web: Web, who: SignedIn, interaction_id: int, opened_minutes_before: list[float]) -> int:
    """Open the page, review (one override for the analyst), share; then set the openings' times."""
    assert who.client.get(f"/interactions/{interaction_id}").status_code == 200
    review = _send(who, f"/api/interactions/{interaction_id}/review").json()
    criterion = next(c for c in review["criteria"] if c["outcome"] in ("pass", "fail"))
    flipped = "fail" if criterion["outcome"] == "pass" else "pass"
    changed = _send(
        who,
        f"/api/reviews/{review['id']}/overrides",
        {"criterion": criterion["id"], "outcome": flipped, "reason": "heard it differently on the recording"},
    )
    assert changed.status_code == 200, changed.text
    assert _send(who, f"/api/reviews/{review['id']}/share").status_code == 200
    with web.db.factory.begin() as session:
        row = session.get(ReviewRow, review["id"])
        assert row is not None and row.shared_at is not None and row.reviewer_id is not None
        shared = as_utc(row.shared_at)
        assert shared is not None
        session.execute(delete(ReviewOpenRow).where(ReviewOpenRow.interaction_id == interaction_id))
        for minutes in opened_minutes_before:
            session.add(
                ReviewOpenRow(
                    user_id=row.reviewer_id,
                    interaction_id=interaction_id,
                    opened_at=shared - timedelta(minutes=minutes),
                )
            )
    return int(review["id"])


def test_nearest_rank() -> None:
    assert nearest_rank([4.0, 1.0, 3.0, 2.0], 0.5) == 2.0
    assert nearest_rank([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert nearest_rank([7.0], 0.9) == 7.0 and nearest_rank([], 0.5) is None


def test_time_per_review_changes_and_disputes_per_analyst(web: Web) -> None:
    analyst, admin, lead = web.signed_in("analyst"), web.signed_in("admin"), web.signed_in("sam.lead")
    first, second, third = sorted(web.ids().values())[:3]
    # the page view of a reviewer records the opening; a supervisor's does not (they do not review)
    assert (
        lead.client.get(f"/interactions/{first}").status_code == 200 and _opens(web, "sam.lead", first) == 0
    )
    # opened 50 and 12 minutes before sharing (the last counts) and 5 after (ignored): 12 minutes
    one = _review(web, analyst, first, [50, 12, -5])
    # opened 3 hours before sharing: capped at 60 minutes
    _review(web, analyst, second, [180])
    _review(web, admin, third, [30])
    with web.db.factory.begin() as session:
        for state in ("upheld", "open"):
            session.add(
                DisputeRow(
                    review_id=one,
                    criterion="greeting",
                    requested="pass",
                    comment="I did greet",
                    state=state,
                    created_at=datetime.now(UTC),
                )
            )
        criteria = int(
            session.scalar(
                select(func.count(CriterionResultRow.id))
                .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
                .where(EvaluationRow.is_current.is_(True), EvaluationRow.interaction_id.in_([first, second]))
            )
            or 0
        )

    mine = analyst.client.get("/api/productivity").json()
    assert mine["cap_minutes"] == 60.0
    assert mine["analysts"] == [
        {
            "analyst": "analyst",
            "reviews": 2,
            "timed": 2,
            "median_minutes": 12.0,
            "p90_minutes": 60.0,
            "criteria": criteria,
            "changed": 2,
            "changed_share": pytest.approx(2 / criteria),
            "disputes": 2,
            "upheld": 1,
        }
    ]  # an analyst sees only their own row
    everyone = admin.client.get("/api/productivity").json()["analysts"]
    assert [(r["analyst"], r["reviews"], r["median_minutes"]) for r in everyone] == [
        ("admin", 1, 30.0),
        ("analyst", 2, 12.0),
    ]
    # an empty period, a reversed one
    assert admin.client.get("/api/productivity?since=2020-01-01&until=2020-01-31").json()["analysts"] == []
    reversed_ = admin.client.get("/api/productivity?since=2026-02-01&until=2026-01-01")
    assert (
        reversed_.status_code == 422
        and "[V138] productivity period 2026-02-01 – 2026-01-01" in (reversed_.json()["detail"])
    )
    # the page and its CSV
    page = analyst.client.get("/productivity").text
    assert 'data-analyst="analyst"' in page and 'data-analyst="admin"' not in page
    exported = admin.client.get("/productivity.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["analyst"], r["reviews"], r["p90_minutes"]) for r in rows] == [
        ("admin", "1", "30.0"),
        ("analyst", "2", "60.0"),
    ]
    # supervisors and agents do not see it
    for who in (lead, web.signed_in("j.smith")):
        for url in ("/api/productivity", "/productivity", "/productivity.csv"):
            assert who.client.get(url).status_code == 403, url
