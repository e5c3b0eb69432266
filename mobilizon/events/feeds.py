"""Feeds: a person's private calendar of the events they take part in, and the instance's
upcoming public events as Atom.

The private calendar's URL carries a random token (256 bits) that only the account sees, once,
when it is made; only its hash is kept, so the table leaks nothing. Making a new one or revoking
it kills the old URL at once. The Atom feed is built with ``xml.etree``, which escapes every
title and summary: no markup of ours can be broken by what people write.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mobilizon.events.models import GOING_ROLES, Event, FeedToken, Participant
from mobilizon.events.sanitize import html_to_text
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token

ATOM = "http://www.w3.org/2005/Atom"
SUMMARY_MAX = 500


def has_feed_token(dbsession: Session, user: Any) -> bool:
    return dbsession.scalar(select(FeedToken.id).where(FeedToken.user_id == user.id)) is not None


def new_feed_token(dbsession: Session, user: Any) -> str:
    """A fresh token for the account's calendar URL; any previous one stops working."""
    revoke_feed_token(dbsession, user)
    raw = secrets.token_urlsafe(32)
    dbsession.add(FeedToken(user_id=user.id, token_hash=hash_token(raw)))
    dbsession.flush()
    return raw


def revoke_feed_token(dbsession: Session, user: Any) -> None:
    dbsession.execute(delete(FeedToken).where(FeedToken.user_id == user.id))
    dbsession.flush()


def user_of_token(dbsession: Session, raw: str) -> Any:
    """The account behind a calendar URL, or None (unknown, revoked, or a disabled account)."""
    if not raw or len(raw) > 200:
        return None
    row = dbsession.scalar(select(FeedToken).where(FeedToken.token_hash == hash_token(raw)))
    if row is None or row.user.disabled:
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 3600:
        row.last_used_at = now
    return row.user


def participating_events(dbsession: Session, user: Any, limit: int = 5000) -> list[Event]:
    """Events the account's profiles organise or take part in (drafts excepted), newest first."""
    mine = select(Actor.id).where(Actor.user_id == user.id)
    joined = select(Participant.event_id).where(
        Participant.actor_id.in_(mine), Participant.role.in_(GOING_ROLES)
    )
    rows = dbsession.scalars(
        select(Event)
        .where(Event.id.in_(joined), Event.draft.is_(False))
        .order_by(Event.begins_on.desc())
        .limit(limit)
    )
    return list(rows)


def atom_feed(events: Iterable[Event], *, title: str, feed_url: str, page_url: str, feed_id: str) -> bytes:
    """An Atom 1.0 document (RFC 4287) of ``events``."""
    ElementTree.register_namespace("", ATOM)
    events = list(events)
    root = ElementTree.Element(f"{{{ATOM}}}feed")

    def sub(
        parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str
    ) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    sub(root, "id", feed_id)
    sub(root, "title", title)
    updated = max((event.updated_at for event in events), default=utcnow())
    sub(root, "updated", updated.isoformat())
    sub(root, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(root, "link", rel="alternate", href=page_url, type="text/html")
    sub(root, "generator", "mobilizon-py")
    for event in events:
        entry = sub(root, "entry")
        sub(entry, "id", event.url)
        sub(entry, "title", event.title)
        sub(entry, "updated", event.updated_at.isoformat())
        if event.published_at is not None:
            sub(entry, "published", event.published_at.isoformat())
        sub(entry, "link", rel="alternate", href=event.url, type="text/html")
        author = sub(entry, "author")
        sub(author, "name", event.organizer.display_name)
        sub(author, "uri", event.organizer.url)
        summary = html_to_text(event.description)
        if len(summary) > SUMMARY_MAX:
            summary = summary[: SUMMARY_MAX - 1].rstrip() + "…"
        when = event.begins_on.astimezone(ZoneInfo(event.timezone)).isoformat(timespec="minutes")
        sub(entry, "summary", f"{when}\n{event.address_line}\n\n{summary}".strip(), type="text")
        for tag in event.tags:
            sub(entry, "category", term=tag.title)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
