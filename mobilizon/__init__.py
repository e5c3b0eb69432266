"""A federated platform for events and groups: the WSGI app factory.

``configure`` builds the whole app from settings in one fixed order: framework wiring, then
each feature package, then the enabled plugins' ``setup`` hooks. ``main`` is the PasteDeploy
entry point used by the .ini files.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.router import Router

from mobilizon.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["configure", "hookimpl", "main", "__version__"]

# The order matters and is pinned by a test: framework first, features after, plugins last.
FRAMEWORK = (
    "mobilizon.db",
    "mobilizon.tasks",
    "mobilizon.security",
    "mobilizon.i18n",
    "mobilizon.templating",
    "mobilizon.themes",
    "mobilizon.errors",
    "mobilizon.mail",
    "mobilizon.api",
)
FEATURES = (
    "mobilizon.instance",
    "mobilizon.accounts",
    "mobilizon.identities",
    "mobilizon.groups",
    "mobilizon.events",
    "mobilizon.federation",
    "mobilizon.geocoding",
    "mobilizon.admin",
)


def configure(settings: dict[str, Any]) -> Configurator:
    """Validate settings, load plugins and include every package; returns the Configurator."""
    from mobilizon.federation import hooks as federation_hooks
    from mobilizon.plugins import build_plugin_manager
    from mobilizon.settings import normalize

    settings = normalize(settings)
    config = Configurator(settings=settings)
    # core listeners are default plugins: federation hears every lifecycle event like a plugin
    core_plugins = [("federation", federation_hooks)]
    config.registry["plugins"] = build_plugin_manager(settings, core_plugins=core_plugins)
    for package in FRAMEWORK + FEATURES:
        config.include(package)
    config.include("mobilizon.plugins")
    return config


def main(global_config: dict[str, Any] | None, **settings: Any) -> Router:
    """PasteDeploy app factory: ``use = egg:mobilizon-py`` in the .ini."""
    if global_config and "here" in global_config:
        settings.setdefault("here", global_config["here"])
    return configure(settings).make_wsgi_app()
