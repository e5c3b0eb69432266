"""Passwords: argon2id hashes, and the rules a new password must pass.

A login for an unknown email still runs one argon2 verification (against a dummy hash), so the
time an answer takes does not tell whether the address has an account.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mobilizon.errors import Invalid
from mobilizon.i18n import _

MIN_LENGTH = 8
# argon2 hashes whatever it is given; a megabyte-long "password" would only cost us CPU
MAX_LENGTH = 256

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-password: a dummy hash so unknown emails take as long as known ones")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, lower-case."""
    text = files("mobilizon.accounts").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; with no hash (unknown account) a dummy check runs anyway."""
    if not password_hash or len(password) > MAX_LENGTH:
        _verify(_dummy_hash(), password[:MAX_LENGTH])
        return False
    return _verify(password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at login)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def check_password(password: str, *, email: str = "", field: str = "password") -> str:
    """Refuse passwords that are too short, too long, common or the email itself."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise Invalid(
            _("Your password needs at least ${count} characters.", mapping={"count": MIN_LENGTH}),
            fields={field: _("At least ${count} characters.", mapping={"count": MIN_LENGTH})},
            code="password_too_short",
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            _("Your password can have at most ${count} characters.", mapping={"count": MAX_LENGTH}),
            fields={field: _("At most ${count} characters.", mapping={"count": MAX_LENGTH})},
            code="password_too_long",
        )
    lowered = password.lower()
    if lowered in common_passwords() or (email and lowered in (email.lower(), email.lower().split("@")[0])):
        raise Invalid(
            _("This password is among the most common ones and easy to guess; choose another one."),
            fields={field: _("Too common: choose a password that is harder to guess.")},
            code="password_too_common",
        )
    return password
