"""Access rules as small predicates over (actor, action, whose work): testable without HTTP.

Roles: an **admin** and a **QA analyst** see everything; a **supervisor** sees the work of the teams they
lead; an **agent** sees only their own work. Handlers call :func:`allowed` (or filter queries with
:func:`interaction_scope`); no handler or template decides access itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, true

from callqa.interactions.models import InteractionRow
from callqa.users.schemas import Actor, UserRole


class Action(StrEnum):
    INTERACTION_VIEW = "interaction.view"
    INTERACTION_EXPORT = "interaction.export"
    EVALUATION_VIEW = "evaluation.view"
    EVALUATION_REVIEW = "evaluation.review"  # start a review, override a criterion with a reason, share
    REVIEW_FINALIZE = "review.finalize"
    REVIEW_RESPOND = "review.respond"  # acknowledge or dispute a shared review of one's own work
    DISPUTE_RESOLVE = "dispute.resolve"
    DISPUTE_INBOX = "dispute.inbox"  # the open disputes to resolve (no owner: the inbox; else one of them)
    NOTIFICATION_READ = "notification.read"  # one's own notifications
    QUEUE_MANAGE = "queue.manage"  # build review queues, work one's own
    CALIBRATION_RUN = "calibration.run"  # set up and close calibration sessions
    AGREEMENT_VIEW = "agreement.view"  # how well the AI agrees with the graders, and the examples behind it
    COACHING_MANAGE = "coaching.manage"  # coach an agent: talks, action items, follow-up
    COACHING_RESPOND = "coaching.respond"  # acknowledge one's own coaching, tick action items
    QUALITY_FILE_VIEW = "quality_file.view"  # an agent's quality file and ability profile
    KNOWLEDGE_PROMOTE = "knowledge.promote"  # make a knowledge-base article of an agent's answer
    KNOWLEDGE_READ = "knowledge.read"
    KNOWLEDGE_EDIT = "knowledge.edit"  # write and change articles
    SCORECARD_VIEW = "scorecard.view"
    SCORECARD_EDIT = "scorecard.edit"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"  # the audit log, its filters and CSV export
    SETTINGS_VIEW = "settings.view"  # every setting and the configuration file, secrets masked
    TOKEN_MANAGE = "token.manage"  # one's own API tokens
    SESSION_MANAGE = "session.manage"  # one's own web sessions: list them, sign out everywhere
    LIVE_MONITOR = "live.monitor"  # the live board: calls, transcripts, alerts; acknowledge, answer help
    LIVE_ASSIST = "live.assist"  # an agent's own assist page: checklist, cards, alerts meant for them
    LIVE_HELP = "live.help"  # raise a hand on one's own call
    LIVE_INGEST = "live.ingest"  # stream call events in (an integration's API token)
    INSIGHTS_VIEW = "insights.view"  # dashboards and reports: centre-wide (no owner), a team's, an agent's
    REPORT_SCHEDULE = "report.schedule"  # e-mailed reports on work one sees (no owner: the schedules page)
    DATA_ERASE = "data.erase"  # erase a customer on request (GDPR Art. 17)
    LEGAL_HOLD = "data.hold"  # put and release legal holds
    RETENTION_VIEW = "data.retention"  # the retention policies and what their next run would remove
    PRODUCTIVITY_VIEW = "productivity.view"  # analysts' reviews and times (an analyst: their own row only)
    GOAL_VIEW = "goal.view"  # goals: no owner, the goals list; a centre, team or agent goal
    GOAL_MANAGE = "goal.manage"  # set, change, remove goals (no owner: the goals page's form at all)
    LEADERBOARD_VIEW = "leaderboard.view"  # the leaderboard (an agent sees only their place, no names)
    SEARCH_SHARE = "search.share"  # share a saved search with a team (the owner's team); private ones: anyone
    SHIFT_VIEW = "shift.view"  # no owner: the rounds list; a round (agent None); an agent's bid, outcome
    SHIFT_MANAGE = "shift.manage"  # create, fill, open, close, allocate, publish rounds (no owner: at all)
    SHIFT_BID = "shift.bid"  # bid in a round open to one (an agent's own bid)
    SKILL_VIEW = "skill.view"  # skill profiles: no owner, the skills page (an agent: their own levels only)
    ROUTING_VIEW = "routing.view"  # routing recommendations: every agent ranked for a queue (not agents)
    SKILL_EXPORT = "skill.export"  # skill profiles and routing skills as files for routing systems
    CHANNELS_VIEW = "channels.view"  # customers' channel preferences: segments, reasons, channels (and CSV)
    CHANNELS_CUSTOMERS = "channels.customers"  # the per-customer journeys (pseudonyms only)
    STANDARDS_VIEW = "standards.view"  # QA standards against what customers care about (their teams')
    STANDARDS_APPLY = "standards.apply"  # make a draft scorecard version of a suggested reweighting
    SCENARIO_VIEW = "scenario.view"  # the scenario library (an agent: the scripts, never the key points)
    SCENARIO_MANAGE = "scenario.manage"  # build, edit, version, archive scenarios
    PRACTICE_RUN = "practice.run"  # practise a scenario: an agent their own; staff a trial (no owner)
    PRACTICE_VIEW = "practice.view"  # a practice and its evaluation, for whoever sees that agent's work
    TRAINING_ASSIGN = "training.assign"  # assign scenarios to agents or teams, follow them up
    CLASS_VIEW = "class.view"  # attend a recording-analysis class and comment (no owner: the classes list)
    CLASS_RUN = "class.run"  # build and present classes, reveal notes, promote answers to the KB
    MEETING_PACK = "training.meeting_pack"  # the monthly QA-team-lead meeting pack of a team
    ROUTING_IDS_MANAGE = "routing_ids.manage"  # set, delete, import routing-system ids (read: SKILL_EXPORT)


@dataclass(frozen=True)
class Owner:
    """Whose work a resource is: the agent and team stored on the interaction."""

    agent: str | None
    team: str | None


def _everyone(actor: Actor, owner: Owner | None) -> bool:
    return True


def _staff(actor: Actor, owner: Owner | None) -> bool:
    return actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST)


def _admin(actor: Actor, owner: Owner | None) -> bool:
    return actor.role is UserRole.ADMIN


def sees(actor: Actor, owner: Owner | None) -> bool:
    """Staff see all work, a supervisor their teams' work, an agent their own."""
    if actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST):
        return True
    if owner is None:
        return False
    if actor.role is UserRole.SUPERVISOR:
        return owner.team is not None and owner.team in actor.led_teams
    return actor.agent_name is not None and owner.agent == actor.agent_name


def _reviews(actor: Actor, owner: Owner | None) -> bool:
    return actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST)


def _leads_or_staff(actor: Actor, owner: Owner | None) -> bool:
    return actor.role is not UserRole.AGENT and sees(actor, owner)


def _own_work(actor: Actor, owner: Owner | None) -> bool:
    return (
        actor.role is UserRole.AGENT
        and owner is not None
        and actor.agent_name is not None
        and owner.agent == actor.agent_name
    )


def _not_agent(actor: Actor, owner: Owner | None) -> bool:
    return actor.role is not UserRole.AGENT


def _exports(actor: Actor, owner: Owner | None) -> bool:
    """No owner: a bulk export, which the caller's scope narrows to the work they see."""
    return actor.role is not UserRole.AGENT and (owner is None or sees(actor, owner))


def _inbox(actor: Actor, owner: Owner | None) -> bool:
    """Supervisors (their teams' disputes) and admins work the disputes inbox."""
    if actor.role not in (UserRole.ADMIN, UserRole.SUPERVISOR):
        return False
    return owner is None or sees(actor, owner)


def _insights(actor: Actor, owner: Owner | None) -> bool:
    """The centre view (no owner) is for all but agents (a supervisor's shows their teams); a team's or an
    agent's view for whoever sees that work."""
    return actor.role is not UserRole.AGENT if owner is None else sees(actor, owner)


def _schedules(actor: Actor, owner: Owner | None) -> bool:
    return actor.role is not UserRole.AGENT and (owner is None or sees(actor, owner))


CENTRE = Owner(agent=None, team=None)  # a centre-wide goal: nobody's work in particular


def _goal_view(actor: Actor, owner: Owner | None) -> bool:
    """Everyone sees the centre's goals and their own team's; a goal of a team or an agent is for whoever
    sees that work (an agent: their own goals)."""
    if owner is None or owner == CENTRE:
        return True
    if owner.agent is None and actor.role is UserRole.AGENT:
        return actor.team is not None and owner.team == actor.team
    return sees(actor, owner)


def _goal_manage(actor: Actor, owner: Owner | None) -> bool:
    """Admins set any goal; a supervisor those of the teams they lead and of those teams' agents."""
    if actor.role is UserRole.ADMIN:
        return True
    if actor.role is not UserRole.SUPERVISOR:
        return False
    return owner is None or (owner != CENTRE and sees(actor, owner))


def _shares(actor: Actor, owner: Owner | None) -> bool:
    """Staff share with any team, a supervisor with the teams they lead; agents keep searches private."""
    if owner is None or owner.team is None or actor.role is UserRole.AGENT:
        return False
    return actor.role is not UserRole.SUPERVISOR or owner.team in actor.led_teams


def _shift_view(actor: Actor, owner: Owner | None) -> bool:
    """A round (owner without an agent: its team, None for the whole centre) is seen by staff, by a
    supervisor when it is centre-wide or of a team they lead, by an agent when it is open to them; an
    agent's bid and outcome by whoever sees that agent's work."""
    if owner is None:
        return True
    if owner.agent is not None:
        return sees(actor, owner)
    if actor.role is UserRole.AGENT:
        return owner.team is None or owner.team == actor.team
    return owner.team is None or sees(actor, owner)


def _shift_manage(actor: Actor, owner: Owner | None) -> bool:
    """Admins run any round; a supervisor the rounds of the teams they lead (not the whole centre's)."""
    if actor.role is UserRole.ADMIN:
        return True
    if actor.role is not UserRole.SUPERVISOR:
        return False
    return owner is None or (owner.team is not None and owner.team in actor.led_teams)


def _skills(actor: Actor, owner: Owner | None) -> bool:
    """Everyone opens the skills page (an agent sees their own levels on it); a cell is for whoever sees
    that work."""
    return owner is None or sees(actor, owner)


def _routing(actor: Actor, owner: Owner | None) -> bool:
    """Routing ranks agents against each other: staff for all, a supervisor for their teams, no agent."""
    return actor.role is not UserRole.AGENT and (owner is None or sees(actor, owner))


def _channels(actor: Actor, owner: Owner | None) -> bool:
    """The centre's customers (no owner) for all but agents — a supervisor's read from their teams'
    interactions only; a team's or an agent's for whoever leads or oversees that work."""
    return actor.role is not UserRole.AGENT and (owner is None or sees(actor, owner))


def _practise(actor: Actor, owner: Owner | None) -> bool:
    """An agent practises as themselves; staff may try a scenario out (no owner), never as an agent."""
    if owner is None:
        return actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST)
    return _own_work(actor, owner)


def _class_view(actor: Actor, owner: Owner | None) -> bool:
    """The classes list for everyone; a class (owner without an agent: its team, None for the centre) for
    its team's agents and whoever leads or oversees that team; an attendee's comments like their work."""
    if owner is None:
        return True
    if owner.agent is None and actor.role is UserRole.AGENT:
        return owner.team is None or owner.team == actor.team
    return owner.team is None or sees(actor, owner)


_RULES: dict[Action, Callable[[Actor, Owner | None], bool]] = {
    Action.INTERACTION_VIEW: sees,
    Action.INTERACTION_EXPORT: _exports,
    Action.EVALUATION_VIEW: sees,
    Action.EVALUATION_REVIEW: _reviews,
    Action.REVIEW_FINALIZE: _leads_or_staff,
    Action.REVIEW_RESPOND: _own_work,
    Action.DISPUTE_RESOLVE: _leads_or_staff,
    Action.DISPUTE_INBOX: _inbox,
    Action.NOTIFICATION_READ: _everyone,
    Action.QUEUE_MANAGE: _staff,
    Action.CALIBRATION_RUN: _staff,
    Action.AGREEMENT_VIEW: _staff,
    Action.COACHING_MANAGE: _leads_or_staff,
    Action.COACHING_RESPOND: _own_work,
    Action.QUALITY_FILE_VIEW: sees,
    Action.KNOWLEDGE_PROMOTE: _leads_or_staff,
    Action.KNOWLEDGE_READ: _everyone,
    Action.KNOWLEDGE_EDIT: _not_agent,
    Action.SCORECARD_VIEW: _everyone,
    Action.SCORECARD_EDIT: _staff,
    Action.USER_MANAGE: _admin,
    Action.AUDIT_VIEW: _admin,
    Action.SETTINGS_VIEW: _admin,
    Action.TOKEN_MANAGE: _everyone,
    Action.SESSION_MANAGE: _everyone,
    Action.LIVE_MONITOR: _leads_or_staff,
    Action.LIVE_ASSIST: _own_work,
    Action.LIVE_HELP: _own_work,
    Action.LIVE_INGEST: _admin,
    Action.INSIGHTS_VIEW: _insights,
    Action.REPORT_SCHEDULE: _schedules,
    Action.DATA_ERASE: _admin,
    Action.LEGAL_HOLD: _admin,
    Action.RETENTION_VIEW: _admin,
    Action.PRODUCTIVITY_VIEW: _staff,
    Action.GOAL_VIEW: _goal_view,
    Action.GOAL_MANAGE: _goal_manage,
    Action.LEADERBOARD_VIEW: _everyone,
    Action.SEARCH_SHARE: _shares,
    Action.SHIFT_VIEW: _shift_view,
    Action.SHIFT_MANAGE: _shift_manage,
    Action.SHIFT_BID: _own_work,
    Action.SKILL_VIEW: _skills,
    Action.ROUTING_VIEW: _routing,
    Action.SKILL_EXPORT: _exports,
    Action.CHANNELS_VIEW: _channels,
    Action.CHANNELS_CUSTOMERS: _staff,
    Action.STANDARDS_VIEW: _schedules,
    Action.STANDARDS_APPLY: _staff,
    Action.SCENARIO_VIEW: _everyone,
    Action.SCENARIO_MANAGE: _staff,
    Action.PRACTICE_RUN: _practise,
    Action.PRACTICE_VIEW: sees,
    Action.TRAINING_ASSIGN: _schedules,
    Action.CLASS_VIEW: _class_view,
    Action.CLASS_RUN: _schedules,
    Action.MEETING_PACK: _schedules,
    Action.ROUTING_IDS_MANAGE: _admin,
}


def allowed(actor: Actor, action: Action, owner: Owner | None = None) -> bool:
    """May ``actor`` do ``action`` to the work of ``owner`` (None: not tied to anyone's work)?"""
    return _RULES[action](actor, owner)


def sees_all_productivity(actor: Actor) -> bool:
    """Admins see every analyst's productivity; a QA analyst sees only their own."""
    return actor.role is UserRole.ADMIN


def sees_review(actor: Actor, owner: Owner | None, state: str) -> bool:
    """A draft review is for reviewers only; once shared, whoever sees the work sees its review."""
    if not sees(actor, owner):
        return False
    return state != "draft" or actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST)


def sees_shift_round(actor: Actor, status: str) -> bool:
    """Agents see a round once it opens for bids; those who run rounds see drafts too."""
    return actor.role is not UserRole.AGENT or status != "draft"


def sees_shift_outcomes(actor: Actor, status: str) -> bool:
    """Agents see outcomes once the round is published; those who run or read rounds as soon as allocated."""
    return status == "published" or (actor.role is not UserRole.AGENT and status == "allocated")


def interaction_scope(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause keeping the interactions ``actor`` may see (the same rule as :func:`sees`)."""
    if actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST):
        return true()
    if actor.role is UserRole.SUPERVISOR:
        return InteractionRow.team.in_(sorted(actor.led_teams)) if actor.led_teams else false()
    if actor.agent_name is None:
        return false()
    return InteractionRow.agent == actor.agent_name
