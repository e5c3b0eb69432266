"""Translations and local formatting of dates and times.

The locale comes from the signed-in account's setting, else the browser's Accept-Language,
else the instance default. Times are shown in the account's time zone, else the instance's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from pyramid.config import Configurator
from pyramid.i18n import Localizer as PyramidLocalizer
from pyramid.i18n import make_localizer
from pyramid.interfaces import ILocalizer, ITranslationDirectories
from pyramid.request import Request
from translationstring import TranslationString

from mobilizon.settings import LOCALES

DOMAIN = "mobilizon"


def _(msgid: str, mapping: dict | None = None, default: str | None = None) -> TranslationString:
    """Mark ``msgid`` for translation in the ``mobilizon`` domain (``${name}`` or ``%(name)s``)."""
    return TranslationString(msgid, domain=DOMAIN, default=default, mapping=mapping)


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


class Localizer(PyramidLocalizer):
    """Pyramid's localizer, also filling ``%(name)s`` placeholders from the message's mapping.

    Pyramid interpolates only when the text holds a ``$``; messages shared with templates use
    ``%(name)s``, so they are filled here, whichever door shows them.
    """

    def translate(self, tstring: Any, domain: str | None = None, mapping: dict | None = None) -> str:
        text = super().translate(tstring, domain=domain, mapping=mapping)
        values = mapping or getattr(tstring, "mapping", None)
        if values and "%(" in text:
            try:
                return text % dict(values)
            except (KeyError, ValueError, TypeError):
                return text
        return text


def register_localizers(registry: Any) -> None:
    """Put our localizer in the registry for every locale, where ``request.localizer`` looks."""
    directories = registry.queryUtility(ITranslationDirectories, default=[])
    for locale in LOCALES:
        made = make_localizer(locale, directories)
        registry.registerUtility(Localizer(locale, made.translations), ILocalizer, name=locale)


def includeme(config: Configurator) -> None:
    config.add_translation_dirs("mobilizon:locale")
    # after every package and plugin has added its translation folders
    config.action(None, register_localizers, args=(config.registry,), order=10_001)
    config.set_locale_negotiator(negotiate_locale)
    config.add_request_method(format_datetime, "format_datetime")
    config.add_request_method(format_date, "format_date")
    config.add_request_method(translate, "translate")
