"""The instance's own pages: home, about, NodeInfo, and the error pages."""

from collections.abc import Callable

from pyramid.config import Configurator


def add_usage_counter(config: Configurator, name: str, counter: Callable) -> None:
    """Let a feature add what it counts to NodeInfo's usage (``localPosts``, ...)."""
    config.registry.setdefault("usage_counters", {})[name] = counter


def current_instance(request):  # noqa: ANN001, ANN201 (request method)
    """What the instance says about itself, read once per request (templates use it)."""
    from mobilizon.instance.services import instance_info

    return instance_info(request.dbsession, request.registry.settings)


def includeme(config: Configurator) -> None:
    config.add_request_method(current_instance, "instance", reify=True)
    config.registry.setdefault("usage_counters", {})
    config.add_directive("add_usage_counter", add_usage_counter)
    config.add_route("home", "/")
    config.add_route("about", "/about")
    config.add_route("nodeinfo_discovery", "/.well-known/nodeinfo")
    config.add_route("nodeinfo", "/nodeinfo/{version}")
    config.add_route("robots", "/robots.txt")
    config.scan(".views")
