"""Playing an encrypted recording in the web app (issue 18): the player gets the decrypted audio with working
byte ranges (seeking), and a recording whose key is missing or that was altered is a coded HTTP error —
never ciphertext, never a byte of altered audio."""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from callqa.audio.decode import load_audio, write_audio
from callqa.core.settings import Settings
from callqa.interactions.models import InteractionRow
from callqa.storage.files import FileStore
from callqa.storage.sealed import CHUNK_SHIFT
from callqa.web.app import create_app
from storage.crypto_support import fresh_key, key_text, recordings, ring
from support import Database
from web_support import Web, seed

pytestmark = pytest.mark.issue(18)
CHUNK = 1 << CHUNK_SHIFT


def _four_chunk_call() -> Path:
    """The real 4-minute call (four chunks) when at hand, else the demo call as 16-bit PCM WAV (3.9 MB: also
    four chunks; the FLAC itself is under one)."""
    real = recordings()[-1]
    if real.stat().st_size > 3 * CHUNK:
        return real
    path = Path(tempfile.gettempdir()) / "callqa-test-demo-call-pcm16.wav"
    if not path.is_file():
        part = path.with_name(f"{path.stem}.{os.getpid()}.wav")
        write_audio(part, load_audio(real), sample_rate=16_000)
        part.replace(path)  # whole or not at all, whoever wrote it
    return path


AUDIO = _four_chunk_call()


@pytest.fixture
def key() -> bytes:
    return fresh_key()


def web_app(db: Database, tmp_path: Path, keys: str) -> Web:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=db.url,
        secret_key=SecretStr("t" * 40),
        storage_keys=SecretStr(keys),
    )
    return Web(db, create_app(settings, engine=db.engine), settings)


@pytest.fixture
def web(db: Database, tmp_path: Path, key: bytes) -> Iterator[Web]:
    seed(db)
    yield web_app(db, tmp_path, key_text("k1", key))


def play(web: Web, key: bytes) -> tuple[int, str]:
    """Store the recording encrypted as the demo audio interaction's; its id and the URI."""
    ident = web.ids()["en-audio-01"]
    store = FileStore(web.settings.resolved_file_store(), ring("k1", k1=key))
    uri = store.put_file(AUDIO, "recordings/test/call.wav")
    with web.db.factory.begin() as session:
        row = session.get(InteractionRow, ident)
        assert row is not None and row.recording is not None
        row.recording = {**row.recording, "uri": uri, "media_type": "audio/wav"}
    return ident, uri


def test_an_encrypted_recording_plays_and_seeks(web: Web, key: bytes) -> None:
    ident, uri = play(web, key)
    original = AUDIO.read_bytes()
    size = len(original)
    stored = (FileStore(web.settings.resolved_file_store()).local_path(uri) or Path()).read_bytes()
    assert stored[:4] != original[:4]  # what is on disk is not the audio
    analyst = web.signed_in("analyst").client
    url = f"/interactions/{ident}/audio"

    whole = analyst.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/wav"
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["content-length"] == str(size)
    assert whole.content == original

    last = size - 1
    for asked, start, stop in [
        ("bytes=0-99", 0, 100),
        (f"bytes={CHUNK - 10}-{CHUNK + 9}", CHUNK - 10, CHUNK + 10),  # across a chunk edge
        (f"bytes={size - 1000}-", size - 1000, size),  # to the end
        ("bytes=-500", size - 500, size),  # the last 500 bytes
        (f"bytes=100-{size + 5000}", 100, size),  # an end past the file is the file's end
        (f"bytes={last}-{last}", last, size),
    ]:
        part = analyst.get(url, headers={"range": asked})
        assert part.status_code == 206, asked
        assert part.headers["content-range"] == f"bytes {start}-{stop - 1}/{size}", asked
        assert part.content == original[start:stop], asked
    beyond = analyst.get(url, headers={"range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    assert analyst.get(url, headers={"range": "bytes=-0"}).status_code == 416
    for ignored in ("bytes=0-1,5-6", "bytes=9-3", "items=0-5"):  # not read: the whole file
        several = analyst.get(url, headers={"range": ignored})
        assert several.status_code == 200 and several.content == original, ignored


def test_a_recording_whose_key_is_not_configured_is_refused_with_the_code(
    db: Database, tmp_path: Path, key: bytes
) -> None:
    seed(db)
    ident, uri = play(web_app(db, tmp_path, key_text("k1", key)), key)
    other = web_app(db, tmp_path, key_text("k2", fresh_key()))
    response = other.signed_in("analyst").client.get(f"/interactions/{ident}/audio")
    text = html.unescape(response.text)
    assert response.status_code == 503 and "Traceback" not in text
    assert f"[F102] file store {uri}: encrypted with key 'k1', which is not configured" in text


@pytest.mark.parametrize("damage", ["first chunk", "truncated"])
def test_an_altered_recording_is_a_coded_error_before_any_byte(web: Web, key: bytes, damage: str) -> None:
    ident, uri = play(web, key)
    path = FileStore(web.settings.resolved_file_store()).local_path(uri) or Path()
    data = bytearray(path.read_bytes())
    if damage == "first chunk":
        data[200] ^= 0x01
    else:
        del data[-100:]
    path.write_bytes(bytes(data))
    response = web.signed_in("analyst").client.get(f"/interactions/{ident}/audio")
    text = html.unescape(response.text)
    assert response.status_code == 500 and "Traceback" not in text
    assert f"[F103] file store {uri}: cannot decrypt with key 'k1'" in text


@pytest.mark.skipif(AUDIO.stat().st_size <= 3 * CHUNK, reason="needs a recording of four chunks")
def test_a_chunk_altered_further_on_stops_the_audio_where_it_begins(web: Web, key: bytes) -> None:
    ident, uri = play(web, key)
    original = AUDIO.read_bytes()
    path = FileStore(web.settings.resolved_file_store()).local_path(uri) or Path()
    data = bytearray(path.read_bytes())
    chunks = -(-len(original) // CHUNK)
    header = len(data) - len(original) - 16 * chunks
    data[header + 2 * (CHUNK + 16) + 100] ^= 0x01  # inside chunk 2
    path.write_bytes(bytes(data))
    client = web.signed_in("analyst").client
    url = f"/interactions/{ident}/audio"

    whole = client.get(url)

    assert whole.status_code == 200 and whole.headers["content-length"] == str(len(original))
    assert whole.content == original[: 2 * CHUNK]  # the authentic chunks, then the stream stops
    seek = client.get(url, headers={"range": f"bytes={2 * CHUNK + 5}-"})
    assert seek.status_code == 500 and "[F103]" in seek.text and "chunk 2 fails authentication" in seek.text
    early = client.get(url, headers={"range": "bytes=0-999"})
    assert early.status_code == 206 and early.content == original[:1000]
