"""The kinds of sensitive data callqa redacts, their placeholders, and the ``Finding`` detectors return."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

Kind = Literal[
    "card_number",
    "cvv",
    "card_expiry",
    "iban",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "postal_address",
    "person_name",
]

KINDS: tuple[Kind, ...] = get_args(Kind)

PLACEHOLDERS: MappingProxyType[Kind, str] = MappingProxyType({kind: f"[{kind.upper()}]" for kind in KINDS})

# When findings overlap, the higher rank names the merged span. Checksum-validated kinds rank above
# keyword-based ones, and phone (the loosest rules) ranks last.
RANK: MappingProxyType[Kind, int] = MappingProxyType(
    {
        "national_id": 6,
        "iban": 5,
        "card_number": 4,
        "cvv": 3,
        "card_expiry": 3,
        "date_of_birth": 3,
        "email": 2,
        "phone": 1,
        "postal_address": 1,
        "person_name": 0,
    }
)


@dataclass(frozen=True, slots=True)
class Finding:
    """Sensitive data of ``kind`` at ``text[start:end]`` (offsets into the text as given)."""

    kind: Kind
    start: int
    end: int


@dataclass(slots=True)
class Options:
    """What redaction looks for beyond the defaults (set once per process: :func:`configure`)."""

    person_names: bool = False


OPTIONS = Options()
