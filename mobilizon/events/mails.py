"""Mails about events and participations, built in the recipient's language, sent after commit.

Templates are ``mail/<name>.subject|.txt|.html.jinja2`` in the theme. Each mail is rendered
with a request of its own pushed as current, so the templates' translation helper speaks the
recipient's language whichever page triggered it. User-written text (titles, messages) is
escaped by the templates like anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.policy import SMTP
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from pyramid.registry import Registry
from pyramid.threadlocal import RequestContext

from mobilizon.mail.services import build_message, mail_request
from mobilizon.settings import LOCALES


def url(registry: Registry, route_name: str, **parts: Any) -> str:
    """An absolute link to a route, on the instance's public address."""
    return mail_request(registry, registry.settings["mobilizon.default_locale"]).route_url(
        route_name, **parts
    )


def locale_of(registry: Registry, locale: str | None) -> str:
    return locale if locale in LOCALES else registry.settings["mobilizon.default_locale"]


def send(ctx: Any, *, to: str, locale: str | None, template: str, values: Mapping[str, Any]) -> None:
    """Queue ``template`` to ``to``; it leaves once the transaction of ``ctx`` commits."""
    registry = ctx.registry
    locale = locale_of(registry, locale)
    context = {"email": to, "home": registry.settings["mobilizon.base_url"] + "/", **values}
    if "event" in context:
        event = context["event"]
        context["event"] = {**event, "when": when(event["begins_on"], event["timezone"], locale)}
    with RequestContext(mail_request(registry, locale)):
        message = build_message(registry, to=to, template=template, locale=locale, values=context)
    registry["jobs"].enqueue(ctx.tm, "mail.send", message.as_bytes(policy=SMTP), [to])


def when(value: datetime, zone: str, locale: str) -> str:
    """The start of an event as the recipient's language writes it, in the event's zone."""
    return babel_dates.format_datetime(value, "EEEE d MMMM y · HH:mm", tzinfo=ZoneInfo(zone), locale=locale)


def recipient(participant: Any) -> tuple[str | None, str | None]:
    """Where a participant's mail goes, and in which language: the account's, or the email given."""
    if participant.actor is not None:
        user = participant.actor.user
        if user is None or user.disabled:
            return None, None
        return user.email, user.locale
    return participant.email, participant.locale
