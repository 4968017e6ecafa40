"""``callqa shifts`` on SQLite and PostgreSQL: a round created, filled from CSV files (a bad row printed and
the exit code 1), opened, closed, allocated (the test stand-in solver until callqa.shifts.solver lands),
published and shown; every step audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bidding_support import AGENTS_CSV, DEMANDS_CSV, SHIFTS_CSV, new_round, people
from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.cli import shifts as shifts_cli
from callqa.shifts import service
from callqa.shifts.models import RoundDemandRow, RoundShiftRow, ShiftRoundRow
from shifts.solver_stub import allocate as stub
from support import Database

runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["shifts", *args])
    assert result.exit_code == code, result.output
    return result.output


def test_a_round_from_the_command_line(
    cli_env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shifts_cli, "ALLOCATE", stub)
    with cli_env.factory.begin() as session:
        ids = people(session)
    out = _run(
        "create",
        "January",
        "--team",
        "North",
        "--block",
        "W1",
        "--block",
        "W2",
        "--opens",
        "2026-01-01T00:00",
        "--closes",
        "2099-01-01T00:00",
    )
    assert out.strip() == "created round 1: January (draft)"
    assert "[O111] shift round team: 'Nowhere' is not a team" in _run(
        "create",
        "X",
        "--team",
        "Nowhere",
        "--block",
        "W1",
        "--opens",
        "2026-01-01",
        "--closes",
        "2027-01-01",
        code=2,
    )
    files = {}
    for kind, data in (
        ("shifts", SHIFTS_CSV + b"Q,W7,,2027-01-04,06:00,14:00,,\n"),
        ("demands", DEMANDS_CSV),
        ("agents", AGENTS_CSV),
    ):
        files[kind] = tmp_path / f"{kind}.csv"
        files[kind].write_bytes(data)
    out = _run("import", "1", "shifts", str(files["shifts"]), code=1)
    assert "[O113] shifts.csv, row 8: block 'W7' is not one of the round's (W1, W2)" in out
    assert "5 shifts loaded from shifts.csv" in out
    assert "2 demands loaded" in _run("import", "1", "demands", str(files["demands"]))
    assert "3 agents loaded" in _run("import", "1", "agents", str(files["agents"]))
    assert _run("open", "1").strip() == "round 1: open"
    with cli_env.factory.begin() as session:
        row = service.get_round(session, 1)
        service.submit_bid(session, row, ids["ann"], ["L", "E2"])
        service.submit_bid(session, row, ids["bob"], ["L", "D"])
    assert "[O112] shift round 'January' is open: cannot publish" in _run("publish", "1", code=2)
    _run("close", "1")
    out = _run("allocate", "1")
    assert "round 1: allocated (" in out and "choice 1: 67%, choice 2: 33%; requests met: 100%" in out
    _run("publish", "1")
    shown = _run("show", "1")
    assert "January (North): published" in shown and "5 shifts, 2 demands, 2 bids" in shown
    assert next(line.split()[:4] for line in shown.splitlines() if line.startswith("bob")) == [
        "bob",
        "W1",
        "D",
        "2",
    ]
    assert _run("show").split() == ["1", "January", "North", "published"]
    assert "[O110] shift round 7 not found" in _run("show", "7", code=2)
    with cli_env.factory() as session:
        audited = session.scalars(select(AuditRow.action).where(AuditRow.resource == "shift_round")).all()
        assert audited == ["create", "import", "import", "import", "open", "close", "allocate", "publish"]
        assert session.scalar(select(ShiftRoundRow.status)) == "published"


def test_shifts_and_demands_entered_one_at_a_time(cli_env: Database) -> None:
    with cli_env.factory.begin() as session:
        people(session)
    window = ["--block", "W1", "--opens", "2026-01-01T00:00", "--closes", "2099-01-01T00:00"]
    _run("create", "May", "--team", "North", *window)
    shift = [
        "--block",
        "W1",
        "--day",
        "2027-01-04",
        "--day",
        "2027-01-05",
        "--start",
        "22:00",
        "--end",
        "06:00",
    ]
    assert _run("add-shift", "1", "N", *shift, "--seats", "2").strip() == "round 1: shift N added"
    taken = _run("add-shift", "1", "N", *shift, code=2)
    assert "[O119] shift round 'May': shift 'N' exists already; edit it instead" in taken
    bad = _run("add-shift", "1", "X", *shift[:-1], "6pm", code=2)
    assert "[O118] shift round 'May', shift 'X': end '6pm' is not a time HH:MM; nothing is stored" in bad
    assert "replaced" in _run("add-shift", "1", "N", *shift, "--skill", "loans", "--replace")
    out = _run(
        "add-demand", "1", "--day", "2027-01-04", "--start", "22:00", "--end", "23:00", "--headcount", "1"
    )
    demand_id = int(out.split()[3])
    refused = _run(
        "add-demand",
        "1",
        "--day",
        "2027-02-30",
        "--start",
        "1:00",
        "--end",
        "2:00",
        "--headcount",
        "1",
        code=2,
    )
    assert "[O121] shift round 'May', demand (new): date '2027-02-30' is not YYYY-MM-DD" in refused
    with cli_env.factory() as session:
        stored = session.scalars(select(RoundShiftRow)).one()
        assert (stored.code, stored.seats, stored.skills, len(stored.spans)) == ("N", None, ["loans"], 2)
        assert session.scalars(select(RoundDemandRow.id)).all() == [demand_id]
    _run("remove-demand", "1", str(demand_id))
    _run("remove-shift", "1", "N")
    assert "[O120] shift round 'May': no shift 'N'" in _run("remove-shift", "1", "N", code=2)
    with cli_env.factory() as session:
        audited = session.scalars(select(AuditRow.action).where(AuditRow.resource == "shift_round")).all()
        assert audited == ["create", "add_shift", "edit_shift", "add_demand", "delete_demand", "delete_shift"]
        assert session.scalar(select(RoundShiftRow.id)) is None


def test_close_due_closes_the_rounds_past_their_window_once(cli_env: Database) -> None:
    with cli_env.factory.begin() as session:
        people(session)
        past, running = new_round(session, "Past"), new_round(session, "Running")
        for row in (past, running):
            service.import_shifts(session, row, SHIFTS_CSV, "shifts.csv")
            service.open_round(session, row)
        past.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    assert _run("close-due").strip() == "round 1: closed (its window ended)"
    assert _run("close-due").strip() == "no round to close"
    with cli_env.factory() as session:
        assert session.scalars(select(ShiftRoundRow.status).order_by(ShiftRoundRow.id)).all() == [
            "closed",
            "open",
        ]
        audited = session.execute(select(AuditRow.username, AuditRow.action, AuditRow.resource_id)).all()
        assert [tuple(a) for a in audited] == [("system", "close", "1")]
