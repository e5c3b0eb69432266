"""``/api/v1/identities``: the account's profiles for apps and scripts (same services as the pages)."""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from mobilizon.api import Page, operation, paginate
from mobilizon.api.operations import next_page_url
from mobilizon.errors import ServiceError, TooLarge
from mobilizon.i18n import _
from mobilizon.identities import services
from mobilizon.identities.media import MAX_UPLOAD_BYTES, close_uploads
from mobilizon.identities.schemas import IdentityCreate, IdentityDelete, IdentityOut, IdentityPatch
from mobilizon.identities.webfinger import local_host

TAGS = ("identities",)


def _out(request: Request, actor: Any) -> IdentityOut:
    domain = local_host(request.registry.settings["mobilizon.base_url"])
    return IdentityOut.of(actor, domain, request.user.default_actor_id)


@operation(
    route_name="api_identities",
    request_method="GET",
    summary="List the account's profiles",
    response=Page[IdentityOut],
    tags=TAGS,
)
def list_identities(request: Request) -> Page[IdentityOut]:
    """The account's profiles, oldest first; ``default`` marks the one the API acts as."""
    profiles = services.list_profiles(request.dbsession, request.user)
    page, per_page, offset = paginate(request, len(profiles))
    return Page[IdentityOut](
        items=[_out(request, actor) for actor in profiles[offset : offset + per_page]],
        total=len(profiles),
        page=page,
        per_page=per_page,
        next=next_page_url(request, page, per_page, len(profiles)),
    )


@operation(
    route_name="api_identities",
    request_method="POST",
    summary="Create a profile",
    body=IdentityCreate,
    response=IdentityOut,
    status=201,
    errors=(409,),
    tags=TAGS,
)
def create_identity(request: Request, body: IdentityCreate) -> IdentityOut:
    """A new public face of the account, with its own username, name and bio. Usernames are
    unique on the instance whatever their case; reserved and retired ones are refused (409).
    """
    actor = services.create_profile(
        request.dbsession,
        request.registry.settings,
        request.user,
        body.preferred_username,
        name=body.name,
        summary=body.summary,
    )
    return _out(request, actor)


@operation(
    route_name="api_identity",
    request_method="GET",
    summary="Read one of the account's profiles",
    response=IdentityOut,
    errors=(403, 404),
    tags=TAGS,
)
def get_identity(request: Request) -> IdentityOut:
    actor = services.get_profile(request.dbsession, request.user, request.matchdict["username"])
    return _out(request, actor)


@operation(
    route_name="api_identity",
    request_method="PATCH",
    summary="Edit a profile's name and bio",
    body=IdentityPatch,
    response=IdentityOut,
    errors=(403, 404),
    tags=TAGS,
)
def edit_identity(request: Request, body: IdentityPatch) -> IdentityOut:
    actor = services.update_profile(
        request.dbsession, request.user, request.matchdict["username"], **body.changes()
    )
    return _out(request, actor)


@operation(
    route_name="api_identity",
    request_method="DELETE",
    summary="Delete a profile",
    body=IdentityDelete,
    status=204,
    errors=(403, 404, 409),
    tags=TAGS,
)
def delete_identity(request: Request, body: IdentityDelete) -> None:
    """Delete a profile; ``content`` says what becomes of what it published (see the field).
    The account's last profile cannot be deleted (409): create another one first.
    """
    services.delete_profile(
        request.dbsession,
        request.media_store,
        request.user,
        request.matchdict["username"],
        body.content,
        tm=request.tm,
    )


@operation(
    route_name="api_identity_avatar",
    request_method="POST",
    summary="Upload a profile's avatar",
    response=IdentityOut,
    errors=(400, 403, 404, 413, 422),
    tags=TAGS,
)
def upload_avatar(request: Request) -> IdentityOut:
    """multipart/form-data with the image in the field ``avatar`` (JPEG, PNG, GIF or WebP, at
    most 5 MB and 5000 × 5000 pixels). It is re-encoded without metadata, at most 400 × 400.
    """
    request.add_finished_callback(close_uploads)
    if request.content_length and request.content_length > MAX_UPLOAD_BYTES + 64 * 1024:
        raise TooLarge(_("This image is larger than 5 MB."), fields={"avatar": _("At most 5 MB.")})
    upload = request.POST.get("avatar") if request.content_type == "multipart/form-data" else None
    if getattr(upload, "file", None) is None:
        raise ServiceError(
            _("Send the image as multipart/form-data in the field avatar."),
            fields={"avatar": _("Send a JPEG, PNG, GIF or WebP picture.")},
        )
    actor = services.set_avatar(
        request.dbsession,
        request.media_store,
        request.user,
        request.matchdict["username"],
        upload.file.read(MAX_UPLOAD_BYTES + 1),
        tm=request.tm,
    )
    return _out(request, actor)


@operation(
    route_name="api_identity_avatar",
    request_method="DELETE",
    summary="Remove a profile's avatar",
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_avatar(request: Request) -> None:
    services.remove_avatar(
        request.dbsession, request.media_store, request.user, request.matchdict["username"], tm=request.tm
    )
