"""Detect and redact card data, national IDs and contact details before anything is stored or exported.

Card numbers, CVVs and national IDs must never reach the database, logs or exports unredacted: run
``redact_interaction`` on every interaction before it is written anywhere.
"""

from callqa.privacy.detectors import detect
from callqa.privacy.kinds import KINDS, PLACEHOLDERS, Finding, Kind
from callqa.privacy.records import placeholder_records
from callqa.privacy.redact import (
    FieldRedaction,
    RedactedText,
    Redaction,
    redact_interaction,
    redact_text,
)

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "FieldRedaction",
    "Finding",
    "Kind",
    "RedactedText",
    "Redaction",
    "detect",
    "placeholder_records",
    "redact_interaction",
    "redact_text",
]
