"""Password hashing and the rules a new password must pass."""

import pytest

from mobilizon.accounts import passwords
from mobilizon.errors import Invalid


def test_hashes_are_argon2id_and_verify():
    hashed = passwords.hash_password("a long private passphrase")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "a long private passphrase")
    assert not passwords.verify_password(hashed, "a long private passphrasE")
    assert not passwords.needs_rehash(hashed)


def test_unknown_accounts_and_broken_hashes_never_verify():
    assert not passwords.verify_password(None, "anything at all")
    assert not passwords.verify_password("", "anything at all")
    assert not passwords.verify_password("not-a-hash", "anything at all")
    assert passwords.needs_rehash("not-a-hash")


def test_overlong_passwords_never_verify():
    password = "x" * passwords.MAX_LENGTH
    hashed = passwords.hash_password(password)
    assert passwords.verify_password(hashed, password)
    assert not passwords.verify_password(hashed, password + "more")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("", "password_too_short"),
        ("seven77", "password_too_short"),
        ("x" * 257, "password_too_long"),
        ("password", "password_too_common"),
        ("Password123", "password_too_common"),
        ("AZERTYUIOP", "password_too_common"),
        ("iloveyou", "password_too_common"),
        ("sunshine1", "password_too_common"),
    ],
)
def test_weak_passwords(password, code):
    with pytest.raises(Invalid) as caught:
        passwords.check_password(password, field="new_password")
    assert caught.value.code == code
    assert set(caught.value.fields) == {"new_password"}


def test_the_email_is_not_a_password():
    with pytest.raises(Invalid):
        passwords.check_password("rosemary.b@example.org", email="rosemary.b@example.org")
    with pytest.raises(Invalid):
        passwords.check_password("Rosemary.B", email="rosemary.b@example.org")


def test_good_passwords_pass():
    for password in ("correct horse battery staple", "Tr0ub4dor&3x", "un mot de passe à moi"):
        assert passwords.check_password(password) == password


def test_the_common_list_is_shipped_and_lower_case():
    common = passwords.common_passwords()
    assert len(common) >= 1000
    assert {"123456", "password", "qwerty", "azerty", "motdepasse"} <= common
    assert all(word == word.lower() and word.strip() == word for word in common)
