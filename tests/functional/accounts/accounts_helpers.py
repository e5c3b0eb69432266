"""Helpers of the account journeys: unique addresses, the mails they receive, forms, the database."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from webtest import TestApp

PASSWORD = "a long and private passphrase"  # noqa: S105 (a test account)
LINK = re.compile(r"https?://[^\s<>\"']+")


def new_email(prefix: str = "rose") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.org"


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


def last_mail(mail_dir: Path, address: str) -> EmailMessage:
    messages = mails_to(mail_dir, address)
    assert messages, f"no mail was sent to {address}"
    return messages[-1]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, fragment: str) -> str:
    """The path of the first link of the text part that contains ``fragment``."""
    for link in LINK.findall(text_of(message)):
        if fragment in link:
            return link.replace("http://localhost", "")
    raise AssertionError(f"no link with {fragment!r} in: {text_of(message)}")


def form_with(page: Any, *names: str) -> Any:
    """The first form of ``page`` that has all these fields (the header has forms too)."""
    for form in page.forms.values():
        if all(name in form.fields for name in names):
            return form
    raise AssertionError(f"no form with {names} on {page.request.path}")


def form_to(page: Any, path: str) -> Any:
    """The form of ``page`` that posts to ``path`` (the header's forms post elsewhere)."""
    for form in page.forms.values():
        if form.action.split("?")[0].endswith(path):
            return form
    raise AssertionError(f"no form posting to {path} on {page.request.path}")


def sign_up(browser: TestApp, email: str, password: str = PASSWORD, status: int = 200) -> Any:
    form = form_with(browser.get("/register"), "email", "password")
    form["email"] = email
    form["password"] = password
    return form.submit(status=status)


def confirm(browser: TestApp, mail_dir: Path, email: str) -> Any:
    """Follow the confirmation link of the last mail, press its button."""
    link = link_in(last_mail(mail_dir, email), "/account/confirm/")
    return form_to(browser.get(link), link).submit(status=302)


def log_in(browser: TestApp, email: str, password: str = PASSWORD, status: int = 302) -> Any:
    form = form_with(browser.get("/login"), "email", "password")
    form["email"] = email
    form["password"] = password
    return form.submit(status=status)


@contextmanager
def committed(app: TestApp) -> Iterator[Any]:
    """A database session whose work is committed at the end of the block (like a request)."""
    import transaction

    from mobilizon.db import tm_session

    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(app.app.registry["dbsession_factory"], manager)
        yield session


def find_user(app: TestApp, email: str) -> Any:
    """The account row of ``email`` (detached: read its columns only), or None."""
    from mobilizon.accounts.models import User

    with committed(app) as session:
        user = session.query(User).filter(User.email == email).one_or_none()
        if user is not None:
            session.expunge(user)
        return user


def set_role(app: TestApp, email: str, role: str) -> None:
    from mobilizon.accounts.models import User

    with committed(app) as session:
        session.query(User).filter(User.email == email).one().role = role


def csrf_token(browser: TestApp) -> str:
    """A valid CSRF token of this browser's session, for hand-made POSTs."""
    return form_with(browser.get("/account/password-reset"), "csrf_token")["csrf_token"].value


def french_ready(*messages: str) -> None:
    """Skip until the lead has merged this feature's French catalogue (see /tmp/fr_accounts.json)."""
    import gettext

    root = Path(__file__).resolve().parents[3] / "mobilizon" / "locale"
    catalog = gettext.translation("mobilizon", str(root), languages=["fr"], fallback=True)
    missing = [message for message in messages if catalog.gettext(message) == message]
    if missing:
        pytest.skip(f"French translations not merged yet: {missing[0]!r}")
