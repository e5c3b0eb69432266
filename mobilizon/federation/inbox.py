"""The inbox door: authenticate, authorise, store once, answer 202; the work happens in a job.

In this order, and nothing is written before the last step (a refused request leaves no row,
no cached actor and no job behind; Fedify's CVE-2025-54888 was side effects before the check):

1. a blocked signer's domain is refused (403) without fetching anything from it;
2. the HTTP signature is verified, draft-cavage or RFC 9421, Digest against the raw body, Date
   in the window (401 for anything missing, stale or wrong; never a 500);
3. the body is parsed: a JSON object, at most ``MAX_DEPTH`` deep (400);
4. the activity is authorised against the signer: its id, every value of its ``actor`` and
   every ``attributedTo`` of the objects it embeds are on the signer's origin, and the objects
   it creates or updates too (403);
5. it is stored under its id (the same id twice: nothing more happens) and a job applies it.

Every refusal is logged with its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from mobilizon.federation.actors import RemoteKeys, insert_ignoring_conflicts, is_blocked, is_local
from mobilizon.federation.incoming import APPLY_JOB
from mobilizon.federation.models import Activity
from mobilizon.federation.signatures import (
    SignatureError,
    SignedRequest,
    Verifier,
    parse_signature_header,
    same_origin,
)
from mobilizon.federation.vocabulary import (
    PUBLIC_ALIASES,
    MalformedActivity,
    audience,
    embedded,
    first_id,
    ids,
    objects,
    parse,
    type_of,
)
from mobilizon.models.meta import utcnow

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
WRITING = ("Create", "Update")


class Refused(Exception):
    """The request is refused with ``status``; the message says why (for the log and the peer)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Gone(Refused):
    """Not refused but not taken either: a deleted actor we never knew (answered 202, no row)."""


@dataclass(frozen=True)
class Accepted:
    activity_id: str
    row_id: int
    duplicate: bool


def key_id_of(request: SignedRequest) -> str | None:
    """The keyId a request claims, read without trusting it (to refuse blocked domains first)."""
    headers = request.headers
    if "signature-input" in headers:
        value = headers["signature-input"]
        start = value.find('keyid="')
        if start < 0:
            return None
        end = value.find('"', start + 7)
        return value[start + 7 : end] if end > start else None
    if "signature" in headers:
        try:
            return parse_signature_header(headers["signature"]).get("keyId")
        except SignatureError:
            return None
    return None


def verify(ctx: Any, request: SignedRequest, keys: RemoteKeys) -> str:
    """The signer's actor URL, or ``Refused`` (403 for blocked domains, 401 otherwise)."""
    key_id = key_id_of(request)
    if key_id and is_blocked(ctx.dbsession, key_id):
        raise Refused(403, f"the signer's domain is blocked ({key_id})")
    settings = ctx.registry.settings
    verifier = Verifier.from_settings(settings, keys)
    try:
        signed = verifier.verify(request, expected_host=urlsplit(settings["mobilizon.base_url"]).netloc)
    except SignatureError as error:
        raise Refused(401, f"signature refused: {error}") from None
    return signed.owner


def _urls(value: Any) -> list[str] | None:
    """Every value of an actor/attributedTo property as a URL; None when one is not a URL."""
    items = value if isinstance(value, list) else [value]
    found = ids(items)
    if len(found) != len(items) or not all(url.startswith(("https://", "http://")) for url in found):
        return None
    return found


def authorize(activity: dict[str, Any], signer: str, settings: Mapping[str, Any]) -> None:
    """Refuse (403) an activity the signer may not speak for; see the module doc."""
    if is_local(signer, settings):
        raise Refused(403, "signed by one of our own actors: we never post to ourselves")
    activity_id = activity.get("id")
    if not isinstance(activity_id, str) or not activity_id:
        raise Refused(400, "the activity has no id")
    if not type_of(activity):
        raise Refused(400, "the activity has no type")
    if not same_origin(activity_id, signer):
        raise Refused(403, f"the activity id {activity_id} is not on the signer's origin")
    actors = _urls(activity.get("actor"))
    if not actors:
        raise Refused(403, "the activity's actor is missing or not a URL")
    for url in actors:
        if not same_origin(url, signer):
            raise Refused(403, f"the actor {url} is not on the origin of the signer {signer}")
    if type_of(activity) == "Announce":
        # an Announce confers no authorship: its object is refetched from its origin, so keep only the id
        activity["object"] = first_id(activity.get("object"))
    for item in embedded(activity):
        if "attributedTo" in item:
            attributed = _urls(item["attributedTo"])
            if not attributed:
                raise Refused(403, "an embedded object's attributedTo is not a URL")
            for url in attributed:
                if not same_origin(url, signer):
                    raise Refused(403, f"an embedded object is attributed to {url}, not the signer's origin")
    if type_of(activity) in WRITING:
        for item in objects(activity.get("object")):
            object_id = item.get("id")
            if not isinstance(object_id, str) or not same_origin(object_id, signer):
                raise Refused(403, f"the object {object_id!r} is not on the signer's origin")


def object_url(activity: Mapping[str, Any]) -> str | None:
    """What the log indexes an incoming activity by (an Invite: the invited profile)."""
    if type_of(activity) == "Invite":
        return first_id(activity.get("target"))
    return first_id(activity.get("object"))


def store(ctx: Any, activity: dict[str, Any]) -> Accepted:
    """Store the activity once; ``duplicate`` when its id was already there."""
    ap_id = activity["id"][:2000]
    values = {
        "ap_id": ap_id,
        "direction": "in",
        "type": type_of(activity)[:40],
        "actor_url": (first_id(activity.get("actor")) or "")[:2000],
        "object_url": (object_url(activity) or "")[:2000] or None,
        "payload": activity,
        "recipients": [],
        "public": bool(audience(activity) & PUBLIC_ALIASES),
        "status": "received",
        "created_at": utcnow(),
    }
    written = insert_ignoring_conflicts(ctx.dbsession, Activity, values)
    row_id = ctx.dbsession.scalar(select(Activity.id).where(Activity.ap_id == ap_id))
    return Accepted(ap_id, row_id, not written)


def receive(ctx: Any, request: SignedRequest) -> Accepted:
    """Run the inbox's steps on one request (see the module doc); ``Refused`` on any failure."""
    keys = RemoteKeys(ctx)
    try:
        signer = verify(ctx, request, keys)
    except Refused:
        if keys.gone:  # an account deleted on its server says goodbye with a key nobody can fetch
            raise Gone(202, "the signer is gone from its server and unknown here: nothing to do") from None
        raise
    try:
        activity = parse(request.body)
    except MalformedActivity as error:
        raise Refused(400, f"malformed activity: {error}") from None
    authorize(activity, signer, ctx.registry.settings)
    for url in _urls(activity.get("actor")) or []:
        if is_blocked(ctx.dbsession, url):
            raise Refused(403, f"the actor's domain is blocked ({url})")
    keys.save()
    accepted = store(ctx, activity)
    if not accepted.duplicate:
        ctx.registry["jobs"].enqueue(ctx.tm, APPLY_JOB, accepted.row_id)
    return accepted
