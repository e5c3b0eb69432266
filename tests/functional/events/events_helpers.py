"""Helpers of the event journeys: accounts with profiles and tokens made in the database (as a
sign-up would leave them), signed-in clients, the mails people receive, and event payloads.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import transaction
from argon2 import PasswordHasher
from webtest import TestApp

from mobilizon.accounts.models import AuthToken, User
from mobilizon.db import tm_session
from mobilizon.identities.services import create_profile
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token

PASSWORD = "an organiser's long passphrase"  # noqa: S105 (a test account)
LINK = re.compile(r"https?://[^\s<>\"']+")
_HASH = PasswordHasher().hash(PASSWORD)


@dataclass
class Person:
    email: str
    user_id: int
    token: str
    username: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def committed(app: TestApp, work: Callable[[Any], Any]) -> Any:
    """Run ``work(session)`` in its own committed transaction, as a request would."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(app.app.registry["dbsession_factory"], manager)
        return work(session)


def new_person(app: TestApp, prefix: str = "rose", *, profiles: int = 1) -> Person:
    """A confirmed account with ``profiles`` profiles and an API token."""
    suffix = secrets.token_hex(4)
    email = f"{prefix}-{suffix}@example.org"
    token = secrets.token_urlsafe(32)

    def work(session: Any) -> Person:
        user = User(email=email, password_hash=_HASH, confirmed_at=utcnow(), settings={})
        session.add(user)
        session.flush()
        first = None
        for number in range(profiles):
            actor = create_profile(session, app.app.registry.settings, user, f"{prefix}_{suffix}_{number}")
            first = first or actor.preferred_username
        session.add(AuthToken(user_id=user.id, token_hash=hash_token(token), name="tests"))
        return Person(email, user.id, token, first or "")

    return committed(app, work)


def sign_in(client: TestApp, who: Person) -> TestApp:
    """Log in through the accounts feature's login form, as a person does."""
    page = client.get("/login")
    form = next(f for f in page.forms.values() if "password" in f.fields and "email" in f.fields)
    form["email"] = who.email
    form["password"] = PASSWORD
    form.submit(status=302)
    return client


def future(days: int = 10, hour: int = 18) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def event_payload(**overrides: Any) -> dict[str, Any]:
    """A valid event for the API: next week, in Paris, two hours long."""
    start = future()
    payload: dict[str, Any] = {
        "title": "More trees, less ads!",
        "description": "<p>Bring an <strong>umbrella</strong>.</p>",
        "begins_on": start.replace(tzinfo=None).isoformat(timespec="minutes"),
        "ends_on": (start + timedelta(hours=2)).replace(tzinfo=None).isoformat(timespec="minutes"),
        "timezone": "Europe/Paris",
        "category": "MOVEMENTS_POLITICS",
        "tags": ["Trees", "ads"],
        "address": {"description": "Place de la République", "locality": "Paris", "country": "France"},
    }
    payload.update(overrides)
    return payload


def mails_to(mail_dir: Path, address: str) -> list[EmailMessage]:
    """Every mail sent to ``address``, oldest first (file names start with a timestamp)."""
    found = []
    if not mail_dir.is_dir():
        return found
    for path in sorted(mail_dir.glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] == address:
            found.append(message)
    return found


def mail_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return LINK.findall(mail_text(message))


def local_path(url: str) -> str:
    return url.replace("http://localhost", "")
