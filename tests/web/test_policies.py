"""The access rules over every role × action × whose work, without HTTP (callqa.access.policies)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callqa.access.policies import (
    Action,
    Owner,
    allowed,
    interaction_scope,
    sees_all_productivity,
    sees_review,
)
from callqa.interactions.models import InteractionRow
from callqa.users.schemas import Actor, UserRole
from support import Database

ADMIN = Actor(1, "admin", "A", UserRole.ADMIN)
ANALYST = Actor(2, "analyst", "Q", UserRole.QA_ANALYST)
LEAD = Actor(3, "lead", "S", UserRole.SUPERVISOR, led_teams=frozenset({"North"}))
AGENT = Actor(4, "ann", "Ann", UserRole.AGENT, agent_name="ann", team="North")
ACTORS = {"admin": ADMIN, "qa_analyst": ANALYST, "supervisor": LEAD, "agent": AGENT}

OWN = Owner(agent="ann", team="North")  # the agent's own work, in the supervisor's team
TEAMMATE = Owner(agent="bob", team="North")  # another agent of the supervisor's team
OTHER = Owner(agent="cy", team="South")  # another team entirely
OWNERS = {"own": OWN, "teammate": TEAMMATE, "other": OTHER, "none": None}

# role -> action -> the owners (of OWNERS) for which the action is allowed
EXPECTED: dict[str, dict[Action, set[str]]] = {
    "admin": {a: set(OWNERS) for a in Action}
    | {
        Action.REVIEW_RESPOND: set(),
        Action.COACHING_RESPOND: set(),
        Action.LIVE_ASSIST: set(),
        Action.LIVE_HELP: set(),
        Action.SEARCH_SHARE: {"own", "teammate", "other"},
        Action.SHIFT_BID: set(),  # bids are agents' own
        Action.PRACTICE_RUN: {"none"},  # a trial run, never as an agent
    },
    "qa_analyst": {a: set(OWNERS) for a in Action}
    | {
        Action.USER_MANAGE: set(),
        Action.AUDIT_VIEW: set(),
        Action.DISPUTE_INBOX: set(),  # the inbox is the supervisors' (and admins'); analysts get notified
        Action.SETTINGS_VIEW: set(),
        Action.REVIEW_RESPOND: set(),
        Action.COACHING_RESPOND: set(),
        Action.LIVE_ASSIST: set(),
        Action.LIVE_HELP: set(),
        Action.LIVE_INGEST: set(),
        Action.DATA_ERASE: set(),
        Action.LEGAL_HOLD: set(),
        Action.RETENTION_VIEW: set(),
        Action.GOAL_MANAGE: set(),  # goals are set by admins and supervisors
        Action.SEARCH_SHARE: {"own", "teammate", "other"},  # a saved search goes to a team, never "none"
        Action.SHIFT_MANAGE: set(),  # analysts read rounds
        Action.SHIFT_BID: set(),
        Action.PRACTICE_RUN: {"none"},  # a trial run, never as an agent
        Action.ROUTING_IDS_MANAGE: set(),  # admins keep the routing-system ids; analysts read them
    },
    "supervisor": {
        Action.INTERACTION_VIEW: {"own", "teammate"},
        Action.INTERACTION_EXPORT: {"own", "teammate", "none"},
        Action.EVALUATION_VIEW: {"own", "teammate"},
        Action.EVALUATION_REVIEW: set(),
        Action.REVIEW_FINALIZE: {"own", "teammate"},
        Action.REVIEW_RESPOND: set(),
        Action.DISPUTE_RESOLVE: {"own", "teammate"},
        Action.DISPUTE_INBOX: {"own", "teammate", "none"},
        Action.NOTIFICATION_READ: set(OWNERS),
        Action.QUEUE_MANAGE: set(),
        Action.CALIBRATION_RUN: set(),
        Action.AGREEMENT_VIEW: set(),
        Action.COACHING_MANAGE: {"own", "teammate"},
        Action.COACHING_RESPOND: set(),
        Action.QUALITY_FILE_VIEW: {"own", "teammate"},
        Action.KNOWLEDGE_PROMOTE: {"own", "teammate"},
        Action.KNOWLEDGE_READ: set(OWNERS),
        Action.KNOWLEDGE_EDIT: set(OWNERS),
        Action.SCORECARD_VIEW: set(OWNERS),
        Action.SCORECARD_EDIT: set(),
        Action.USER_MANAGE: set(),
        Action.AUDIT_VIEW: set(),
        Action.SETTINGS_VIEW: set(),
        Action.TOKEN_MANAGE: set(OWNERS),
        Action.SESSION_MANAGE: set(OWNERS),
        Action.LIVE_MONITOR: {"own", "teammate"},
        Action.LIVE_ASSIST: set(),
        Action.LIVE_HELP: set(),
        Action.LIVE_INGEST: set(),
        Action.INSIGHTS_VIEW: {"own", "teammate", "none"},
        Action.REPORT_SCHEDULE: {"own", "teammate", "none"},
        Action.DATA_ERASE: set(),
        Action.LEGAL_HOLD: set(),
        Action.RETENTION_VIEW: set(),
        Action.PRODUCTIVITY_VIEW: set(),  # analysts' work, not a team's
        Action.GOAL_VIEW: {"own", "teammate", "none"},
        Action.GOAL_MANAGE: {"own", "teammate", "none"},  # their teams' goals (none: the form at all)
        Action.LEADERBOARD_VIEW: set(OWNERS),
        Action.SEARCH_SHARE: {"own", "teammate"},  # the teams they lead
        Action.SHIFT_VIEW: {"own", "teammate", "none"},
        Action.SHIFT_MANAGE: {"own", "teammate", "none"},  # rounds of the teams they lead
        Action.SHIFT_BID: set(),
        Action.SKILL_VIEW: {"own", "teammate", "none"},
        Action.ROUTING_VIEW: {"own", "teammate", "none"},  # their teams' agents ranked
        Action.SKILL_EXPORT: {"own", "teammate", "none"},
        Action.CHANNELS_VIEW: {"own", "teammate", "none"},  # read from their teams' interactions only
        Action.CHANNELS_CUSTOMERS: set(),  # per-customer journeys: analysts and admins
        Action.STANDARDS_VIEW: {"own", "teammate", "none"},  # their teams' figures
        Action.STANDARDS_APPLY: set(),
        Action.SCENARIO_VIEW: set(OWNERS),
        Action.SCENARIO_MANAGE: set(),  # analysts build scenarios
        Action.PRACTICE_RUN: set(),  # not an agent, not staff: no trial either
        Action.PRACTICE_VIEW: {"own", "teammate"},
        Action.TRAINING_ASSIGN: {"own", "teammate", "none"},  # their teams' agents
        Action.CLASS_VIEW: {"own", "teammate", "none"},
        Action.CLASS_RUN: {"own", "teammate", "none"},  # classes of the teams they lead
        Action.MEETING_PACK: {"own", "teammate", "none"},
        Action.ROUTING_IDS_MANAGE: set(),
    },
    "agent": {
        Action.INTERACTION_VIEW: {"own"},
        Action.INTERACTION_EXPORT: set(),
        Action.EVALUATION_VIEW: {"own"},
        Action.EVALUATION_REVIEW: set(),
        Action.REVIEW_FINALIZE: set(),
        Action.REVIEW_RESPOND: {"own"},
        Action.DISPUTE_RESOLVE: set(),
        Action.DISPUTE_INBOX: set(),
        Action.NOTIFICATION_READ: set(OWNERS),
        Action.QUEUE_MANAGE: set(),
        Action.CALIBRATION_RUN: set(),
        Action.AGREEMENT_VIEW: set(),
        Action.COACHING_MANAGE: set(),
        Action.COACHING_RESPOND: {"own"},
        Action.QUALITY_FILE_VIEW: {"own"},
        Action.KNOWLEDGE_PROMOTE: set(),
        Action.KNOWLEDGE_READ: set(OWNERS),
        Action.KNOWLEDGE_EDIT: set(),
        Action.SCORECARD_VIEW: set(OWNERS),
        Action.SCORECARD_EDIT: set(),
        Action.USER_MANAGE: set(),
        Action.AUDIT_VIEW: set(),
        Action.SETTINGS_VIEW: set(),
        Action.TOKEN_MANAGE: set(OWNERS),
        Action.SESSION_MANAGE: set(OWNERS),
        Action.LIVE_MONITOR: set(),
        Action.LIVE_ASSIST: {"own"},
        Action.LIVE_HELP: {"own"},
        Action.LIVE_INGEST: set(),
        Action.INSIGHTS_VIEW: {"own"},
        Action.REPORT_SCHEDULE: set(),
        Action.DATA_ERASE: set(),
        Action.LEGAL_HOLD: set(),
        Action.RETENTION_VIEW: set(),
        Action.PRODUCTIVITY_VIEW: set(),
        Action.GOAL_VIEW: {"own", "none"},
        Action.GOAL_MANAGE: set(),
        Action.LEADERBOARD_VIEW: set(OWNERS),  # their own place and the team median only (no names)
        Action.SEARCH_SHARE: set(),  # an agent's saved searches stay private
        Action.SHIFT_VIEW: {"own", "none"},  # their own bid and outcome; rounds open to them
        Action.SHIFT_MANAGE: set(),
        Action.SHIFT_BID: {"own"},
        Action.SKILL_VIEW: {"own", "none"},  # their own skill levels, no one else's
        Action.ROUTING_VIEW: set(),  # the ranking names other agents
        Action.SKILL_EXPORT: set(),
        Action.CHANNELS_VIEW: set(),
        Action.CHANNELS_CUSTOMERS: set(),
        Action.STANDARDS_VIEW: set(),
        Action.STANDARDS_APPLY: set(),
        Action.SCENARIO_VIEW: set(OWNERS),  # the scripts they practise (never the key points)
        Action.SCENARIO_MANAGE: set(),
        Action.PRACTICE_RUN: {"own"},
        Action.PRACTICE_VIEW: {"own"},
        Action.TRAINING_ASSIGN: set(),
        Action.CLASS_VIEW: {"own", "none"},  # classes of their team; their own comments
        Action.CLASS_RUN: set(),
        Action.MEETING_PACK: set(),
        Action.ROUTING_IDS_MANAGE: set(),
    },
}


def test_the_expectations_cover_every_role_and_action() -> None:
    assert set(EXPECTED) == {r.value for r in UserRole}
    for role, actions in EXPECTED.items():
        assert set(actions) == set(Action), role


@pytest.mark.parametrize("role", sorted(ACTORS))
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
@pytest.mark.parametrize("whose", sorted(OWNERS))
def test_policy_matrix(role: str, action: Action, whose: str) -> None:
    expected = whose in EXPECTED[role][action]
    assert allowed(ACTORS[role], action, OWNERS[whose]) is expected


@pytest.mark.parametrize("role", sorted(ACTORS))
@pytest.mark.parametrize("state", ["draft", "shared", "acknowledged", "disputed", "final"])
def test_a_draft_review_is_for_reviewers_only(role: str, state: str) -> None:
    actor = ACTORS[role]
    expected = allowed(actor, Action.INTERACTION_VIEW, OWN) and (
        state != "draft" or role in ("admin", "qa_analyst")
    )
    assert sees_review(actor, OWN, state) is expected
    assert not sees_review(AGENT, OTHER, state)


def test_an_agent_without_an_agent_name_sees_nothing() -> None:
    nameless = Actor(5, "x", "X", UserRole.AGENT)
    assert not allowed(nameless, Action.INTERACTION_VIEW, Owner(agent=None, team=None))
    assert not allowed(nameless, Action.INTERACTION_VIEW, OWN)


def test_a_supervisor_without_teams_sees_no_agent_work() -> None:
    lead = Actor(6, "y", "Y", UserRole.SUPERVISOR)
    assert not allowed(lead, Action.INTERACTION_VIEW, OWN)
    assert not allowed(lead, Action.INTERACTION_VIEW, Owner(agent="ann", team=None))


def test_the_query_scope_keeps_exactly_what_the_predicate_allows(db: Database) -> None:
    from callqa.core.document import Interaction
    from callqa.interactions.service import StoreItem, store_interactions

    docs = [
        Interaction.model_validate(
            {
                "external_id": f"i{n}",
                "channel": "chat",
                "agent": agent,
                "team": team,
                "turns": [{"role": "customer", "text": "hello"}],
            }
        )
        for n, (agent, team) in enumerate(
            [
                ("ann", "North"),
                ("bob", "North"),
                ("cy", "South"),
                (None, "North"),
                ("ann", None),
                (None, None),
            ]
        )
    ]
    with db.factory.begin() as session:
        store_interactions(session, [StoreItem(d) for d in docs])
    nameless = Actor(5, "x", "X", UserRole.AGENT)
    teamless = Actor(6, "y", "Y", UserRole.SUPERVISOR)
    with db.factory() as session:
        rows = session.execute(select(InteractionRow.id, InteractionRow.agent, InteractionRow.team)).all()
        for actor in [*ACTORS.values(), nameless, teamless]:
            scoped = set(session.scalars(select(InteractionRow.id).where(interaction_scope(actor))))
            by_rule = {
                r.id
                for r in rows
                if allowed(actor, Action.INTERACTION_VIEW, Owner(agent=r.agent, team=r.team))
            }
            assert scoped == by_rule, actor.username


@pytest.mark.parametrize(
    ("role", "all_rows"), [("admin", True), ("qa_analyst", False), ("supervisor", False)]
)
def test_only_admins_see_every_analysts_productivity(role: str, all_rows: bool) -> None:
    assert sees_all_productivity(ACTORS[role]) is all_rows


def test_goals_of_a_team_and_of_the_centre() -> None:
    from callqa.access.policies import CENTRE

    north, south = Owner(agent=None, team="North"), Owner(agent=None, team="South")
    assert allowed(ADMIN, Action.GOAL_MANAGE, CENTRE) and not allowed(LEAD, Action.GOAL_MANAGE, CENTRE)
    assert allowed(LEAD, Action.GOAL_MANAGE, north) and not allowed(LEAD, Action.GOAL_MANAGE, south)
    assert not allowed(ANALYST, Action.GOAL_MANAGE, north) and not allowed(AGENT, Action.GOAL_MANAGE, north)
    assert all(allowed(a, Action.GOAL_VIEW, CENTRE) for a in ACTORS.values())
    assert allowed(AGENT, Action.GOAL_VIEW, north) and not allowed(AGENT, Action.GOAL_VIEW, south)
    assert allowed(LEAD, Action.GOAL_VIEW, north) and not allowed(LEAD, Action.GOAL_VIEW, south)
