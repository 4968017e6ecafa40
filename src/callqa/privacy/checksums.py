"""Check digits and plausibility rules of card numbers, IBANs and national identity numbers."""

from __future__ import annotations

from datetime import date

_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)

# IBAN lengths from the SWIFT IBAN registry, plus countries that publish IBANs outside it (IR, DZ, West
# and Central Africa ...). A known length lets the detector stop exactly at the end of the IBAN even when
# a word follows it without punctuation.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AO": 25, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BF": 28, "BG": 22,
    "BH": 22, "BI": 27, "BJ": 28, "BR": 29, "BY": 28, "CF": 27, "CG": 27, "CH": 21, "CI": 28, "CM": 27,
    "CR": 22, "CV": 25, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "DZ": 26, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GA": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GQ": 27, "GR": 27, "GT": 28, "GW": 25, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23,
    "IQ": 23, "IR": 26, "IS": 26, "IT": 27, "JO": 30, "KM": 27, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MA": 28, "MC": 27, "MD": 24, "ME": 22, "MG": 27,
    "MK": 19, "ML": 28, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "MZ": 25, "NE": 28, "NI": 28, "NL": 18,
    "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SN": 28, "SO": 23, "ST": 25,
    "SV": 28, "TD": 27, "TG": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip

_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"
_LT_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)
_LT_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)
_LT_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def luhn_valid(digits: str) -> bool:
    """Whether an all-digit string passes the Luhn (mod 10) check used by payment cards."""
    total = sum(ord(c) - 48 for c in digits[-1::-2]) + sum(_DOUBLED[ord(c) - 48] for c in digits[-2::-2])
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """Whether a compact IBAN (letters and digits, no spaces) passes the ISO 7064 mod-97 check."""
    if len(iban) < 15 or len(iban) > 34 or not iban.isascii() or not iban.isalnum():
        return False
    rearranged = (iban[4:] + iban[:4]).upper()
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _plausible_birth_date(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1870, 1, 1) <= born <= date.today()


def cn_resident_id_valid(value: str) -> bool:
    """Whether an 18-character PRC resident identity number has a real birth date and MOD 11-2 check."""
    if len(value) != 18 or not value[:17].isdigit() or not value.isascii():
        return False
    if not _plausible_birth_date(int(value[6:10]), int(value[10:12]), int(value[12:14])):
        return False
    total = sum(int(value[i]) * _CN_WEIGHTS[i] for i in range(17))
    return _CN_CHECK[total % 11] == value[17].upper()


def lt_personal_code_valid(value: str) -> bool:
    """Whether an 11-digit Lithuanian asmens kodas has a valid century digit, birth date and check digit."""
    if len(value) != 11 or not value.isdigit() or not value.isascii() or value[0] not in _LT_CENTURY:
        return False
    year = _LT_CENTURY[value[0]] + int(value[1:3])
    if not _plausible_birth_date(year, int(value[3:5]), int(value[5:7])):
        return False
    digits = [ord(c) - 48 for c in value]
    check = sum(d * w for d, w in zip(digits, _LT_WEIGHTS_1, strict=False)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _LT_WEIGHTS_2, strict=False)) % 11
        if check == 10:
            check = 0
    return check == digits[10]


def ir_national_code_valid(value: str) -> bool:
    """Whether a 10-digit Iranian national code (کد ملی) passes the official check and is not one digit."""
    if len(value) != 10 or not value.isdigit() or not value.isascii() or len(set(value)) == 1:
        return False
    remainder = sum((ord(value[i]) - 48) * (10 - i) for i in range(9)) % 11
    expected = remainder if remainder < 2 else 11 - remainder
    return ord(value[9]) - 48 == expected


def us_ssn_valid(value: str) -> bool:
    """Whether 9 digits are an issuable US SSN: no 000/666/9xx area, 00 group or 0000 serial."""
    if len(value) != 9 or not value.isdigit() or not value.isascii():
        return False
    area, group, serial = value[:3], value[3:5], value[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"
