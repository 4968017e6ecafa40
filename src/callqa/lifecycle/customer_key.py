"""The secret of the pseudonymous customer keys: configured, or generated once and kept in the data folder
(like the session key, ``web/secret.py``), and handed to the sessions that store interactions."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.secret_file import read_or_create_secret
from callqa.core.settings import Settings
from callqa.db.engine import unit_of_work
from callqa.interactions.models import CustomerKeyRow, InteractionRow
from callqa.interactions.service import load_documents
from callqa.privacy.customer_keys import SESSION_INFO_KEY, CustomerKeyer

MIN_LENGTH = 32
FILE_NAME = "customer-key.secret"


def customer_key_secret(settings: Settings) -> bytes:
    """``CALLQA_CUSTOMER_KEY_SECRET`` (refused when short), else ``<data_dir>/customer-key.secret`` (0600)."""
    if settings.customer_key_secret is not None:
        value = settings.customer_key_secret.get_secret_value()
        if len(value) < MIN_LENGTH:
            raise CallqaError(
                ErrorCode.D104,
                path="CALLQA_CUSTOMER_KEY_SECRET",
                reason=f"it must have at least {MIN_LENGTH} characters",
            )
        return value.encode()
    path = settings.data_dir / FILE_NAME
    try:
        value = read_or_create_secret(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CallqaError(ErrorCode.D104, path=path, reason=exc) from exc
    if len(value) < MIN_LENGTH:
        raise CallqaError(ErrorCode.D104, path=path, reason=f"shorter than {MIN_LENGTH} characters")
    return value.encode()


def customer_keyer(settings: Settings) -> CustomerKeyer:
    return CustomerKeyer(customer_key_secret(settings), settings.phone_country_code)


def attach_keyer(factory: sessionmaker[Session], keyer: CustomerKeyer) -> None:
    """Sessions from ``factory`` key the customers of the interactions they store."""
    factory.configure(info={SESSION_INFO_KEY: keyer})


def keyer_of(session: Session) -> CustomerKeyer:
    """The keyer of a runtime's session (erasure and holds need the same one that stored the keys)."""
    keyer = session.info.get(SESSION_INFO_KEY)
    if not isinstance(keyer, CustomerKeyer):
        raise RuntimeError("this session has no customer keyer: open it from the runtime's factory")
    return keyer


def backfill_customer_keys(factory: sessionmaker[Session], *, batch: int = 500) -> int:
    """Keys for interactions stored without any (before migration 0019), from what is stored: the customer
    field, metadata redaction left alone, e-mail speakers. Returns how many interactions got keys."""
    keyed = 0
    last = 0
    while True:
        with unit_of_work(factory) as session:
            keyer = keyer_of(session)
            has_key = select(CustomerKeyRow.id).where(CustomerKeyRow.interaction_id == InteractionRow.id)
            ids = list(
                session.scalars(
                    select(InteractionRow.id)
                    .where(InteractionRow.id > last, ~has_key.exists())
                    .order_by(InteractionRow.id)
                    .limit(batch)
                )
            )
            if not ids:
                return keyed
            last = ids[-1]
            rows = [
                {"interaction_id": interaction_id, "kind": kind, "key": key}
                for interaction_id, doc in load_documents(session, ids).items()
                for kind, key in sorted(keyer.keys_of(doc))
            ]
            if rows:
                session.execute(insert(CustomerKeyRow.__table__), rows)  # type: ignore[arg-type]
                keyed += len({row["interaction_id"] for row in rows})
