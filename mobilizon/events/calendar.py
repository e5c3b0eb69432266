"""Events as iCalendar (RFC 5545), built by the ``icalendar`` library: it escapes and folds
lines, so a title with a comma, a newline or ``END:VEVENT`` inside stays one property.

Times keep the event's own zone (``DTSTART;TZID=Europe/Paris``) with its VTIMEZONE, so a
calendar shows 18:00 in Paris wherever it is opened; the UID is the event's URL, stable across
edits, and SEQUENCE grows with each edit so calendars replace their copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from mobilizon import __version__
from mobilizon.events.models import Event
from mobilizon.events.sanitize import html_to_text
from mobilizon.models.meta import utcnow

STATUS = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}
MAX_EVENTS = 5000


def vevent(event: Event, online_address: str | None = None) -> VEvent:
    zone = ZoneInfo(event.timezone)
    component = VEvent()
    component.add("uid", event.url)
    component.add("dtstamp", utcnow())
    component.add("dtstart", event.begins_on.astimezone(zone))
    # no end given: RFC 5545 reads a DTSTART-only event as lasting no time; two hours is kinder
    component.add("dtend", (event.ends_on or event.begins_on + timedelta(hours=2)).astimezone(zone))
    component.add("summary", event.title)
    description = html_to_text(event.description)
    if online_address:
        description = f"{description}\n\n{online_address}".strip()
    if description:
        component.add("description", description)
    component.add("url", event.url)
    component.add("status", STATUS[event.status])
    component.add("sequence", event.sequence)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    location = event.address_line or online_address
    if location:
        component.add("location", location)
    if event.has_coordinates:
        component.add("geo", (event.lat, event.lon))
    if event.tags:
        component.add("categories", [tag.title for tag in event.tags])
    organizer = vCalAddress(event.organizer.url)
    organizer.params["cn"] = vText(event.organizer.display_name)
    component.add("organizer", organizer)
    return component


def calendar(events: Iterable[tuple[Event, str | None]], name: str) -> bytes:
    """A calendar of ``(event, online address the reader may see)`` pairs."""
    cal = Calendar()
    cal.add("prodid", f"-//mobilizon-py//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for count, (event, online_address) in enumerate(events):
        if count >= MAX_EVENTS:
            break
        cal.add_component(vevent(event, online_address))
    cal.add_missing_timezones()
    return cal.to_ical()
