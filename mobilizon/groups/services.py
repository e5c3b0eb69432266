"""Group rules: the one permission table, groups themselves, members, invitations and followers.

Every function that reads the members' area or changes anything calls ``require`` with an
action of ``PERMISSIONS``, so who may do what is written once, here, and tested as a matrix
(every role × every action). Views, the JSON API, plugins (pads, polls) and later the
federation inbox all come through these functions.

Functions that change something take a context with ``dbsession``, ``registry`` and ``tm`` (a
request or a job's context): lifecycle hooks leave only when that transaction commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobilizon.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from mobilizon.groups.models import (
    MEMBER_ROLES,
    OPENNESS,
    ROLES,
    VISIBILITIES,
    Follower,
    GroupSettings,
    Member,
)
from mobilizon.i18n import _
from mobilizon.identities import services as identities
from mobilizon.identities.media import MediaStore, process_image
from mobilizon.identities.models import Actor, RetiredUsername
from mobilizon.identities.webfinger import local_host
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow

# --- the permission table ---------------------------------------------------------------------

OUTSIDER = "none"  # a profile with no membership row at all
ALL_ROLES = (*ROLES, OUTSIDER)
ADMINS = frozenset({"administrator"})
MODERATORS = ADMINS | {"moderator"}
MEMBERS = MODERATORS | {"member"}

PERMISSIONS: dict[str, frozenset[str]] = {
    # the group itself
    "group.update": ADMINS,
    "group.delete": ADMINS,
    # people
    "member.list": MEMBERS,
    "member.invite": MODERATORS,
    "member.approve": MODERATORS,  # join requests: approve or reject
    "member.set_role": ADMINS,  # promote, demote
    "member.exclude": ADMINS,
    "follower.list": MODERATORS,
    # events of the group
    "event.read_draft": MEMBERS,
    "event.create": MODERATORS,
    "event.update": MODERATORS,
    "event.delete": MODERATORS,
    # the blog
    "post.read_private": MEMBERS,  # drafts and members-only posts
    "post.create": MODERATORS,
    "post.update": MODERATORS,
    "post.delete": MODERATORS,
    # discussions
    "discussion.read": MEMBERS,
    "discussion.create": MEMBERS,
    "discussion.comment": MEMBERS,  # and edit or delete one's own comments
    "discussion.rename": MODERATORS,
    "discussion.delete": MODERATORS,
    "comment.moderate": MODERATORS,  # delete anyone's comment
    # resources (folders, links, pads, polls, ...)
    "resource.read": MEMBERS,
    "resource.create": MEMBERS,  # and change or remove one's own
    "resource.use": MEMBERS,  # edit a pad, vote in a poll
    "resource.update": MODERATORS,  # anyone's
    "resource.delete": MODERATORS,
}
ACTIONS = tuple(PERMISSIONS)


def can(role: str | None, action: str) -> bool:
    """Whether a member with ``role`` (None or ``"none"``: not a member) may do ``action``."""
    return (role or OUTSIDER) in PERMISSIONS[action]


def membership(dbsession: Session, group: Actor, profile: Actor | None) -> Member | None:
    if profile is None:
        return None
    return dbsession.scalar(select(Member).where(Member.group_id == group.id, Member.actor_id == profile.id))


def role_of(dbsession: Session, group: Actor, profile: Actor | None) -> str:
    member = membership(dbsession, group, profile)
    return member.role if member is not None else OUTSIDER


def require(dbsession: Session, group: Actor, profile: Actor | None, action: str) -> str:
    """The profile's role in the group if it may do ``action``; otherwise Forbidden, saying why."""
    role = role_of(dbsession, group, profile)
    if can(role, action):
        return role
    raise Forbidden(_refusal(role, PERMISSIONS[action]), code="group_forbidden")


def _refusal(role: str, allowed: frozenset[str]) -> Any:
    if role == "invited":
        return _("You are invited to this group: accept the invitation first.")
    if role == "not_approved":
        return _("Your request to join this group is waiting for a moderator.")
    if allowed == ADMINS:
        return _("Only the group's administrators can do this.")
    if allowed == MODERATORS:
        return _("Only the group's moderators and administrators can do this.")
    return _("Only members of the group can do this.")


# --- who is acting ----------------------------------------------------------------------------


def acting_profile(
    dbsession: Session, user: Any, identity: str | None = None, current: Actor | None = None
) -> Actor:
    """The account's profile named ``identity`` (another account's is refused), else ``current``
    (the session's profile), else the account's default one.
    """
    if user is None:
        raise Unauthorized(_("You need to sign in first."))
    if identity:
        profile = identities.get_profile(dbsession, user, identity)
    else:
        profile = current or identities.current_profile(dbsession, user)
    if profile is None:
        raise Invalid(
            _("Create a profile first: groups are joined as one of your profiles."), code="no_profile"
        )
    if profile.suspended:
        raise Forbidden(_("This profile is suspended."))
    return profile


def find_profile_by_handle(dbsession: Session, settings: Mapping[str, Any], handle: str) -> Actor | None:
    """A local profile from ``name``, ``@name`` or ``name@this-host``, or a profile of another
    instance this one knows (``name@other-host``); None when there is none.
    """
    name, domain = split_handle(handle)
    if not name:
        return None
    if domain and domain != local_host(settings["mobilizon.base_url"]):
        return _known_remote_profile(dbsession, name, domain)
    actor = identities.find_local_actor(dbsession, name, type="Person")
    if actor is None or actor.deleted or actor.suspended:
        return None
    return actor


def split_handle(handle: str | None) -> tuple[str, str]:
    name, _at, domain = (handle or "").strip().lstrip("@").partition("@")
    return name.strip(), domain.strip().lower()


def _known_remote_profile(dbsession: Session, name: str, domain: str) -> Actor | None:
    """A profile of another instance that this one already knows (looked up or met before)."""
    return dbsession.scalar(
        select(Actor).where(
            func.lower(Actor.preferred_username) == name.lower(),
            Actor.domain == domain,
            Actor.type == "Person",
            Actor.suspended.is_(False),
        )
    )


def invitee(dbsession: Session, settings: Mapping[str, Any], handle: str) -> Actor:
    """The profile a moderator wants to invite, or a message they can act on."""
    name, domain = split_handle(handle)
    if domain and domain != local_host(settings["mobilizon.base_url"]):
        remote = _known_remote_profile(dbsession, name, domain)
        if remote is not None:
            return remote  # the federation listener sends it the invitation
        raise Invalid(
            _("This profile of another instance is not known here yet: look it up with the search first."),
            fields={"handle": _("Look this profile up with the search first.")},
            code="remote_handle",
        )
    actor = find_profile_by_handle(dbsession, settings, handle)
    if actor is None:
        raise Invalid(
            _("There is no profile @%(handle)s here.", mapping={"handle": name or handle}),
            fields={"handle": _("There is no profile with this username here.")},
            code="unknown_handle",
        )
    return actor


# --- groups -----------------------------------------------------------------------------------

ADDRESS_FIELDS = ("description", "street", "locality", "postal_code", "region", "country")
ADDRESS_COLUMNS = {"description": "address_description"}
ADDRESS_MAX = {
    "description": 500,
    "street": 500,
    "locality": 200,
    "postal_code": 50,
    "region": 200,
    "country": 200,
}
BANNER_SIZE = (1500, 500)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def get_group(dbsession: Session, username: str) -> Actor:
    """A local group by username (any case); suspended groups are not found."""
    group = identities.find_local_actor(dbsession, username, type="Group")
    if group is None or group.suspended or group.deleted:
        raise NotFound(_("There is no group with this username here."))
    return group


def group_settings(dbsession: Session, group: Actor) -> GroupSettings:
    settings = dbsession.get(GroupSettings, group.id)
    if settings is None:
        settings = GroupSettings(actor_id=group.id)
        dbsession.add(settings)
        dbsession.flush()
    return settings


def _choice(values: Mapping[str, Any], name: str, allowed: tuple[str, ...], errors: dict[str, Any]) -> Any:
    value = values.get(name)
    if value not in allowed:
        errors[name] = _("Choose one of: %(choices)s.", mapping={"choices": ", ".join(allowed)})
    return value


def _address(value: Any, errors: dict[str, Any]) -> dict[str, Any] | None:
    if value in (None, "", {}):
        return None
    if not isinstance(value, Mapping):
        errors["address"] = _("Give the address as its parts (street, locality, country, ...).")
        return None
    address: dict[str, Any] = {}
    for name in ADDRESS_FIELDS:
        text = CONTROL.sub("", " ".join(str(value.get(name) or "").split()))
        if len(text) > ADDRESS_MAX[name]:
            errors[f"address.{name}"] = _("At most %(max)s characters.", mapping={"max": ADDRESS_MAX[name]})
        address[name] = text or None
    for name, limit in (("lat", 90), ("lon", 180)):
        raw = value.get(name)
        try:
            number = None if raw in (None, "") else float(raw)
        except (TypeError, ValueError):
            number = None
            errors[f"address.{name}"] = _("A number, please.")
        if number is not None and not -limit <= number <= limit:
            errors[f"address.{name}"] = _("Between -%(limit)s and %(limit)s.", mapping={"limit": limit})
        address[name] = number
    return address if any(v is not None for v in address.values()) else None


def clean_group_values(values: Mapping[str, Any], creating: bool) -> dict[str, Any]:
    """Validated group fields as given (only those present when editing), with a message each."""
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    for name, default in (("visibility", "public"), ("openness", "moderated")):
        if name in values or creating:
            merged = {name: values.get(name) or (default if creating else None)}
            clean[name] = _choice(merged, name, VISIBILITIES if name == "visibility" else OPENNESS, errors)
    for name, cleaner in (("name", identities.clean_name), ("summary", identities.clean_summary)):
        if name in values:
            try:
                clean[name] = cleaner(values.get(name))
            except Invalid as error:
                errors.update(error.fields)
    if "show_member_count" in values:
        clean["show_member_count"] = bool(values.get("show_member_count"))
    if "address" in values:
        clean["address"] = _address(values.get("address"), errors)
    if errors:
        raise Invalid(_("Some values are not valid."), fields=errors)
    return clean


def _apply_group(dbsession: Session, group: Actor, clean: Mapping[str, Any]) -> None:
    for name in ("name", "summary", "visibility", "openness"):
        if name in clean:
            setattr(group, name, clean[name])
    settings = group_settings(dbsession, group)
    if "show_member_count" in clean:
        settings.show_member_count = clean["show_member_count"]
    if "address" in clean:
        address = clean["address"] or {}
        for name in (*ADDRESS_FIELDS, "lat", "lon"):
            setattr(settings, ADDRESS_COLUMNS.get(name, name), address.get(name))


def create_group(ctx: Any, user: Any, values: Mapping[str, Any], current: Actor | None = None) -> Actor:
    """A new group made by one of the account's profiles, which becomes its administrator."""
    profile = acting_profile(ctx.dbsession, user, values.get("identity"), current)
    clean = clean_group_values(values, creating=True)
    group = identities.create_local_actor(
        ctx.dbsession,
        ctx.registry.settings,
        preferred_username=str(values.get("preferred_username") or ""),
        type="Group",
        name=clean.get("name"),
        summary=clean.get("summary"),
        visibility=clean["visibility"],
        openness=clean["openness"],
    )
    _apply_group(ctx.dbsession, group, clean)
    ctx.dbsession.add(Member(group_id=group.id, actor_id=profile.id, role="administrator"))
    ctx.dbsession.flush()
    fire(ctx, "group.created", group_subject(group), actor_subject(profile))
    return group


def update_group(
    ctx: Any, user: Any, username: str, values: Mapping[str, Any], current: Actor | None = None
) -> Actor:
    group = get_group(ctx.dbsession, username)
    profile = acting_profile(ctx.dbsession, user, values.get("identity"), current)
    require(ctx.dbsession, group, profile, "group.update")
    _apply_group(ctx.dbsession, group, clean_group_values(values, creating=False))
    group.updated_at = utcnow()
    ctx.dbsession.flush()
    fire(ctx, "group.updated", group_subject(group), actor_subject(profile))
    return group


def set_group_image(
    ctx: Any,
    media: MediaStore,
    user: Any,
    username: str,
    kind: str,
    data: bytes,
    current: Actor | None = None,
    identity: str | None = None,
) -> Actor:
    """Replace the group's avatar or banner with an upload (validated, re-encoded, no metadata)."""
    group = get_group(ctx.dbsession, username)
    require(ctx.dbsession, group, acting_profile(ctx.dbsession, user, identity, current), "group.update")
    image = process_image(data, BANNER_SIZE if kind == "banner" else identities_avatar_size())
    column = "banner_url" if kind == "banner" else "avatar_url"
    previous = getattr(group, column)
    setattr(group, column, media.save(image))
    media.delete_after(ctx.tm, on_commit=previous, on_abort=getattr(group, column))
    ctx.dbsession.flush()
    return group


def remove_group_image(
    ctx: Any,
    media: MediaStore,
    user: Any,
    username: str,
    kind: str,
    current: Actor | None = None,
    identity: str | None = None,
) -> Actor:
    group = get_group(ctx.dbsession, username)
    require(ctx.dbsession, group, acting_profile(ctx.dbsession, user, identity, current), "group.update")
    column = "banner_url" if kind == "banner" else "avatar_url"
    previous = getattr(group, column)
    setattr(group, column, None)
    media.delete_after(ctx.tm, on_commit=previous)
    ctx.dbsession.flush()
    return group


def identities_avatar_size() -> tuple[int, int]:
    from mobilizon.identities.media import AVATAR_SIZE

    return AVATAR_SIZE


def delete_group(
    ctx: Any,
    user: Any,
    username: str,
    media: MediaStore | None = None,
    current: Actor | None = None,
    identity: str | None = None,
) -> None:
    """Delete the group and everything in it (members, discussions, posts, resources, its
    events); its username is retired so nobody can take over the URL other servers remember.
    """
    group = get_group(ctx.dbsession, username)
    profile = acting_profile(ctx.dbsession, user, identity, current)
    require(ctx.dbsession, group, profile, "group.delete")
    subject = group_subject(group)
    images = (group.avatar_url, group.banner_url)
    _delete_group_events(ctx.dbsession, group)
    ctx.dbsession.add(RetiredUsername(username=group.preferred_username.lower()))
    ctx.dbsession.delete(group)
    ctx.dbsession.flush()
    if media is not None:
        for url in images:
            media.delete_after(ctx.tm, on_commit=url)
    fire(ctx, "group.deleted", subject, actor_subject(profile))


def _delete_group_events(dbsession: Session, group: Actor) -> None:
    """Events organised for the group go with it (when the events feature is there)."""
    from mobilizon.groups import group_events

    for event in group_events.events_of(dbsession, group, include_drafts=True):
        dbsession.delete(event)


def list_public_groups(dbsession: Session, offset: int = 0, limit: int = 20) -> tuple[list[Actor], int]:
    """Public local groups (unlisted ones are reachable only by their link), newest first."""
    query = select(Actor).where(
        Actor.type == "Group",
        Actor.domain.is_(None),
        Actor.visibility == "public",
        Actor.suspended.is_(False),
        Actor.deleted_at.is_(None),
    )
    total = dbsession.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = dbsession.scalars(query.order_by(Actor.id.desc()).offset(offset).limit(limit))
    return list(rows), total


def memberships_of(dbsession: Session, profiles: Iterable[Actor]) -> list[Member]:
    """The memberships (any role) of these profiles, with their groups, by group name."""
    ids = [profile.id for profile in profiles]
    if not ids:
        return []
    rows = dbsession.scalars(
        select(Member)
        .join(Actor, Member.group_id == Actor.id)
        .where(Member.actor_id.in_(ids), Actor.suspended.is_(False))
        .order_by(func.lower(Actor.preferred_username), Member.id)
    )
    return list(rows)


def member_count(dbsession: Session, group: Actor) -> int:
    return (
        dbsession.scalar(
            select(func.count(Member.id)).where(Member.group_id == group.id, Member.role.in_(MEMBER_ROLES))
        )
        or 0
    )


def follower_count(dbsession: Session, group: Actor) -> int:
    return (
        dbsession.scalar(
            select(func.count(Follower.id)).where(
                Follower.target_actor_id == group.id, Follower.approved.is_(True)
            )
        )
        or 0
    )


def shows_member_count(dbsession: Session, group: Actor, role: str) -> bool:
    """The public sees the member count only when the admins choose; members always do."""
    return role in MEMBERS or group_settings(dbsession, group).show_member_count


# --- members ----------------------------------------------------------------------------------


def _admin_count(dbsession: Session, group: Actor) -> int:
    return (
        dbsession.scalar(
            select(func.count(Member.id)).where(Member.group_id == group.id, Member.role == "administrator")
        )
        or 0
    )


def _refuse_last_admin(dbsession: Session, group: Actor, member: Member, message: Any) -> None:
    if member.role == "administrator" and _admin_count(dbsession, group) <= 1:
        raise Conflict(message, code="last_administrator")


def join(
    ctx: Any,
    user: Any,
    username: str,
    identity: str | None = None,
    message: str | None = None,
    current: Actor | None = None,
) -> Member:
    """Join an open group, or ask to join a moderated one; invite-only groups are refused."""
    group = get_group(ctx.dbsession, username)
    profile = acting_profile(ctx.dbsession, user, identity, current)
    member = membership(ctx.dbsession, group, profile)
    if member is not None:
        if member.role == "invited":
            return _accept(ctx, member)
        if member.role in MEMBER_ROLES:
            raise Conflict(_("This profile is already a member of the group."), code="already_member")
        if member.role == "not_approved":
            raise Conflict(
                _("This profile has already asked to join; a moderator will answer."), code="already_asked"
            )
        raise Forbidden(
            _("This group's moderators have declined this profile's membership."), code="rejected"
        )
    if group.openness == "invite_only":
        raise Forbidden(
            _("This group accepts new members by invitation only: ask one of its administrators."),
            code="invite_only",
        )
    role = "member" if group.openness == "open" else "not_approved"
    text = CONTROL.sub("", (message or "").replace("\r\n", "\n")).strip()[:2000] or None
    member = Member(group_id=group.id, actor_id=profile.id, role=role, message=text)
    ctx.dbsession.add(member)
    ctx.dbsession.flush()
    fire(
        ctx,
        "member.joined" if role == "member" else "member.requested",
        member_subject(member),
        actor_subject(profile),
    )
    return member


def invite(
    ctx: Any, user: Any, username: str, handle: str, identity: str | None = None, current: Actor | None = None
) -> Member:
    """Invite a local profile by its username; the invited profile accepts or declines."""
    group = get_group(ctx.dbsession, username)
    profile = acting_profile(ctx.dbsession, user, identity, current)
    require(ctx.dbsession, group, profile, "member.invite")
    target = invitee(ctx.dbsession, ctx.registry.settings, handle)
    member = membership(ctx.dbsession, group, target)
    if member is not None and member.role in MEMBER_ROLES:
        raise Conflict(
            _("@%(name)s is already a member of the group.", mapping={"name": target.preferred_username}),
            fields={"handle": _("Already a member.")},
            code="already_member",
        )
    if member is not None and member.role == "invited":
        raise Conflict(
            _("@%(name)s is already invited.", mapping={"name": target.preferred_username}),
            fields={"handle": _("Already invited.")},
            code="already_invited",
        )
    if member is not None and member.role == "not_approved":
        # they asked, a moderator invites: that is a yes
        member.role = "member"
        ctx.dbsession.flush()
        fire(ctx, "member.approved", member_subject(member), actor_subject(profile))
        return member
    if member is None:
        member = Member(group_id=group.id, actor_id=target.id)
        ctx.dbsession.add(member)
    member.role = "invited"
    member.invited_by_id = profile.id
    ctx.dbsession.flush()
    fire(ctx, "member.invited", member_subject(member), actor_subject(profile))
    return member


def get_invitation(dbsession: Session, user: Any, invitation_id: int) -> Member:
    """A pending invitation addressed to one of the account's profiles."""
    member = dbsession.get(Member, invitation_id)
    if member is None or member.role != "invited":
        raise NotFound(_("There is no pending invitation with this number."))
    if user is None or member.actor.user_id != user.id:
        raise Forbidden(_("This invitation is for another profile; only that profile can answer it."))
    return member


def respond_to_invitation(ctx: Any, user: Any, invitation_id: int, accept: bool) -> Member | None:
    """Accept (become a member) or decline (the invitation is removed) as the invited profile."""
    member = get_invitation(ctx.dbsession, user, invitation_id)
    if accept:
        return _accept(ctx, member)
    subject = member_subject(member)
    ctx.dbsession.delete(member)
    ctx.dbsession.flush()
    fire(ctx, "member.invitation_declined", subject, actor_subject(member.actor))
    return None


def _accept(ctx: Any, member: Member) -> Member:
    member.role = "member"
    ctx.dbsession.flush()
    fire(ctx, "member.joined", member_subject(member), actor_subject(member.actor))
    return member


def pending_invitations(dbsession: Session, profiles: Iterable[Actor]) -> list[Member]:
    return [member for member in memberships_of(dbsession, profiles) if member.role == "invited"]


def find_member(dbsession: Session, settings: Mapping[str, Any], group: Actor, handle: str) -> Member:
    target = find_profile_by_handle(dbsession, settings, handle)
    member = membership(dbsession, group, target) if target is not None else None
    if member is None:
        raise NotFound(_("This profile is not in the group."))
    return member


def get_member(
    ctx: Any, user: Any, username: str, handle: str, identity: str | None = None, current: Actor | None = None
) -> Member:
    """One membership: members see each other; anyone sees their own (to find an invitation)."""
    group = get_group(ctx.dbsession, username)
    member = find_member(ctx.dbsession, ctx.registry.settings, group, handle)
    if user is not None and member.actor.user_id == user.id:
        return member
    profile = acting_profile(ctx.dbsession, user, identity, current)
    require(ctx.dbsession, group, profile, "member.list")
    if member.role not in MEMBER_ROLES:
        require(ctx.dbsession, group, profile, "member.approve")
    return member


def list_members(
    dbsession: Session, group: Actor, profile: Actor | None, roles: Iterable[str] | None = None
) -> list[Member]:
    """Members by role (administrators first); moderators also see invitations and requests."""
    role = require(dbsession, group, profile, "member.list")
    visible = set(ROLES) if can(role, "member.approve") else set(MEMBER_ROLES)
    wanted = visible & set(roles) if roles else visible
    rows = dbsession.scalars(
        select(Member)
        .join(Actor, Member.actor_id == Actor.id)
        .where(Member.group_id == group.id, Member.role.in_(wanted))
    )
    order = {name: index for index, name in enumerate(ROLES)}
    return sorted(rows, key=lambda m: (order[m.role], m.actor.preferred_username.lower()))


def set_role(
    ctx: Any,
    user: Any,
    username: str,
    handle: str,
    role: str,
    identity: str | None = None,
    current: Actor | None = None,
) -> Member:
    """Approve or reject a join request (moderators), or promote and demote (administrators)."""
    group = get_group(ctx.dbsession, username)
    profile = acting_profile(ctx.dbsession, user, identity, current)
    member = find_member(ctx.dbsession, ctx.registry.settings, group, handle)
    if member.role == "not_approved":
        require(ctx.dbsession, group, profile, "member.approve")
        if role not in ("member", "rejected"):
            raise Invalid(
                _("A join request is approved (member) or rejected (rejected)."),
                fields={"role": _("Choose member or rejected.")},
            )
        member.role = role
        ctx.dbsession.flush()
        fire(
            ctx,
            "member.approved" if role == "member" else "member.rejected",
            member_subject(member),
            actor_subject(profile),
        )
        return member
    require(ctx.dbsession, group, profile, "member.set_role")
    if member.role not in MEMBER_ROLES:
        raise Conflict(
            _("Only members' roles can be changed; an invitation has to be accepted first."),
            code="not_a_member",
        )
    if role not in MEMBER_ROLES:
        raise Invalid(
            _("A member's role is administrator, moderator or member."),
            fields={"role": _("Choose administrator, moderator or member.")},
        )
    if role != "administrator":
        _refuse_last_admin(
            ctx.dbsession,
            group,
            member,
            _("This is the group's last administrator: make someone else administrator first."),
        )
    if member.role != role:
        member.role = role
        ctx.dbsession.flush()
        fire(ctx, "member.role_changed", member_subject(member), actor_subject(profile))
    return member


def remove_member(
    ctx: Any, user: Any, username: str, handle: str, identity: str | None = None, current: Actor | None = None
) -> None:
    """Leave (one's own profile: also withdraws a request or declines an invitation), or, for
    someone else: cancel their invitation, reject their request, or exclude them.
    """
    group = get_group(ctx.dbsession, username)
    member = find_member(ctx.dbsession, ctx.registry.settings, group, handle)
    if user is not None and member.actor.user_id == user.id:
        if member.role == "rejected":
            # the record of an exclusion or a declined request is the moderators', not theirs
            raise Forbidden(_("This profile is no longer in the group."), code="rejected")
        _refuse_last_admin(
            ctx.dbsession,
            group,
            member,
            _("You are the group's last administrator: make someone else administrator before leaving."),
        )
        subject = member_subject(member)
        ctx.dbsession.delete(member)
        ctx.dbsession.flush()
        fire(ctx, "member.left", subject, actor_subject(member.actor))
        return
    profile = acting_profile(ctx.dbsession, user, identity, current)
    action = {"invited": "member.invite", "not_approved": "member.approve", "rejected": "member.approve"}
    require(ctx.dbsession, group, profile, action.get(member.role, "member.exclude"))
    if member.role in MEMBER_ROLES:
        _refuse_last_admin(
            ctx.dbsession, group, member, _("The group's last administrator cannot be excluded.")
        )
        member.role = "rejected"  # excluded: kept out of open groups too
        ctx.dbsession.flush()
        fire(ctx, "member.excluded", member_subject(member), actor_subject(profile))
        return
    subject = member_subject(member)
    ctx.dbsession.delete(member)
    ctx.dbsession.flush()
    fire(ctx, "member.removed", subject, actor_subject(profile))


# --- followers --------------------------------------------------------------------------------


def following(dbsession: Session, group: Actor, profile: Actor | None) -> Follower | None:
    if profile is None:
        return None
    return dbsession.scalar(
        select(Follower).where(Follower.target_actor_id == group.id, Follower.actor_id == profile.id)
    )


def follow(
    ctx: Any,
    user: Any,
    username: str,
    identity: str | None = None,
    current: Actor | None = None,
    notify: bool = True,
) -> Follower:
    """Follow a group's public events and posts without joining it; following twice is one follow."""
    group = get_group(ctx.dbsession, username)
    profile = acting_profile(ctx.dbsession, user, identity, current)
    follower = following(ctx.dbsession, group, profile)
    if follower is None:
        follower = Follower(target_actor_id=group.id, actor_id=profile.id, approved=True, notify=notify)
        ctx.dbsession.add(follower)
        ctx.dbsession.flush()
        fire(ctx, "group.followed", group_subject(group), actor_subject(profile))
    elif follower.notify != notify:
        follower.notify = notify
        ctx.dbsession.flush()
    return follower


def unfollow(
    ctx: Any, user: Any, username: str, identity: str | None = None, current: Actor | None = None
) -> None:
    group = get_group(ctx.dbsession, username)
    profile = acting_profile(ctx.dbsession, user, identity, current)
    follower = following(ctx.dbsession, group, profile)
    if follower is None:
        raise NotFound(_("This profile does not follow the group."))
    ctx.dbsession.delete(follower)
    ctx.dbsession.flush()


def list_followers(dbsession: Session, group: Actor, profile: Actor | None) -> list[Follower]:
    require(dbsession, group, profile, "follower.list")
    return list(
        dbsession.scalars(
            select(Follower)
            .where(Follower.target_actor_id == group.id)
            .order_by(Follower.created_at, Follower.id)
        )
    )


def followers_to_notify(dbsession: Session, group: Actor) -> list[Actor]:
    """Profiles that follow the group and want to hear of its new public events and posts."""
    return list(
        dbsession.scalars(
            select(Actor)
            .join(Follower, Follower.actor_id == Actor.id)
            .where(
                Follower.target_actor_id == group.id, Follower.approved.is_(True), Follower.notify.is_(True)
            )
        )
    )


# --- what lifecycle hooks get -----------------------------------------------------------------


def group_subject(group: Actor) -> dict[str, Any]:
    return {
        "type": "group",
        "id": group.id,
        "preferred_username": group.preferred_username,
        "url": group.url,
        "name": group.display_name,
        "visibility": group.visibility,
    }


def member_subject(member: Member) -> dict[str, Any]:
    return {
        "type": "member",
        "id": member.id,
        "role": member.role,
        "group": group_subject(member.group),
        "actor": actor_subject(member.actor),
    }


def actor_subject(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"id": actor.id, "preferred_username": actor.preferred_username, "url": actor.url}
