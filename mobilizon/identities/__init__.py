"""Identities: the profiles (Person actors) of an account, each a separate public face.

Besides its own pages this package serves what every local actor shares: the page and
ActivityPub document at ``/@{username}`` (other actor types register their page with the
``add_actor_page`` directive), WebFinger, host-meta and uploaded media.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request

from mobilizon.api import API_PREFIX
from mobilizon.identities.media import MEDIA_NAME_PATTERN, MediaStore

SESSION_PROFILE = "identity.current"


def add_actor_page(config: Configurator, actor_type: str, page: Callable[[Request, Any], Any]) -> None:
    """Let a feature render the HTML page of its actor type at ``/@{username}`` (groups)."""
    config.registry.setdefault("actor_pages", {})[actor_type] = page


def current_profile(request: Request) -> Any:
    """The account's current profile: the one switched to in this session, else the default.

    The JSON API has no session: there it is the account's default profile.
    """
    from mobilizon.identities.services import pick_current

    user = request.user
    if user is None:
        return None
    chosen = None if request.path.startswith(f"{API_PREFIX}/") else request.session.get(SESSION_PROFILE)
    return pick_current(request.profiles, user, chosen)


def account_profiles(request: Request) -> list[Any]:
    """The signed-in account's profiles (the header lists them to switch between)."""
    from mobilizon.identities.services import list_profiles

    return list_profiles(request.dbsession, request.user) if request.user is not None else []


def media_store(request: Request) -> MediaStore:
    return request.registry["media_store"]


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    config.registry["media_store"] = MediaStore(
        Path(settings["mobilizon.data_dir"]) / "media", settings["mobilizon.base_url"]
    )
    config.registry.setdefault("actor_pages", {})
    config.add_directive("add_actor_page", add_actor_page)
    config.add_request_method(current_profile, "current_profile", reify=True)
    config.add_request_method(account_profiles, "profiles", reify=True)
    config.add_request_method(media_store, "media_store", reify=True)

    config.add_route("identity_list", "/profiles")
    config.add_route("identity_new", "/profiles/new")
    config.add_route("identity_switch", "/profiles/switch")
    config.add_route("identity_edit", "/profiles/{username}/edit")
    config.add_route("identity_delete", "/profiles/{username}/delete")
    config.add_route("actor", "/@{username}")
    config.add_route("media", "/media/{name:" + MEDIA_NAME_PATTERN + "}")
    config.add_route("webfinger", "/.well-known/webfinger")
    config.add_route("host_meta", "/.well-known/host-meta")
    config.add_route("api_identities", f"{API_PREFIX}/identities")
    config.add_route("api_identity", f"{API_PREFIX}/identities/{{username}}")
    config.add_route("api_identity_avatar", f"{API_PREFIX}/identities/{{username}}/avatar")
    config.scan(".views")
    config.scan(".webfinger")
    config.scan(".api")
    from mobilizon.identities.views import person_page

    config.add_actor_page("Person", person_page)
