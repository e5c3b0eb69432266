"""Fixtures of the account journeys: fresh browsers, and accounts signed up through the pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from webtest import TestApp

from tests.functional.accounts.accounts_helpers import confirm, new_email, sign_up


@pytest.fixture
def client(app: TestApp) -> Callable[..., TestApp]:
    """A fresh browser with its own cookies on the shared app."""

    def factory(language: str = "en", wsgi: Any = None) -> TestApp:
        return TestApp(
            wsgi or app.app, extra_environ={"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": language}
        )

    return factory


@pytest.fixture
def confirmed_account(client: Callable[..., TestApp], mail_dir: Path) -> Callable[..., tuple[TestApp, str]]:
    """A new account signed up and confirmed through the pages; returns its browser and email."""

    def factory(language: str = "en") -> tuple[TestApp, str]:
        browser = client(language)
        email = new_email()
        sign_up(browser, email)
        confirm(browser, mail_dir, email)
        return browser, email

    return factory
