"""Pseudonymous customer keys (issue 18): how identifiers are normalised, what of a document is keyed, the
secret kept in the data folder, and the purge knowing every table that refers to an interaction."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.core.document import Interaction
from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.interactions.models import CustomerKeyRow
from callqa.interactions.service import StoreItem, store_interactions
from callqa.lifecycle.customer_key import customer_key_secret
from callqa.lifecycle.purge import HANDLED_TABLES
from callqa.privacy.customer_keys import CustomerKeyer, normalise_email, normalise_phone
from callqa.tables import metadata
from support import Database

pytestmark = pytest.mark.issue(18)
KEYER = CustomerKeyer(b"k" * 32)


@pytest.mark.parametrize(
    ("written", "same_as", "country"),
    [
        ("+370 612 34567", "0037061234567", None),
        ("+44 20 7946 0958", "020 7946 0958", "44"),  # national, with the centre's country code
        ("+1 (415) 555-0132", "415.555.0132", "1"),
        ("+86 138 0013 8000", "138-0013-8000", "86"),
        ("020 7946 0958", "(020) 7946-0958", None),
        ("+370 ６１２ ３４５６７", "+37061234567", None),  # full-width digits
    ],
)
def test_one_phone_number_written_two_ways_has_one_key(
    written: str, same_as: str, country: str | None
) -> None:
    assert normalise_phone(written, country) == normalise_phone(same_as, country) is not None
    keyer = CustomerKeyer(b"k" * 32, country)
    assert keyer.keys_for(written) & keyer.keys_for(same_as)


def test_a_national_number_without_a_country_code_matches_only_itself() -> None:
    assert not KEYER.keys_for("020 7946 0958") & KEYER.keys_for("+44 20 7946 0958")
    assert normalise_phone("+44 20 7946 0958") != normalise_phone("+45 20 7946 0958")


@pytest.mark.parametrize("value", ["12345", "CUST-778812", "call me", "2026-10-05"])
def test_what_is_not_a_phone_number(value: str) -> None:
    assert normalise_phone(value) is None


def test_a_customer_id_needs_digits() -> None:
    assert KEYER.keys_for("visitor") == set() and KEYER.keys_for("Anonymous") == set()
    assert KEYER.keys_for(" Cust-0042 ") == KEYER.keys_for("CUST-0042") != set()


def test_e_mail_addresses_are_trimmed_and_lower_cased() -> None:
    assert normalise_email("  Tom.Hughes@Example.COM ") == "tom.hughes@example.com"
    assert normalise_email("not an address") is None
    assert KEYER.keys_for("Tom.Hughes@Example.com") == KEYER.keys_for("tom.hughes@example.com")


def test_a_document_is_keyed_by_its_customer_field_and_metadata() -> None:
    doc = Interaction.model_validate(
        {
            "external_id": "k1",
            "channel": "voice",
            "customer": "CUST-0001",
            "metadata": {
                "Caller Phone": "+370 612 34567",
                "crm": {"contact_email": "Ann@Example.lt"},
                "n": 7,
            },
            "turns": [{"role": "customer", "text": "hi", "speaker": "ann@example.lt"}],
        }
    )
    keys = KEYER.keys_of(doc)
    assert {kind for kind, _ in keys} == {"id", "phone", "email"}
    expected = (
        KEYER.keys_for("CUST-0001") | KEYER.keys_for("+370 612 34567") | KEYER.keys_for("ann@example.lt")
    )
    assert {key for _, key in keys} <= expected
    assert all(len(key) == 64 for _, key in keys)
    assert CustomerKeyer(b"x" * 32).keys_of(doc).isdisjoint(keys)  # another secret, other keys


def test_the_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = customer_key_secret(settings)
    assert customer_key_secret(settings) == first and len(first) >= 32
    path = tmp_path / "customer-key.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    configured = Settings(data_dir=tmp_path, customer_key_secret=SecretStr("s" * 40))
    assert customer_key_secret(configured) == b"s" * 40
    with pytest.raises(CallqaError, match=r"\[D104\].*at least 32"):
        customer_key_secret(Settings(data_dir=tmp_path, customer_key_secret=SecretStr("short")))


def test_the_purge_knows_every_table_that_refers_to_an_interaction() -> None:
    referring = {
        table.name
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "interactions"
    }
    assert referring - HANDLED_TABLES == set()


def test_interactions_stored_before_keys_get_them_from_what_is_stored(cli_env: Database) -> None:
    docs = [
        Interaction.model_validate(
            {
                "external_id": f"old-{i}",
                "channel": "email",
                "customer": customer,
                "turns": [{"role": "customer", "text": "hi"}],
            }
        )
        for i, customer in enumerate(["Old.Customer@example.com", "CUST-0042", "visitor"])
    ]
    with cli_env.factory.begin() as session:  # a bare session, as before migration 0019: no keys
        store_interactions(session, [StoreItem(doc) for doc in docs])
    result = CliRunner().invoke(app, ["db", "customer-keys"])
    assert result.exit_code == 0, result.output
    assert "2 interaction(s) got customer keys" in result.output  # 'visitor' is no id
    again = CliRunner().invoke(app, ["db", "customer-keys"])
    assert "0 interaction(s)" in again.output
    held = CliRunner().invoke(app, ["hold", "add", "--customer", "old.customer@example.com", "--reason", "r"])
    assert held.exit_code == 0, held.output
    with cli_env.factory() as session:
        assert session.scalar(select(func.count()).select_from(CustomerKeyRow)) == 2


def test_a_metadata_import_is_stored_redacted_and_still_keys_its_customer(db: Database) -> None:
    # issue 18: an import's raw row is never stored; the keys of its identifiers are kept beside it
    from callqa.interactions.models import MetadataOverlayRow
    from callqa.interactions.overlays import MetadataItem, OverlayFields, store_metadata
    from callqa.lifecycle.customer_key import attach_keyer

    attach_keyer(db.factory, KEYER)
    try:
        fields = OverlayFields(metadata={"caller_phone": "+370 612 34567", "notes": "card 4111111111111111"})
        with db.factory.begin() as session:
            store_metadata(session, [MetadataItem("late-1", fields)])
            overlay = session.scalars(select(MetadataOverlayRow)).one()
            assert "+370" not in str(overlay.fields) and "4111111111111111" not in str(overlay.fields)
            assert overlay.fields["metadata"]["caller_phone"] == "[PHONE]"
            assert [kind for kind, _ in overlay.customer_keys] == ["phone"]
            phone_key = overlay.customer_keys[0][1]
            doc = Interaction.model_validate(
                {"external_id": "late-1", "channel": "chat", "turns": [{"role": "customer", "text": "hi"}]}
            )
            store_interactions(session, [StoreItem(doc)])
            keys = set(session.scalars(select(CustomerKeyRow.key)))
        # the interaction that arrives later carries the phone's key, the same as a phone written elsewhere
        assert keys == {phone_key} and phone_key in KEYER.keys_for("0037061234567")
    finally:
        db.factory.configure(info={})
