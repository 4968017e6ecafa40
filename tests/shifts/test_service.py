"""Shift bidding rounds through the service on SQLite and PostgreSQL: import with bad rows, bids checked and
refused after the window, the allocation stored (or its refusal), publishing, fairness across rounds. The
solver is the test stand-in (solver_stub) until callqa.shifts.solver lands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bidding_support import DEMANDS_CSV, filled_round, new_round, people
from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts import service
from callqa.shifts.assemble import build_problem, missed_before
from callqa.shifts.models import RoundAgentRow, RoundDemandRow, RoundShiftRow, ShiftBidRow, ShiftOutcomeRow
from callqa.shifts.reading import agents_of
from callqa.shifts.schemas import RoundIn
from callqa.users.schemas import Actor, UserRole
from shifts.solver_stub import allocate as stub
from support import Database

BIDS = {"ann": ["L", "E", "E2"], "bob": ["L", "D", "L2"], "dee": ["E"]}


def _bid_all(session, row, ids, bids=BIDS) -> None:  # type: ignore[no-untyped-def]
    for name, choices in bids.items():
        service.submit_bid(session, row, ids[name], choices)


def test_a_round_is_created_with_its_rules_checked(db: Database) -> None:
    with db.factory.begin() as session:
        people(session)
        row = new_round(session, order=["seniority", "fairness"])
        assert (row.status, row.team, row.blocks) == ("draft", "North", ["W1", "W2"])
        assert row.rules == {"order": ["seniority", "fairness"], "max_choices": 3, "time_limit_s": 60.0}
        now = datetime.now(UTC)
        bad = [
            ({"team": "Nowhere"}, "shift round team: 'Nowhere' is not a team; known: North, South"),
            ({"order": ["luck"]}, "order: 'luck' is not a rule"),
            ({"blocks": ["W1", "W1"]}, "names a block twice"),
            ({"closes_at": now - timedelta(days=9)}, "is not after opens_at"),
            ({"max_choices": 0}, "max_choices: '0' is not from 1 to 20"),
        ]
        for change, message in bad:
            data = {
                "name": "X",
                "team": "North",
                "blocks": ["W1"],
                "opens_at": now,
                "closes_at": now + timedelta(1),
            }
            with pytest.raises(CallqaError) as caught:
                service.create_round(session, RoundIn(**(data | change)), by=None)
            assert caught.value.code is ErrorCode.O111
            assert message in str(caught.value)


def test_csv_import_loads_good_rows_and_names_each_bad_one(db: Database) -> None:
    shifts = b"""Shift_ID,Block,Label,Day,Start,End,Seats,Skills
A,W1,Night,2027-01-04,22:00,06:00,1,loans;cards
B,W9,,2027-01-04,08:00,16:00,,
C,W1,,2027-01-04,25:00,16:00,,
D,W1,,2027-01-04,08:00,16:00,-1,
,W1,,2027-01-04,08:00,16:00,,
A,W2,,2027-01-05,22:00,06:00,,
A,W1,,2027-01-05,22:00,06:00,,
Z,W1,,9999-12-31,22:00,06:00,,
"""
    with db.factory.begin() as session:
        ids = people(session)
        row = new_round(session)
        report = service.import_shifts(session, row, shifts, "shifts.csv")
        assert report.loaded == 1
        assert report.errors == (
            "[O113] shifts.csv, row 3: block 'W9' is not one of the round's (W1, W2); "
            "the row is skipped and the others are loaded",
            "[O113] shifts.csv, row 4: start '25:00' is not a time HH:MM; "
            "the row is skipped and the others are loaded",
            "[O113] shifts.csv, row 5: seats '-1' is not a whole number of at least 1; "
            "the row is skipped and the others are loaded",
            "[O113] shifts.csv, row 6: shift_id is empty; the row is skipped and the others are loaded",
            "[O113] shifts.csv, row 7: shift A is in block 'W1' on an earlier row, not 'W2'; "
            "the row is skipped and the others are loaded",
            "[O113] shifts.csv, row 9: end 06:00 would be after the year 9999; "
            "the row is skipped and the others are loaded",
        )
        stored = session.scalars(select(RoundShiftRow).where(RoundShiftRow.round_id == row.id)).one()
        assert (stored.code, stored.label, stored.seats, stored.skills) == (
            "A",
            "Night",
            1,
            ["cards", "loans"],
        )
        assert stored.spans == [  # a night shift ends the next morning
            ["2027-01-04T22:00:00", "2027-01-05T06:00:00"],
            ["2027-01-05T22:00:00", "2027-01-06T06:00:00"],
        ]
        with pytest.raises(CallqaError) as caught:  # a file without a needed column loads nothing
            service.import_shifts(session, row, b"shift_id,block,start\nA,W1,08:00\n", "other.csv")
        assert str(caught.value) == (
            "[O114] other.csv: no column date, end (columns: shift_id, block, start)"
        )
        demands = DEMANDS_CSV + b"2027-13-01,06:00,14:00,,1\n2027-01-04,06:00,14:00,,many\n"
        report = service.import_demands(session, row, demands, "demands.csv")
        assert report.loaded == 2
        assert [e.split(":")[0] for e in report.errors] == [
            "[O113] demands.csv, row 4",
            "[O113] demands.csv, row 5",
        ]
        assert "headcount 'many' is not a whole number" in report.errors[1]
        agents = b"agent,skills,blocks\nann,loans,\nzed,,\ncy,,\nbob,,W9\n"
        report = service.import_agents(session, row, agents, "agents.csv")
        assert report.loaded == 1
        assert [e.split(";")[0] for e in report.errors] == [
            "[O113] agents.csv, row 3: zed is not an active agent of team North",
            "[O113] agents.csv, row 4: cy is not an active agent of team North",
            "[O113] agents.csv, row 5: block 'W9' is not one of the round's (W1, W2)",
        ]
        settings = session.scalars(select(RoundAgentRow)).one()
        assert (settings.user_id, settings.skills, settings.blocks) == (ids["ann"], ["loans"], None)
        assert session.scalar(select(func.count(RoundDemandRow.id))) == 2


def test_bids_are_checked_and_refused_outside_the_window(db: Database) -> None:
    with db.factory.begin() as session:
        ids = people(session)
        row = filled_round(session, max_choices=1)
        refusals = [
            ("ann", ["Z"], "shift 'Z' is not one of the round's"),
            ("ann", ["E", "D"], "2 choices in block W1; at most 1 per block"),
            ("ann", ["E2", "E2"], "shift 'E2' is ranked twice"),
            ("dee", ["E2"], "shift 'E2' is in block W2, which you do not work in this round"),
            ("cy", ["E"], "only active agents of team North bid in it"),
            ("lead", ["E"], "only active agents of team North bid in it"),
        ]
        for name, choices, reason in refusals:
            with pytest.raises(CallqaError) as caught:
                service.submit_bid(session, row, ids[name], choices)
            assert str(caught.value) == f"[O115] bid in shift round 'January': {reason}"
        service.submit_bid(session, row, ids["ann"], ["E", "E2"])
        service.submit_bid(session, row, ids["ann"], ["D"])  # replaced while open
        assert session.scalars(select(ShiftBidRow.choices)).all() == [["D"]]
        later = datetime.now(UTC) + timedelta(days=2)
        with pytest.raises(CallqaError) as caught:
            service.submit_bid(session, row, ids["ann"], ["E"], now=later)
        assert caught.value.code is ErrorCode.O117
        service.close_round(session, row)
        with pytest.raises(CallqaError) as caught:
            service.submit_bid(session, row, ids["ann"], ["E"])
        assert str(caught.value) == "[O112] shift round 'January' is closed: cannot take bids"
        assert session.scalars(select(ShiftBidRow.choices)).all() == [["D"]]
        early = new_round(session, "Later", opens_in=timedelta(hours=5))
        service.import_shifts(
            session, early, b"shift_id,block,date,start,end\nX,W1,2027-01-04,08:00,16:00\n", "s.csv"
        )
        service.open_round(session, early)
        with pytest.raises(CallqaError) as caught:
            service.submit_bid(session, early, ids["ann"], ["X"])
        assert caught.value.code is ErrorCode.O117


def test_allocation_stores_outcomes_shares_and_coverage_then_publishes(db: Database) -> None:
    with db.factory.begin() as session:
        ids = people(session)
        row = filled_round(session)
        _bid_all(session, row, ids)
        with pytest.raises(CallqaError) as caught:
            service.allocate_round(session, row, allocate=stub)
        assert str(caught.value) == "[O112] shift round 'January' is open: cannot allocate"
        service.close_round(session, row)
        problem, _ = build_problem(session, row)
        assert {a.id: (a.hired is not None, sorted(a.skills), a.blocks) for a in problem.agents} == {
            "ann": (True, ["cards", "loans"], None),
            "bob": (True, ["cards"], None),
            "dee": (False, [], frozenset({"W1"})),
        }
        service.allocate_round(session, row, allocate=stub)
        assert (row.status, row.error) == ("allocated", None) and row.solver_status in ("optimal", "feasible")
        assert row.granted == {"1": 0.8, "2": 0.2}
        assert row.requests_met == pytest.approx(1.0)
        assert [(c["starts"], c["skill"], c["headcount"], c["assigned"]) for c in row.coverage or []] == [
            ("2027-01-04T06:00:00", None, 1, 1),
            ("2027-01-04T14:00:00", "loans", 1, 1),
        ]
        names = {v: k for k, v in ids.items()}
        outcomes = session.scalars(
            select(ShiftOutcomeRow).order_by(ShiftOutcomeRow.block, ShiftOutcomeRow.user_id)
        )
        got = [(names[o.user_id], o.block, o.shift_code, o.choice, o.first_choice) for o in outcomes]
        assert got == [
            ("ann", "W1", "L", 1, "L"),
            ("bob", "W1", "D", 2, "L"),
            ("dee", "W1", "E", 1, "E"),
            ("ann", "W2", "E2", 1, "E2"),
            ("bob", "W2", "L2", 1, "L2"),
        ]
        service.publish_round(session, row)
        assert row.status == "published" and row.published_at is not None
        with pytest.raises(CallqaError) as caught:
            service.allocate_round(session, row, allocate=stub)
        assert caught.value.code is ErrorCode.O112


def test_infeasible_coverage_is_stored_on_the_round_and_nothing_can_be_published(db: Database) -> None:
    with db.factory.begin() as session:
        ids = people(session)
        row = filled_round(session)
        service.import_demands(
            session, row, b"date,start,end,skill,headcount\n2027-01-04,06:00,14:00,,5\n", "d.csv"
        )
        _bid_all(session, row, ids)
        service.close_round(session, row)
        service.allocate_round(session, row, allocate=stub)
        assert row.status == "closed"
        assert row.error is not None and row.error.startswith("[O1")  # the solver's coded message
        assert (
            "2027-01-04 06:00–14:00" in row.error and "5" in row.error
        )  # the interval short, and of how many
        assert session.scalar(select(func.count(ShiftOutcomeRow.id))) == 0
        with pytest.raises(CallqaError) as caught:
            service.publish_round(session, row)
        assert str(caught.value) == "[O112] shift round 'January' is closed: cannot publish"
        service.import_demands(session, row, DEMANDS_CSV, "demands.csv")  # fixed: run again
        service.allocate_round(session, row, allocate=stub)
        assert (row.status, row.error) == ("allocated", None)


def test_who_missed_their_first_choice_gets_priority_in_the_next_round(db: Database) -> None:
    with db.factory.begin() as session:
        ids = people(session)
        first = filled_round(session)
        _bid_all(session, first, ids)  # bob misses his first choice L to the more senior ann
        service.close_round(session, first)
        service.allocate_round(session, first, allocate=stub)
        second = filled_round(session, "February")
        assert missed_before(session, second) == {}  # allocated is not published: it does not count yet
        service.publish_round(session, first)
        south = filled_round(session, "South January", team="South")
        assert missed_before(session, south) == {}  # another team's rounds do not count
        assert missed_before(session, second) == {ids["bob"]: 1}
        service.import_agents(session, second, b"agent,skills\nann,loans\nbob,loans\n", "agents.csv")
        _bid_all(session, second, ids, {"ann": ["L"], "bob": ["L"], "dee": ["E"]})
        service.close_round(session, second)
        problem, _ = build_problem(session, second)
        assert {a.id: a.missed_before for a in problem.agents} == {"ann": 0, "bob": 1, "dee": 0}
        shown = agents_of(
            session,
            second,
            Actor(ids["lead"], "lead", "Lead", UserRole.SUPERVISOR, led_teams=frozenset({"North"})),
        )
        assert [(a.agent.username, a.missed_before) for a in shown] == [("ann", 0), ("bob", 1), ("dee", 0)]
        service.allocate_round(session, second, allocate=stub)
        late = session.scalars(
            select(ShiftOutcomeRow.user_id).where(
                ShiftOutcomeRow.round_id == second.id, ShiftOutcomeRow.shift_code == "L"
            )
        ).all()
        assert second.error is None
        assert late == [ids["bob"]]  # fairness comes first in this round's rules


def test_a_bid_keeps_only_the_blocks_the_agent_still_works(db: Database) -> None:
    with db.factory.begin() as session:
        ids = people(session)
        row = filled_round(session)
        service.submit_bid(session, row, ids["bob"], ["L", "E2"])
        service.close_round(session, row)
        service.import_agents(
            session, row, b"agent,skills,blocks\nbob,cards,W2\n", "agents.csv"
        )  # after bidding
        problem, _ = build_problem(session, row)
        assert [(b.agent, b.choices) for b in problem.bids] == [("bob", ("E2",))]
        assert session.scalars(select(ShiftBidRow.choices)).all() == [["L", "E2"]]  # the bid itself is kept
