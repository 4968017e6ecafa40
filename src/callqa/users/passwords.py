"""Password hashing with Argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; a malformed hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
DUMMY_HASH = _hasher.hash("callqa-no-such-user")


# The most used passwords and words they are built on (lists of leaked passwords start with these); a
# password that is one of them, or one of them with digits or symbols added, is refused.
COMMON = frozenset(
    [
        "password",
        "passw0rd",
        "p@ssword",
        "p@ssw0rd",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "azerty",
        "letmein",
        "welcome",
        "welcome1",
        "admin",
        "administrator",
        "root",
        "login",
        "master",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "basketball",
        "soccer",
        "hockey",
        "superman",
        "batman",
        "iloveyou",
        "sunshine",
        "princess",
        "shadow",
        "michael",
        "charlie",
        "jennifer",
        "jordan",
        "hunter",
        "ranger",
        "buster",
        "trustno1",
        "whatever",
        "freedom",
        "starwars",
        "pokemon",
        "computer",
        "internet",
        "secret",
        "changeme",
        "default",
        "guest",
        "test",
        "testing",
        "abc",
        "abcdef",
        "abcdefg",
        "qazwsx",
        "qweasd",
        "zaq12wsx",
        "1qaz2wsx",
        "password1",
        "letmein1",
        "callcenter",
        "callcentre",
        "contactcenter",
        "customer",
        "service",
        "support",
        "helpdesk",
        "company",
        "summer",
        "winter",
        "spring",
        "autumn",
    ]
)
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is too weak (None: acceptable). At least ``MIN_LENGTH`` characters, not one repeated
    character or an ascending / descending run, not a common password with digits or symbols added, and not
    the username."""
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters"
    folded = password.lower()
    core = folded.strip("0123456789!@#$%^&*()-_=+.,;:?~ ")
    if len(set(folded)) <= 2:
        return "not one or two characters repeated"
    if any(folded in seq or folded in seq[::-1] for seq in _SEQUENCES):
        return "not a run of keys or digits"
    if core in COMMON or folded in COMMON or not core:
        return "not a common password (or one with digits added)"
    if username and username.lower() in folded:
        return "not containing the username"
    return None


MIN_LENGTH = 10
