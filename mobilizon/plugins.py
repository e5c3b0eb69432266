"""The plugin manager: one per app, kept on the registry, fed from the ``mobilizon`` entry points.

Core features register their default hook implementations first (as ``trylast``), then every
enabled installed plugin, in name order so that the result does not depend on install order.
A plugin that cannot be imported or registered stops start-up with its name and the error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from pyramid.config import Configurator

from mobilizon import hookspecs

ENTRY_POINT_GROUP = "mobilizon"
CORE_PREFIX = "mobilizon.core."


class PluginError(RuntimeError):
    """A plugin could not be loaded; the message names it and says what went wrong."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    distribution: str
    hooks: tuple[str, ...]
    enabled: bool


def installed_entry_points() -> list[EntryPoint]:
    return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def is_enabled(name: str, settings: Mapping[str, Any]) -> bool:
    enabled = settings.get("mobilizon.plugins") or ["*"]
    disabled = settings.get("mobilizon.plugins.disabled") or []
    return name not in disabled and ("*" in enabled or name in enabled)


def build_plugin_manager(
    settings: Mapping[str, Any], core_plugins: Iterable[tuple[str, object]] = ()
) -> pluggy.PluginManager:
    """Make a plugin manager with the core defaults and every enabled installed plugin."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs.MobilizonSpec)
    for name, plugin in core_plugins:
        pm.register(plugin, name=CORE_PREFIX + name)
    wanted = settings.get("mobilizon.plugins") or ["*"]
    found = set()
    for entry_point in installed_entry_points():
        found.add(entry_point.name)
        if not is_enabled(entry_point.name, settings):
            continue
        _load(pm, entry_point)
    missing = sorted(set(wanted) - found - {"*"})
    if missing:
        raise PluginError(
            f"plugin {missing[0]}: enabled in mobilizon.plugins but not installed "
            f"(installed: {', '.join(sorted(found)) or 'none'})"
        )
    return pm


def _load(pm: pluggy.PluginManager, entry_point: EntryPoint) -> None:
    name = entry_point.name
    try:
        plugin = entry_point.load()
    except Exception as error:  # noqa: BLE001 (any import failure is reported with the plugin's name)
        raise PluginError(f"plugin {name}: could not be imported: {type(error).__name__}: {error}") from error
    try:
        pm.register(plugin, name=name)
    except Exception as error:  # noqa: BLE001 (pluggy validation errors, wrong signatures, ...)
        raise PluginError(
            f"plugin {name}: could not be registered: {type(error).__name__}: {error}"
        ) from error


def describe(pm: pluggy.PluginManager, settings: Mapping[str, Any]) -> list[PluginInfo]:
    """Every installed plugin with its version, hooks and whether this instance enables it."""
    infos = []
    for entry_point in installed_entry_points():
        plugin = pm.get_plugin(entry_point.name)
        hooks: tuple[str, ...] = ()
        if plugin is not None:
            hooks = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or []))
        dist = entry_point.dist
        infos.append(
            PluginInfo(
                name=entry_point.name,
                version=dist.version if dist else "?",
                distribution=dist.name if dist else "?",
                hooks=hooks,
                enabled=plugin is not None,
            )
        )
    return infos


def includeme(config: Configurator) -> None:
    """Make the plugin manager and run every plugin's ``setup`` hook.

    Called from ``configure`` after the core features, so plugin routes and views can use
    what the core set up.
    """
    pm: pluggy.PluginManager = config.registry["plugins"]
    pm.hook.setup(config=config)
