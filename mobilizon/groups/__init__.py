"""Groups: a group's public page and members' area, members and roles, invitations and join
requests, followers, discussions, posts and resources (with plugin types such as pads and polls).

A group is an actor of type Group: identities serves its ``/@{username}`` URL (the page for
people through ``add_actor_page``, the ActivityPub document for servers) and its WebFinger
answer. Everything else of a group lives here.
"""

from __future__ import annotations

from pyramid.config import Configurator

from mobilizon.api import API_PREFIX

GROUP = "/@{username}"
API_GROUP = f"{API_PREFIX}/groups/{{username}}"


def _api_routes(config: Configurator) -> None:
    routes = {
        "api_groups": f"{API_PREFIX}/groups",
        "api_group": API_GROUP,
        "api_group_members": f"{API_GROUP}/members",
        "api_group_member": f"{API_GROUP}/members/{{handle}}",
        "api_group_join": f"{API_GROUP}/join",
        "api_group_invitations": f"{API_GROUP}/invitations",
        "api_group_invitation_accept": f"{API_GROUP}/invitations/{{id}}/accept",
        "api_group_invitation_reject": f"{API_GROUP}/invitations/{{id}}/reject",
        "api_invitations": f"{API_PREFIX}/invitations",
        "api_invitation_accept": f"{API_PREFIX}/invitations/{{id}}/accept",
        "api_invitation_reject": f"{API_PREFIX}/invitations/{{id}}/reject",
        "api_group_followers": f"{API_GROUP}/followers",
        "api_group_discussions": f"{API_GROUP}/discussions",
        "api_group_discussion": f"{API_GROUP}/discussions/{{uuid}}",
        "api_group_discussion_comments": f"{API_GROUP}/discussions/{{uuid}}/comments",
        "api_group_discussion_comment": f"{API_GROUP}/discussions/{{uuid}}/comments/{{comment}}",
        "api_group_posts": f"{API_GROUP}/posts",
        "api_group_post": f"{API_GROUP}/posts/{{uuid}}",
        "api_group_resources": f"{API_GROUP}/resources",
        "api_group_resource": f"{API_GROUP}/resources/{{uuid}}",
        "api_group_events": f"{API_GROUP}/events",
        "api_group_event": f"{API_GROUP}/events/{{uuid}}",
    }
    for name, pattern in routes.items():
        config.add_route(name, pattern)


def _page_routes(config: Configurator) -> None:
    routes = {
        "group_list": "/groups",
        "group_new": "/groups/new",
        "group_edit": f"{GROUP}/edit",
        "group_delete": f"{GROUP}/delete",
        "group_join": f"{GROUP}/join",
        "group_leave": f"{GROUP}/leave",
        "group_follow": f"{GROUP}/follow",
        "group_members": f"{GROUP}/members",
        "group_member": f"{GROUP}/members/{{handle}}",
        "group_invitation": f"{GROUP}/invitations/{{id}}",
        "group_events": f"{GROUP}/events",
        "group_event_new": f"{GROUP}/events/new",
        "group_discussions": f"{GROUP}/discussions",
        "group_discussion_new": f"{GROUP}/discussions/new",
        "group_discussion": f"{GROUP}/c/{{uuid}}",
        "group_comment": f"{GROUP}/c/{{uuid}}/comments/{{comment}}",
        "group_posts": f"{GROUP}/posts",
        "group_post_new": f"{GROUP}/posts/new",
        "group_post": f"{GROUP}/p/{{uuid}}",
        "group_post_edit": f"{GROUP}/p/{{uuid}}/edit",
        "group_resources": f"{GROUP}/resources",
        "group_resource_new": f"{GROUP}/resources/new",
        "group_resource": f"{GROUP}/resources/{{uuid}}",
    }
    for name, pattern in routes.items():
        config.add_route(name, pattern)


def _events_installed() -> bool:
    """Group events need the events feature; the rest of groups works without it."""
    try:
        import mobilizon.events.services  # noqa: F401
    except ImportError:
        return False
    return True


def includeme(config: Configurator) -> None:
    from mobilizon.groups.resources import collect_resource_types
    from mobilizon.groups.views import group_page

    settings = config.get_settings()
    config.registry["resource_types"] = collect_resource_types(config.registry["plugins"], settings)
    _api_routes(config)
    _page_routes(config)
    config.scan(".api")
    config.scan(".views")
    config.scan(".content_views")
    config.scan(".tasks")
    if _events_installed():
        config.scan(".events_api")
    config.add_actor_page("Group", group_page)
