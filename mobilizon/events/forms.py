"""The event form: what the page posts, turned into the values the services take (the JSON
API's names), and an event turned back into what the form shows.

The form keeps what the person typed as strings, so a refused form comes back exactly as it
was sent, with a message by each field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from mobilizon.events.models import Event

TEXT_FIELDS = (
    "identity", "title", "description", "begins_on", "ends_on", "timezone", "status", "visibility",
    "join_mode", "capacity", "category", "tags", "online_address", "address_description", "street",
    "postal_code", "locality", "region", "country", "lat", "lon", "origin_id", "comments",
    "participation_message", "picture_alt", "contacts", "place", "place_key",
)  # fmt: skip
CHECKBOXES = (
    "anonymous_participation",
    "show_remaining_seats",
    "show_participants",
    "online_address_participants_only",
)
ADDRESS_INPUTS = ("address_description", "street", "postal_code", "locality", "region", "country")


def read_form(post: Mapping[str, Any]) -> dict[str, Any]:
    """The posted fields as strings (and booleans for the checkboxes)."""
    form: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = post.get(name, "")
        form[name] = value if isinstance(value, str) else ""
    for name in CHECKBOXES:
        form[name] = name in post
    return form


def chosen_place(form: Mapping[str, Any]) -> dict[str, Any] | None:
    """The candidate place picked among the geocoder's answers (a JSON value of the radio)."""
    try:
        place = json.loads(form.get("place") or "null")
    except ValueError:
        return None
    return place if isinstance(place, dict) else None


def service_values(form: Mapping[str, Any]) -> dict[str, Any]:
    """What ``services.create_event``/``update_event`` take, from the form's strings."""
    capacity: Any = form["capacity"].strip()
    if capacity.isdigit():
        capacity = int(capacity)
    elif not capacity:
        capacity = None
    address: dict[str, Any] = {
        "description": form["address_description"],
        "street": form["street"],
        "postal_code": form["postal_code"],
        "locality": form["locality"],
        "region": form["region"],
        "country": form["country"],
        "lat": form["lat"] or None,
        "lon": form["lon"] or None,
        "origin_id": form["origin_id"],
    }
    if address_query(form) != form["place_key"]:
        # the address was retyped since it was found: its coordinates no longer apply
        address.update(lat=None, lon=None, origin_id=None)
    place = chosen_place(form)
    if place is not None:
        address = {key: place.get(key) for key in (*address, "description")}
    values: dict[str, Any] = {
        "title": form["title"],
        "description": form["description"],
        "begins_on": form["begins_on"],
        "ends_on": form["ends_on"] or None,
        "timezone": form["timezone"],
        "status": form["status"] or "confirmed",
        "visibility": form["visibility"] or "public",
        "join_mode": form["join_mode"] or "free",
        "capacity": capacity,
        "category": form["category"] or "MEETING",
        "tags": form["tags"],
        "online_address": form["online_address"],
        "address": address,
        "picture_alt": form["picture_alt"],
        "contacts": [name for name in form["contacts"].replace(",", " ").split() if name],
        "options": {
            "anonymous_participation": form["anonymous_participation"],
            "comments": form["comments"] or "allow_all",
            "show_remaining_seats": form["show_remaining_seats"],
            "show_participants": form["show_participants"],
            "participation_message": form["participation_message"],
            "online_address_participants_only": form["online_address_participants_only"],
        },
    }
    if form["identity"]:
        values["identity"] = form["identity"]
    return values


def apply_place(form: dict[str, Any], place: Mapping[str, Any]) -> None:
    """Show a picked place in the address inputs (its coordinates in the hidden ones)."""
    form["address_description"] = place.get("description") or ""
    for name in ("street", "postal_code", "locality", "region", "country", "origin_id"):
        form[name] = place.get(name) or ""
    form["lat"] = "" if place.get("lat") is None else str(place["lat"])
    form["lon"] = "" if place.get("lon") is None else str(place["lon"])
    form["place"] = ""
    form["place_key"] = address_query(form)


def local_input(value: Any, zone: str) -> str:
    """A UTC datetime as the ``datetime-local`` input wants it, in the event's zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def form_of(event: Event) -> dict[str, Any]:
    """What the edit form shows for an existing event."""
    form = {
        "identity": event.organizer.preferred_username,
        "title": event.title,
        "description": event.description,
        "begins_on": local_input(event.begins_on, event.timezone),
        "ends_on": local_input(event.ends_on, event.timezone),
        "timezone": event.timezone,
        "status": event.status,
        "visibility": event.visibility,
        "join_mode": event.join_mode,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "category": event.category,
        "tags": ", ".join(tag.title for tag in event.tags),
        "online_address": event.online_address or "",
        "address_description": event.address_description or "",
        "street": event.street or "",
        "postal_code": event.postal_code or "",
        "locality": event.locality or "",
        "region": event.region or "",
        "country": event.country or "",
        "lat": "" if event.lat is None else str(event.lat),
        "lon": "" if event.lon is None else str(event.lon),
        "origin_id": event.origin_id or "",
        "comments": event.comment_moderation,
        "participation_message": event.participation_message or "",
        "picture_alt": event.picture_alt or "",
        "contacts": ", ".join(actor.preferred_username for actor in event.contacts),
        "place": "",
        "place_key": "",
        "anonymous_participation": event.anonymous_participation,
        "show_remaining_seats": event.show_remaining_seats,
        "show_participants": event.show_participants,
        "online_address_participants_only": event.online_address_participants_only,
    }
    if event.has_coordinates:
        form["place_key"] = address_query(form)
    return form


def new_form(identity: str, zone: str, begins: Any, ends: Any) -> dict[str, Any]:
    """An empty form with sensible defaults (the viewer's zone, next week at 18:00)."""
    form = {name: "" for name in TEXT_FIELDS}
    form.update(
        identity=identity,
        timezone=zone,
        begins_on=begins.strftime("%Y-%m-%dT%H:%M"),
        ends_on=ends.strftime("%Y-%m-%dT%H:%M"),
        status="confirmed",
        visibility="public",
        join_mode="free",
        category="MEETING",
        comments="allow_all",
        anonymous_participation=False,
        show_remaining_seats=True,
        show_participants=True,
        online_address_participants_only=False,
    )
    return form


def address_query(form: Mapping[str, Any]) -> str:
    """What to ask the geocoder: the address inputs on one line."""
    return ", ".join(
        part.strip() for part in (form.get(name) or "" for name in ADDRESS_INPUTS) if part.strip()
    )
