"""Resources: a group's shared tree of folders, links and plugin types (pads, polls, ...).

Members add resources and change or remove their own; moderators change or remove anyone's.
A link's title and description are fetched in a job after the transaction commits, through
the guarded HTTP client, so a slow or hostile site never holds a request; a failed fetch is
recorded on the link with its reason and the link stays usable and editable. Plugin types come
from the ``register_resource_types`` hook: the core stores the node, the plugin its content.
"""

from __future__ import annotations

import logging
import uuid as uuid_module
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from mobilizon.errors import Invalid, NotFound
from mobilizon.groups import services
from mobilizon.groups.discussions import clean_title, parse_uuid
from mobilizon.groups.models import Resource
from mobilizon.hookspecs import ResourceType
from mobilizon.i18n import _
from mobilizon.identities.models import Actor
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow

log = logging.getLogger(__name__)

CORE_TYPES = ("folder", "link")
SUMMARY_MAX = 2000
URL_MAX = 2000
PREVIEW_BYTES = 512 * 1024
PREVIEW_DEADLINE = 8.0
MAX_DEPTH = 20


def resource_types(registry: Any) -> dict[str, ResourceType]:
    """The plugin resource types this instance offers, by name."""
    return dict(registry.get("resource_types") or {})


def collect_resource_types(pm: Any, settings: Mapping[str, Any]) -> dict[str, ResourceType]:
    """Ask every plugin for its resource types; a name given twice stops start-up, naming it."""
    found: dict[str, ResourceType] = {}
    for answer in pm.hook.register_resource_types(settings=settings):
        for rtype in answer or ():
            if rtype.name in CORE_TYPES or rtype.name in found:
                raise ValueError(f"resource type {rtype.name!r} is registered twice")
            found[rtype.name] = rtype
    return found


# --- reading ----------------------------------------------------------------------------------


def find_resource(dbsession: Session, group: Actor, resource_uuid: Any) -> Resource:
    parsed = parse_uuid(resource_uuid)
    resource = (
        dbsession.scalar(select(Resource).where(Resource.uuid == parsed, Resource.group_id == group.id))
        if parsed
        else None
    )
    if resource is None:
        raise NotFound(_("There is no such resource in this group."))
    return resource


def get_resource(dbsession: Session, group: Actor, profile: Actor | None, resource_uuid: Any) -> Resource:
    services.require(dbsession, group, profile, "resource.read")
    return find_resource(dbsession, group, resource_uuid)


def resource_by_uuid(dbsession: Session, resource_uuid: Any, type: str | None = None) -> Resource:
    """A resource of any local group (plugins' own pages start from its uuid alone)."""
    parsed = parse_uuid(resource_uuid)
    resource = dbsession.scalar(select(Resource).where(Resource.uuid == parsed)) if parsed else None
    if resource is None or (type is not None and resource.type != type) or resource.group.suspended:
        raise NotFound(_("There is no such resource here."))
    return resource


def list_resources(
    dbsession: Session, group: Actor, profile: Actor | None, parent_uuid: Any = None
) -> tuple[Resource | None, list[Resource]]:
    """The folder (None: the root) and what is in it, folders first, then by title."""
    services.require(dbsession, group, profile, "resource.read")
    folder = _folder(dbsession, group, parent_uuid) if parent_uuid else None
    query = select(Resource).where(
        Resource.group_id == group.id,
        Resource.parent_id == folder.id if folder else Resource.parent_id.is_(None),
    )
    rows = dbsession.scalars(
        query.order_by(case((Resource.type == "folder", 0), else_=1), func.lower(Resource.title), Resource.id)
    )
    return folder, list(rows)


def ancestors(resource: Resource | None) -> list[Resource]:
    """The folders above a resource, from the root down (for a breadcrumb)."""
    chain: list[Resource] = []
    node = resource.parent if resource is not None else None
    while node is not None and len(chain) < MAX_DEPTH:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def _folder(dbsession: Session, group: Actor, folder_uuid: Any, field: str = "parent") -> Resource:
    try:
        folder = find_resource(dbsession, group, folder_uuid)
    except NotFound:
        raise Invalid(
            _("There is no such folder in this group."), fields={field: _("Not a folder of this group.")}
        ) from None
    if not folder.is_folder:
        raise Invalid(_("Resources go into folders only."), fields={field: _("Not a folder.")})
    return folder


# --- values -----------------------------------------------------------------------------------


def clean_url(value: Any, field: str = "resource_url") -> str:
    url = str(value or "").strip()
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(url) > URL_MAX
        or any(c.isspace() for c in url)
    ):
        raise Invalid(
            _("Give the full address of the link, starting with https://."),
            fields={field: _("A web address starting with https:// or http://.")},
        )
    return url


def _clean_summary(value: Any) -> str | None:
    text = services.CONTROL.sub("", str(value or "").replace("\r\n", "\n")).strip()
    if len(text) > SUMMARY_MAX:
        raise Invalid(
            _("A description has at most %(max)s characters.", mapping={"max": SUMMARY_MAX}),
            fields={"summary": _("At most %(max)s characters.", mapping={"max": SUMMARY_MAX})},
        )
    return text or None


def _url_title(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "") + (parts.path if parts.path not in ("", "/") else "")


# --- changing ---------------------------------------------------------------------------------


def create_resource(ctx: Any, group: Actor, profile: Actor, values: Mapping[str, Any]) -> Resource:
    """A folder, a link or a plugin type (``type``), at the root or in a folder (``parent``)."""
    services.require(ctx.dbsession, group, profile, "resource.create")
    kind = str(values.get("type") or "link")
    plugin_types = resource_types(ctx.registry)
    if kind not in CORE_TYPES and kind not in plugin_types:
        choices = ", ".join((*CORE_TYPES, *plugin_types))
        raise Invalid(
            _("Unknown resource type; this instance offers: %(choices)s.", mapping={"choices": choices}),
            fields={"type": _("Choose one of: %(choices)s.", mapping={"choices": choices})},
        )
    errors: dict[str, Any] = {}
    url = None
    if kind == "link":
        try:
            url = clean_url(values.get("resource_url"))
        except Invalid as error:
            errors.update(error.fields)
    given_title = " ".join(str(values.get("title") or "").split())
    title = ""
    try:
        title = clean_title(given_title or (_url_title(url) if url else ""))
    except Invalid as error:
        errors.update(error.fields)
    summary = None
    try:
        summary = _clean_summary(values.get("summary"))
    except Invalid as error:
        errors.update(error.fields)
    parent = None
    if values.get("parent"):
        try:
            parent = _folder(ctx.dbsession, group, values.get("parent"))
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(_("Some values are not valid."), fields=errors)
    resource_uuid = uuid_module.uuid4()
    resource = Resource(
        uuid=resource_uuid,
        url=f"{group.url}/resources/{resource_uuid}",
        group_id=group.id,
        parent_id=parent.id if parent else None,
        creator_id=profile.id,
        type=kind,
        title=title,
        summary=summary,
        resource_url=url,
        preview={"status": "pending", "title_from_url": not given_title} if kind == "link" else {},
    )
    ctx.dbsession.add(resource)
    ctx.dbsession.flush()
    if kind in plugin_types and plugin_types[kind].create is not None:
        plugin_types[kind].create(ctx.dbsession, resource, profile, dict(values))
        ctx.dbsession.flush()
    if kind == "link":
        ctx.registry["jobs"].enqueue(ctx.tm, "groups.link_preview", resource.id)
    fire(ctx, "resource.created", resource_subject(resource), services.actor_subject(profile))
    return resource


def require_change(dbsession: Session, group: Actor, profile: Actor, resource: Resource, action: str) -> None:
    """Moderators change anyone's resource; members their own."""
    role = services.role_of(dbsession, group, profile)
    if services.can(role, action):
        return
    if resource.creator_id == profile.id and services.can(role, "resource.create"):
        return
    services.require(dbsession, group, profile, action)


def update_resource(
    ctx: Any, group: Actor, profile: Actor, resource_uuid: Any, values: Mapping[str, Any]
) -> Resource:
    """Rename, describe, change a link's address, or move into another folder (``parent``;
    an empty one is the root).
    """
    resource = get_resource(ctx.dbsession, group, profile, resource_uuid)
    require_change(ctx.dbsession, group, profile, resource, "resource.update")
    errors: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    for name, cleaner in (("title", clean_title), ("summary", _clean_summary)):
        if name in values:
            try:
                changes[name] = cleaner(values.get(name))
            except Invalid as error:
                errors.update(error.fields)
    if "resource_url" in values and resource.type == "link":
        try:
            changes["resource_url"] = clean_url(values.get("resource_url"))
        except Invalid as error:
            errors.update(error.fields)
    if "parent" in values:
        try:
            changes["parent_id"] = _new_parent(ctx.dbsession, group, resource, values.get("parent"))
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(_("Some values are not valid."), fields=errors)
    refetch = "resource_url" in changes and changes["resource_url"] != resource.resource_url
    for name, value in changes.items():
        setattr(resource, name, value)
    if "title" in changes and resource.type == "link":
        resource.preview = {**(resource.preview or {}), "title_from_url": False}
    if refetch:
        resource.preview = {"status": "pending", "title_from_url": False}
        ctx.registry["jobs"].enqueue(ctx.tm, "groups.link_preview", resource.id)
    resource.updated_at = utcnow()
    ctx.dbsession.flush()
    return resource


def _new_parent(dbsession: Session, group: Actor, resource: Resource, parent_uuid: Any) -> int | None:
    if not parent_uuid:
        return None
    folder = _folder(dbsession, group, parent_uuid)
    node: Resource | None = folder
    while node is not None:
        if node.id == resource.id:
            raise Invalid(
                _("A folder cannot go inside itself."),
                fields={"parent": _("Choose a folder outside this one.")},
            )
        node = node.parent
    return folder.id


def delete_resource(ctx: Any, group: Actor, profile: Actor, resource_uuid: Any) -> None:
    """Remove a resource; a folder goes with everything in it."""
    resource = get_resource(ctx.dbsession, group, profile, resource_uuid)
    require_change(ctx.dbsession, group, profile, resource, "resource.delete")
    subject = resource_subject(resource)
    ctx.dbsession.delete(resource)
    ctx.dbsession.flush()
    fire(ctx, "resource.deleted", subject, services.actor_subject(profile))


def use_resource(dbsession: Session, profile: Actor | None, resource_uuid: Any, type: str) -> Resource:
    """For plugins: the resource if this profile may use it (edit the pad, vote in the poll)."""
    resource = resource_by_uuid(dbsession, resource_uuid, type)
    services.require(dbsession, resource.group, profile, "resource.use")
    return resource


def read_resource(dbsession: Session, profile: Actor | None, resource_uuid: Any, type: str) -> Resource:
    """For plugins: the resource if this profile may read the group's resources."""
    resource = resource_by_uuid(dbsession, resource_uuid, type)
    services.require(dbsession, resource.group, profile, "resource.read")
    return resource


def resource_subject(resource: Resource) -> dict[str, Any]:
    return {
        "type": "resource",
        "id": resource.id,
        "uuid": str(resource.uuid),
        "resource_type": resource.type,
        "title": resource.title,
        "group": services.group_subject(resource.group),
    }


# --- link previews ----------------------------------------------------------------------------


class _HeadParser(HTMLParser):
    """Reads ``<title>`` and the description / Open Graph ``<meta>`` tags of a page's head."""

    WANTED = {
        "og:title": "title",
        "twitter:title": "title",
        "og:description": "description",
        "twitter:description": "description",
        "description": "description",
        "og:site_name": "site_name",
        "og:image": "image",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self.title_parts: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            target = self.WANTED.get(key)
            if target and values.get("content") and target not in self.found:
                self.found[target] = values["content"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)


def parse_preview(html_text: str) -> dict[str, str]:
    """Title, description, site name and image of an HTML page (each trimmed and capped)."""
    parser = _HeadParser()
    parser.feed(html_text)
    found = dict(parser.found)
    title = " ".join("".join(parser.title_parts).split())
    if title and "title" not in found:
        found["title"] = title
    limits = {"title": 200, "description": 1000, "site_name": 200, "image": 2000}
    return {key: " ".join(value.split())[: limits[key]] for key, value in found.items() if value.strip()}


def http_client(registry: Any) -> Any:
    client = registry.get("http_client") if hasattr(registry, "get") else None
    if client is None:
        from mobilizon.federation.http import GuardedClient

        client = GuardedClient.from_settings(registry.settings)
    return client


def refresh_preview(ctx: Any, resource_id: int) -> None:
    """Fetch and store a link's preview; failures are recorded with a reason, never raised."""
    from mobilizon.federation.http import FetchError

    resource = ctx.dbsession.get(Resource, resource_id)
    if resource is None or resource.type != "link" or not resource.resource_url:
        return
    previous = dict(resource.preview or {})
    try:
        result = http_client(ctx.registry).request(
            "GET",
            resource.resource_url,
            headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"},
            max_bytes=PREVIEW_BYTES,
            truncate=True,
            deadline=PREVIEW_DEADLINE,
        )
    except FetchError as error:
        log.info("link preview of %s failed: %s", resource.resource_url, error)
        resource.preview = {**previous, "status": "failed", "error": str(error)[:300]}
        return
    if not 200 <= result.status < 300:
        resource.preview = {**previous, "status": "failed", "error": f"HTTP {result.status}"}
        return
    content_type = str(result.headers.get("Content-Type", "")).lower()
    if "html" not in content_type:
        resource.preview = {**previous, "status": "done", "content_type": content_type.split(";")[0]}
        return
    preview = parse_preview(result.content.decode("utf-8", errors="replace"))
    if previous.get("title_from_url") and preview.get("title"):
        resource.title = preview["title"]
    if not resource.summary and preview.get("description"):
        resource.summary = preview["description"][:SUMMARY_MAX]
    resource.preview = {**preview, "status": "done", "title_from_url": False}


def preview_failed(resource: Resource) -> str | None:
    """The reason a link's preview could not be fetched, for the page to say so."""
    preview = resource.preview or {}
    return preview.get("error") if preview.get("status") == "failed" else None
