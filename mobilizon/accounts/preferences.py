"""Account preferences (language, time zone, notification settings) and the data export."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from mobilizon.accounts.models import User
from mobilizon.errors import Invalid
from mobilizon.i18n import _
from mobilizon.models.meta import utcnow
from mobilizon.settings import LOCALES

# the notification preferences an account keeps (used by the notifications feature); the
# frequencies follow Mobilizon's: none, as it happens, or a digest every hour/day/week
FREQUENCIES = ("none", "direct", "one_hour", "one_day", "one_week")
NOTIFICATION_DEFAULTS: dict[str, bool | str] = {
    "on_day": True,
    "each_week": False,
    "before_event": True,
    "pending_participation": "one_day",
    "pending_membership": "one_day",
    "group_activity": "one_day",
}


@cache
def timezones() -> tuple[str, ...]:
    """Every IANA time zone name, sorted (for validation and the settings form)."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def notification_settings(user: User) -> dict[str, bool | str]:
    stored = (user.settings or {}).get("notifications") or {}
    return {key: stored.get(key, default) for key, default in NOTIFICATION_DEFAULTS.items()}


def update_preferences(
    user: User,
    *,
    locale: str | None = None,
    timezone: str | None = None,
    notifications: Mapping[str, Any] | None = None,
) -> None:
    """Change locale, time zone and notification preferences; only what is given changes."""
    fields: dict[str, Any] = {}
    if locale is not None and locale not in LOCALES:
        fields["locale"] = _("Choose English or French.")
    if timezone is not None and timezone not in timezones():
        fields["timezone"] = _("Choose a time zone from the list, such as Europe/Paris.")
    merged = notification_settings(user)
    for key, value in (notifications or {}).items():
        default = NOTIFICATION_DEFAULTS.get(key)
        if default is None:
            fields[f"notifications.{key}"] = _("Unknown setting.")
        elif isinstance(default, bool) and not isinstance(value, bool):
            fields[f"notifications.{key}"] = _("Use true or false.")
        elif isinstance(default, str) and value not in FREQUENCIES:
            fields[f"notifications.{key}"] = _("Use one of none, direct, one_hour, one_day, one_week.")
        else:
            merged[key] = value
    if fields:
        raise Invalid(_("Some settings are not valid."), fields=fields)
    if locale is not None:
        user.locale = locale
    if timezone is not None:
        user.timezone = timezone
    if notifications is not None:
        user.settings = {**(user.settings or {}), "notifications": merged}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_account(user: User) -> dict[str, Any]:
    """Everything the account holds, as JSON-ready data (never hashes nor private keys)."""
    return {
        "account": {
            "email": user.email,
            "role": user.role,
            "locale": user.locale,
            "timezone": user.timezone,
            "settings": {**(user.settings or {}), "notifications": notification_settings(user)},
            "created_at": _iso(user.created_at),
            "confirmed_at": _iso(user.confirmed_at),
            "last_sign_in_at": _iso(user.last_sign_in_at),
        },
        "profiles": [
            {
                "preferred_username": actor.preferred_username,
                "name": actor.name,
                "summary": actor.summary,
                "url": actor.url,
                "avatar_url": actor.avatar_url,
                "banner_url": actor.banner_url,
                "default": actor.id == user.default_actor_id,
                "created_at": _iso(actor.created_at),
            }
            for actor in sorted(user.actors, key=lambda actor: actor.id)
        ],
        "exported_at": utcnow().isoformat(),
    }


def export_calendar(dbsession: Any, user: User, settings: Mapping[str, Any]) -> bytes:
    """The events the account's profiles organise or take part in, as iCalendar.

    RFC 5545 wants at least one component: with no event yet, the account's time zone is one.
    """
    from icalendar import Calendar, Timezone

    from mobilizon.events import calendar as event_calendar
    from mobilizon.events.feeds import participating_events

    name = f"{settings['mobilizon.instance_name']}: {user.email}"
    events = participating_events(dbsession, user)
    if events:
        return event_calendar.calendar(((event, event.online_address) for event in events), name)
    calendar = Calendar()
    calendar.add("prodid", "-//mobilizon-py//account export//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add_component(Timezone.from_tzid(user.timezone or settings["mobilizon.default_timezone"]))
    return calendar.to_ical()


def exported_events(dbsession: Any, user: User) -> list[dict[str, Any]]:
    """The events in the JSON export: what the account's profiles organise or take part in."""
    from mobilizon.events.feeds import participating_events

    return [
        {
            "uuid": str(event.uuid),
            "url": event.url,
            "title": event.title,
            "begins_on": _iso(event.begins_on),
            "ends_on": _iso(event.ends_on),
            "timezone": event.timezone,
            "status": event.status,
        }
        for event in participating_events(dbsession, user)
    ]
