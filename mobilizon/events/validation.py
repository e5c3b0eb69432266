"""What a valid event is: every value an event takes, checked and normalised in one place.

Values come in as the JSON API names them (``shared/API.md``); forms are translated to the same
names first. Every problem is reported at once, with a message by each field, so a form comes
back with all its mistakes marked rather than one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from mobilizon.errors import Invalid
from mobilizon.events.models import CATEGORIES, COMMENT_MODES, JOIN_MODES, STATUSES, VISIBILITIES, Event
from mobilizon.events.sanitize import clean_html, plain_text
from mobilizon.i18n import _

TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 100_000
TAG_MAX, TAGS_MAX = 40, 10
CONTACTS_MAX = 10
CAPACITY_MAX = 1_000_000
MESSAGE_QUESTION_MAX = 500
PICTURE_ALT_MAX = 500
ADDRESS_FIELDS = ("description", "street", "locality", "postal_code", "region", "country")
ADDRESS_COLUMNS = {"description": "address_description"}
ADDRESS_MAX = {"description": 500, "street": 500, "postal_code": 50}
OPTION_FIELDS = (
    "anonymous_participation",
    "comments",
    "show_remaining_seats",
    "show_participants",
    "participation_message",
    "online_address_participants_only",
)
OPTION_COLUMNS = {"comments": "comment_moderation"}
# edits that change what a participant planned around: the notifications feature mails these


@cache
def timezones() -> frozenset[str]:
    return frozenset(available_timezones())


class _Errors(dict):
    def add(self, field: str, message: Any) -> None:
        self.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self:
            raise Invalid(_("Some values are not valid; see the messages by each field."), fields=dict(self))


def _aware(value: Any, zone: str | None, field: str, errors: _Errors) -> datetime | None:
    """A datetime in UTC; one without an offset is read as wall time in the event's zone."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            errors.add(field, _("Enter a date and time such as 2030-05-01T18:30."))
            return None
    if not isinstance(value, datetime):
        errors.add(field, _("Enter a date and time such as 2030-05-01T18:30."))
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone or "UTC"))
    return value.astimezone(ZoneInfo("UTC"))


def _choice(values: Mapping[str, Any], name: str, allowed: tuple[str, ...], errors: _Errors) -> str | None:
    value = values.get(name)
    if value not in allowed:
        errors.add(name, _("Choose one of: ${choices}.", mapping={"choices": ", ".join(allowed)}))
        return None
    return value


def check_url(value: Any, field: str, errors: _Errors) -> str | None:
    """An http(s) URL without spaces; anything else (javascript:, data:) is refused."""
    text = str(value or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or re.search(r"\s", text)
        or len(text) > 2000
    ):
        errors.add(field, _("Enter a web address starting with https:// (or http://)."))
        return None
    return text


def clean_tags(value: Any, errors: _Errors) -> list[str]:
    """Up to 10 tags of at most 40 characters; "Trees" and "trees" are one tag."""
    raw = value.split(",") if isinstance(value, str) else list(value or [])
    tags: dict[str, str] = {}
    for item in raw:
        title = " ".join(str(item).split()).lstrip("#").strip()
        if not title:
            continue
        if len(title) > TAG_MAX:
            errors.add("tags", _("A tag has at most ${max} characters.", mapping={"max": TAG_MAX}))
            continue
        tags.setdefault(title.lower(), title)
    if len(tags) > TAGS_MAX:
        errors.add("tags", _("An event has at most ${max} tags.", mapping={"max": TAGS_MAX}))
    return list(tags.values())[:TAGS_MAX]


def _address(value: Any, errors: _Errors) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        errors.add("address", _("The address is not in the expected form."))
        return None
    address: dict[str, Any] = {}
    for name in ADDRESS_FIELDS:
        text = " ".join(str(value.get(name) or "").split())
        if len(text) > ADDRESS_MAX.get(name, 200):
            errors.add(f"address.{name}", _("This is too long."))
        address[name] = text or None
    for name, bound in (("lat", 90), ("lon", 180)):
        number = value.get(name)
        if number in (None, ""):
            address[name] = None
            continue
        try:
            number = float(number)
        except (TypeError, ValueError):
            number = None
        if number is None or not -bound <= number <= bound or number != number:
            errors.add(f"address.{name}", _("This is not a valid coordinate."))
            number = None
        address[name] = number
    if (address["lat"] is None) != (address["lon"] is None):
        address["lat"] = address["lon"] = None
    address["origin_id"] = (str(value.get("origin_id") or "").strip()[:200]) or None
    if not any(address[name] for name in ADDRESS_FIELDS):
        return None
    return address


def _options(value: Any, errors: _Errors) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    options: dict[str, Any] = {}
    for name in ("anonymous_participation", "show_remaining_seats", "show_participants"):
        if name in value:
            options[name] = bool(value[name])
    if "online_address_participants_only" in value:
        options["online_address_participants_only"] = bool(value["online_address_participants_only"])
    if "comments" in value:
        if value["comments"] not in COMMENT_MODES:
            errors.add("options.comments", _("Choose allow_all, moderated or closed."))
        else:
            options["comments"] = value["comments"]
    if "participation_message" in value:
        question = plain_text(value["participation_message"], MESSAGE_QUESTION_MAX + 1)
        if question and len(question) > MESSAGE_QUESTION_MAX:
            errors.add(
                "options.participation_message",
                _("At most ${max} characters.", mapping={"max": MESSAGE_QUESTION_MAX}),
            )
        options["participation_message"] = question
    return options


def validate(values: Mapping[str, Any], event: Event | None = None) -> dict[str, Any]:
    """The given values checked and normalised. On an edit (``event`` given) only the present
    keys are checked, against the event's other current values (an end before the start...).
    """
    errors = _Errors()
    clean: dict[str, Any] = {}
    present = set(values) if event is not None else set(values) | {"title", "begins_on", "timezone"}

    if "timezone" in present:
        zone = str(values.get("timezone") or "").strip()
        if zone not in timezones():
            errors.add("timezone", _("Choose a time zone from the list, such as Europe/Paris."))
        else:
            clean["timezone"] = zone
    zone = clean.get("timezone") or (event.timezone if event is not None else None)

    if "title" in present:
        title = " ".join(str(values.get("title") or "").split())
        if not TITLE_MIN <= len(title) <= TITLE_MAX:
            errors.add(
                "title",
                _("A title has ${min} to ${max} characters.", mapping={"min": TITLE_MIN, "max": TITLE_MAX}),
            )
        clean["title"] = title
    if "description" in present:
        description = str(values.get("description") or "")
        if len(description) > DESCRIPTION_MAX:
            errors.add("description", _("The description is too long."))
        else:
            clean["description"] = clean_html(description)

    for name in ("begins_on", "ends_on"):
        if name in present:
            clean[name] = _aware(values.get(name), zone, name, errors)
    if "begins_on" in present and clean.get("begins_on") is None:
        errors.add("begins_on", _("When does it start? Enter a date and time."))
    begins = clean.get("begins_on", event.begins_on if event is not None else None)
    ends = clean["ends_on"] if "ends_on" in clean else (event.ends_on if event is not None else None)
    if begins and ends and ends < begins:
        errors.add("ends_on", _("The end comes before the start."))

    for name, allowed in (
        ("status", STATUSES),
        ("visibility", VISIBILITIES),
        ("join_mode", JOIN_MODES),
        ("category", CATEGORIES),
    ):
        if name in values and values.get(name) is not None:
            clean[name] = _choice(values, name, allowed, errors)
    if "draft" in values and values.get("draft") is not None:
        clean["draft"] = bool(values["draft"])
    if "capacity" in values:
        capacity = values.get("capacity")
        if capacity in (None, "", 0):
            clean["capacity"] = None
        elif isinstance(capacity, bool) or not isinstance(capacity, int) or not 0 < capacity <= CAPACITY_MAX:
            errors.add("capacity", _("Enter a number of seats, or leave it empty for no limit."))
        else:
            clean["capacity"] = capacity
    if "online_address" in values:
        clean["online_address"] = check_url(values.get("online_address"), "online_address", errors)
    if "address" in values:
        clean["address"] = _address(values.get("address"), errors)
    if "tags" in values:
        clean["tags"] = clean_tags(values.get("tags"), errors)
    if "options" in values:
        clean["options"] = _options(values.get("options"), errors)
    if "picture_alt" in values:
        clean["picture_alt"] = plain_text(values.get("picture_alt"), PICTURE_ALT_MAX)
    for name in ("identity", "contacts", "group"):
        if name in values:
            clean[name] = values[name]
    errors.raise_if_any()
    return clean
