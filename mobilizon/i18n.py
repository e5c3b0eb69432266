"""Translations and local formatting of dates and times.

The locale comes from the signed-in account's setting, else the browser's Accept-Language,
else the instance default. Times are shown in the account's time zone, else the instance's.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from pyramid.config import Configurator
from translationstring import TranslationString
from pyramid.request import Request

from mobilizon.settings import LOCALES

DOMAIN = "mobilizon"


class Message(TranslationString):
    """A translatable message whose mapping fills ``${name}`` and ``%(name)s`` placeholders.

    Pyramid only knows ``${name}``; templates (newstyle gettext) use ``%(name)s``, and a message
    shared by both doors must come out filled either way.
    """

    def interpolate(self, translated: str | None = None) -> str:
        text = super().interpolate(translated)
        if self.mapping and "%(" in text:
            try:
                return text % dict(self.mapping)
            except (KeyError, ValueError, TypeError):
                return text
        return text


def _(msgid: str, mapping: dict | None = None, default: str | None = None) -> Message:
    """Mark ``msgid`` for translation in the ``mobilizon`` domain."""
    return Message(msgid, domain=DOMAIN, default=default, mapping=mapping)


def negotiate_locale(request: Request) -> str:
    user = request.user if hasattr(request, "user") else None
    if user is not None and user.locale in LOCALES:
        return user.locale
    default = request.registry.settings["mobilizon.default_locale"]
    if request.accept_language:
        match = request.accept_language.lookup(LOCALES, default=default)
        if match in LOCALES:
            return match
    return default


def viewer_timezone(request: Request) -> str:
    user = request.user if hasattr(request, "user") else None
    if user is not None and user.timezone:
        return user.timezone
    return request.registry.settings["mobilizon.default_timezone"]


def format_datetime(request: Request, value: datetime, format: str = "medium", tz: str | None = None) -> str:
    """``value`` in the viewer's (or the given) time zone, written the way the locale writes it."""
    zone = ZoneInfo(tz or viewer_timezone(request))
    return babel_dates.format_datetime(value, format=format, tzinfo=zone, locale=request.locale_name)


def format_date(request: Request, value: datetime, format: str = "long", tz: str | None = None) -> str:
    zone = ZoneInfo(tz or viewer_timezone(request))
    return babel_dates.format_date(value.astimezone(zone), format=format, locale=request.locale_name)


def translate(request: Request, message: str, mapping: dict | None = None) -> str:
    """Translate a message id from Python code (services raise TranslationStrings; views use this)."""
    return request.localizer.translate(_(message, mapping=mapping))


def includeme(config: Configurator) -> None:
    config.add_translation_dirs("mobilizon:locale")
    config.set_locale_negotiator(negotiate_locale)
    config.add_request_method(format_datetime, "format_datetime")
    config.add_request_method(format_date, "format_date")
    config.add_request_method(translate, "translate")
