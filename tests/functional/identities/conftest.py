"""Accounts for the profile journeys: confirmed users made in the database, signed in through
the login form (HTML) or holding an API token row (JSON), as a real client would.

This folder is a package so that this conftest does not take the module name ``conftest``
that other folders' tests import.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from webtest import TestApp

from mobilizon.accounts.models import AuthToken, User
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token

PASSWORD = "correct horse battery staple"  # noqa: S105 (a test account)


@dataclass
class Account:
    email: str
    user_id: int
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_account(app: TestApp) -> Callable[..., Account]:
    """A confirmed account with a password and an API token, committed like a sign-up would be."""
    import transaction

    from mobilizon.db import tm_session

    def factory(role: str = "user") -> Account:
        email = f"person-{secrets.token_hex(6)}@example.org"
        token = secrets.token_urlsafe(32)
        manager = transaction.TransactionManager(explicit=True)
        with manager:
            session = tm_session(app.app.registry["dbsession_factory"], manager)
            user = User(
                email=email,
                password_hash=PasswordHasher().hash(PASSWORD),
                role=role,
                confirmed_at=utcnow(),
                settings={},
            )
            session.add(user)
            session.flush()
            session.add(AuthToken(user_id=user.id, token_hash=hash_token(token), name="tests"))
            user_id = user.id
        return Account(email, user_id, token)

    return factory


def route_path(app: TestApp, name: str, **values: Any) -> str | None:
    route = app.app.routes_mapper.get_route(name)
    return route.generate(values) if route is not None else None


def sign_in(browser: TestApp, account: Account) -> None:
    """Log in through the accounts feature's login form, as a person does."""
    path = route_path(browser, "login")
    assert path is not None, "the accounts feature's login route is missing"
    form = _login_form(browser.get(path))
    form["email"] = account.email
    form["password"] = PASSWORD
    form.submit(status=302)


def _login_form(page: Any) -> Any:
    for form in page.forms.values():
        if "password" in form.fields and "email" in form.fields:
            return form
    raise AssertionError("no login form on the login page")


@pytest.fixture
def browser(app: TestApp) -> Callable[..., TestApp]:
    """A fresh client with its own cookies, signed in as ``account`` when one is given."""

    def factory(account: Account | None = None, language: str = "en") -> TestApp:
        client = TestApp(app.app, extra_environ={"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": language})
        if account is not None:
            sign_in(client, account)
        return client

    return factory
