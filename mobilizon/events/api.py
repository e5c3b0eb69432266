"""``/api/v1/events``, participations and comments for apps and scripts (same services as pages)."""

from __future__ import annotations

from typing import Any

from pyramid.request import Request
from pyramid.response import Response

from mobilizon.api import Page, operation, paginate
from mobilizon.api.operations import page_body
from mobilizon.errors import ServiceError, TooLarge, Unauthorized
from mobilizon.events import comments, participations, services
from mobilizon.events.models import Comment, Event, Participant
from mobilizon.events.schemas import (
    AddressOut,
    AnonymousJoinOut,
    CommentIn,
    CommentOut,
    CommentPatch,
    EventCreate,
    EventOut,
    EventPatch,
    JoinIn,
    MessageOut,
    OptionsOut,
    ParticipationOut,
    PictureOut,
    ProfileOut,
    RolePatch,
    TokenIn,
)
from mobilizon.i18n import _, viewer_timezone
from mobilizon.identities.media import MAX_UPLOAD_BYTES
from mobilizon.identities.webfinger import local_host
from mobilizon.ratelimit import client_address

TAGS = ("events",)


def profile_out(request: Request, actor: Any) -> ProfileOut | None:
    if actor is None:
        return None
    return ProfileOut(
        preferred_username=actor.preferred_username,
        name=actor.name,
        url=actor.url,
        handle=actor.handle(local_host(request.registry.settings["mobilizon.base_url"])),
        avatar=actor.avatar_url,
    )


def event_out(request: Request, event: Event) -> EventOut:
    """The event as this caller may see it."""
    from zoneinfo import ZoneInfo

    dbsession, user = request.dbsession, request.user
    zone = ZoneInfo(event.timezone)
    manager = services.can_manage(dbsession, user, event)
    seats = services.seats(dbsession, event)
    address = None
    if event.has_address or event.has_coordinates:
        address = AddressOut(
            description=event.address_description,
            street=event.street,
            locality=event.locality,
            postal_code=event.postal_code,
            region=event.region,
            country=event.country,
            lat=event.lat,
            lon=event.lon,
            origin_id=event.origin_id,
        )
    return EventOut(
        uuid=str(event.uuid),
        url=event.url,
        title=event.title,
        description=event.description,
        begins_on=event.begins_on.astimezone(zone),
        ends_on=event.ends_on.astimezone(zone) if event.ends_on else None,
        timezone=event.timezone,
        status=event.status,
        visibility=event.visibility,
        draft=event.draft,
        published_at=event.published_at,
        join_mode=event.join_mode,
        capacity=event.capacity,
        remaining_seats=seats.remaining if (event.show_remaining_seats or manager) else None,
        participant_count=(
            participations.count_going(dbsession, event) if (event.show_participants or manager) else None
        ),
        online_address=services.online_address_for(dbsession, user, event),
        address=address,
        category=event.category,
        tags=[tag.title for tag in event.tags],
        picture=PictureOut(url=event.picture_url, alt=event.picture_alt) if event.picture_url else None,
        options=OptionsOut(
            anonymous_participation=event.anonymous_participation,
            comments=event.comment_moderation,
            show_remaining_seats=event.show_remaining_seats,
            show_participants=event.show_participants,
            participation_message=event.participation_message,
            online_address_participants_only=event.online_address_participants_only,
        ),
        organizer=profile_out(request, event.organizer),
        group=profile_out(request, event.attributed_to),
        contacts=[profile_out(request, actor) for actor in event.contacts],
        local=event.local,
        sequence=event.sequence,
        created_at=event.created_at,
        updated_at=event.updated_at,
        ics=request.route_url("event_ics", uuid=event.uuid),
    )


def participation_out(request: Request, participant: Participant, *, manager: bool) -> ParticipationOut:
    own = (
        participant.actor is not None
        and request.user is not None
        and participant.actor.user_id == request.user.id
    )
    return ParticipationOut(
        id=participant.id,
        role=participant.role,
        actor=profile_out(request, participant.actor),
        email=participant.email if manager else None,
        message=participant.message if (manager or own) else None,
        event=str(participant.event.uuid),
        created_at=participant.created_at,
    )


def comment_out(request: Request, comment: Comment) -> CommentOut:
    origin = None
    if comment.origin_id is not None:
        origin_row = request.dbsession.get(Comment, comment.origin_id)
        origin = str(origin_row.uuid) if origin_row is not None else None
    return CommentOut(
        uuid=str(comment.uuid),
        url=comment.url,
        text="" if comment.deleted else comment.text,
        actor=profile_out(request, comment.actor),
        in_reply_to=str(comment.in_reply_to.uuid) if comment.in_reply_to is not None else None,
        origin=origin,
        approved=comment.approved,
        deleted=comment.deleted,
        event=str(comment.event.uuid),
        created_at=comment.created_at,
        updated_at=comment.updated_at,
    )


# --- events -----------------------------------------------------------------------------------


@operation(
    route_name="api_events",
    request_method="GET",
    summary="List upcoming public events",
    response=Page[EventOut],
    auth="optional",
    tags=TAGS,
)
def list_events(request: Request) -> Page[EventOut]:
    """Published public events of this instance that are not over yet, soonest first."""
    page, per_page, offset = paginate(request, 0)
    rows, total = services.upcoming_public(request.dbsession, offset, per_page)
    return Page[EventOut](**page_body(request, [event_out(request, e) for e in rows], total, page, per_page))


@operation(
    route_name="api_events",
    request_method="POST",
    summary="Create an event",
    body=EventCreate,
    response=EventOut,
    status=201,
    errors=(403, 404, 413),
    tags=TAGS,
)
def create_event(request: Request, body: EventCreate) -> EventOut:
    """Organised by the profile ``identity`` (or the account's default). ``draft: true`` keeps it
    to the organiser until published. Times without an offset are read in ``timezone``, which
    defaults to the account's.
    """
    values = body.values()
    values.setdefault("timezone", None)
    if not values["timezone"]:
        values["timezone"] = viewer_timezone(request)
    event = services.create_event(request, request.user, values)
    return event_out(request, event)


@operation(
    route_name="api_event",
    request_method="GET",
    summary="Read an event",
    response=EventOut,
    auth="optional",
    errors=(404,),
    tags=TAGS,
)
def get_event(request: Request) -> EventOut:
    """Drafts are visible to their organiser only, private events to those taking part."""
    event = services.get_event(request.dbsession, request.user, request.matchdict["uuid"])
    return event_out(request, event)


@operation(
    route_name="api_event",
    request_method="PATCH",
    summary="Edit, publish or cancel an event",
    body=EventPatch,
    response=EventOut,
    errors=(403, 404),
    tags=TAGS,
)
def patch_event(request: Request, body: EventPatch) -> EventOut:
    """Only the fields sent change. ``draft: false`` publishes; ``status: cancelled`` cancels
    (the event stays visible). Every change bumps ``sequence`` for calendars.
    """
    event = services.update_event(request, request.user, request.matchdict["uuid"], body.values())
    return event_out(request, event)


@operation(
    route_name="api_event",
    request_method="DELETE",
    summary="Delete an event",
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_event(request: Request) -> None:
    services.delete_event(request, request.user, request.matchdict["uuid"], request.media_store)


@operation(
    route_name="api_event_picture",
    request_method="POST",
    summary="Upload the event's picture",
    response=EventOut,
    errors=(400, 403, 404, 413, 422),
    tags=TAGS,
)
def upload_picture(request: Request) -> EventOut:
    """multipart/form-data: the image in ``picture`` (JPEG, PNG, GIF or WebP, at most 5 MB and
    5000 × 5000 pixels), its description in ``alt``. Re-encoded without metadata, at most
    1920 × 1080.
    """
    if request.content_length and request.content_length > MAX_UPLOAD_BYTES + 64 * 1024:
        raise TooLarge(_("This image is larger than 5 MB."), fields={"picture": _("At most 5 MB.")})
    upload = request.POST.get("picture") if request.content_type == "multipart/form-data" else None
    if getattr(upload, "file", None) is None:
        raise ServiceError(
            _("Send the image as multipart/form-data in the field picture."),
            fields={"picture": _("Send a JPEG, PNG, GIF or WebP picture.")},
        )
    alt = request.POST.get("alt")
    event = services.set_picture(
        request,
        request.media_store,
        request.user,
        request.matchdict["uuid"],
        upload.file.read(MAX_UPLOAD_BYTES + 1),
        alt if isinstance(alt, str) else None,
    )
    return event_out(request, event)


@operation(
    route_name="api_event_picture",
    request_method="DELETE",
    summary="Remove the event's picture",
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_picture(request: Request) -> None:
    services.remove_picture(request, request.media_store, request.user, request.matchdict["uuid"])


# --- participations ---------------------------------------------------------------------------


@operation(
    route_name="api_event_participations",
    request_method="GET",
    summary="List an event's participants (organisers)",
    response=Page[ParticipationOut],
    errors=(403, 404),
    tags=TAGS,
)
def list_participations(request: Request) -> Page[ParticipationOut]:
    """Everyone with their role and message; anonymous participants with their email.
    ``?role=`` (repeatable) filters by role.
    """
    page, per_page, offset = paginate(request, 0)
    roles = [role for role in request.GET.getall("role") if role]
    _event, rows, total = participations.list_participants(
        request.dbsession, request.user, request.matchdict["uuid"], roles or None, offset, per_page
    )
    items = [participation_out(request, row, manager=True) for row in rows]
    return Page[ParticipationOut](**page_body(request, items, total, page, per_page))


@operation(
    route_name="api_event_participations",
    request_method="POST",
    summary="Join an event",
    body=JoinIn,
    response=ParticipationOut,
    status=201,
    auth="optional",
    errors=(401, 403, 404, 409, 429),
    tags=TAGS,
)
def join_event(request: Request, body: JoinIn) -> Any:
    """With a token: join as ``identity`` (or the default profile); restricted events answer
    with the role ``not_approved``. Without a token: ``email`` only, where the event allows
    it; the answer is 202 ``{"message", "email"}`` and a confirmation link is mailed (POST its
    token to /participations/confirm). A full event answers 409 ``event_full``. Organisers add
    a local profile with ``invite`` (a username): the way into invitation-only and private events.
    """
    uuid = request.matchdict["uuid"]
    if body.invite is not None:
        if request.user is None:
            raise Unauthorized(_("Only the organisers of this event can do this."))
        participant = participations.invite(request, request.user, uuid, body.invite)
        return participation_out(request, participant, manager=True)
    if body.email is not None:
        locale = body.locale or request.locale_name
        participations.join_anonymously(
            request, uuid, body.email, body.message, locale, client=client_address(request)
        )
        answer = AnonymousJoinOut(
            message=request.localizer.translate(
                _("Check your mailbox: follow the link we sent to confirm your participation.")
            ),
            email=body.email,
        )
        return Response(json_body=answer.model_dump(), status=202, charset="utf-8")
    if request.user is None:
        raise Unauthorized(_("Join with a token, or give an email to join without an account."))
    participant = participations.join(request, request.user, uuid, body.identity, body.message)
    return participation_out(request, participant, manager=False)


@operation(
    route_name="api_my_participations",
    request_method="GET",
    summary="Your participations in an event",
    response=Page[ParticipationOut],
    errors=(404,),
    tags=TAGS,
)
def my_participations(request: Request) -> Page[ParticipationOut]:
    """One per profile of yours that takes part, with its role."""
    event = services.get_event(request.dbsession, request.user, request.matchdict["uuid"])
    rows = services.account_participations(request.dbsession, request.user, event)
    items = [participation_out(request, row, manager=False) for row in rows]
    return Page[ParticipationOut](items=items, total=len(items), page=1, per_page=max(len(items), 1))


@operation(
    route_name="api_my_participations",
    request_method="DELETE",
    summary="Leave an event",
    status=204,
    errors=(404, 409),
    tags=TAGS,
)
def leave_event(request: Request) -> None:
    """Every profile of yours leaves, or only ``?identity=``; the organiser cannot leave (409)."""
    identity = request.GET.get("identity") or None
    participations.leave(request, request.user, request.matchdict["uuid"], identity)


@operation(
    route_name="api_participation",
    request_method="PATCH",
    summary="Approve, decline or promote a participant (organisers)",
    body=RolePatch,
    response=ParticipationOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def patch_participation(request: Request, body: RolePatch) -> ParticipationOut:
    participant = participations.update_role(request, request.user, request.matchdict["id"], body.role)
    return participation_out(request, participant, manager=True)


@operation(
    route_name="api_participation",
    request_method="DELETE",
    summary="Remove a participation (organisers, or your own)",
    status=204,
    errors=(404, 409),
    tags=TAGS,
)
def delete_participation(request: Request) -> None:
    participations.remove_participation(request, request.user, request.matchdict["id"])


@operation(
    route_name="api_participation_confirm",
    request_method="POST",
    summary="Confirm an anonymous participation",
    body=TokenIn,
    response=MessageOut,
    auth=False,
    errors=(409, 422),
    tags=TAGS,
)
def confirm_participation(request: Request, body: TokenIn) -> MessageOut:
    """The token from the mailed link; it works once (409 ``token_used`` afterwards)."""
    participant = participations.confirm_anonymous(request, body.token)
    text = (
        _("Your participation is confirmed.")
        if participant.role == "participant"
        else _("Your email is confirmed; the organisers will review your participation.")
    )
    return MessageOut(message=request.localizer.translate(text))


# --- comments ---------------------------------------------------------------------------------


@operation(
    route_name="api_event_comments",
    request_method="GET",
    summary="List an event's comments",
    response=Page[CommentOut],
    auth="optional",
    errors=(404,),
    tags=TAGS,
)
def list_comments(request: Request) -> Page[CommentOut]:
    """In thread order: each first comment followed by its replies (``in_reply_to``)."""
    page, per_page, offset = paginate(request, 0)
    event = services.get_event(request.dbsession, request.user, request.matchdict["uuid"])
    rows, total = comments.visible_comments(request.dbsession, request.user, event, offset, per_page)
    items = [comment_out(request, c) for c in rows]
    return Page[CommentOut](**page_body(request, items, total, page, per_page))


@operation(
    route_name="api_event_comments",
    request_method="POST",
    summary="Comment on an event, or reply to a comment",
    body=CommentIn,
    response=CommentOut,
    status=201,
    errors=(403, 404, 409),
    tags=TAGS,
)
def create_comment(request: Request, body: CommentIn) -> CommentOut:
    comment = comments.create_comment(
        request, request.user, request.matchdict["uuid"], body.text, body.in_reply_to, body.identity
    )
    return comment_out(request, comment)


@operation(
    route_name="api_comment",
    request_method="PATCH",
    summary="Edit your comment, or approve a held one (organisers)",
    body=CommentPatch,
    response=CommentOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def patch_comment(request: Request, body: CommentPatch) -> CommentOut:
    uuid = request.matchdict["uuid"]
    comment = None
    if body.text is not None:
        comment = comments.update_comment(request, request.user, uuid, body.text)
    if body.approved:
        comment = comments.approve_comment(request, request.user, uuid)
    if comment is None:
        comment = comments.get_comment(request.dbsession, request.user, uuid)
    return comment_out(request, comment)


@operation(
    route_name="api_comment",
    request_method="DELETE",
    summary="Delete a comment (its author or the organisers)",
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_comment(request: Request) -> None:
    comments.delete_comment(request, request.user, request.matchdict["uuid"])
