"""Storing interactions on SQLite and PostgreSQL: idempotent upserts, merges, overlays, redaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from callqa.core.document import Interaction
from callqa.interactions.models import EventRow, InteractionRow, RedactionRow, TurnRow
from callqa.interactions.overlays import MetadataItem, OverlayFields, store_metadata
from callqa.interactions.queries import get_interaction
from callqa.interactions.service import Outcome, StoreItem, load_document, store_interactions
from support import Database

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def doc(external_id: str = "c1", **extra: Any) -> Interaction:
    data: dict[str, Any] = {
        "external_id": external_id,
        "channel": "voice",
        "agent": "a.kim",
        "started_at": T0,
        "turns": [
            {"role": "agent", "text": "Acme Bank, Anna speaking.", "start_ms": 0, "end_ms": 2000},
            {"role": "customer", "text": "Hi, my card is blocked.", "start_ms": 2500, "end_ms": 4000},
        ],
        "events": [{"kind": "hold", "start_ms": 5000, "end_ms": 65000}],
    }
    data.update(extra)
    return Interaction.model_validate(data)


def counts(db: Database) -> tuple[int, int, int]:
    with db.factory() as session:
        return (
            session.scalar(select(func.count(InteractionRow.id))) or 0,
            session.scalar(select(func.count(TurnRow.id))) or 0,
            session.scalar(select(func.count(EventRow.id))) or 0,
        )


def store(db: Database, *items: StoreItem) -> list[Outcome]:
    with db.factory() as session:
        results = store_interactions(session, list(items))
        session.commit()
    return [r.outcome for r in results]


def test_round_trip_keeps_every_field(db: Database) -> None:
    original = doc(
        survey={"csat": 4, "nps": 9, "comment": "kind"},
        metadata={"crm": {"case": "CS-1"}},
        language="en",
        direction="inbound",
        queue="cards",
        team="North",
        customer="cust-9",
        subject="blocked card",
    )
    store(db, StoreItem(original))
    with db.factory() as session:
        interaction_id = session.scalar(select(InteractionRow.id))
        assert interaction_id is not None
        loaded = load_document(session, interaction_id)
    assert loaded.model_dump() == original.model_copy(update={"duration_ms": 65000}).model_dump()


def test_same_document_twice_changes_nothing_and_a_change_updates_in_place(db: Database) -> None:
    assert store(db, StoreItem(doc())) == [Outcome.CREATED]
    with db.factory() as session:
        before = session.execute(select(InteractionRow.id, InteractionRow.updated_at)).one()
    assert store(db, StoreItem(doc())) == [Outcome.UNCHANGED]
    changed = doc(turns=[{"role": "agent", "text": "Hello again.", "start_ms": 0}])
    assert store(db, StoreItem(changed)) == [Outcome.UPDATED]
    assert counts(db) == (1, 1, 1)
    with db.factory() as session:
        after = session.execute(select(InteractionRow.id, InteractionRow.updated_at)).one()
    assert after.id == before.id and after.updated_at >= before.updated_at


def test_same_external_id_in_another_source_is_another_interaction(db: Database) -> None:
    assert store(db, StoreItem(doc()), StoreItem(doc(source="crm"))) == [Outcome.CREATED, Outcome.CREATED]
    assert counts(db)[0] == 2


def test_thread_fragments_merge_by_message_id_whatever_the_order(db: Database) -> None:
    def message(mid: str, minutes: int, role: str, text: str) -> Interaction:
        return Interaction.model_validate(
            {
                "external_id": "thread-1",
                "source": "email",
                "channel": "email",
                "started_at": T0 + timedelta(minutes=minutes),
                "subject": "Card blocked",
                "turns": [{"role": role, "text": text, "start_ms": 0, "external_id": mid}],
            }
        )

    second = message("m2", 30, "agent", "We unblocked it.")
    first = message("m1", 0, "customer", "My card is blocked.")
    third = message("m3", 90, "customer", "Thanks!")
    assert store(db, StoreItem(second, merge=True)) == [Outcome.CREATED]
    assert store(db, StoreItem(first, merge=True), StoreItem(third, merge=True)) == [
        Outcome.UPDATED,
        Outcome.UPDATED,
    ]
    assert store(db, StoreItem(first, merge=True)) == [Outcome.UNCHANGED]
    with db.factory() as session:
        merged = load_document(session, session.scalar(select(InteractionRow.id)) or 0)
    assert [t.external_id for t in merged.turns] == ["m1", "m2", "m3"]
    assert [t.start_ms for t in merged.turns] == [0, 30 * 60_000, 90 * 60_000]
    assert merged.started_at == T0


def test_metadata_overlay_waits_for_its_interaction_then_applies(db: Database) -> None:
    fields = OverlayFields.model_validate({"csat": "2", "queue": "fraud", "metadata": {"region": "EU"}})
    with db.factory() as session:
        [pending] = store_metadata(session, [MetadataItem("c1", fields, origin="meta.csv:2")])
        session.commit()
    assert pending.outcome is Outcome.PENDING and counts(db)[0] == 0
    assert store(db, StoreItem(doc())) == [Outcome.CREATED]
    with db.factory() as session:
        loaded = load_document(session, session.scalar(select(InteractionRow.id)) or 0)
    assert loaded.queue == "fraud" and loaded.survey is not None and loaded.survey.csat == 2
    assert loaded.metadata == {"region": "EU"}
    assert store(db, StoreItem(doc())) == [Outcome.UNCHANGED]
    later = OverlayFields.model_validate({"nps": 3})
    with db.factory() as session:
        [applied] = store_metadata(session, [MetadataItem("c1", later)])
        session.commit()
        loaded = load_document(session, applied.interaction_id or 0)
    assert applied.outcome is Outcome.UPDATED
    assert loaded.survey is not None and (loaded.survey.csat, loaded.survey.nps) == (2, 3)


def test_card_numbers_are_redacted_before_storage_and_recorded_without_the_value(db: Database) -> None:
    secret = "4111 1111 1111 1111"
    leaked = doc(turns=[{"role": "agent", "text": f"So your card is {secret}, right?", "start_ms": 0}])
    store(db, StoreItem(leaked))
    with db.factory() as session:
        texts = session.scalars(select(TurnRow.text)).all()
        interaction_id = session.scalar(select(InteractionRow.id)) or 0
        redactions = session.execute(select(RedactionRow.field, RedactionRow.kind)).all()
        stored = get_interaction(session, interaction_id)
    assert all("4111" not in text for text in texts)
    assert "[CARD_NUMBER]" in texts[0]
    assert [(r.field, r.kind) for r in redactions] == [("turns.0.text", "card_number")]
    assert stored.redactions[0][1] == "card_number"
    assert store(db, StoreItem(leaked)) == [Outcome.UNCHANGED]


def test_a_recording_round_trips_and_documents_without_one_hash_as_before(db: Database) -> None:
    plain = doc("no-audio")
    assert "recording" not in plain.model_dump(mode="json", exclude_none=True)
    before = plain.content_hash()
    recording = {
        "uri": "callqa-files:audio/ab/abc.flac",
        "duration_ms": 240_000,
        "channels": 2,
        "sample_rate": 16000,
        "source_sha256": "ab" * 32,
        "muted": [{"start_ms": 1000, "end_ms": 2500, "channel": 1, "kind": "card_number"}],
        "peaks_uri": "callqa-files:audio/ab/abc.peaks.json",
        "transcription": {"engine": "faster-whisper", "model": "tiny.en", "role_confidence": 0.93},
    }
    with_audio = doc("with-audio", recording=recording)
    assert store(db, StoreItem(plain), StoreItem(with_audio)) == [Outcome.CREATED, Outcome.CREATED]
    with db.factory() as session:
        ids = dict(session.execute(select(InteractionRow.external_id, InteractionRow.id)).all())
        loaded = load_document(session, ids["with-audio"])
        assert load_document(session, ids["no-audio"]).recording is None
    assert loaded.recording is not None
    assert loaded.recording.model_dump(mode="json") == with_audio.recording.model_dump(mode="json")  # type: ignore[union-attr]
    assert doc("no-audio").content_hash() == before
    assert with_audio.content_hash() != doc("with-audio").content_hash()
