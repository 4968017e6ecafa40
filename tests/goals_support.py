"""A small centre with exact scores this month and last, users of every role, and the web app over it:
every goal and leaderboard figure has a hand-computed answer (see the numbers below)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from pydantic import SecretStr

from callqa.coaching.agents import AgentRef
from callqa.coaching.service import ActionIn, create_coaching
from callqa.core.settings import Settings
from callqa.demo.users import DEMO_PASSWORD
from callqa.goals.periods import period_of, previous
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.review.models import DisputeRow, ReviewRow
from callqa.scoring.models import EvaluationRow
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_user
from callqa.web.app import create_app
from insights_support import add, scorecard
from support import Database, seeded
from web_support import Web

# This month (official scores):  ann 90 80 85 95 100 (mean 90; "greeting" pass pass fail pass n/a: 75 %;
# CSAT 5 and 4: 4.5), bob 60 70 80 90 50 (mean 70), cat 100 100 (two: unranked at the default 5), all in
# North (1000 / 12 = 83.33); dan 75 ×5 in South. Last month: ann 70 80 (mean 75). Scores below 70 are low:
# bob's 60 and 50, 2 of the centre's 17. Two of ann's are reviewed (2 of North's 12: 16.67 %).
THIS_MONTH: dict[str, tuple[str, list[float]]] = {
    "ann": ("North", [90, 80, 85, 95, 100]),
    "bob": ("North", [60, 70, 80, 90, 50]),
    "cat": ("North", [100, 100]),
    "dan": ("South", [75, 75, 75, 75, 75]),
}
ANN_GREETING = ["pass", "pass", "fail", "pass", "n/a"]
ANN_CSAT = [5.0, 4.0, None, None, None]


@dataclass(frozen=True)
class Centre:
    web: Web
    today: date
    month: tuple[date, date]


def today() -> date:
    return datetime.now(UTC).date()


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def build_centre(db: Database, tmp_path: Path) -> Centre:
    """The centre's rows (built once per backend and day, then restored from a snapshot), its insights
    refreshed, and the web app over it."""
    now = today()
    seeded(db, f"goals-{now}", _rows)
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    refresh_insights(db.factory, InsightConfig.from_settings(settings))
    web = Web(db, create_app(settings, engine=db.engine), settings)
    month = period_of("month", now)
    return Centre(web, now, (month.first, month.last))


def _rows(db: Database) -> None:
    month = period_of("month", today())
    before = previous("month", month)
    with db.factory.begin() as session:
        card = scorecard(session)
        users = {
            u.username: create_user(session, u)
            for u in (
                UserCreate(username="admin", display_name="Ada", password=DEMO_PASSWORD, role=UserRole.ADMIN),
                UserCreate(
                    username="analyst", display_name="Quinn", password=DEMO_PASSWORD, role=UserRole.QA_ANALYST
                ),
                UserCreate(
                    username="lead", display_name="Sam", password=DEMO_PASSWORD, role=UserRole.SUPERVISOR,
                    leads=["North"],
                ),
                UserCreate(
                    username="ann", display_name="Ann", password=DEMO_PASSWORD, role=UserRole.AGENT,
                    agent_name="ann", team="North",
                ),
            )
        }  # fmt: skip
        ann_evaluations = []
        for agent, (team, scores) in THIS_MONTH.items():
            for i, score in enumerate(scores):
                criteria = {"greeting": ANN_GREETING[i]} if agent == "ann" else {"greeting": "pass"}
                csat = ANN_CSAT[i] if agent == "ann" else None
                iid = add(
                    session, card, _at(month.first, 8 + i), score=score, team=team, agent=agent,
                    criteria=criteria, csat=csat,
                )  # fmt: skip
                if agent == "ann":
                    ann_evaluations.append(
                        (iid, session.query(EvaluationRow).filter_by(interaction_id=iid).one())
                    )
        for score in (70, 80):
            add(session, card, _at(before.first), score=score, team="North", agent="ann")
        stamp = datetime.now(UTC)
        for n, (iid, ev) in enumerate(ann_evaluations[:2]):
            ev.review_state = "shared" if n == 0 else "disputed"
            review = ReviewRow(
                evaluation_id=ev.id, interaction_id=iid, reviewer_id=users["analyst"].id,
                state=ev.review_state, score=ev.score, auto_failed=False, created_at=stamp, updated_at=stamp,
                shared_at=stamp,
            )  # fmt: skip
            session.add(review)
            session.flush()
            if n == 1:
                session.add(
                    DisputeRow(
                        review_id=review.id, criterion="greeting", requested="pass", comment="I did greet",
                        agent_id=users["ann"].id, state="open", created_at=stamp,
                    )
                )  # fmt: skip
        create_coaching(
            session, agent=AgentRef("ann", "Ann", "North", users["ann"].id, "ann"), coach_id=users["lead"].id,
            title="Warmer openings", notes="Talked",
            actions=[ActionIn("Use the customer's name", month.last), ActionIn("Smile on the phone")],
        )  # fmt: skip
