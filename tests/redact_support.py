"""Helpers and sample values shared by the redaction tests (importable as ``redact_support``)."""

from __future__ import annotations

from callqa.privacy import detect, redact_text

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SPOKEN = dict(zip("0123456789", WORDS, strict=True))


def luhn_complete(prefix: str) -> str:
    """The prefix plus the one check digit that makes it Luhn-valid (independent of the code under test)."""
    for check in "0123456789":
        digits = [int(c) for c in prefix + check]
        total = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
        if total % 10 == 0:
            return prefix + check
    raise AssertionError("unreachable")


def kinds(text: str, context: str = "") -> list[str]:
    return [f.kind for f in detect(text, context=context)]


def redacted(text: str, context: str = "") -> str:
    return redact_text(text, context=context).text


def assert_only(text: str, kind: str, value: str) -> None:
    """``text`` has exactly one finding, of ``kind``, covering ``value`` and nothing else of the text."""
    findings = detect(text)
    assert [f.kind for f in findings] == [kind], (text, findings)
    start = text.index(value)
    assert (findings[0].start, findings[0].end) == (start, start + len(value)), (text, findings)


VISA = "4111111111111111"
MASTERCARD = "5500000000000004"
AMEX = "378282246310005"
UNIONPAY_19 = luhn_complete("622202123456789012")
SHETAB = luhn_complete("603799189945678")
CN_ID = "11010519491231002X"
CN_ID_DIGITS = "440304198506151237"
LT_ID = "38703181745"
LT_ID_2 = "49001011238"
IR_ID = "0499370899"
IR_ID_2 = "0081234562"
