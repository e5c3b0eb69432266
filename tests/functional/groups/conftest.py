"""Helpers of the group journeys: accounts with profiles and API tokens made in the database (as
a sign-up would leave them), a small JSON client, and signed-in browsers for the pages.

Tests share one database, so every username is made unique.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import transaction
from argon2 import PasswordHasher
from webtest import TestApp

from mobilizon.accounts.models import AuthToken, User
from mobilizon.db import tm_session
from mobilizon.identities.services import create_profile
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token

PASSWORD = "a fennec's long passphrase"  # noqa: S105 (a test account)
_HASH = PasswordHasher().hash(PASSWORD)


def unique(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


def committed(app: TestApp, work: Callable[[Any], Any]) -> Any:
    """Run ``work(session)`` in its own committed transaction, as a request would."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(app.app.registry["dbsession_factory"], manager)
        return work(session)


@dataclass
class Person:
    """An account, its profiles' usernames (the first is the default) and an API token."""

    app: TestApp
    email: str
    user_id: int
    token: str
    usernames: list[str] = field(default_factory=list)

    @property
    def username(self) -> str:
        return self.usernames[0]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _call(self, method: str, path: str, body: Any = None, status: int | str = "*", **params: Any) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        if method == "GET":
            return self.app.get(url, params=params or None, headers=self.auth, status=status)
        call = getattr(self.app, f"{method.lower()}_json")
        return call(url, body if body is not None else {}, headers=self.auth, status=status)

    def get(self, path: str, status: int | str = 200, **params: Any) -> Any:
        return self._call("GET", path, status=status, **params)

    def post(self, path: str, body: Any = None, status: int | str = "*") -> Any:
        return self._call("POST", path, body, status)

    def put(self, path: str, body: Any = None, status: int | str = "*") -> Any:
        return self._call("PUT", path, body, status)

    def patch(self, path: str, body: Any = None, status: int | str = "*") -> Any:
        return self._call("PATCH", path, body, status)

    def delete(self, path: str, body: Any = None, status: int | str = "*") -> Any:
        return self._call("DELETE", path, body, status)


def new_person(app: TestApp, prefix: str = "someone", profiles: int = 1) -> Person:
    """A confirmed account with ``profiles`` profiles and an API token."""
    token = secrets.token_urlsafe(32)
    email = f"{unique(prefix)}@example.org"
    names = [unique(prefix if n == 0 else f"{prefix}{n}") for n in range(profiles)]

    def work(session: Any) -> int:
        settings = app.app.registry.settings
        user = User(email=email, password_hash=_HASH, role="user", confirmed_at=utcnow(), settings={})
        session.add(user)
        session.flush()
        for name in names:
            create_profile(session, settings, user, name, name=name.split("_")[0].title())
        session.add(AuthToken(user_id=user.id, token_hash=hash_token(token), name="tests"))
        return user.id

    return Person(app, email, committed(app, work), token, names)


@pytest.fixture(scope="module", autouse=True)
def _remove_group_events(app: TestApp) -> Any:
    """Group events made here go when the module ends: other tests expect an instance whose
    home page lists no upcoming events.
    """
    yield
    from sqlalchemy import inspect, text
    from zope.sqlalchemy import mark_changed

    def work(session: Any) -> None:
        if inspect(session.get_bind()).has_table("events"):
            session.execute(text("DELETE FROM events WHERE attributed_to_id IS NOT NULL"))
            mark_changed(session)

    committed(app, work)


@pytest.fixture
def person(app: TestApp) -> Callable[..., Person]:
    def factory(prefix: str = "someone", profiles: int = 1) -> Person:
        return new_person(app, prefix, profiles)

    return factory


def make_group(owner: Person, **values: Any) -> str:
    """A group made through the API by ``owner``'s default profile; returns its username."""
    name = values.pop("preferred_username", None) or unique("group")
    body = {"preferred_username": name, "name": name.split("_")[0].title(), **values}
    owner.post("/groups", body, status=201)
    return name


def add_member(
    group: str, admin: Person, who: Person, role: str = "member", identity: str | None = None
) -> None:
    """Invite ``who`` (its default profile, or ``identity``), accept, then set ``role``."""
    handle = identity or who.username
    invitation = admin.post(f"/groups/{group}/invitations", {"handle": handle}, status=201).json
    who.post(f"/invitations/{invitation['id']}/accept", {}, status=200)
    if role != "member":
        admin.patch(f"/groups/{group}/members/{handle}", {"role": role}, status=200)


def sign_in(browser: TestApp, who: Person) -> TestApp:
    """Log in through the accounts feature's login form, as a person does."""
    page = browser.get("/login")
    form = next(f for f in page.forms.values() if "password" in f.fields and "email" in f.fields)
    form["email"] = who.email
    form["password"] = PASSWORD
    form.submit(status=302)
    return browser


@pytest.fixture
def browser(app: TestApp) -> Callable[..., TestApp]:
    """A fresh client with its own cookies, signed in as ``who`` when given."""

    def factory(who: Person | None = None, language: str = "en") -> TestApp:
        client = TestApp(app.app, extra_environ={"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": language})
        return sign_in(client, who) if who is not None else client

    return factory
