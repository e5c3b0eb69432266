"""Actor documents: how a local profile, group or the instance looks to other servers.

The builder is generic over ``Actor.type``; groups add their collections. It emits only what
the actor shows publicly: nothing in it (no account id, no email, no exact creation time, no
shared counter) can tell another server that two profiles belong to one account.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import escape

from mobilizon.identities.media import CONTENT_TYPES
from mobilizon.identities.models import Actor

ACTIVITY_JSON = "application/activity+json"
LD_JSON = "application/ld+json"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

# Mobilizon's own header (Utils.make_json_ld_header), so Mobilizon peers read our terms as theirs
JSON_LD_CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "@language": "und",
        "sc": "http://schema.org#",
        "ical": "http://www.w3.org/2002/12/cal/ical#",
        "pt": "https://joinpeertube.org/ns#",
        "toot": "http://joinmastodon.org/ns#",
        "mz": "https://joinmobilizon.org/ns#",
        "discoverable": "toot:discoverable",
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "Hashtag": "as:Hashtag",
        "category": "sc:category",
        "uuid": "sc:identifier",
        "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
        "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
        "location": {"@id": "sc:location", "@type": "sc:Place"},
        "PostalAddress": "sc:PostalAddress",
        "address": {"@id": "sc:address", "@type": "sc:PostalAddress"},
        "addressCountry": "sc:addressCountry",
        "addressRegion": "sc:addressRegion",
        "postalCode": "sc:postalCode",
        "addressLocality": "sc:addressLocality",
        "streetAddress": "sc:streetAddress",
        "repliesModerationOptionType": {"@id": "mz:repliesModerationOptionType", "@type": "rdfs:Class"},
        "repliesModerationOption": {
            "@id": "mz:repliesModerationOption",
            "@type": "mz:repliesModerationOptionType",
        },
        "commentsEnabled": {"@id": "pt:commentsEnabled", "@type": "sc:Boolean"},
        "joinModeType": {"@id": "mz:joinModeType", "@type": "rdfs:Class"},
        "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
        "anonymousParticipationEnabled": {"@id": "mz:anonymousParticipationEnabled", "@type": "sc:Boolean"},
        "participationMessage": {"@id": "mz:participationMessage", "@type": "sc:Text"},
        "participantCount": {"@id": "mz:participantCount", "@type": "sc:Integer"},
        "memberCount": {"@id": "mz:memberCount", "@type": "sc:Integer"},
        "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
        "externalParticipationUrl": {"@id": "mz:externalParticipationUrl", "@type": "sc:URL"},
        "PropertyValue": "sc:PropertyValue",
        "value": "sc:value",
        "propertyID": "sc:propertyID",
        "inLanguage": "sc:inLanguage",
        "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
        "discussions": {"@id": "mz:discussions", "@type": "@id"},
        "events": {"@id": "mz:events", "@type": "@id"},
        "members": {"@id": "mz:members", "@type": "@id"},
        "openness": {"@id": "mz:openness", "@type": "@id"},
        "posts": {"@id": "mz:posts", "@type": "@id"},
        "resources": {"@id": "mz:resources", "@type": "@id"},
        "todos": {"@id": "mz:todos", "@type": "@id"},
        "status": "ical:status",
    },
]

# the collections a group exposes, at the top level and under ``endpoints`` as Mobilizon does
GROUP_COLLECTIONS = ("members", "resources", "todos", "posts", "events", "discussions")


def wants_activity_json(accept: str | None) -> bool:
    """True when the Accept header prefers an ActivityPub document to a web page.

    Parsed by hand: ``application/ld+json; profile="…activitystreams"`` carries a parameter
    that generic matchers compare literally. A tie goes to ActivityPub, since a browser never
    names it.
    """
    best_ap = best_html = 0.0
    for part in (accept or "").split(","):
        media, *params = part.split(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if media in (ACTIVITY_JSON, LD_JSON):
            best_ap = max(best_ap, quality)
        elif media in ("text/html", "application/xhtml+xml", "text/*", "*/*"):
            best_html = max(best_html, quality)
    return best_ap > 0 and best_ap >= best_html


def summary_html(text: str | None) -> str:
    """A plain-text bio as the HTML ActivityPub expects: escaped, paragraphs and line breaks."""
    if not text:
        return ""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    # str() first: Markup.replace would escape the <br> it inserts
    return "".join(f"<p>{str(escape(p.strip())).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _image(url: str) -> dict[str, Any]:
    extension = url.rsplit(".", 1)[-1].lower() if "." in url.rsplit("/", 1)[-1] else ""
    image: dict[str, Any] = {"type": "Image", "url": url}
    if extension in CONTENT_TYPES:
        image["mediaType"] = CONTENT_TYPES[extension]
    return image


def actor_document(actor: Actor, base_url: str) -> dict[str, Any]:
    """The ActivityPub document of a local actor of any type (Person, Group, Application)."""
    url = actor.url
    document: dict[str, Any] = {
        "@context": JSON_LD_CONTEXT,
        "id": url,
        "url": url,
        "type": actor.type,
        "preferredUsername": actor.preferred_username,
        "name": actor.name or actor.preferred_username,
        "summary": summary_html(actor.summary),
        "inbox": actor.inbox_url or f"{url}/inbox",
        "outbox": actor.outbox_url or f"{url}/outbox",
        "followers": actor.followers_url or f"{url}/followers",
        "following": f"{url}/following",
        "endpoints": {"sharedInbox": actor.shared_inbox_url or f"{base_url}/inbox"},
        "manuallyApprovesFollowers": bool(actor.manually_approves_followers),
        "discoverable": actor.visibility == "public" and not actor.deleted,
        # the day only: an exact instant would let two profiles made together be matched
        "published": actor.created_at.strftime("%Y-%m-%dT00:00:00Z"),
        "publicKey": {
            "id": f"{url}#main-key",
            "owner": url,
            "publicKeyPem": actor.public_key or "",
        },
    }
    if actor.avatar_url:
        document["icon"] = _image(actor.avatar_url)
    if actor.banner_url:
        document["image"] = _image(actor.banner_url)
    if actor.type == "Group":
        for collection in GROUP_COLLECTIONS:
            document[collection] = f"{url}/{collection}"
            document["endpoints"][collection] = f"{url}/{collection}"
        if actor.openness:
            document["openness"] = actor.openness
    return document
