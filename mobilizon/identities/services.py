"""Profiles: creating local actors with their key pair, the rules for usernames, and what an
account may do with its profiles (create, edit, change the avatar, switch, delete).

Every local actor (profile, group, the instance) gets an RSA 2048 key pair at creation so it
can sign what it sends; its ActivityPub URLs derive from the instance's base URL and username.
These functions are the only place that checks who owns a profile: views, the JSON API and
the federation code all call them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobilizon.errors import Conflict, Forbidden, Invalid, NotFound
from mobilizon.i18n import _
from mobilizon.identities.media import MediaStore, process_image
from mobilizon.identities.models import Actor, RetiredUsername
from mobilizon.models.meta import utcnow

# the numbers are also written in the messages below (pyramid interpolates ${name}, not %(name)s)
NAME_MAX = 100
SUMMARY_MAX = 2000
MAX_PROFILES = 20
DELETED_NAME = "Deleted profile"
DELETE_CHOICES = ("keep", "remove")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
USERNAME = re.compile(r"^[A-Za-z0-9_]{1,100}$")
RESERVED_USERNAMES = frozenset(
    """
    about abuse account accounts activity activitypub actor actors admin administrator api app apps
    auth blog calendar contact dev discussions domain event events explore feed feeds federation
    follow followers following group groups help inbox instance login logout mail me media
    mobilizon moderation moderator news nodeinfo notifications outbox password post posts privacy
    profile profiles public register relay report reports resource resources root rules search
    security settings signup static support system terms test tos user users webfinger well_known www
    administrators anonymous deleted everyone hostmaster moderators no_reply noreply nobody
    postmaster staff webmaster
    """.split()
)


def generate_key_pair() -> tuple[str, str]:
    """An RSA 2048 key pair as (private PKCS8 PEM, public SubjectPublicKeyInfo PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private_pem, public_pem


def check_username(dbsession: Session, username: str, field: str = "preferred_username") -> str:
    """Refuse malformed, reserved and taken usernames (case-insensitively); returns it stripped."""
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise Invalid(
            _("A username uses only letters, digits and underscores, up to 100 characters."),
            fields={field: _("Use only letters, digits and underscores.")},
        )
    if username.lower() in RESERVED_USERNAMES:
        raise Conflict(
            _("This username is reserved; choose another one."),
            fields={field: _("This username is reserved.")},
            code="username_reserved",
        )
    taken = dbsession.scalar(
        select(Actor.id).where(
            func.lower(Actor.preferred_username) == username.lower(), Actor.domain.is_(None)
        )
    )
    if taken is None:
        taken = dbsession.get(RetiredUsername, username.lower())
    if taken is not None:
        raise Conflict(
            _("This username is already taken; choose another one."),
            fields={field: _("This username is already taken.")},
            code="username_taken",
        )
    return username


def actor_urls(base_url: str, username: str) -> dict[str, str]:
    url = f"{base_url}/@{username}"
    return {
        "url": url,
        "inbox_url": f"{url}/inbox",
        "outbox_url": f"{url}/outbox",
        "followers_url": f"{url}/followers",
        "shared_inbox_url": f"{base_url}/inbox",
    }


def create_local_actor(
    dbsession: Session,
    settings: Mapping[str, Any],
    *,
    preferred_username: str,
    type: str = "Person",
    name: str | None = None,
    summary: str | None = None,
    user: Any = None,
    **values: Any,
) -> Actor:
    """A new local actor with a fresh key pair; the username is checked first."""
    username = check_username(dbsession, preferred_username)
    private_pem, public_pem = generate_key_pair()
    actor = Actor(
        type=type,
        preferred_username=username,
        domain=None,
        name=clean_name(name),
        summary=clean_summary(summary),
        public_key=public_pem,
        private_key=private_pem,
        user=user,
        **actor_urls(settings["mobilizon.base_url"], username),
        **values,
    )
    dbsession.add(actor)
    dbsession.flush()
    return actor


def clean_name(name: str | None) -> str | None:
    """A display name on one line, without control characters; None when empty."""
    text = CONTROL_CHARACTERS.sub("", " ".join((name or "").split()))
    if len(text) > NAME_MAX:
        raise Invalid(
            _("A display name has at most 100 characters."),
            fields={"name": _("At most 100 characters.")},
        )
    return text or None


def clean_summary(summary: str | None) -> str | None:
    """A short bio as plain text (shown escaped everywhere); None when empty."""
    text = CONTROL_CHARACTERS.sub("", (summary or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > SUMMARY_MAX:
        raise Invalid(
            _("A bio has at most 2000 characters."),
            fields={"summary": _("At most 2000 characters.")},
        )
    return text or None


def list_profiles(dbsession: Session, user: Any) -> list[Actor]:
    """The account's profiles, oldest first (deleted ones no longer belong to it)."""
    return list(
        dbsession.scalars(
            select(Actor)
            .where(Actor.user_id == user.id, Actor.type == "Person", Actor.deleted_at.is_(None))
            .order_by(Actor.id)
        )
    )


def find_local_actor(dbsession: Session, username: str, type: str | None = None) -> Actor | None:
    """A local actor by username, whatever its case; for public pages and WebFinger."""
    if not USERNAME.match(username or ""):
        return None  # not a username: no query (and no NUL byte reaches PostgreSQL)
    query = select(Actor).where(
        func.lower(Actor.preferred_username) == (username or "").lower(), Actor.domain.is_(None)
    )
    if type is not None:
        query = query.where(Actor.type == type)
    return dbsession.scalar(query)


def get_profile(dbsession: Session, user: Any, username: str) -> Actor:
    """One of the account's own profiles; someone else's is refused, an unknown one is not found."""
    actor = find_local_actor(dbsession, username, type="Person")
    if actor is None or actor.deleted:
        raise NotFound(_("There is no profile with this username."))
    if user is None or actor.user_id != user.id:
        raise Forbidden(_("This profile belongs to another account."))
    return actor


def create_profile(
    dbsession: Session,
    settings: Mapping[str, Any],
    user: Any,
    preferred_username: str,
    name: str | None = None,
    summary: str | None = None,
) -> Actor:
    """A new profile (Person) of ``user``; the first one becomes the account's default."""
    if len(list_profiles(dbsession, user)) >= MAX_PROFILES:
        raise Conflict(
            _("An account has at most 20 profiles."),
            code="too_many_profiles",
        )
    actor = create_local_actor(
        dbsession, settings, preferred_username=preferred_username, name=name, summary=summary, user=user
    )
    if user.default_actor_id is None:
        user.default_actor = actor
    dbsession.flush()
    return actor


_UNCHANGED: Any = object()


def update_profile(
    dbsession: Session, user: Any, username: str, *, name: Any = _UNCHANGED, summary: Any = _UNCHANGED
) -> Actor:
    """Change the display name and/or the bio; what is not given stays as it is."""
    actor = get_profile(dbsession, user, username)
    values = {}
    if name is not _UNCHANGED:
        values["name"] = clean_name(name)
    if summary is not _UNCHANGED:
        values["summary"] = clean_summary(summary)
    for key, value in values.items():
        setattr(actor, key, value)
    dbsession.flush()
    return actor


def set_avatar(
    dbsession: Session, media: MediaStore, user: Any, username: str, data: bytes, tm: Any = None
) -> Actor:
    """Replace the profile's avatar with an uploaded image (validated and re-encoded first).

    The previous file is removed once the transaction commits; the new one if it rolls back.
    """
    actor = get_profile(dbsession, user, username)
    image = process_image(data)
    previous = actor.avatar_url
    actor.avatar_url = media.save(image)
    media.delete_after(tm, on_commit=previous, on_abort=actor.avatar_url)
    dbsession.flush()
    return actor


def remove_avatar(dbsession: Session, media: MediaStore, user: Any, username: str, tm: Any = None) -> Actor:
    actor = get_profile(dbsession, user, username)
    previous, actor.avatar_url = actor.avatar_url, None
    media.delete_after(tm, on_commit=previous)
    dbsession.flush()
    return actor


def current_profile(dbsession: Session, user: Any, chosen_id: int | None = None) -> Actor | None:
    """The profile the account acts as (see ``pick_current``); None without a profile."""
    if user is None:
        return None
    return pick_current(list_profiles(dbsession, user), user, chosen_id)


def pick_current(profiles: list[Actor], user: Any, chosen_id: int | None = None) -> Actor | None:
    """The one chosen in this session if it is still the account's, else the account's
    default, else its oldest profile.
    """
    by_id = {profile.id: profile for profile in profiles}
    for candidate in (chosen_id, user.default_actor_id):
        if candidate in by_id:
            return by_id[candidate]
    return profiles[0] if profiles else None


def switch_profile(dbsession: Session, user: Any, username: str) -> Actor:
    """Act as another of the account's profiles from now on; it also becomes the default, so
    the JSON API and the next session follow.
    """
    actor = get_profile(dbsession, user, username)
    user.default_actor = actor
    dbsession.flush()
    return actor


def delete_profile(
    dbsession: Session,
    media: MediaStore | None,
    user: Any,
    username: str,
    content: str,
    tm: Any = None,
) -> None:
    """Delete one of the account's profiles; the last one is refused (an account needs a face).

    ``content`` is the person's choice for what the profile wrote, organised or joined:

    - ``"keep"``: the actor row stays, anonymised. Its name becomes "Deleted profile", its bio
      and avatar are cleared, it is suspended and detached from the account (``user_id`` NULL),
      and its username stays reserved. Events, comments and posts it authored stay visible,
      signed by "Deleted profile"; nothing links them to the account any more.
    - ``"remove"``: the actor row is deleted, and with it (through the database's cascades, as
      features add their tables) everything it owns. Its username is retired for good, so that
      nobody can later take over the URL that other servers remember.

    Today a profile owns no content yet, so both differ only in what happens to the row.
    """
    if content not in DELETE_CHOICES:
        raise Invalid(
            _("Choose whether to keep or remove what this profile published."),
            fields={"content": _("Choose keep or remove.")},
        )
    actor = get_profile(dbsession, user, username)
    others = [profile for profile in list_profiles(dbsession, user) if profile.id != actor.id]
    if not others:
        raise Conflict(
            _("This is the account's only profile: create another one before deleting it."),
            code="last_profile",
        )
    if user.default_actor_id == actor.id:
        user.default_actor = others[0]
    previous_avatar = actor.avatar_url
    if content == "keep":
        _anonymise(actor)
    else:
        dbsession.add(RetiredUsername(username=actor.preferred_username.lower()))
        dbsession.delete(actor)
    dbsession.flush()
    dbsession.expire(user, ["actors"])
    if media is not None:
        media.delete_after(tm, on_commit=previous_avatar)


def _anonymise(actor: Actor) -> None:
    actor.name = DELETED_NAME
    actor.summary = None
    actor.avatar_url = None
    actor.banner_url = None
    actor.suspended = True
    actor.deleted_at = utcnow()
    # the column, not the relationship: the account's delete-orphan cascade must not see it leave
    actor.user_id = None
