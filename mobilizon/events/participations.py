"""Taking part in events: joining as a profile or with an email only, leaving, and what
organisers do with the list (approve, reject, promote, export).

Seats: the capacity counts participants and moderators (the organiser does not take a seat).
Before counting, the event's row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite
a no-op write takes the database's single write lock), so two people can never take the last
seat together: the second one waits, counts again and is told the event is full.

Anonymous participation: an email, a confirmation link (single use, expiring, only its hash
kept) and a cancellation link. Answers are the same whether the address already joined or not,
so nobody learns who takes part by trying addresses.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mobilizon.errors import Conflict, Forbidden, Invalid, NotFound
from mobilizon.events import mails
from mobilizon.events.models import GOING_ROLES, SEATED_ROLES, Event, Participant
from mobilizon.events.sanitize import plain_text
from mobilizon.events.services import (
    acting_profile,
    actor_subject,
    anonymous_allowed,
    can_manage,
    event_subject,
    get_event,
    get_managed_event,
    is_organiser,
)
from mobilizon.i18n import _
from mobilizon.identities.models import Actor
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token

MESSAGE_MAX = 2000
CONFIRMATION_LIFETIME = timedelta(hours=48)
CHANGEABLE_ROLES = ("participant", "moderator", "rejected")
ROLE_LABELS = {
    "creator": _("Organiser"),
    "moderator": _("Moderator"),
    "participant": _("Participant"),
    "not_approved": _("Waiting for approval"),
    "not_confirmed": _("Email not confirmed"),
    "rejected": _("Declined"),
}


def seats_taken(dbsession: Session, event: Event) -> int:
    return (
        dbsession.scalar(
            select(func.count(Participant.id)).where(
                Participant.event_id == event.id, Participant.role.in_(SEATED_ROLES)
            )
        )
        or 0
    )


def count_going(dbsession: Session, event: Event) -> int:
    """Everyone coming, the organiser included."""
    return (
        dbsession.scalar(
            select(func.count(Participant.id)).where(
                Participant.event_id == event.id, Participant.role.in_(GOING_ROLES)
            )
        )
        or 0
    )


def lock_event(dbsession: Session, event: Event) -> None:
    """Serialise seat-taking on this event until the transaction ends (see the module doc)."""
    if dbsession.get_bind().dialect.name == "postgresql":
        dbsession.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    else:
        dbsession.execute(text("UPDATE events SET id = id WHERE id = :id"), {"id": event.id})


def _full() -> Conflict:
    return Conflict(_("This event is full: every seat is taken."), code="event_full")


def _take_seat(dbsession: Session, event: Event) -> None:
    """Refuse when no seat is left; the caller holds the event's lock."""
    if event.capacity is not None and seats_taken(dbsession, event) >= event.capacity:
        raise _full()


def check_joinable(event: Event) -> None:
    """Refuse what cannot be joined, whoever asks: drafts, cancelled, finished, invitation-only."""
    if event.draft:
        raise Conflict(_("This event is not published yet."), code="event_draft")
    if event.cancelled:
        raise Conflict(_("This event is cancelled: it cannot be joined."), code="event_cancelled")
    if (event.ends_on or event.begins_on) < utcnow():
        raise Conflict(_("This event is over."), code="event_over")
    if event.join_mode == "invite":
        raise Forbidden(_("This event is by invitation only."), code="invite_only")


def _message(event: Event, message: str | None) -> str | None:
    text_ = plain_text(message, MESSAGE_MAX + 1)
    if text_ and len(text_) > MESSAGE_MAX:
        raise Invalid(
            _("A message has at most ${max} characters.", mapping={"max": MESSAGE_MAX}),
            fields={"message": _("At most ${max} characters.", mapping={"max": MESSAGE_MAX})},
        )
    return text_


def _initial_role(event: Event) -> str:
    return "participant" if event.join_mode == "free" else "not_approved"


def _insert(dbsession: Session, participant: Participant) -> None:
    """Insert under the event's lock (taken by the caller), so a twin cannot slip in between."""
    dbsession.add(participant)
    dbsession.flush()


# --- with a profile ---------------------------------------------------------------------------


def join(
    ctx: Any, user: Any, event_uuid: Any, identity: str | None = None, message: str | None = None
) -> Participant:
    """Join as one of the account's profiles; restricted events wait for an organiser."""
    dbsession = ctx.dbsession
    event = get_event(dbsession, user, event_uuid)
    profile = acting_profile(dbsession, user, identity)
    lock_event(dbsession, event)
    existing = dbsession.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.actor_id == profile.id)
    )
    if existing is not None:
        if existing.role == "rejected":
            raise Forbidden(_("The organisers declined this participation."), code="participation_rejected")
        raise Conflict(_("You already take part in this event."), code="already_participating")
    check_joinable(event)
    role = _initial_role(event)
    if role == "participant":
        _take_seat(dbsession, event)
    participant = Participant(event=event, actor=profile, role=role, message=_message(event, message))
    _insert(dbsession, participant)
    fire(ctx, "participation.joined", participation_subject(participant), actor_subject(profile))
    return participant


def invite(ctx: Any, user: Any, event_uuid: Any, username: str) -> Participant:
    """Organisers add a local profile as a participant: how invitation-only and private events
    get their people. The invited profile sees a private event from then on.
    """
    from mobilizon.identities.services import find_local_actor

    dbsession = ctx.dbsession
    event = get_managed_event(dbsession, user, event_uuid)
    name = (username or "").strip().lstrip("@").split("@")[0]
    profile = find_local_actor(dbsession, name, type="Person") if name else None
    if profile is None or profile.suspended or profile.deleted:
        message = _("There is no profile @${name} here.", mapping={"name": name})
        raise NotFound(message, fields={"invite": message})
    if event.draft or event.cancelled:
        check_joinable(event)
    lock_event(dbsession, event)
    existing = dbsession.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.actor_id == profile.id)
    )
    if existing is not None and existing.role in (*SEATED_ROLES, "creator"):
        raise Conflict(_("This profile already takes part in this event."), code="already_participating")
    _take_seat(dbsession, event)
    participant = existing or Participant(event=event, actor=profile)
    participant.role = "participant"
    _insert(dbsession, participant)
    fire(ctx, "participation.invited", participation_subject(participant), actor_subject(profile))
    return participant


def leave(ctx: Any, user: Any, event_uuid: Any, identity: str | None = None) -> list[Participant]:
    """Leave with one profile (``identity``) or every profile of the account that takes part.
    The organiser's own participation stays: an event always has its organiser.
    """
    from mobilizon.events.services import account_participations

    dbsession = ctx.dbsession
    event = get_event(dbsession, user, event_uuid)
    mine = account_participations(dbsession, user, event)
    if identity:
        mine = [p for p in mine if p.actor.preferred_username.lower() == identity.lower()]
    if not mine:
        raise NotFound(_("You do not take part in this event."), code="not_participating")
    leaving = [p for p in mine if p.role != "creator"]
    if not leaving:
        raise Conflict(
            _("The organiser cannot leave their own event; cancel or delete it instead."), code="organiser"
        )
    for participant in leaving:
        subject = participation_subject(participant)
        dbsession.delete(participant)
        fire(ctx, "participation.left", subject, actor_subject(participant.actor))
    dbsession.flush()
    return leaving


# --- with an email only -----------------------------------------------------------------------


def _check_anonymous(ctx: Any, event: Event) -> None:
    if not (anonymous_allowed(ctx.registry.settings) and event.anonymous_participation and event.local):
        raise Forbidden(
            _("This event does not accept participation without an account."), code="anonymous_not_allowed"
        )


def _new_tokens(participant: Participant) -> tuple[str, str]:
    confirm, cancel = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    participant.confirmation_token_hash = hash_token(confirm)
    participant.confirmation_expires_at = utcnow() + CONFIRMATION_LIFETIME
    participant.cancellation_token_hash = hash_token(cancel)
    return confirm, cancel


def join_anonymously(
    ctx: Any,
    event_uuid: Any,
    email: str,
    message: str | None = None,
    locale: str | None = None,
    client: str | None = None,
) -> None:
    """Ask for a seat with an email only: a confirmation link goes to that address.

    The answer never says whether the address had already joined: an unconfirmed one gets a
    fresh link, a confirmed one a reminder with its cancellation link. ``client`` is the
    requester's address, for the rate limits.
    """
    from mobilizon.accounts.services import normalize_email

    dbsession = ctx.dbsession
    event = get_event(dbsession, None, event_uuid)
    _check_anonymous(ctx, event)
    address = normalize_email(email)
    limiter = ctx.registry.get("events.ratelimiter")
    if limiter is not None:
        # every attempt mails someone: capped per client, per address and per event
        limiter.hit("anonymous_join", ip=client, email=address, event=str(event.id))
    check_joinable(event)
    lock_event(dbsession, event)
    existing = dbsession.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.email == address)
    )
    if existing is not None and existing.role != "not_confirmed":
        cancel = secrets.token_urlsafe(32)
        existing.cancellation_token_hash = hash_token(cancel)
        _mail_anonymous(ctx, existing, "participation_reminder", cancel=cancel)
        return
    if event.capacity is not None and event.join_mode == "free":
        _take_seat(dbsession, event)  # say "full" now rather than after the mail round trip
    participant = existing or Participant(event=event, email=address, role="not_confirmed")
    participant.message = _message(event, message)
    participant.locale = locale
    confirm, cancel = _new_tokens(participant)
    if existing is None:
        _insert(dbsession, participant)
    _mail_anonymous(ctx, participant, "participation_confirm", confirm=confirm, cancel=cancel)


def _mail_anonymous(
    ctx: Any, participant: Participant, template: str, *, cancel: str, confirm: str = ""
) -> None:
    registry = ctx.registry
    event = participant.event
    values = {
        "event": mail_event(event),
        "confirm_link": mails.url(registry, "participation_confirm", token=confirm) if confirm else "",
        "cancel_link": mails.url(registry, "participation_cancel", token=cancel),
        "hours": int(CONFIRMATION_LIFETIME.total_seconds() // 3600),
        "restricted": event.join_mode != "free",
    }
    mails.send(ctx, to=participant.email or "", locale=participant.locale, template=template, values=values)


def find_by_token(dbsession: Session, token: str, kind: str) -> Participant:
    """The anonymous participation behind a mailed link, or why the link cannot be used."""
    token = (token or "").strip()
    column = Participant.confirmation_token_hash if kind == "confirm" else Participant.cancellation_token_hash
    participant = None
    if 0 < len(token) <= 200:
        participant = dbsession.scalar(select(Participant).where(column == hash_token(token)))
    if participant is None:
        raise Invalid(
            _("This link is not valid (it may have been cancelled already). Check that you copied it whole."),
            code="token_invalid",
        )
    if kind == "confirm":
        if participant.confirmed_at is not None:
            raise Conflict(
                _("This link has already been used: your participation is confirmed."), code="token_used"
            )
        if participant.confirmation_expires_at is None or participant.confirmation_expires_at <= utcnow():
            raise Invalid(
                _("This link has expired. Join the event again to get a new one."), code="token_expired"
            )
    return participant


def confirm_anonymous(ctx: Any, token: str) -> Participant:
    """Follow the mailed link: the email is confirmed and the seat taken (or the request sent)."""
    dbsession = ctx.dbsession
    participant = find_by_token(dbsession, token, "confirm")
    event = participant.event
    check_joinable(event)
    role = _initial_role(event)
    lock_event(dbsession, event)
    if role == "participant":
        _take_seat(dbsession, event)
    participant.role = role
    participant.confirmed_at = utcnow()
    dbsession.flush()
    fire(ctx, "participation.joined", participation_subject(participant))
    return participant


def cancel_anonymous(ctx: Any, token: str) -> Event:
    """Follow the cancellation link (by POST: link scanners only GET): the participation goes."""
    participant = find_by_token(ctx.dbsession, token, "cancel")
    event = participant.event
    subject = participation_subject(participant)
    ctx.dbsession.delete(participant)
    ctx.dbsession.flush()
    fire(ctx, "participation.left", subject)
    return event


# --- what organisers do -----------------------------------------------------------------------


def list_participants(
    dbsession: Session,
    user: Any,
    event_uuid: Any,
    roles: Iterable[str] | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Event, list[Participant], int]:
    """Everyone in the event with their role, message and (anonymous ones) email: organisers only."""
    event = get_managed_event(dbsession, user, event_uuid)
    where = [Participant.event_id == event.id]
    if roles:
        where.append(Participant.role.in_(list(roles)))
    total = dbsession.scalar(select(func.count(Participant.id)).where(*where)) or 0
    rows = dbsession.scalars(
        select(Participant).where(*where).order_by(Participant.id).offset(offset).limit(limit)
    )
    return event, list(rows), total


@dataclass(frozen=True)
class PersonShown:
    """What a list of participants shows of a profile: its name and link, nothing private."""

    preferred_username: str
    name: str | None
    url: str

    @property
    def display_name(self) -> str:
        return self.name or self.preferred_username


def visible_participants(
    dbsession: Session, user: Any, event: Event, limit: int = 100
) -> tuple[list[PersonShown], int]:
    """The profiles coming, for the event page when the organiser shows them; anonymous
    participants are only counted (their email is for organisers' eyes). Three columns per
    profile, not whole rows: a popular event lists hundreds.
    """
    if not event.show_participants and not can_manage(dbsession, user, event):
        return [], 0
    rows = dbsession.execute(
        select(Actor.preferred_username, Actor.name, Actor.url)
        .join(Participant, Participant.actor_id == Actor.id)
        .where(Participant.event_id == event.id, Participant.role.in_(GOING_ROLES))
        .order_by(Participant.id)
        .limit(limit)
    )
    return [PersonShown(*row) for row in rows], count_going(dbsession, event)


def get_participation(dbsession: Session, participation_id: Any) -> Participant:
    try:
        number = int(participation_id)
    except (TypeError, ValueError):
        number = 0
    participant = dbsession.get(Participant, number) if number > 0 else None
    if participant is None:
        raise NotFound(_("There is no such participation."))
    return participant


def update_role(ctx: Any, user: Any, participation_id: Any, role: str) -> Participant:
    """Approve (``participant``), decline (``rejected``) or promote (``moderator``) someone."""
    dbsession = ctx.dbsession
    participant = get_participation(dbsession, participation_id)
    event = get_managed_event(dbsession, user, participant.event.uuid)
    if role not in CHANGEABLE_ROLES:
        raise Invalid(
            _("Choose one of: ${choices}.", mapping={"choices": ", ".join(CHANGEABLE_ROLES)}),
            fields={"role": _("Choose participant, moderator or rejected.")},
        )
    if participant.role == "creator":
        raise Forbidden(_("The organiser's own participation cannot be changed."), code="organiser")
    if participant.role == "not_confirmed":
        raise Conflict(_("This person has not confirmed their email address yet."), code="not_confirmed")
    if "moderator" in (role, participant.role) and not is_organiser(user, event):
        raise Forbidden(_("Only the organiser can promote or demote moderators."))
    if role == "moderator" and participant.anonymous:
        raise Invalid(_("Only participants with a profile can become moderators."), code="anonymous")
    previous = participant.role
    if previous == role:
        return participant
    if role in SEATED_ROLES and previous not in SEATED_ROLES:
        check_joinable(event)
        lock_event(dbsession, event)
        _take_seat(dbsession, event)
    participant.role = role
    participant.updated_at = utcnow()
    dbsession.flush()
    if previous in ("not_approved", "rejected") and role == "participant":
        _notify(ctx, participant, "participation_approved")
        fire(ctx, "participation.approved", participation_subject(participant))
    elif role == "rejected":
        _notify(ctx, participant, "participation_rejected")
        fire(ctx, "participation.rejected", participation_subject(participant))
    else:
        fire(ctx, "participation.role_changed", {**participation_subject(participant), "previous": previous})
    return participant


def remove_participation(ctx: Any, user: Any, participation_id: Any) -> None:
    """An organiser removes someone, or someone removes their own participation."""
    dbsession = ctx.dbsession
    participant = get_participation(dbsession, participation_id)
    event = get_event(dbsession, user, participant.event.uuid)
    own = participant.actor is not None and user is not None and participant.actor.user_id == user.id
    if not own and not can_manage(dbsession, user, event):
        raise NotFound(_("There is no such participation."))
    if participant.role == "creator":
        raise Conflict(
            _("The organiser cannot leave their own event; cancel or delete it instead."), code="organiser"
        )
    subject = participation_subject(participant)
    dbsession.delete(participant)
    dbsession.flush()
    fire(ctx, "participation.left" if own else "participation.removed", subject)


def _notify(ctx: Any, participant: Participant, template: str) -> None:
    to, locale = mails.recipient(participant)
    if not to:
        return
    values: dict[str, Any] = {"event": mail_event(participant.event), "cancel_link": ""}
    if participant.anonymous:
        cancel = secrets.token_urlsafe(32)
        participant.cancellation_token_hash = hash_token(cancel)
        values["cancel_link"] = mails.url(ctx.registry, "participation_cancel", token=cancel)
    mails.send(ctx, to=to, locale=locale, template=template, values=values)


def mail_event(event: Event) -> dict[str, Any]:
    """What mail templates show of the event (plain values; the templates escape them)."""
    return {
        "title": event.title,
        "url": event.url,
        "begins_on": event.begins_on,
        "timezone": event.timezone,
        "address": event.address_line,
    }


def participation_subject(participant: Participant) -> dict[str, Any]:
    event = participant.event
    return {
        "type": "participation",
        "id": participant.id,
        "role": participant.role,
        "anonymous": participant.anonymous,
        "event": event_subject(event),
    }


# --- export -----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    text_ = "" if value is None else str(value)
    return "'" + text_ if text_.startswith(FORMULA_STARTS) else text_


def export_csv(
    dbsession: Session, user: Any, event_uuid: Any, translate: Callable[[Any], str]
) -> tuple[Event, str]:
    """The participant list as CSV for organisers: name, handle or email, role, date, message."""
    event, rows, _total = list_participants(dbsession, user, event_uuid, limit=100_000)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = (_("Name"), _("Profile or email"), _("Role"), _("Registered on"), _("Message"))
    writer.writerow([translate(header) for header in headers])
    for participant in rows:
        actor = participant.actor
        name = actor.display_name if actor is not None else translate(_("Anonymous participant"))
        who = (
            f"@{actor.preferred_username}" + (f"@{actor.domain}" if actor.domain else "")
            if actor
            else participant.email
        )
        writer.writerow(
            [
                spreadsheet_safe(name),
                spreadsheet_safe(who),
                spreadsheet_safe(translate(ROLE_LABELS.get(participant.role, participant.role))),
                participant.created_at.isoformat(timespec="minutes"),
                spreadsheet_safe(participant.message),
            ]
        )
    return event, buffer.getvalue()
