"""Profiles: creating local actors with their key pair, and the rules for usernames.

Every local actor (profile, group, the instance) gets an RSA 2048 key pair at creation so it
can sign what it sends; its ActivityPub URLs derive from the instance's base URL and username.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobilizon.errors import Conflict, Invalid
from mobilizon.i18n import _
from mobilizon.identities.models import Actor

USERNAME = re.compile(r"^[A-Za-z0-9_]{1,100}$")
RESERVED_USERNAMES = frozenset(
    """
    about abuse account accounts activity activitypub actor actors admin administrator api app apps
    auth blog calendar contact dev discussions domain event events explore feed feeds federation
    follow followers following group groups help inbox instance login logout mail me media
    mobilizon moderation moderator news nodeinfo notifications outbox password post posts privacy
    profile profiles public register relay report reports resource resources root rules search
    security settings signup static support system terms test tos user users webfinger well_known www
    """.split()
)


def generate_key_pair() -> tuple[str, str]:
    """An RSA 2048 key pair as (private PKCS8 PEM, public SubjectPublicKeyInfo PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
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
        name=(name or "").strip() or None,
        summary=summary,
        public_key=public_pem,
        private_key=private_pem,
        user=user,
        **actor_urls(settings["mobilizon.base_url"], username),
        **values,
    )
    dbsession.add(actor)
    dbsession.flush()
    return actor


def create_profile(
    dbsession: Session, settings: Mapping[str, Any], user: Any, preferred_username: str,
    name: str | None = None, summary: str | None = None,
) -> Actor:
    """A new profile (Person) of ``user``; the first one becomes the account's default."""
    actor = create_local_actor(
        dbsession, settings, preferred_username=preferred_username, name=name, summary=summary, user=user
    )
    if user.default_actor_id is None:
        user.default_actor = actor
    return actor
