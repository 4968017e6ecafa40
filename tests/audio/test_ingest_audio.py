"""``callqa ingest`` on call recordings, end to end on the real call: transcripts, roles, stored copies,
originals deleted only once stored, bad files reported by name, re-imports and interrupted runs resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from audio.asr_support import heard, stereo_call
from callqa.audio.decode import Audio, load_audio, write_audio
from callqa.cli import app
from callqa.db.engine import create_db_engine, session_factory
from callqa.interactions.models import InteractionRow
from callqa.interactions.service import load_document
from callqa.storage.files import FileStore
from support import Database

pytestmark = pytest.mark.issue(4)
CONFIG = "ingest:\n  audio:\n    model: tiny.en\n    company: [Auto Repairs]\n{extra}"


@pytest.fixture(scope="module")
def call() -> Audio:
    return stereo_call()


def clip(call: Audio, start_s: float, end_s: float) -> Audio:
    rate = call.sample_rate
    return Audio(call.samples[:, int(start_s * rate) : int(end_s * rate)].copy(), rate, call.source_rate)


@pytest.fixture
def env(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Database]:
    monkeypatch.setenv("CALLQA_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("CALLQA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CALLQA_CONFIG_FILE", raising=False)
    yield sqlite_db


def config_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "callqa.yaml"
    path.write_text(CONFIG.format(extra=extra), encoding="utf-8")
    return path


def ingest(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ingest", "--no-progress", *args])
    return result.exit_code, result.output


def stored(db: Database) -> dict[str, int]:
    with db.factory() as session:
        return dict(session.execute(select(InteractionRow.external_id, InteractionRow.id)).all())


def test_a_folder_of_recordings_becomes_role_labelled_interactions(
    env: Database, call: Audio, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_audio(folder / "clip-a.flac", clip(call, 0, 45))
    write_audio(folder / "clip-b.wav", clip(call, 45, 90), sample_rate=8000, codec="pcm_mulaw")
    (folder / "clip-a.json").write_text(json.dumps({"agent": "a.kim", "queue": "repairs"}), encoding="utf-8")
    (folder / "broken.wav").write_text("this is not audio at all\n" * 20, encoding="utf-8")

    code, output = ingest(str(folder), "--config", str(config_file(tmp_path)))

    assert code == 1, output
    assert "broken.wav: [I700] cannot decode audio: the file holds text, not audio" in output
    assert "3 files: 2 created, 0 updated, 0 unchanged" in output
    ids = stored(env)
    assert set(ids) == {"clip-a", "clip-b"}
    store = FileStore(tmp_path / "data" / "files")
    with env.factory() as session:
        first = load_document(session, ids["clip-a"])
        second = load_document(session, ids["clip-b"])
    assert (first.agent, first.queue, first.channel.value) == ("a.kim", "repairs", "voice")
    for doc, rate in ((first, 16_000), (second, 8000)):  # the copy keeps the file's rate (up to 16 kHz)
        assert {t.role.value for t in doc.turns} == {"agent", "customer"}
        assert all(t.start_ms is not None and t.end_ms is not None for t in doc.turns)
        recording = doc.recording
        assert recording is not None and recording.channels == 2
        assert recording.transcription["layout"] == "stereo"
        assert recording.transcription["roles"] == {"0": "agent", "1": "customer"}
        # measured 2026-12, AVX-512: 0.9933 for both clips (phrase weights 5.0 apart: "thank you for calling"
        # + spoke first vs "i'm calling"; the 45-90 s clip on four lesser agent phrases); one phrase Whisper
        # spells otherwise takes it to 0.88-0.97. Bound 0.8: more than who spoke first (0.62) alone.
        assert recording.transcription["role_confidence"] > 0.8
        assert "silence_total_s" in recording.transcription["metrics"]
        copy = store.local_path(recording.uri)
        assert copy is not None and copy.suffix == ".flac"
        kept = load_audio(copy)
        assert abs(kept.duration_ms - 45_000) < 100 and kept.source_rate == rate
        peaks = json.loads(store.read_bytes(recording.peaks_uri or ""))
        assert peaks["channels"] == 2 and peaks["length"] >= 45 * 20 - 1
    agent_text = " ".join(t.text for t in first.turns if t.role.value == "agent").lower()
    assert heard("thank you for calling", agent_text)
    shown = CliRunner().invoke(app, ["show", "clip-a"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "recording 0:45, stereo, tiny.en (en), roles by content, confidence" in shown.output
    # the originals are gone once stored; the file that failed stays where it was
    assert sorted(p.name for p in folder.iterdir()) == ["broken.wav", "clip-a.json"]


def test_kept_originals_and_a_reimport_of_the_same_bytes(env: Database, call: Audio, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_audio(folder / "clip.flac", clip(call, 0, 30))
    config = config_file(tmp_path, "    keep_original: true\n")

    code, output = ingest(str(folder), "--config", str(config))
    assert code == 0, output
    assert (folder / "clip.flac").is_file()
    with env.factory() as session:
        doc = load_document(session, stored(env)["clip"])
    assert doc.recording is not None and doc.recording.original_uri is not None
    store = FileStore(tmp_path / "data" / "files")
    assert store.read_bytes(doc.recording.original_uri) == (folder / "clip.flac").read_bytes()

    started = time.perf_counter()
    code, output = ingest(str(folder), "--config", str(config))
    assert code == 0 and "1 files: 0 created, 0 updated, 1 unchanged" in output, output
    assert time.perf_counter() - started < 10  # recognised by its digest, not transcribed again
    assert len(stored(env)) == 1


def test_workers_and_an_interrupted_run_lose_nothing_and_do_nothing_twice(
    env: Database, call: Audio, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(3):
        write_audio(folder / f"part-{index}.flac", clip(call, 30 * index, 30 * index + 30))
    config = config_file(tmp_path)
    command = [sys.executable, "-m", "callqa", "ingest", "--no-progress", "--workers", "2", str(folder)]
    command += ["--config", str(config)]
    process = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    engine = create_db_engine(env.url)
    factory = session_factory(engine)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            with factory() as session:
                if (session.scalar(select(func.count(InteractionRow.id))) or 0) >= 1:
                    break
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its workers die mid-way
        process.wait()
        engine.dispose()
    interrupted = stored(env)
    assert 1 <= len(interrupted) < 3  # part-2 waits for a free worker: the kill lands before it is stored
    left = sorted(p.name for p in folder.iterdir())
    assert all(f"{name}.flac" in left for name in {"part-0", "part-1", "part-2"} - set(interrupted))

    code, output = ingest(str(folder), "--workers", "2", "--config", str(config))

    assert code == 0, output
    assert set(stored(env)) == {"part-0", "part-1", "part-2"}
    assert list(folder.iterdir()) == []
    with env.factory() as session:
        counts = session.execute(
            select(InteractionRow.external_id, func.count()).group_by(InteractionRow.external_id)
        ).all()
    assert all(n == 1 for _, n in counts)


def test_a_mono_recording_is_diarized_into_agent_and_customer(
    env: Database, call: Audio, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    part = clip(call, 0, 60)
    mono = Audio(
        part.samples.mean(axis=0, dtype=np.float32)[np.newaxis, :], part.sample_rate, part.source_rate
    )
    write_audio(folder / "mono.wav", mono, sample_rate=8000)

    code, output = ingest(str(folder), "--config", str(config_file(tmp_path)))

    assert code == 0, output
    with env.factory() as session:
        doc = load_document(session, stored(env)["mono"])
    assert doc.recording is not None and doc.recording.transcription["layout"] == "mono"
    assert {t.role.value for t in doc.turns} == {"agent", "customer"}
    assert doc.turns[0].role.value == "agent"  # the agent answers
    assert 0.5 < doc.recording.transcription["role_confidence"] <= 1.0


def test_the_demo_call_recording_goes_the_whole_way() -> None:
    from qa_support import demo_interactions

    doc = demo_interactions()["en-audio-01"]
    assert doc.recording is not None and doc.recording.transcription["layout"] == "stereo"
    assert (doc.agent, doc.queue) == ("a.kim", "cards")  # from the sidecar
    text = " ".join(t.text for t in doc.turns)
    assert heard("acme bank", text) and "[CARD_NUMBER]" in text and "4646" not in text
    # the card number, muted on the customer's side only (the date of birth said before it may be muted too,
    # when speech recognition heard the question for it)
    cards = [m for m in doc.recording.muted if m.kind == "card_number"]
    assert len(cards) == 1 and cards[0].channel == 1
    assert {m.kind for m in doc.recording.muted} <= {"card_number", "date_of_birth", "postal_address"}
