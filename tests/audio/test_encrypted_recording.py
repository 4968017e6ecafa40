"""End to end with encryption at rest on (issue 18): the demo call recording is ingested and transcribed by
Whisper, every copy of it in the file store is encrypted (no 64-byte run of the recording on disk), and the
web app plays the muted copy with seeking, decrypted."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from typer.testing import CliRunner

from audio.asr_support import heard
from callqa.audio.decode import load_audio
from callqa.cli import app
from callqa.core.settings import Settings
from callqa.demo.users import ensure_demo_users
from callqa.interactions.models import InteractionRow
from callqa.interactions.service import load_document
from callqa.storage.files import FileStore
from callqa.web.app import create_app
from storage.crypto_support import DEMO_CALL, fresh_key, key_text, ring, shares_a_window
from support import Database
from web_support import login

pytestmark = pytest.mark.issue(18)
CONFIG = "ingest:\n  audio:\n    model: tiny.en\n    company: [Acme Bank]\n    keep_original: true\n"


def test_an_encrypted_recording_is_ingested_transcribed_and_played(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = fresh_key()
    data_dir = tmp_path / "data"
    monkeypatch.setenv("CALLQA_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("CALLQA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CALLQA_STORAGE_KEYS", key_text("k1", key))
    monkeypatch.delenv("CALLQA_CONFIG_FILE", raising=False)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEMO_CALL, folder / DEMO_CALL.name)
    shutil.copy(DEMO_CALL.with_suffix(".json"), folder / "en-audio-01.json")
    config = tmp_path / "callqa.yaml"
    config.write_text(CONFIG, encoding="utf-8")

    command = ["ingest", "--no-progress", "--workers", "2", str(folder), "--config", str(config)]
    result = CliRunner().invoke(app, command)  # transcribed in a worker process: the keys go with the job

    assert result.exit_code == 0, result.output
    with sqlite_db.factory() as session:
        ident = session.scalars(select(InteractionRow.id)).one()
        doc = load_document(session, ident)
    recording = doc.recording
    assert recording is not None and recording.original_uri and recording.peaks_uri
    agent = " ".join(t.text for t in doc.turns if t.role.value == "agent").lower()
    assert heard("acme bank", agent)  # transcribed from the audio, not from the ciphertext
    assert any(m.kind == "card_number" for m in recording.muted)

    store = FileStore(data_dir / "files", ring("k1", k1=key))
    source = DEMO_CALL.read_bytes()
    uris = (recording.uri, recording.original_uri, recording.peaks_uri)
    assert sorted(store.blob_uris()) == sorted(uris)
    for uri in uris:
        assert store.key_id(uri) == "k1", uri
        assert not shares_a_window(source, (store.local_path(uri) or Path()).read_bytes()), uri
    assert store.read_bytes(recording.original_uri) == source
    assert json.loads(store.read_bytes(recording.peaks_uri))["channels"] == recording.channels
    muted_copy = store.read_bytes(recording.uri)
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "copy.flac").write_bytes(muted_copy)
        assert abs(load_audio(Path(scratch) / "copy.flac").duration_ms - recording.duration_ms) < 100

    with sqlite_db.factory.begin() as session:
        ensure_demo_users(session)
    settings = Settings(
        data_dir=data_dir,
        database_url=sqlite_db.url,
        secret_key=SecretStr("t" * 40),
        storage_keys=SecretStr(key_text("k1", key)),
    )
    web = create_app(settings, engine=sqlite_db.engine)
    client = TestClient(web)
    login(client, "analyst")
    url = f"/interactions/{ident}/audio"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.content == muted_copy and whole.content[:4] == b"fLaC"
    middle = len(muted_copy) // 2
    seek = client.get(url, headers={"range": f"bytes={middle}-{middle + 65_535}"})
    assert seek.status_code == 206 and seek.content == muted_copy[middle : middle + 65_536]
