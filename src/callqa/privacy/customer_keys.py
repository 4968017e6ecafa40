"""Pseudonymous customer keys: a keyed hash (HMAC-SHA256) of a customer's normalised phone number, e-mail
address or customer id, so every interaction of one customer can be found (for erasure, legal hold) after
redaction has removed the identifiers themselves, and without keeping them.

Normalisation (docs/privacy.md, "Erasure on request"):

- **e-mail**: trimmed and lower-cased.
- **phone**: digits only (any script). Written internationally (``+44 20 7946 0958``, ``0044 20 7946 0958``)
  it is kept whole; written nationally (``020 7946 0958``) its trunk ``0`` is dropped and the configured
  country code (``CALLQA_PHONE_COUNTRY_CODE``, e.g. ``44``) put in front, so both writings have one key.
  Without a country code a national number only matches the same national writing. Other trunk prefixes
  (``8`` in old Lithuanian numbers) are not recognised. Fewer than 7 digits, or a date, is not a phone.
- **customer id**: trimmed and case-folded; only a value with at least two digits is an id (``visitor``,
  ``anonymous`` or a person's name would tie unrelated customers together).

The secret never leaves the process that holds it (``callqa.lifecycle.customer_key`` loads it); a database
dump alone cannot tell which phone number a key stands for.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from callqa.core.document import Interaction

KeyKind = Literal["phone", "email", "id"]
MIN_PHONE_DIGITS = 7
MIN_ID_DIGITS = 2
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_IN_TEXT = re.compile(r"[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[^@\s<>\"'(),;:]+")
_PHONE_SHAPE = re.compile(r"^\+?[\d\s().\-/]{7,}$")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# metadata keys (lower-case, without separators) that hold a customer's phone number or id
_PHONE_FIELDS = ("phone", "tel", "mobile", "msisdn", "ani", "caller", "fromnumber")
_ID_FIELDS = ("customerid", "customer", "accountid", "account", "clientid", "contactid", "memberid")
# where the session info keeps the keyer (set by the runtime: callqa.lifecycle.customer_key)
SESSION_INFO_KEY = "callqa.customer_keyer"


def normalise_email(value: str) -> str | None:
    text = value.strip().lower()
    return text if _EMAIL.match(text) else None


def normalise_phone(value: str, country_code: str | None = None) -> str | None:
    """International digits (``442079460958``), or for a national number without a country code to add,
    its digits without the trunk ``0``."""
    text = unicodedata.normalize("NFKC", value.strip())
    if not _PHONE_SHAPE.match(text) or _DATE.match(text):
        return None
    digits = "".join(str(unicodedata.digit(c)) for c in text if unicodedata.digit(c, None) is not None)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    if text.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    national = digits.removeprefix("0")
    return f"{country_code}{national}" if country_code else national


def normalise_id(value: str) -> str | None:
    """A customer id has digits: ``visitor``, ``anonymous`` or a name would link unrelated customers."""
    text = value.strip().casefold()
    return text if sum(c.isdigit() for c in text) >= MIN_ID_DIGITS else None


def forms(value: str, country_code: str | None = None) -> set[tuple[KeyKind, str]]:
    """Every way ``value`` may name a customer: as an id always, as an e-mail or phone when it is one."""
    found: set[tuple[KeyKind, str]] = set()
    for kind, normalised in (
        ("email", normalise_email(value)),
        ("phone", normalise_phone(value, country_code)),
        ("id", normalise_id(value)),
    ):
        if normalised is not None:
            found.add((kind, normalised))  # type: ignore[arg-type]
    return found


class CustomerKeyer:
    """Turns identifiers into keys with one secret."""

    def __init__(self, secret: bytes, country_code: str | None = None) -> None:
        if len(secret) < 16:
            raise ValueError("a customer key secret needs at least 16 bytes")
        self._secret = secret
        self.country_code = country_code

    def key(self, kind: KeyKind, normalised: str) -> str:
        message = f"{kind}:{normalised}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def keys_for(self, value: str) -> set[str]:
        """The keys a value given by a person (an erasure request, a hold) may be stored under."""
        return {self.key(kind, normalised) for kind, normalised in forms(value, self.country_code)}

    def keys_of(self, doc: Interaction) -> set[tuple[KeyKind, str]]:
        """``(kind, key)`` of every customer identifier in a document (before redaction)."""
        found: set[tuple[KeyKind, str]] = set()
        if doc.customer:
            found |= forms(doc.customer, self.country_code)
        for kind, normalised in _metadata_identifiers(doc.metadata, self.country_code):
            found.add((kind, normalised))
        for turn in doc.turns:
            if turn.role.value == "customer" and turn.speaker:
                email = normalise_email(turn.speaker)
                if email is not None:
                    found.add(("email", email))
        return {(kind, self.key(kind, normalised)) for kind, normalised in found}

    def keys_in(self, fields: Mapping[str, Any]) -> set[str]:
        """The keys of the identifiers in a mapping of interaction fields (a stored metadata import)."""
        return {key for _, key in self.pairs_in(fields)}

    def pairs_in(self, fields: Mapping[str, Any]) -> set[tuple[KeyKind, str]]:
        """``(kind, key)`` of the identifiers in a mapping of interaction fields (a metadata import)."""
        found = set(_metadata_identifiers(fields, self.country_code))
        customer = fields.get("customer")
        if isinstance(customer, str):
            found |= forms(customer, self.country_code)
        return {(kind, self.key(kind, normalised)) for kind, normalised in found}


def _metadata_identifiers(
    metadata: Mapping[str, Any], country_code: str | None
) -> Iterable[tuple[KeyKind, str]]:
    for name, value in metadata.items():
        if isinstance(value, Mapping):
            yield from _metadata_identifiers(value, country_code)
            continue
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        text = str(value)
        field = re.sub(r"[^a-z]", "", str(name).lower())
        for email in _EMAIL_IN_TEXT.findall(text):
            normalised = normalise_email(email)
            if normalised is not None:
                yield "email", normalised
        if any(part in field for part in _PHONE_FIELDS):
            phone = normalise_phone(text, country_code)
            if phone is not None:
                yield "phone", phone
        if field in _ID_FIELDS:
            ident = normalise_id(text)
            if ident is not None:
                yield "id", ident
