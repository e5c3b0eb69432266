"""Event rules: who sees an event, who may change it, and what changing it does.

HTML pages, the JSON API and (later) the federation inbox call these functions and nothing
else touches the tables, so a rule holds whichever door a request came in by. Functions that
change something take a context with ``dbsession``, ``registry`` and ``tm`` (a request or a
job's context): reactions (lifecycle hooks, mail) leave only when that transaction commits.

Values come in as the JSON API names them (``shared/API.md``) and are checked by
``validation.validate`` before anything is written.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, object_session

from mobilizon.errors import Forbidden, Invalid, NotFound
from mobilizon.events.models import (
    GOING_ROLES,
    MANAGER_ROLES,
    Event,
    Participant,
    Tag,
)
from mobilizon.events.sanitize import plain_text
from mobilizon.events.validation import (
    ADDRESS_COLUMNS,
    ADDRESS_FIELDS,
    CONTACTS_MAX,
    OPTION_COLUMNS,
    PICTURE_ALT_MAX,
    validate,
)
from mobilizon.i18n import _
from mobilizon.identities import services as identities
from mobilizon.identities.models import Actor
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow

NOTABLE_CHANGES = ("title", "begins_on", "ends_on", "status", "address", "online_address", "timezone")


def event_url(settings: Mapping[str, Any], event_uuid: uuid_module.UUID) -> str:
    return f"{settings['mobilizon.base_url']}/events/{event_uuid}"


def parse_uuid(value: str | None) -> uuid_module.UUID | None:
    try:
        return uuid_module.UUID(str(value or ""))
    except ValueError:
        return None


# --- who may see and do what ------------------------------------------------------------------


_MEMO = "events.account_participations"


def _memo(dbsession: Session) -> dict[tuple[int, int], list[Participant]]:
    """Answers of ``account_participations`` for this session, forgotten at every flush or
    rollback: a page asks "is this account in?" several times (can it see, manage, get the
    online address...) and the answer only changes when something is written.
    """
    memo = dbsession.info.get(_MEMO)
    if memo is None:
        memo = dbsession.info[_MEMO] = {}

        def forget(session: Session, *_args: Any) -> None:
            session.info[_MEMO].clear()

        sqlalchemy_event.listen(dbsession, "after_flush", forget)
        sqlalchemy_event.listen(dbsession, "after_soft_rollback", forget)
    return memo


def account_participations(dbsession: Session, user: Any, event: Event) -> list[Participant]:
    """The participations of the account's profiles in the event (one per profile at most)."""
    if user is None or event.id is None:
        return []
    memo = _memo(dbsession)
    key = (user.id, event.id)
    if key not in memo:
        rows = dbsession.scalars(
            select(Participant)
            .join(Actor, Participant.actor_id == Actor.id)
            .where(Participant.event_id == event.id, Actor.user_id == user.id)
            .order_by(Participant.id)
        )
        memo[key] = list(rows)
    return list(memo[key])


def is_organiser(user: Any, event: Event) -> bool:
    """The account behind the organising profile, or for a group's event the group's moderators
    (the group's own permission table decides): they edit, publish, cancel and delete."""
    if user is None:
        return False
    if event.organizer is not None and event.organizer.user_id == user.id:
        return True
    return _group_permits(user, event, "event.update")


def _group_permits(user: Any, event: Event, action: str) -> bool:
    """What the group that owns the event lets this account do with it."""
    if user is None or event.attributed_to_id is None:
        return False
    from mobilizon.groups.group_events import permits

    return permits(object_session(event), user, event, action)


def can_manage(dbsession: Session, user: Any, event: Event) -> bool:
    """Organisers and the participants they promoted to moderator manage people and comments."""
    if is_organiser(user, event):
        return True
    return any(p.role in MANAGER_ROLES for p in account_participations(dbsession, user, event))


def can_view(dbsession: Session, user: Any, event: Event) -> bool:
    """Drafts: the organiser (and a group event's members). Private events: the organiser, those
    taking part and the organising group's members.
    Public and unlisted events (cancelled ones too): everyone who has the link.
    """
    if is_organiser(user, event):
        return True
    if event.draft:
        return _group_permits(user, event, "event.read_draft")
    if event.visibility != "private":
        return True
    if _group_permits(user, event, "event.read_draft"):
        return True
    return any(p.role in GOING_ROLES for p in account_participations(dbsession, user, event))


def find_event(dbsession: Session, event_uuid: Any) -> Event | None:
    parsed = event_uuid if isinstance(event_uuid, uuid_module.UUID) else parse_uuid(event_uuid)
    if parsed is None:
        return None
    return dbsession.scalar(select(Event).where(Event.uuid == parsed))


def get_event(dbsession: Session, user: Any, event_uuid: Any) -> Event:
    """The event if this account may see it; otherwise "not found", never a hint it exists."""
    event = find_event(dbsession, event_uuid)
    if event is None or not can_view(dbsession, user, event):
        raise NotFound(_("There is no event here, or it is not visible to you."))
    return event


def get_managed_event(dbsession: Session, user: Any, event_uuid: Any) -> Event:
    event = get_event(dbsession, user, event_uuid)
    if not can_manage(dbsession, user, event):
        raise Forbidden(_("Only the organisers of this event can do this."))
    return event


def get_organised_event(dbsession: Session, user: Any, event_uuid: Any) -> Event:
    event = get_event(dbsession, user, event_uuid)
    if not is_organiser(user, event):
        raise Forbidden(_("Only the organiser of this event can change it."))
    return event


def online_address_for(dbsession: Session, user: Any, event: Event) -> str | None:
    """The online address, unless the organiser keeps it for participants and this is not one."""
    if not event.online_address or not event.online_address_participants_only:
        return event.online_address
    if can_manage(dbsession, user, event):
        return event.online_address
    going = any(p.role in GOING_ROLES for p in account_participations(dbsession, user, event))
    return event.online_address if going else None


# --- creating and changing --------------------------------------------------------------------


def acting_profile(dbsession: Session, user: Any, identity: str | None) -> Actor:
    """The account's profile named ``identity`` (another account's is refused), else its default."""
    if identity:
        return identities.get_profile(dbsession, user, identity)
    profile = identities.current_profile(dbsession, user)
    if profile is None:
        raise Invalid(
            _("Create a profile first: events are organised and joined as one of your profiles."),
            code="no_profile",
        )
    return profile


def _tag_rows(dbsession: Session, titles: list[str]) -> list[Tag]:
    rows = []
    for title in titles:
        slug = title.lower()
        tag = dbsession.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            tag = Tag(title=title, slug=slug)
            dbsession.add(tag)
        rows.append(tag)
    return rows


def _contacts(dbsession: Session, user: Any, usernames: Any) -> list[Actor]:
    """Contact profiles: local, existing, not suspended; at most ten."""
    names = [str(name).strip().lstrip("@").split("@")[0] for name in (usernames or []) if str(name).strip()]
    if len(names) > CONTACTS_MAX:
        raise Invalid(
            _("At most ${max} contacts.", mapping={"max": CONTACTS_MAX}),
            fields={"contacts": _("At most ${max} contacts.", mapping={"max": CONTACTS_MAX})},
        )
    actors = []
    for name in dict.fromkeys(names):
        actor = identities.find_local_actor(dbsession, name, type="Person")
        if actor is None or actor.suspended or actor.deleted:
            raise Invalid(
                _("There is no profile @${name} here.", mapping={"name": name}),
                fields={"contacts": _("There is no profile @${name} here.", mapping={"name": name})},
            )
        actors.append(actor)
    return actors


def _refuse_group_change(clean: Mapping[str, Any]) -> None:
    if clean.get("group"):
        raise Invalid(
            _("An event's group is chosen when the event is created; it cannot change."),
            fields={"group": _("An event's group cannot change.")},
            code="group_fixed",
        )


def _apply(dbsession: Session, user: Any, event: Event, clean: Mapping[str, Any]) -> list[str]:
    """Write the validated values onto the event; returns the names of what changed."""
    changed = []
    simple = (
        "title", "description", "begins_on", "ends_on", "timezone", "status", "visibility",
        "join_mode", "capacity", "category", "online_address", "picture_alt",
    )  # fmt: skip
    for name in simple:
        if name in clean and getattr(event, name) != clean[name]:
            setattr(event, name, clean[name])
            changed.append(name)
    if "address" in clean:
        address = clean["address"] or {}
        before = _address_tuple(event)
        for name in (*ADDRESS_FIELDS, "lat", "lon", "origin_id"):
            setattr(event, ADDRESS_COLUMNS.get(name, name), address.get(name))
        if _address_tuple(event) != before:
            changed.append("address")
    for name, value in (clean.get("options") or {}).items():
        column = OPTION_COLUMNS.get(name, name)
        if getattr(event, column) != value:
            setattr(event, column, value)
            changed.append(f"options.{name}")
    if "tags" in clean:
        rows = _tag_rows(dbsession, clean["tags"])
        if sorted(tag.slug for tag in rows) != sorted(tag.slug for tag in event.tags):
            event.tags = rows
            changed.append("tags")
    if "contacts" in clean:
        event.contacts = _contacts(dbsession, user, clean["contacts"])
        changed.append("contacts")
    return changed


def _address_tuple(event: Event) -> tuple[Any, ...]:
    return tuple(getattr(event, ADDRESS_COLUMNS.get(name, name)) for name in (*ADDRESS_FIELDS, "lat", "lon"))


def create_event(ctx: Any, user: Any, values: Mapping[str, Any]) -> Event:
    """A new event organised by one of the account's profiles, as a draft or published."""
    clean = validate(values)
    if clean.get("group"):
        # the group's own permission table decides; it then comes back here without "group"
        from mobilizon.groups.group_events import create_group_event

        fields = {key: value for key, value in values.items() if key != "group"}
        try:
            return create_group_event(ctx, user, clean["group"], fields)
        except NotFound:
            raise Invalid(
                _("There is no group with this username here."),
                fields={"group": _("There is no group with this username here.")},
            ) from None
    organizer = acting_profile(ctx.dbsession, user, clean.get("identity"))
    if organizer.suspended:
        raise Forbidden(_("This profile is suspended."))
    event_uuid = uuid_module.uuid4()
    draft = bool(clean.get("draft", False))
    event = Event(
        uuid=event_uuid,
        url=event_url(ctx.registry.settings, event_uuid),
        organizer=organizer,
        creator=organizer,
        draft=draft,
        published_at=None if draft else utcnow(),
    )
    ctx.dbsession.add(event)
    _apply(ctx.dbsession, user, event, clean)
    ctx.dbsession.add(Participant(event=event, actor=organizer, role="creator"))
    ctx.dbsession.flush()
    fire(ctx, "event.created", event_subject(event), actor_subject(organizer))
    if not draft:
        fire(ctx, "event.published", event_subject(event), actor_subject(organizer))
    return event


def update_event(ctx: Any, user: Any, event_uuid: Any, values: Mapping[str, Any]) -> Event:
    """Change an event; its ``sequence`` grows so calendars replace their copy."""
    event = get_organised_event(ctx.dbsession, user, event_uuid)
    clean = validate(values, event)
    _refuse_group_change(clean)
    if "draft" in clean and clean["draft"] and not event.draft:
        raise Invalid(
            _("A published event cannot go back to being a draft; cancel it instead."),
            fields={"draft": _("A published event cannot go back to being a draft.")},
        )
    changed = _apply(ctx.dbsession, user, event, clean)
    if clean.get("identity"):
        changed += _change_organizer(ctx.dbsession, user, event, clean["identity"])
    publishing = clean.get("draft") is False and event.draft
    if publishing:
        event.draft = False
        event.published_at = utcnow()
    if changed or publishing:
        event.sequence += 1
        event.updated_at = utcnow()
    ctx.dbsession.flush()
    if publishing:
        fire(ctx, "event.published", event_subject(event), actor_subject(event.organizer))
    elif changed and not event.draft:
        _fire_changes(ctx, event, changed)
    return event


def _fire_changes(ctx: Any, event: Event, changed: list[str]) -> None:
    """A cancellation is its own lifecycle event; other changes are "updated" with their names."""
    if "status" in changed and event.cancelled:
        fire(ctx, "event.cancelled", event_subject(event), actor_subject(event.organizer))
        changed = [name for name in changed if name != "status"]
    if changed:
        subject = {**event_subject(event), "changes": [c for c in changed if c in NOTABLE_CHANGES]}
        fire(ctx, "event.updated", subject, actor_subject(event.organizer))


def _change_organizer(dbsession: Session, user: Any, event: Event, identity: str) -> list[str]:
    profile = identities.get_profile(dbsession, user, identity)
    if profile.id == event.organizer_actor_id:
        return []
    existing = dbsession.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.actor_id == profile.id)
    )
    if existing is not None:
        dbsession.delete(existing)
        dbsession.flush()
    creator = dbsession.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.role == "creator")
    )
    if creator is not None:
        creator.actor = profile
    else:
        dbsession.add(Participant(event=event, actor=profile, role="creator"))
    event.organizer = profile
    return ["organizer"]


def publish_event(ctx: Any, user: Any, event_uuid: Any) -> Event:
    return update_event(ctx, user, event_uuid, {"draft": False})


def cancel_event(ctx: Any, user: Any, event_uuid: Any) -> Event:
    """Cancelled, not removed: the page stays so people learn it will not happen."""
    event = get_organised_event(ctx.dbsession, user, event_uuid)
    if event.draft:
        raise Invalid(_("A draft cannot be cancelled; delete it instead."), code="draft")
    if not event.cancelled:
        event.status = "cancelled"
        event.sequence += 1
        event.updated_at = utcnow()
        ctx.dbsession.flush()
        fire(ctx, "event.cancelled", event_subject(event), actor_subject(event.organizer))
    return event


def delete_event(ctx: Any, user: Any, event_uuid: Any, media: Any = None) -> None:
    """Remove the event with its participations and comments; its picture goes after commit."""
    event = get_organised_event(ctx.dbsession, user, event_uuid)
    subject = event_subject(event)
    organizer = actor_subject(event.organizer)
    picture = event.picture_url
    ctx.dbsession.delete(event)
    ctx.dbsession.flush()
    if media is not None:
        media.delete_after(ctx.tm, on_commit=picture)
    if not subject["draft"]:
        fire(ctx, "event.deleted", subject, organizer)


def set_picture(ctx: Any, media: Any, user: Any, event_uuid: Any, data: bytes, alt: str | None) -> Event:
    """Replace the event's picture with an upload, validated by content and re-encoded."""
    from mobilizon.events.pictures import process_picture

    event = get_organised_event(ctx.dbsession, user, event_uuid)
    image = process_picture(data)
    previous = event.picture_url
    event.picture_url = media.save(image)
    event.picture_alt = plain_text(alt, PICTURE_ALT_MAX)
    event.sequence += 1
    media.delete_after(ctx.tm, on_commit=previous, on_abort=event.picture_url)
    ctx.dbsession.flush()
    return event


def remove_picture(ctx: Any, media: Any, user: Any, event_uuid: Any) -> Event:
    event = get_organised_event(ctx.dbsession, user, event_uuid)
    previous, event.picture_url, event.picture_alt = event.picture_url, None, None
    media.delete_after(ctx.tm, on_commit=previous)
    ctx.dbsession.flush()
    return event


# --- lists ------------------------------------------------------------------------------------


def _not_over(now: datetime) -> Any:
    return func.coalesce(Event.ends_on, Event.begins_on) >= now


def upcoming_public(dbsession: Session, offset: int = 0, limit: int = 20) -> tuple[list[Event], int]:
    """Published public events that are not over, soonest first, and how many there are."""
    now = utcnow()
    where = (Event.visibility == "public", Event.draft.is_(False), _not_over(now))
    total = dbsession.scalar(select(func.count(Event.id)).where(*where)) or 0
    rows = dbsession.scalars(
        select(Event).where(*where).order_by(Event.begins_on, Event.id).offset(offset).limit(limit)
    )
    return list(rows), total


MY_TABS = ("upcoming", "past", "drafts", "organised")


def my_events(
    dbsession: Session, user: Any, tab: str, offset: int = 0, limit: int = 20
) -> tuple[list[Event], int]:
    """The account's events: those it takes part in (upcoming, past), its drafts, those it organises."""
    now = utcnow()
    mine = select(Actor.id).where(Actor.user_id == user.id)
    organised = Event.organizer_actor_id.in_(mine)
    if tab in ("upcoming", "past"):
        joined = select(Participant.event_id).where(
            Participant.actor_id.in_(mine),
            Participant.role.in_((*GOING_ROLES, "not_approved")),
        )
        when = _not_over(now) if tab == "upcoming" else func.coalesce(Event.ends_on, Event.begins_on) < now
        where: tuple[Any, ...] = (Event.id.in_(joined), when, or_(Event.draft.is_(False), organised))
        order: tuple[Any, ...] = (Event.begins_on,) if tab == "upcoming" else (Event.begins_on.desc(),)
    elif tab == "drafts":
        where, order = (organised, Event.draft.is_(True)), (Event.updated_at.desc(),)
    else:
        where, order = (organised, Event.draft.is_(False)), (Event.begins_on.desc(),)
    total = dbsession.scalar(select(func.count(Event.id)).where(*where)) or 0
    rows = dbsession.scalars(
        select(Event).where(*where).order_by(*order, Event.id).offset(offset).limit(limit)
    )
    return list(rows), total


def count_local_published(dbsession: Session) -> int:
    """NodeInfo's ``localPosts``: published events made here."""
    return (
        dbsession.scalar(select(func.count(Event.id)).where(Event.local.is_(True), Event.draft.is_(False)))
        or 0
    )


def anonymous_allowed(settings: Mapping[str, Any]) -> bool:
    """The instance's ``mobilizon.anonymous_participation`` setting (default: allowed)."""
    value = settings.get("mobilizon.anonymous_participation", True)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "off")


# --- what lifecycle hooks get -----------------------------------------------------------------


def event_subject(event: Event) -> dict[str, Any]:
    """Plain values about the event, safe to keep after the session is gone."""
    return {
        "type": "event",
        "id": event.id,
        "uuid": str(event.uuid),
        "url": event.url,
        "title": event.title,
        "begins_on": event.begins_on.isoformat() if event.begins_on else None,
        "status": event.status,
        "visibility": event.visibility,
        "draft": event.draft,
    }


def actor_subject(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"id": actor.id, "preferred_username": actor.preferred_username, "url": actor.url}


@dataclass(frozen=True)
class Seats:
    capacity: int | None
    taken: int

    @property
    def remaining(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def seats(dbsession: Session, event: Event) -> Seats:
    from mobilizon.events.participations import seats_taken

    return Seats(event.capacity, seats_taken(dbsession, event))


def default_times(zone: str) -> tuple[datetime, datetime]:
    """A sensible start for a new form: next week, 18:00 to 20:00 in the given zone."""
    local = datetime.now(ZoneInfo(zone)).replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(
        days=7
    )
    return local, local + timedelta(hours=2)
