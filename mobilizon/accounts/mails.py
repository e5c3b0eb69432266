"""Account mails: built in the recipient's language, sent by a job once the transaction commits.

Templates are ``mail/<name>.subject|.txt|.html.jinja2`` in the theme. The translation helper of
the templates reads the *current* request, so each mail is rendered with a request of its own
pushed as current: a French account gets French mail even when an English page asked for it,
and the command line (which has no request) can send mail too.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.policy import SMTP
from typing import Any

from pyramid.registry import Registry
from pyramid.threadlocal import RequestContext

from mobilizon.mail.services import build_message, mail_request
from mobilizon.settings import LOCALES


def user_locale(user: Any, settings: Mapping[str, Any]) -> str:
    """The account's language, else the instance's."""
    return user.locale if user.locale in LOCALES else settings["mobilizon.default_locale"]


def url(registry: Registry, route_name: str, **parts: Any) -> str:
    """An absolute link to a route, on the instance's public address."""
    return mail_request(registry, registry.settings["mobilizon.default_locale"]).route_url(
        route_name, **parts
    )


def send(ctx: Any, user: Any, template: str, values: Mapping[str, Any], *, to: str | None = None) -> None:
    """Queue ``template`` for ``user`` (or another address of theirs), in the account's locale."""
    registry = ctx.registry
    locale = user_locale(user, registry.settings)
    recipient = to or user.email
    context = {
        "email": recipient,
        "home": registry.settings["mobilizon.base_url"] + "/",
        "login_link": url(registry, "login"),
        "reset_link": url(registry, "password_reset"),
        **values,
    }
    with RequestContext(mail_request(registry, locale)):
        message = build_message(registry, to=recipient, template=template, locale=locale, values=context)
    registry["jobs"].enqueue(ctx.tm, "mail.send", message.as_bytes(policy=SMTP), [recipient])
