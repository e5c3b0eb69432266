"""Remote actors (fetched, checked and cached) and the instance's own Application actor.

Every remote document comes through the guarded client (``registry["http_client"]``), signed
by the instance actor so that servers in authorized-fetch mode answer. A fetched document is
believed only if its ``id`` is the URL it was finally served from (or refetching that id gives
the same id back): an upload or a redirect on someone's server cannot pass for an actor there
(CVE-2024-23832). An actor's inboxes must be on its own origin, and its key must name it as
owner while it names the key (Mastodon's two-way claim).

The instance actor (``/relay``, type Application, as Mobilizon names it) is made on first use
with its own key pair; it follows other instances, signs fetches and is advertised in NodeInfo.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mobilizon.federation.http import FetchError, FetchRefused, JsonDocument
from mobilizon.federation.models import Instance
from mobilizon.federation.signatures import RequestSigner, domain_of, same_origin
from mobilizon.federation.vocabulary import ACTOR_TYPES, first_id, objects, text, type_of
from mobilizon.identities.models import Actor
from mobilizon.identities.services import generate_key_pair
from mobilizon.models.meta import utcnow

log = logging.getLogger(__name__)

RELAY_USERNAME = "relay"
STALE_AFTER = timedelta(days=2)
APPLICATION_REL = "https://www.w3.org/ns/activitystreams#Application"
OPENNESS = ("invite_only", "moderated", "open")


class RemoteError(Exception):
    """A remote object could not be fetched or is not what it claims; the message says why.

    ``status`` is the HTTP status the remote server answered with, when it answered.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BlockedDomain(RemoteError):
    """The administrators blocked this domain: nothing is fetched from or accepted of it."""


def insert_ignoring_conflicts(dbsession: Session, model: Any, values: Mapping[str, Any]) -> bool:
    """INSERT that does nothing when a unique key already exists (another worker was first);
    True when a row was written (RETURNING tells: drivers report no rowcount here).
    """
    dialect = dbsession.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(**values).on_conflict_do_nothing()
    key = model.__table__.primary_key.columns.values()[0]
    return dbsession.execute(statement.returning(key)).first() is not None


# --- the instance actor ---------------------------------------------------------------------------


def instance_actor_url(settings: Mapping[str, Any]) -> str:
    return f"{settings['mobilizon.base_url']}/relay"


def instance_actor(dbsession: Session, settings: Mapping[str, Any]) -> Actor:
    """The instance's Application actor, created with its key pair the first time it is needed."""
    url = instance_actor_url(settings)
    actor = dbsession.scalar(select(Actor).where(Actor.url == url))
    if actor is not None:
        return actor
    private_pem, public_pem = generate_key_pair()
    now = utcnow()
    insert_ignoring_conflicts(
        dbsession,
        Actor,
        {
            "uuid": uuid.uuid4(),
            "type": "Application",
            "preferred_username": RELAY_USERNAME,
            "domain": None,
            "url": url,
            "name": settings.get("mobilizon.instance_name") or "Mobilizon",
            "public_key": public_pem,
            "private_key": private_pem,
            "inbox_url": f"{url}/inbox",
            "outbox_url": f"{url}/outbox",
            "followers_url": f"{url}/followers",
            "shared_inbox_url": f"{settings['mobilizon.base_url']}/inbox",
            "visibility": "public",
            "manually_approves_followers": True,
            "suspended": False,
            "created_at": now,
            "updated_at": now,
        },
    )
    actor = dbsession.scalar(select(Actor).where(Actor.url == url))
    if actor is None:
        actor = _moved_instance_actor(dbsession, settings)
    return actor


def _moved_instance_actor(dbsession: Session, settings: Mapping[str, Any]) -> Actor:
    """The instance actor made under another base URL (the instance moved): it follows."""
    actor = dbsession.scalar(
        select(Actor).where(Actor.preferred_username == RELAY_USERNAME, Actor.domain.is_(None))
    )
    if actor is None or actor.type != "Application":  # refuse loudly rather than guess
        raise RuntimeError("the username 'relay' is taken by another actor; the instance actor needs it")
    url = instance_actor_url(settings)
    actor.url, actor.inbox_url, actor.outbox_url = url, f"{url}/inbox", f"{url}/outbox"
    actor.followers_url = f"{url}/followers"
    actor.shared_inbox_url = f"{settings['mobilizon.base_url']}/inbox"
    dbsession.flush()
    return actor


def instance_signer(dbsession: Session, settings: Mapping[str, Any]) -> RequestSigner:
    """Signs GETs on behalf of the instance (servers in authorized-fetch mode want that)."""
    actor = instance_actor(dbsession, settings)
    return RequestSigner(f"{actor.url}#main-key", actor.private_key or "")


def is_local(url: str, settings: Mapping[str, Any]) -> bool:
    return same_origin(url, settings["mobilizon.base_url"])


# --- blocked domains ------------------------------------------------------------------------------


def is_blocked(dbsession: Session, url: str) -> bool:
    """Whether ``url``'s domain is blocked; an unparseable URL counts as blocked."""
    try:
        domain = domain_of(url)
    except ValueError:
        return True
    return bool(dbsession.scalar(select(Instance.blocked).where(Instance.domain == domain)))


def check_not_blocked(dbsession: Session, url: str) -> None:
    if is_blocked(dbsession, url):
        raise BlockedDomain(f"{url}: the domain is blocked or the URL is not valid")


# --- fetching -------------------------------------------------------------------------------------


def fetch(ctx: Any, url: str) -> JsonDocument:
    """GET an ActivityPub document through the guarded client, signed by the instance actor."""
    check_not_blocked(ctx.dbsession, url)
    client = ctx.registry["http_client"]
    signer = instance_signer(ctx.dbsession, ctx.registry.settings)
    try:
        return client.fetch_json(url, signer=signer)
    except FetchError as error:
        raise RemoteError(str(error), error.status) from None


def fetch_object(ctx: Any, url: str) -> dict[str, Any]:
    """A remote object whose ``id`` is where it was served from (see the module doc)."""
    document = fetch(ctx, url)
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise RemoteError(f"{document.url} did not serve an object with an id")
    if data["id"] == document.url:
        return data
    if not same_origin(data["id"], document.url):
        raise RemoteError(f"{document.url} served an object whose id {data['id']} is elsewhere")
    again = fetch(ctx, data["id"])
    if not isinstance(again.data, dict) or again.data.get("id") != again.url:
        raise RemoteError(f"{data['id']} does not serve itself")
    return again.data


# --- remote actors --------------------------------------------------------------------------------


@dataclass
class ActorValues:
    """A checked actor document as the columns of ``actors`` want it."""

    url: str
    values: dict[str, Any]
    key_id: str
    public_key: str


def _inbox(value: Any, actor_url: str, name: str) -> str | None:
    url = value if isinstance(value, str) else None
    if url is None:
        return None
    if not same_origin(url, actor_url):
        raise RemoteError(f"{actor_url}: its {name} {url} is on another origin")
    return url[:2000]


def _key_of(document: Mapping[str, Any], actor_url: str) -> tuple[str, str]:
    """The actor's key: ``(key id, PEM)`` of a ``publicKey`` it owns."""
    for key in objects(document.get("publicKey")):
        owner = key.get("owner")
        pem = key.get("publicKeyPem")
        key_id = key.get("id")
        if owner == actor_url and isinstance(pem, str) and isinstance(key_id, str):
            return key_id, pem
    raise RemoteError(f"{actor_url} has no public key that it owns")


def _image_url(value: Any) -> str | None:
    for image in objects(value) or [{"url": value}]:
        url = first_id(image.get("url"))
        if url and url.startswith(("https://", "http://")) and len(url) <= 2000:
            return url
    return None


def actor_values(document: Mapping[str, Any], served_from: str) -> ActorValues:
    """Check an actor document and turn it into column values; ``RemoteError`` if unfit."""
    from mobilizon.events.sanitize import html_to_text

    url = document.get("id")
    if url != served_from:
        raise RemoteError(f"{served_from} served an actor whose id is {url!r}")
    kind = type_of(document)
    if kind not in ACTOR_TYPES:
        raise RemoteError(f"{url} is a {kind or 'thing without a type'}, not an actor")
    key_id, pem = _key_of(document, url)
    inbox = _inbox(document.get("inbox"), url, "inbox")
    if inbox is None:
        raise RemoteError(f"{url} has no inbox")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), Mapping) else {}
    username = text(document.get("preferredUsername"), 100).strip()
    if not username:
        username = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")[:100] or "actor"
    openness = document.get("openness")
    summary = html_to_text(text(document.get("summary"), 20_000))[:2000]
    values = {
        "type": kind if kind in ("Person", "Group") else "Application",
        "preferred_username": username,
        "domain": domain_of(url),
        "url": url,
        "name": " ".join(text(document.get("name"), 400).split())[:200] or None,
        "summary": summary or None,
        "avatar_url": _image_url(document.get("icon")),
        "banner_url": _image_url(document.get("image")),
        "public_key": pem,
        "inbox_url": inbox,
        "outbox_url": _inbox(document.get("outbox"), url, "outbox"),
        "shared_inbox_url": _inbox(endpoints.get("sharedInbox"), url, "shared inbox"),
        "followers_url": _inbox(document.get("followers"), url, "followers"),
        "visibility": "public" if document.get("discoverable", True) is not False else "unlisted",
        "openness": openness if kind == "Group" and openness in OPENNESS else None,
        "manually_approves_followers": document.get("manuallyApprovesFollowers") is True,
        "last_refreshed_at": utcnow(),
    }
    return ActorValues(url, values, key_id, pem)


def save_actor(dbsession: Session, checked: ActorValues) -> Actor:
    """Create or refresh the actor's row (by URL, or by its handle on the same domain)."""
    values = checked.values
    actor = dbsession.scalar(select(Actor).where(Actor.url == checked.url))
    if actor is None:
        actor = _by_handle(dbsession, values["preferred_username"], values["domain"])
    if actor is None:
        now = utcnow()
        insert_ignoring_conflicts(
            dbsession,
            Actor,
            {**values, "uuid": uuid.uuid4(), "suspended": False, "created_at": now, "updated_at": now},
        )
        actor = dbsession.scalar(select(Actor).where(Actor.url == checked.url)) or _by_handle(
            dbsession, values["preferred_username"], values["domain"]
        )
    if actor is None:
        raise RemoteError(f"{checked.url} could not be stored")
    if actor.local:
        raise RemoteError(f"{checked.url} is one of our own actors")
    for name, value in values.items():
        setattr(actor, name, value)
    dbsession.flush()
    return actor


def _by_handle(dbsession: Session, username: str, domain: str) -> Actor | None:
    return dbsession.scalar(
        select(Actor).where(func.lower(Actor.preferred_username) == username.lower(), Actor.domain == domain)
    )


def get_actor(ctx: Any, url: str, *, refresh: bool = False) -> Actor:
    """The actor at ``url``: ours, or a remote one from the cache, fetched when unknown or stale."""
    settings = ctx.registry.settings
    if not isinstance(url, str) or not url:
        raise RemoteError("no actor URL")
    if is_local(url, settings):
        actor = ctx.dbsession.scalar(select(Actor).where(Actor.url == url))
        if actor is None:
            raise RemoteError(f"{url} is not one of our actors")
        return actor
    check_not_blocked(ctx.dbsession, url)
    actor = ctx.dbsession.scalar(select(Actor).where(Actor.url == url))
    fresh = actor is not None and actor.last_refreshed_at and utcnow() - actor.last_refreshed_at < STALE_AFTER
    if actor is not None and fresh and not refresh:
        return actor
    try:
        checked = actor_values(fetch_object(ctx, url), url)
    except RemoteError:
        if actor is not None and not refresh:
            return actor  # keep what we had while its server is away
        raise
    return save_actor(ctx.dbsession, checked)


def known_actor(dbsession: Session, url: str | None) -> Actor | None:
    if not url:
        return None
    return dbsession.scalar(select(Actor).where(Actor.url == url))


# --- keys of incoming signatures ------------------------------------------------------------------


class RemoteKeys:
    """The ``key_resolver`` the inbox gives the verifier.

    Keys of known actors come from the database; unknown or rotated ones are fetched. A fetched
    actor is kept aside and stored only with ``save()``, once the request has been accepted:
    a refused request leaves nothing behind.
    """

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.fetched: dict[str, ActorValues] = {}
        self.gone = False  # the signer's server says it no longer exists (410): a deleted account

    def __call__(self, key_id: str, refresh: bool) -> tuple[str, str] | None:
        owner = key_id.split("#", 1)[0]
        if not refresh:
            actor = known_actor(self.ctx.dbsession, owner)
            if actor is not None and actor.public_key:
                return actor.url, actor.public_key
        if is_local(owner, self.ctx.registry.settings):
            return None
        try:
            checked = self._fetch(key_id, owner)
        except RemoteError as error:
            self.gone = error.status == 410
            raise LookupError(str(error)) from None
        self.fetched[checked.url] = checked
        return checked.url, checked.public_key

    def _fetch(self, key_id: str, owner: str) -> ActorValues:
        document = fetch_object(self.ctx, owner)
        if type_of(document) not in ACTOR_TYPES and isinstance(document.get("owner"), str):
            owner = document["owner"]  # the key is a document of its own (GoToSocial)
            if not same_origin(owner, key_id):
                raise RemoteError(f"key {key_id} names an owner on another origin")
            document = fetch_object(self.ctx, owner)
        checked = actor_values(document, owner)
        if checked.key_id != key_id:
            raise RemoteError(f"{owner} does not name {key_id} as its key")
        return checked

    def save(self) -> None:
        for checked in self.fetched.values():
            save_actor(self.ctx.dbsession, checked)


# --- finding actors by handle ---------------------------------------------------------------------


def split_handle(handle: str) -> tuple[str, str] | None:
    """``(name, domain)`` of ``@name@domain`` / ``acct:name@domain``; None if it is not one."""
    value = handle.strip()
    if value.lower().startswith("acct:"):
        value = value[5:]
    name, at, domain = value.lstrip("@").rpartition("@")
    if not at or not name or not domain or "/" in domain or "@" in name or len(value) > 300:
        return None
    return name, domain.lower()


def _schemes(ctx: Any) -> list[str]:
    return ["https", "http"] if ctx.registry["http_client"].allow_http else ["https"]


def finger(ctx: Any, name: str, domain: str) -> str:
    """The actor URL WebFinger gives for ``name@domain``."""
    client = ctx.registry["http_client"]
    last: Exception | None = None
    resource = quote(f"acct:{name}@{domain}", safe=":@")
    for scheme in _schemes(ctx):
        url = f"{scheme}://{domain}/.well-known/webfinger?resource={resource}"
        check_not_blocked(ctx.dbsession, url)
        try:
            data = client.get_json(url, activitypub=False)
        except FetchRefused as error:
            raise RemoteError(str(error)) from None
        except FetchError as error:
            last = error
            continue
        for link in objects(data.get("links") if isinstance(data, Mapping) else None):
            kind = str(link.get("type") or "")
            if link.get("rel") == "self" and ("activity+json" in kind or "ld+json" in kind):
                href = link.get("href")
                if isinstance(href, str):
                    return href
        raise RemoteError(f"{name}@{domain} has no ActivityPub actor")
    raise RemoteError(f"WebFinger for {name}@{domain} failed: {last}")


def instance_actor_of(ctx: Any, domain: str) -> str:
    """Another instance's Application actor: NodeInfo's link (FEP-2677), else ``relay@domain``."""
    client = ctx.registry["http_client"]
    for scheme in _schemes(ctx):
        url = f"{scheme}://{domain}/.well-known/nodeinfo"
        check_not_blocked(ctx.dbsession, url)
        try:
            data = client.get_json(url, activitypub=False)
        except FetchRefused as error:
            raise RemoteError(str(error)) from None
        except FetchError:
            continue
        for link in objects(data.get("links") if isinstance(data, Mapping) else None):
            if link.get("rel") == APPLICATION_REL and isinstance(link.get("href"), str):
                return link["href"]
        break
    return finger(ctx, RELAY_USERNAME, domain)
