"""Issue 18: a hostile folder of over 200 bad or odd files, with valid ones mixed in, through the real CLI.

``callqa ingest`` must finish (no hang), print no traceback, exit 1 (the documented code when anything
failed), name every bad file with an error code and store every valid item; ``callqa score`` must then
score every valid item. Runs on SQLite, and on PostgreSQL when the test command started one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from callqa.ingest.models import IngestFailureRow
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import EvaluationRow, ScoreFailureRow
from hostile.generate import Expect, generate
from support import Database

pytestmark = [pytest.mark.issue(18), pytest.mark.db, pytest.mark.slow]

CODE = re.compile(r"^\[([A-Z]\d{3})\] ")
# What the runner's last-resort handler writes for an exception no format expected: a bug, not a bad file.
UNEXPECTED = re.compile(r"\[I103\] cannot read file: [\w-]+: \w+(Error|Exception)\(")


def callqa(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callqa", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang fails the test instead of stalling the suite
        check=False,
    )


def test_a_hostile_corpus_is_ingested_and_scored_without_a_traceback(db: Database, tmp_path: Path) -> None:
    corpus = tmp_path / "inbox"
    manifest = generate(corpus)
    bad_or_odd = [k for k, e in manifest.items() if e.kind not in ("valid", "skipped")]
    assert len(bad_or_odd) + sum(e.kind == "skipped" for e in manifest.values()) >= 200
    data = tmp_path / "data"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "CALLQA_DATABASE_URL": db.url,
        "CALLQA_DATA_DIR": str(data),
    }
    env.pop("CALLQA_CONFIG_FILE", None)

    began = time.monotonic()
    ingest = callqa(["ingest", "--no-progress", str(corpus)], env, tmp_path, timeout=600)
    ingest_s = time.monotonic() - began
    for output in (ingest.stdout, ingest.stderr):
        assert "Traceback" not in output, output[-3000:]
    assert ingest.returncode == 1, ingest.stdout + ingest.stderr[-3000:]

    with db.factory() as session:
        rows = session.execute(select(IngestFailureRow.path, IngestFailureRow.message)).all()
        stored = dict(session.execute(select(InteractionRow.external_id, InteractionRow.ingested_from)).all())
    failures: dict[str, list[str]] = {}
    for path, message in rows:
        assert CODE.match(message), message
        assert not UNEXPECTED.search(message), message
        failures.setdefault(path, []).append(message)
    origins = {origin for origin in stored.values() if origin}

    problems: list[str] = []
    for name, expect in manifest.items():
        path = str(corpus / name)
        problems += _check(path, expect, failures.get(path, []), stored, origins, ingest.stderr)
    assert not problems, "\n".join(problems)

    began = time.monotonic()
    score = callqa(["score"], env, tmp_path, timeout=900)
    score_s = time.monotonic() - began
    for output in (score.stdout, score.stderr):
        assert "Traceback" not in output, output[-3000:]
    assert score.returncode == 0, score.stdout + score.stderr[-3000:]
    valid_ids = {i for e in manifest.values() if e.kind in ("valid", "partial") for i in e.ids}
    with db.factory() as session:
        evaluated = set(
            session.scalars(
                select(InteractionRow.external_id)
                .join(EvaluationRow, EvaluationRow.interaction_id == InteractionRow.id)
                .where(EvaluationRow.is_current.is_(True))
            )
        )
        assert session.scalars(select(ScoreFailureRow.message)).all() == []
    assert valid_ids <= evaluated, sorted(valid_ids - evaluated)
    assert evaluated == set(stored)
    for log in data.rglob("*.log"):
        assert "Traceback" not in log.read_text("utf-8", errors="replace"), log
    timing = f"ingest {ingest_s:.1f} s, score {score_s:.1f} s"
    print(f"\nhostile corpus on {db.backend}: {len(manifest)} entries, {timing}")


def _check(
    path: str,
    expect: Expect,
    named: list[str],
    stored: dict[str, str | None],
    origins: set[str],
    stderr: str,
) -> list[str]:
    """What is wrong with how one file was handled, as readable lines (empty when all is well)."""
    codes = [m.group(1) for message in named if (m := CODE.match(message))]
    missing = [i for i in expect.ids if i not in stored]
    wrong = [c for c in codes if expect.codes and c not in expect.codes]
    was_stored = path in origins or any(o.startswith(path + ":") for o in origins)
    if expect.kind == "valid" and (named or missing):
        return [f"{path}: valid ({expect.what}) but named {named} / not stored {missing}"]
    if expect.kind == "partial" and (not named or missing or wrong):
        return [f"{path}: partial ({expect.what}): named {named}, not stored {missing}"]
    if expect.kind == "bad" and (not named or wrong):
        return [f"{path}: bad ({expect.what}) but named {named or 'nowhere'} (allowed {expect.codes})"]
    if expect.kind == "skipped" and f"{path}: skipped, " not in stderr:
        return [f"{path}: {expect.what} not reported as skipped"]
    if expect.kind == "odd" and not (named or was_stored):
        return [f"{path}: odd ({expect.what}) neither stored nor named"]
    return []
