"""The monthly QA – team-lead meeting pack of one team: its recurring failures (criterion × contact reason,
from the official results of real evaluations, against the previous month), the classes held, practice
results, assignments and coaching follow-ups. Read-only; CSV and Markdown renderings for download.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, tzinfo
from html import escape
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.coaching.models import CoachingRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.training.models import (
    AssignmentRow,
    ClassCommentRow,
    ClassItemRow,
    PracticeRow,
    TrainingClassRow,
)
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import UserRole

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FAILURE_ROWS = 20  # the most frequent criterion × reason pairs shown


@dataclass(frozen=True)
class Failure:
    criterion: str
    title: str
    reason: str  # '' = no contact reason recognised
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass(frozen=True)
class ClassHeld:
    id: int
    title: str
    held_at: datetime
    items: int
    comments: int
    articles: int  # comments promoted to knowledge-base articles


@dataclass(frozen=True)
class AgentPractice:
    agent: str
    practices: int
    passed: int
    average_score: float | None
    harder_branches: int

    @property
    def pass_rate(self) -> float | None:
        return round(self.passed / self.practices, 3) if self.practices else None


@dataclass(frozen=True)
class AssignmentCounts:
    made: int  # assignments made in the month
    done: int  # of those, done
    open: int
    overdue: int  # of those, open past their due date at the end of the month (or today)
    cancelled: int


@dataclass(frozen=True)
class FollowUp:
    coaching_id: int
    agent: str
    title: str
    result: str | None
    followed_up_at: datetime


@dataclass(frozen=True)
class MeetingPack:
    team: str
    month: str
    failures: list[Failure]
    classes: list[ClassHeld]
    practice: list[AgentPractice]
    assignments: AssignmentCounts
    follow_ups: list[FollowUp]

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            return value.isoformat() if isinstance(value, datetime) else value

        return {
            "team": self.team,
            "month": self.month,
            "failures": [{**asdict(f), "change": f.change} for f in self.failures],
            "classes": [{k: plain(v) for k, v in asdict(c).items()} for c in self.classes],
            "practice": [{**asdict(p), "pass_rate": p.pass_rate} for p in self.practice],
            "assignments": asdict(self.assignments),
            "follow_ups": [{k: plain(v) for k, v in asdict(f).items()} for f in self.follow_ups],
        }


def month_bounds(month: str, zone: tzinfo = UTC) -> tuple[datetime, datetime, datetime]:
    """The previous month's start, the month's start and its end (exclusive), local midnight in ``zone``;
    T150 unless ``month`` is YYYY-MM."""
    found = _MONTH.match(month.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or not 1971 <= int(found.group(1)) <= 2999:
        raise CallqaError(ErrorCode.T150, field="month", value=month[:20], reason="is not a month (YYYY-MM)")
    year, number = int(found.group(1)), int(found.group(2))

    def start(y: int, m: int) -> datetime:
        return datetime(y + (m - 1) // 12, (m - 1) % 12 + 1, 1, tzinfo=zone)

    return start(year, number - 1), start(year, number), start(year, number + 1)


def _team(session: Session, name: str) -> TeamRow:
    row = session.scalar(select(TeamRow).where(TeamRow.name == name.strip()))
    if row is None:
        raise CallqaError(ErrorCode.T150, field="team", value=name[:80], reason="is not a team")
    return row


def _failures(
    session: Session, team: str, start: datetime, end: datetime
) -> dict[tuple[str, str], tuple[str, int]]:
    reason = AnalysisRow.data["reason"]["id"].as_string()
    query = (
        select(CriterionResultRow.criterion, reason, func.max(CriterionResultRow.title), func.count())
        .select_from(InteractionRow)
        .join(EvaluationRow, EvaluationRow.interaction_id == InteractionRow.id)
        .join(CriterionResultRow, CriterionResultRow.evaluation_id == EvaluationRow.id)
        .outerjoin(AnalysisRow, AnalysisRow.interaction_id == InteractionRow.id)
        .where(
            InteractionRow.team == team,
            InteractionRow.started_at >= start,
            InteractionRow.started_at < end,
            EvaluationRow.is_current.is_(True),
            CriterionResultRow.outcome == "fail",
        )
        .group_by(CriterionResultRow.criterion, reason)
    )
    return {(c, r or ""): (t, int(n)) for c, r, t, n in session.execute(query)}


def recurring_failures(
    session: Session, team: str, before: datetime, start: datetime, end: datetime
) -> list[Failure]:
    now = _failures(session, team, start, end)
    earlier = _failures(session, team, before, start)
    rows = [
        Failure(criterion, title, reason, count, earlier.get((criterion, reason), ("", 0))[1])
        for (criterion, reason), (title, count) in now.items()
    ]
    rows.sort(key=lambda f: (-f.count, f.criterion, f.reason))
    return rows[:FAILURE_ROWS]


def classes_held(session: Session, team_id: int, start: datetime, end: datetime) -> list[ClassHeld]:
    classes = session.scalars(
        select(TrainingClassRow)
        .where(
            TrainingClassRow.team_id == team_id,
            TrainingClassRow.state == "held",
            TrainingClassRow.held_at >= start,
            TrainingClassRow.held_at < end,
        )
        .order_by(TrainingClassRow.held_at)
    ).all()
    out = []
    for c in classes:
        items = select(ClassItemRow.id).where(ClassItemRow.class_id == c.id)
        comments = session.execute(
            select(func.count(ClassCommentRow.id), func.count(ClassCommentRow.article_id)).where(
                ClassCommentRow.item_id.in_(items)
            )
        ).one()
        n_items = session.scalar(select(func.count()).select_from(items.subquery())) or 0
        assert c.held_at is not None  # the query keeps only held classes with a time
        out.append(ClassHeld(c.id, c.title, c.held_at, int(n_items), int(comments[0]), int(comments[1])))
    return out


def practice_results(session: Session, team_id: int, start: datetime, end: datetime) -> list[AgentPractice]:
    query = (
        select(
            PracticeRow.agent_name,
            func.count(PracticeRow.id),
            func.count(PracticeRow.id).filter(PracticeRow.passed.is_(True)),
            func.avg(PracticeRow.score),
            func.coalesce(func.sum(PracticeRow.harder_branches), 0),
        )
        .join(UserRow, UserRow.id == PracticeRow.agent_id)
        .where(
            UserRow.team_id == team_id,
            PracticeRow.state == "finished",
            PracticeRow.finished_at >= start,
            PracticeRow.finished_at < end,
        )
        .group_by(PracticeRow.agent_name)
        .order_by(PracticeRow.agent_name)
    )
    return [
        AgentPractice(name, int(n), int(passed), round(float(avg), 1) if avg is not None else None, int(hb))
        for name, n, passed, avg, hb in session.execute(query)
    ]


def assignment_counts(session: Session, team_id: int, start: datetime, end: datetime) -> AssignmentCounts:
    """Assignments made in the month to the team's agents; overdue as of the month's last day (or today)."""
    rows = session.scalars(
        select(AssignmentRow)
        .join(UserRow, UserRow.id == AssignmentRow.agent_id)
        .where(UserRow.team_id == team_id, AssignmentRow.created_at >= start, AssignmentRow.created_at < end)
    ).all()
    last_day = min(datetime.now(UTC).date(), date.fromordinal(end.date().toordinal() - 1))
    states = [r.state for r in rows]
    overdue = sum(1 for r in rows if r.state == "open" and r.due_on is not None and r.due_on < last_day)
    return AssignmentCounts(
        len(rows), states.count("done"), states.count("open"), overdue, states.count("cancelled")
    )


def follow_ups(session: Session, team_id: int, start: datetime, end: datetime) -> list[FollowUp]:
    agents = select(UserRow.agent_name).where(
        UserRow.team_id == team_id, UserRow.role == UserRole.AGENT.value, UserRow.agent_name.is_not(None)
    )
    rows = session.scalars(
        select(CoachingRow)
        .where(
            CoachingRow.agent_name.in_(agents),
            CoachingRow.followed_up_at >= start,
            CoachingRow.followed_up_at < end,
        )
        .order_by(CoachingRow.followed_up_at)
    ).all()
    return [
        FollowUp(r.id, r.agent_name, r.title, r.follow_up_result, r.followed_up_at)
        for r in rows
        if r.followed_up_at is not None
    ]


def meeting_pack(session: Session, team: str, month: str, zone: tzinfo = UTC) -> MeetingPack:
    """The pack of ``team`` for ``month`` (YYYY-MM, in ``zone``); T150 for an unknown team or bad month."""
    before, start, end = month_bounds(month, zone)
    row = _team(session, team)
    return MeetingPack(
        team=row.name,
        month=month.strip(),
        failures=recurring_failures(session, row.name, before, start, end),
        classes=classes_held(session, row.id, start, end),
        practice=practice_results(session, row.id, start, end),
        assignments=assignment_counts(session, row.id, start, end),
        follow_ups=follow_ups(session, row.id, start, end),
    )


def as_csv(pack: MeetingPack) -> str:
    """One table: a ``section`` column, then the section's own columns (each section has a header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "team", pack.team, "month", pack.month])
    writer.writerow(["failures", "criterion", "title", "reason", "count", "previous", "change"])
    for f in pack.failures:
        writer.writerow(["failures", f.criterion, f.title, f.reason, f.count, f.previous, f.change])
    writer.writerow(["classes", "id", "title", "held_at", "items", "comments", "articles"])
    for c in pack.classes:
        writer.writerow(["classes", c.id, c.title, c.held_at.isoformat(), c.items, c.comments, c.articles])
    writer.writerow(["practice", "agent", "practices", "passed", "pass_rate", "average_score", "harder"])
    for p in pack.practice:
        row = [p.agent, p.practices, p.passed, p.pass_rate, p.average_score, p.harder_branches]
        writer.writerow(["practice", *row])
    a = pack.assignments
    writer.writerow(["assignments", "made", "done", "open", "overdue", "cancelled"])
    writer.writerow(["assignments", a.made, a.done, a.open, a.overdue, a.cancelled])
    writer.writerow(["follow_ups", "coaching_id", "agent", "title", "result", "followed_up_at"])
    for u in pack.follow_ups:
        writer.writerow(
            ["follow_ups", u.coaching_id, u.agent, u.title, u.result, u.followed_up_at.isoformat()]
        )
    return out.getvalue()


Section = tuple[str, list[str], list[list[object]]]


def sections(pack: MeetingPack) -> list[Section]:
    """The pack as titled tables (what the Markdown and the printable page show)."""
    a = pack.assignments
    return [
        (
            "Recurring failures",
            ["Criterion", "Contact reason", "Failures", "Previous month", "Change"],
            [
                [f.title or f.criterion, f.reason, f.count, f.previous, f"{f.change:+d}"]
                for f in pack.failures
            ],
        ),
        (
            "Classes held",
            ["Class", "Held", "Items", "Comments", "Articles"],
            [[c.title, c.held_at.date().isoformat(), c.items, c.comments, c.articles] for c in pack.classes],
        ),
        (
            "Practice",
            ["Agent", "Practices", "Pass rate", "Average score", "Harder branches"],
            [
                [p.agent, p.practices, _percent(p.pass_rate), p.average_score, p.harder_branches]
                for p in pack.practice
            ],
        ),
        (
            "Assignments",
            ["Made", "Done", "Open", "Overdue", "Cancelled"],
            [[a.made, a.done, a.open, a.overdue, a.cancelled]],
        ),
        (
            "Coaching follow-ups",
            ["Agent", "Coaching", "Result", "Followed up"],
            [[u.agent, u.title, u.result, u.followed_up_at.date().isoformat()] for u in pack.follow_ups],
        ),
    ]


def _percent(value: float | None) -> str | None:
    return f"{value:.0%}" if value is not None else None


def _cell(value: object) -> str:
    return "–" if value is None or value == "" else str(value)


def as_markdown(pack: MeetingPack) -> str:
    lines = [f"# Meeting pack: {pack.team}, {pack.month}"]
    for title, header, rows in sections(pack):
        lines += ["", f"## {title}", ""]
        if not rows:
            lines.append("_none_")
            continue
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in rows:
            cells = (_cell(v).replace("|", "\\|").replace("\n", " ") for v in row)
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def as_html(pack: MeetingPack) -> str:
    """A standalone printable page (what the PDF is printed from)."""
    title = escape(f"Meeting pack: {pack.team}, {pack.month}")
    parts = [
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>',
        "<style>body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse;margin-bottom:1em}"
        "td,th{border:1px solid #999;padding:2px 6px;text-align:start}</style></head><body>",
        f"<h1>{title}</h1>",
    ]
    for name, header, rows in sections(pack):
        parts.append(f"<h2>{escape(name)}</h2>")
        if not rows:
            parts.append("<p>none</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>")
        for row in rows:
            parts.append("<tr>" + "".join(f'<td dir="auto">{escape(_cell(v))}</td>' for v in row) + "</tr>")
        parts.append("</table>")
    return "".join(parts) + "</body></html>"
