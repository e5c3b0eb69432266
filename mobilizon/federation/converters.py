"""Our objects in Mobilizon's vocabulary, and remote objects as our services' values.

Outgoing documents follow ``lib/federation/activity_stream/converter/*.ex`` (reference:
mobilizon_activitypub.md §2): an event carries ``uuid``, ``joinMode``, capacity, ``timezone``,
``category``, ``isOnline``, its ``location`` as a Place with a PostalAddress, its online address
as a Link named "Website", ``repliesModerationOption`` and ``commentsEnabled``, both ``status``
and ``ical:status``. Incoming events become the values the events services validate (the same
rules as a form), so a remote event can be no stranger than a local one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mobilizon.federation.vocabulary import (
    AS_PUBLIC,
    first_id,
    objects,
    text,
    type_of,
    visibility,
)

COMMENT_MODES = ("allow_all", "moderated", "closed")
JOIN_MODES = ("free", "restricted", "invite")
STATUSES = ("tentative", "confirmed", "cancelled")


def iso(value: datetime | None, zone: str | None = None) -> str | None:
    """An ISO 8601 time with its offset, shifted into the event's zone as Mobilizon emits it."""
    if value is None:
        return None
    if zone:
        try:
            value = value.astimezone(ZoneInfo(zone))
        except (KeyError, ValueError):
            pass
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def addressing(visibility_: str, followers: list[str]) -> dict[str, list[str]]:
    """``to``/``cc`` as Mobilizon's Audience builds them."""
    if visibility_ == "public":
        return {"to": [AS_PUBLIC], "cc": followers}
    if visibility_ == "unlisted":
        return {"to": followers, "cc": [AS_PUBLIC]}
    return {"to": followers, "cc": []}


# --- events ---------------------------------------------------------------------------------------


def place(event: Any) -> dict[str, Any] | None:
    if not event.has_address:
        return None
    document: dict[str, Any] = {
        "type": "Place",
        "name": event.address_description or event.locality or event.street or "",
        "address": {
            "type": "PostalAddress",
            "streetAddress": event.street or "",
            "postalCode": event.postal_code or "",
            "addressLocality": event.locality or "",
            "addressRegion": event.region or "",
            "addressCountry": event.country or "",
        },
    }
    if event.has_coordinates:
        document["latitude"] = event.lat
        document["longitude"] = event.lon
    return document


def event_object(event: Any, base_url: str, *, going: int, remaining: int | None) -> dict[str, Any]:
    """An event as Mobilizon's ``converter/event.ex`` emits it."""
    organizer = event.organizer
    group = event.attributed_to
    followers = [url for url in (organizer.followers_url, group.followers_url if group else None) if url]
    status = event.status.upper()
    attachment: list[dict[str, Any]] = []
    if event.online_address and not event.online_address_participants_only:
        attachment.append(
            {"type": "Link", "href": event.online_address, "mediaType": "text/html", "name": "Website"}
        )
    if event.picture_url:
        attachment.append({"type": "Document", "url": event.picture_url, "name": "Banner"})
    document: dict[str, Any] = {
        "type": "Event",
        "id": event.url,
        "url": event.url,
        "uuid": str(event.uuid),
        "name": event.title,
        "content": event.description or "",
        "mediaType": "text/html",
        "actor": organizer.url,
        "attributedTo": group.url if group is not None else organizer.url,
        "startTime": iso(event.begins_on, event.timezone),
        "endTime": iso(event.ends_on, event.timezone),
        "timezone": event.timezone,
        "category": event.category,
        "joinMode": event.join_mode,
        "anonymousParticipationEnabled": bool(event.anonymous_participation),
        "maximumAttendeeCapacity": event.capacity,
        "remainingAttendeeCapacity": remaining,
        "participantCount": going,
        "isOnline": bool(event.online_address) and not event.has_address,
        "repliesModerationOption": event.comment_moderation,
        "commentsEnabled": event.comment_moderation == "allow_all",
        "draft": bool(event.draft),
        "status": status,
        "ical:status": status,
        "published": iso(event.published_at or event.created_at),
        "updated": iso(event.updated_at),
        "tag": [
            {"type": "Hashtag", "href": f"{base_url}/tags/{tag.slug}", "name": f"#{tag.title}"}
            for tag in event.tags
        ],
        "attachment": attachment,
        "contacts": [contact.url for contact in event.contacts],
        "inReplyTo": None,
        **addressing(event.visibility, followers),
    }
    location = place(event)
    if location is not None:
        document["location"] = location
    return document


def _when(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def _zone(document: Mapping[str, Any], default: str) -> str:
    """The event's IANA zone; else one from the start's offset (Gancio sends only that)."""
    from mobilizon.events.validation import timezones

    zone = document.get("timezone")
    if isinstance(zone, str) and zone in timezones():
        return zone
    start = _when(document.get("startTime"))
    try:
        offset = datetime.fromisoformat(start).utcoffset() if start else None
    except ValueError:
        offset = None
    if offset is not None and offset.total_seconds() % 3600 == 0:
        hours = int(offset.total_seconds() // 3600)
        if hours == 0:
            return "UTC"
        name = f"Etc/GMT{-hours:+d}"  # POSIX zones count the other way round
        if name in timezones():
            return name
    return default


def _address(value: Any) -> dict[str, Any] | None:
    places = objects(value)
    if not places:
        return None
    location = places[0]
    postal = location.get("address")
    if isinstance(postal, str):  # Mobilizon 4.1 may send the address as one string
        postal = {"streetAddress": postal}
    postal = postal if isinstance(postal, Mapping) else {}
    geo = location.get("geo") if isinstance(location.get("geo"), Mapping) else location
    address = {
        "description": text(location.get("name"), 500),
        "street": text(postal.get("streetAddress"), 500),
        "locality": text(postal.get("addressLocality"), 200),
        "postal_code": text(postal.get("postalCode"), 50),
        "region": text(postal.get("addressRegion"), 200),
        "country": text(postal.get("addressCountry"), 200),
        "lat": geo.get("latitude"),
        "lon": geo.get("longitude"),
    }
    return address if any(address[name] for name in ("description", "street", "locality")) else None


def _online_address(attachments: Any) -> str | None:
    links = [item for item in objects(attachments) if type_of(item) == "Link"]
    chosen = next((link for link in links if link.get("name") == "Website"), None)
    href = first_id(chosen) if chosen else None
    return href if href and href.startswith(("https://", "http://")) else None


def _banner(document: Mapping[str, Any]) -> str | None:
    """Mobilizon's precedence: the attachment named "Banner", else ``image``, else the first
    Document or Image attachment; only https pictures (a plain-http one leaks the reader).
    """
    attachments = [
        item for item in objects(document.get("attachment")) if type_of(item) in ("Document", "Image")
    ]
    named = [item for item in attachments if item.get("name") == "Banner"]
    candidates = named + objects(document.get("image")) + attachments
    for item in candidates:
        url = first_id(item.get("url"))
        if url and url.startswith("https://") and len(url) <= 2000:
            return url
    return None


def _comment_mode(document: Mapping[str, Any]) -> str:
    mode = document.get("repliesModerationOption")
    if mode in COMMENT_MODES:
        return mode
    if document.get("commentsEnabled") is False:
        return "closed"
    return "allow_all"


def event_values(document: Mapping[str, Any], default_zone: str) -> dict[str, Any]:
    """A remote Event as the values ``events.services.validate`` takes (API names)."""
    from mobilizon.events.models import CATEGORIES

    status = str(document.get("status") or document.get("ical:status") or "confirmed").lower()
    join_mode = document.get("joinMode")
    capacity = document.get("maximumAttendeeCapacity")
    category = document.get("category")
    tags = [
        text(tag.get("name"), 41).lstrip("#")
        for tag in objects(document.get("tag"))
        if type_of(tag) == "Hashtag"
    ]
    return {
        "title": " ".join(text(document.get("name"), 400).split())[:200],
        "description": text(document.get("content"), 100_000),
        "begins_on": _when(document.get("startTime")),
        "ends_on": _when(document.get("endTime")),
        "timezone": _zone(document, default_zone),
        "status": status if status in STATUSES else "confirmed",
        "visibility": visibility(document),
        "join_mode": join_mode if join_mode in JOIN_MODES else "free",
        "capacity": capacity
        if isinstance(capacity, int) and not isinstance(capacity, bool) and capacity > 0
        else None,
        "category": category if category in CATEGORIES else "MEETING",
        "online_address": _online_address(document.get("attachment")),
        "address": _address(document.get("location")),
        "tags": [tag for tag in tags if tag][:10],
        "options": {
            "anonymous_participation": document.get("anonymousParticipationEnabled") is True,
            "comments": _comment_mode(document),
        },
    }


def event_extras(document: Mapping[str, Any]) -> dict[str, Any]:
    """What the form does not carry: the picture, and whether the origin marks it a draft."""
    return {"picture_url": _banner(document), "draft": document.get("draft") is True}


# --- comments -------------------------------------------------------------------------------------


def comment_object(comment: Any) -> dict[str, Any]:
    """A comment as a Note replying to its parent comment or to the event."""
    event = comment.event
    parent = comment.in_reply_to
    author = comment.actor
    cc = [event.organizer.url]
    if parent is not None and parent.actor is not None and parent.actor.url not in cc:
        cc.append(parent.actor.url)
    if author.followers_url:
        cc.append(author.followers_url)
    return {
        "type": "Note",
        "id": comment.url,
        "url": comment.url,
        "uuid": str(comment.uuid),
        "content": comment.text,
        "mediaType": "text/html",
        "actor": author.url,
        "attributedTo": author.url,
        "inReplyTo": parent.url if parent is not None else event.url,
        "context": event.url,
        "published": iso(comment.created_at),
        "updated": iso(comment.updated_at),
        "isAnnouncement": False,
        "tag": [],
        "to": [AS_PUBLIC],
        "cc": cc,
    }


def tombstone(url: str, former_type: str, deleted: datetime | None = None) -> dict[str, Any]:
    return {"type": "Tombstone", "id": url, "formerType": former_type, "deleted": iso(deleted)}


def member_url(base_url: str, member_id: int) -> str:
    return f"{base_url}/member/{member_id}"


def post_object(post: Any) -> dict[str, Any]:
    group = post.group
    members = f"{group.url}/members"
    audience = (
        addressing("public", [group.followers_url or f"{group.url}/followers"])
        if post.visibility == "public"
        else {"to": [members], "cc": []}
    )
    return {
        "type": "Article",
        "id": post.url,
        "url": post.url,
        "uuid": str(post.uuid),
        "name": post.title,
        "content": post.body or "",
        "mediaType": "text/html",
        "actor": post.author.url if post.author is not None else group.url,
        "attributedTo": group.url,
        "published": iso(post.published_at or post.created_at),
        "updated": iso(post.updated_at),
        "draft": bool(post.draft),
        **audience,
    }


def discussion_note(comment: Any) -> dict[str, Any]:
    """A discussion message: a Note named after the discussion, for the group's members."""
    discussion = comment.discussion
    group = discussion.group
    return {
        "type": "Note",
        "id": comment.url,
        "uuid": str(comment.uuid),
        "name": discussion.title,
        "content": comment.text,
        "mediaType": "text/html",
        "actor": comment.actor.url if comment.actor is not None else group.url,
        "attributedTo": group.url,
        "context": discussion.url,
        "inReplyTo": comment.in_reply_to.url if comment.in_reply_to is not None else None,
        "published": iso(comment.created_at),
        "to": [f"{group.url}/members"],
        "cc": [],
    }


def resource_object(resource: Any) -> dict[str, Any]:
    group = resource.group
    document = {
        "type": "ResourceCollection" if resource.is_folder else "Document",
        "id": resource.url,
        "name": resource.title,
        "summary": resource.summary or "",
        "actor": resource.creator.url if resource.creator is not None else group.url,
        "attributedTo": group.url,
        "context": resource.parent.url if resource.parent is not None else f"{group.url}/resources",
        "published": iso(resource.created_at),
        "to": [f"{group.url}/members"],
        "cc": [],
    }
    if not resource.is_folder and resource.resource_url:
        document["url"] = resource.resource_url
    return document
