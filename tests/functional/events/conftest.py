"""Fixtures of the event journeys (helpers live in ``events_helpers``).

Events made by a module are removed when it ends, so the instance pages tested elsewhere
("No upcoming public events yet.") see an empty instance again.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from webtest import TestApp
from zope.sqlalchemy import mark_changed

from .events_helpers import Person, committed, event_payload, new_person, sign_in


@pytest.fixture
def person(app: TestApp) -> Callable[..., Person]:
    def factory(prefix: str = "rose", profiles: int = 1) -> Person:
        return new_person(app, prefix, profiles=profiles)

    return factory


@pytest.fixture
def browser(app: TestApp) -> Callable[..., TestApp]:
    """A fresh client with its own cookies, signed in as ``who`` when given."""

    def factory(who: Person | None = None, language: str = "en") -> TestApp:
        client = TestApp(app.app, extra_environ={"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": language})
        return sign_in(client, who) if who is not None else client

    return factory


@pytest.fixture
def other_app(make_app: Callable[..., TestApp]) -> Iterator[Callable[..., TestApp]]:
    """A second app on the same database with other settings; its connections closed after."""
    made: list[TestApp] = []

    def factory(**settings: Any) -> TestApp:
        made.append(make_app(**settings))
        return made[-1]

    yield factory
    for app in made:
        app.app.registry["db_engine"].dispose()


@pytest.fixture
def create_event(app: TestApp) -> Callable[..., dict[str, Any]]:
    """POST an event as ``who``; returns the API's answer."""

    def factory(who: Person, expect: int = 201, **overrides: Any) -> dict[str, Any]:
        return app.post_json(
            "/api/v1/events", event_payload(**overrides), headers=who.auth, status=expect
        ).json

    return factory


HERE = Path(__file__).parent
# pyramid_retry copies large request bodies (uploads, the 5 MB title) to temporary files that
# only the garbage collector closes, with a ResourceWarning: harmless, and not ours to fix here
UNCLOSED_BODY = "ignore:Exception ignored in. <_io.FileIO:pytest.PytestUnraisableExceptionWarning"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(UNCLOSED_BODY))


@pytest.fixture(autouse=True)
def _collect_request_bodies() -> Iterator[None]:
    """Collect those temporary files after each test here, quietly, so that the warning never
    surfaces in another feature's test.
    """
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(autouse=True, scope="module")
def _remove_events(app: TestApp) -> Iterator[None]:
    yield

    def remove(session: Any) -> None:
        session.execute(text("DELETE FROM events"))
        mark_changed(session)  # a raw statement: tell the transaction there is something to commit

    committed(app, remove)
