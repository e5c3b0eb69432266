"""How fast the event page renders with 200 participants and 100 comments, next to bare
Pyramid + Jinja2 pages on the same machine.

Run: ``.venv/bin/python benchmarks/event_page.py [seconds]``. It builds a throw-away instance
(SQLite in a temporary folder, migrated), seeds it through the services (an organiser, 200
profiles that join, 100 comments of which a third are replies), then calls the WSGI apps
directly (no HTTP server, no WebTest) in one thread for ``seconds`` each, counting CPU time
(best of three rounds) so that other work on the machine weighs less on the figures:

- the event page, as an anonymous visitor and as a signed-in participant;
- a bare page: Pyramid + pyramid_jinja2 rendering a title and a paragraph;
- a bare page with the same volume: 200 names and 100 comments from a list in memory.

It prints requests per second for each and the ratios.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import transaction
from argon2 import PasswordHasher
from pyramid.config import Configurator
from webob import Request

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark passphrase"  # noqa: S105 (a throw-away instance)
PARTICIPANTS = 200
COMMENTS = 100


def settings_for(folder: Path) -> dict[str, Any]:
    return {
        "here": str(ROOT),
        "mobilizon.base_url": "http://localhost",
        "mobilizon.database_url": f"sqlite:///{folder / 'bench.sqlite'}",
        "mobilizon.data_dir": str(folder),
        "mobilizon.secret": "benchmark-secret-benchmark-secret-benchmark",
        "mobilizon.jobs.immediate": "true",
        "mobilizon.themes_dir": str(ROOT / "themes"),
        "mobilizon.instance_name": "Benchmark",
        "mobilizon.default_timezone": "Europe/Paris",
    }


def build_instance(folder: Path) -> Any:
    from mobilizon import main, migrate
    from mobilizon.plugins import build_plugin_manager
    from mobilizon.settings import normalize

    settings = settings_for(folder)
    normalized = normalize(dict(settings))
    migrate.upgrade(normalized, build_plugin_manager(normalized))
    return main({"here": str(ROOT)}, **settings)


def seed(wsgi: Any) -> tuple[str, str]:
    """An event with 200 participants and 100 comments; returns its uuid and one participant's
    account email (to render the page signed in)."""
    from mobilizon.accounts.models import User
    from mobilizon.db import tm_session
    from mobilizon.events import comments, participations, services
    from mobilizon.identities import services as identities
    from mobilizon.models.meta import utcnow

    registry = wsgi.registry
    # the key pairs of seeded profiles are never used: one pair for all keeps seeding quick
    pair = identities.generate_key_pair()
    identities.generate_key_pair = lambda: pair
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(registry["dbsession_factory"], manager)
        ctx = SimpleNamespace(dbsession=session, registry=registry, tm=manager)

        def account(name: str) -> Any:
            user = User(email=f"{name}@example.org", confirmed_at=utcnow(), settings={})
            session.add(user)
            session.flush()
            identities.create_profile(session, registry.settings, user, name, name=name.title())
            return user

        organiser = account("organiser")
        start = datetime.now(UTC) + timedelta(days=10)
        event = services.create_event(
            ctx,
            organiser,
            {
                "title": "More trees, less ads!",
                "description": "<p>Hide an advertising screen with an umbrella.</p>" * 5,
                "begins_on": start,
                "ends_on": start + timedelta(hours=3),
                "timezone": "Europe/Paris",
                "tags": ["trees", "ads", "umbrellas"],
                "address": {"description": "République", "locality": "Paris", "lat": 48.8, "lon": 2.3},
                "options": {"show_participants": True},
            },
        )
        people = [account(f"person{number:03d}") for number in range(PARTICIPANTS)]
        people[0].password_hash = PasswordHasher().hash(PASSWORD)
        for user in people:
            participations.join(ctx, user, event.uuid, message="See you there")
        threads: list[Any] = []
        for number in range(COMMENTS):
            author = people[number % len(people)]
            reply_to = threads[number % len(threads)].uuid if threads and number % 3 == 0 else None
            text = f"Comment number {number}, with a <a href='https://x.org'>link</a>."
            comment = comments.create_comment(ctx, author, event.uuid, text, reply_to)
            if reply_to is None:
                threads.append(comment)
        return str(event.uuid), people[0].email


def rate(label: str, call: Callable[[], Any], seconds: float, rounds: int = 3) -> float:
    """Requests per second of CPU time, best of ``rounds``: the machine may be busy with other
    work, and CPU time (unlike wall time) does not count the moments this process waited.
    """
    call()  # warm the template cache and the session outside the measurement
    best = 0.0
    for _ in range(rounds):
        count, started = 0, time.process_time()
        while (elapsed := time.process_time() - started) < seconds / rounds:
            for _ in range(5):
                call()
            count += 5
        best = max(best, count / elapsed)
    print(f"{label:<58} {best:>9,.1f} req/s  ({1000 / best:,.2f} ms each)")
    return best


def get(app: Any, path: str, cookies: str = "") -> Callable[[], Any]:
    def call() -> Any:
        request = Request.blank(path, base_url="http://localhost")
        if cookies:
            request.headers["Cookie"] = cookies
        response = request.get_response(app)
        assert response.status_int == 200, response.status
        return response

    return call


def signed_in_cookie(app: Any, email: str) -> str:
    """Sign in through the login form (once, not measured) and keep the session cookie."""
    from webtest import TestApp

    client = TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    form = next(f for f in client.get("/login").forms.values() if "password" in f.fields)
    form["email"], form["password"] = email, PASSWORD
    form.submit(status=302)
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


BARE = """<!doctype html><html><head><title>{{ title }}</title></head><body><main>
<h1>{{ title }}</h1><p>{{ text }}</p>
{% if names %}<ul>{% for name in names %}
<li><a href="/@{{ name }}">{{ name }}</a></li>{% endfor %}</ul>{% endif %}
{% if comments %}<ol>{% for c in comments %}
<li><p>{{ c.author }}</p><div>{{ c.text }}</div></li>{% endfor %}</ol>{% endif %}
</main></body></html>"""


def bare_app(folder: Path) -> Any:
    """Pyramid with pyramid_jinja2 and nothing else: the floor of what a page can cost."""
    templates = folder / "bare"
    templates.mkdir()
    (templates / "page.jinja2").write_text(BARE, encoding="utf-8")
    config = Configurator(settings={"jinja2.directories": str(templates), "jinja2.autoescape": "true"})
    config.include("pyramid_jinja2")
    names = [f"person{number:03d}" for number in range(PARTICIPANTS)]
    comments = [{"author": names[n % PARTICIPANTS], "text": f"Comment number {n}"} for n in range(COMMENTS)]

    def hello(request: Any) -> dict[str, Any]:
        return {"title": "Hello", "text": "A bare page.", "names": [], "comments": []}

    def same_volume(request: Any) -> dict[str, Any]:
        return {"title": "More trees", "text": "A bare page.", "names": names, "comments": comments}

    config.add_route("hello", "/hello")
    config.add_route("volume", "/volume")
    config.add_view(hello, route_name="hello", renderer="page.jinja2")
    config.add_view(same_volume, route_name="volume", renderer="page.jinja2")
    return config.make_wsgi_app()


def main(seconds: float = 5.0) -> None:
    with tempfile.TemporaryDirectory(prefix="mobilizon-bench-") as name:
        folder = Path(name)
        wsgi = build_instance(folder)
        started = time.perf_counter()
        uuid, email = seed(wsgi)
        took = time.perf_counter() - started
        print(f"seeded {PARTICIPANTS} participants and {COMMENTS} comments in {took:.1f} s")
        page = get(wsgi, f"/events/{uuid}")
        body = page().text
        assert body.count('<li class="comment') == COMMENTS, "the page does not show every comment"
        cookie = signed_in_cookie(wsgi, email)
        anonymous = rate("event page, 200 participants, 100 comments (visitor)", page, seconds)
        signed_in = get(wsgi, f"/events/{uuid}", cookie)
        member = rate("event page, same, signed in as a participant", signed_in, seconds)
        bare = bare_app(folder)
        hello = rate("bare Pyramid + Jinja2 page (title and a paragraph)", get(bare, "/hello"), seconds)
        volume = rate("bare Pyramid + Jinja2, 200 names and 100 comments", get(bare, "/volume"), seconds)
        print(f"page size: {len(body.encode()) / 1024:.0f} KiB")
        print(f"ratio bare page / event page (visitor):       {hello / anonymous:5.1f}x")
        print(f"ratio bare same-volume / event page (visitor): {volume / anonymous:5.1f}x")
        print(f"ratio visitor / signed-in event page:          {anonymous / member:5.2f}x")
        wsgi.registry["db_engine"].dispose()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
