"""Federation: ActivityPub between this instance and others.

``includeme`` keeps one ``GuardedClient`` on ``registry["http_client"]`` (every remote fetch
goes through it) and the transports plugins registered on ``registry["transports"]`` (the
delivery job picks one by the inbox's scheme), and adds the inboxes, the instance actor, the
outboxes and collections, remote lookup (``/search``, ``/api/v1/resolve``) and the
administrators' federation pages.

``mobilizon.federation.authorized_fetch`` (default false): GETs of non-public objects must be
signed. ``mobilizon.federation.max_inbox_bytes`` (default 1 MiB) caps an inbox POST.
"""

from pyramid.config import Configurator

from mobilizon.api import API_PREFIX

TRUE_WORDS = ("1", "true", "yes", "on")


def _flag(value: object) -> bool:
    return value is True or str(value or "").strip().lower() in TRUE_WORDS


def includeme(config: Configurator) -> None:
    from mobilizon.federation import delivery, incoming, outbox  # noqa: F401 (declare the jobs)
    from mobilizon.federation.http import GuardedClient
    from mobilizon.federation.pages import RemoteHandlePredicate
    from mobilizon.federation.views import ActivityPubPredicate

    settings = config.get_settings()
    settings["mobilizon.federation.authorized_fetch"] = _flag(
        settings.get("mobilizon.federation.authorized_fetch")
    )
    config.registry["http_client"] = GuardedClient.from_settings(settings)
    config.registry["transports"] = delivery.collect_transports(config.registry["plugins"], settings)
    config.add_view_predicate("activitypub", ActivityPubPredicate)
    config.add_view_predicate("remote_handle", RemoteHandlePredicate)

    config.add_route("federation_inbox", "/inbox")
    config.add_route("federation_relay", "/relay")
    config.add_route("federation_relay_inbox", "/relay/inbox")
    config.add_route("federation_relay_outbox", "/relay/outbox")
    config.add_route("federation_relay_followers", "/relay/followers")
    config.add_route("federation_relay_following", "/relay/following")
    config.add_route("federation_actor_inbox", "/@{username}/inbox")
    config.add_route("federation_outbox", "/@{username}/outbox")
    config.add_route("federation_followers", "/@{username}/followers")
    config.add_route("federation_following", "/@{username}/following")
    config.add_route("federation_search", "/search")
    config.add_route(
        "federation_remote_actor_action", "/federation/actors/{id:\\d+}/{action:follow|unfollow|join|leave}"
    )
    config.add_route("federation_invitation", "/federation/invitations/{id:\\d+}")
    config.add_route("admin_federation", "/admin/federation")
    config.add_route(
        "admin_federation_action", "/admin/federation/{action:follow|accept|reject|unfollow|block|unblock}"
    )
    config.add_route("api_resolve", f"{API_PREFIX}/resolve")
    config.add_route("api_admin_instances", f"{API_PREFIX}/admin/instances")
    config.add_route(
        "api_admin_instance",
        f"{API_PREFIX}/admin/instances/{{domain}}/{{action:follow|accept|reject|unfollow|block|unblock}}",
    )
    config.scan(".views")
    config.scan(".pages")
    config.scan(".api")
