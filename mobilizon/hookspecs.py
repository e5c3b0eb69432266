"""The plugin contract: every hook a plugin may implement, with what it gets and gives back.

Plugins are ordinary Python distributions that declare an entry point in the group
``mobilizon`` pointing at a module (or object) holding functions marked with
``mobilizon.hookimpl``. Installed is not enabled: the instance's ``mobilizon.plugins`` setting
lists which ones run (``*`` for all installed). A hook never receives the request-bound database
session implicitly; what it needs is passed as arguments.

Collection hooks are named ``register_*``: every plugin may answer and the core gathers all
answers. ``firstresult`` hooks stop at the first non-``None`` answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pluggy

if TYPE_CHECKING:
    from pyramid.config import Configurator
    from pyramid.registry import Registry

PROJECT = "mobilizon"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- the values plugins give back -------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """An address with coordinates, as a geocoder finds it."""

    description: str
    street: str = ""
    locality: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""
    lat: float | None = None
    lon: float | None = None
    origin_id: str = ""  # "provider:identifier", stable for the same place
    timezone: str = ""


class GeocodingError(Exception):
    """The geocoding service could not answer (down, too slow, refused); the message says why."""


@runtime_checkable
class Geocoder(Protocol):
    """Turns an address into places with coordinates, and coordinates back into a place."""

    name: str

    def search(self, query: str, *, locale: str = "en", limit: int = 10) -> list[Place]: ...

    def reverse(self, lat: float, lon: float, *, locale: str = "en") -> Place | None: ...


@dataclass(frozen=True)
class ResourceType:
    """A kind of group resource beyond folders and links (a pad, a poll, a calc, ...).

    ``route_prefix`` is where the plugin's own views for one resource live; the core links
    to ``{route_prefix}/{resource_uuid}`` and creates resources with ``create(...)``.
    """

    name: str
    label: str
    icon: str = ""
    description: str = ""
    create: Any = None  # callable(dbsession, resource, creator, values) -> None
    route_prefix: str = ""


@dataclass(frozen=True)
class Verdict:
    """A moderation policy's answer about new content or a new account."""

    decision: str  # "accept" | "hold" | "reject"
    reason: str = ""
    policy: str = ""

    def __post_init__(self) -> None:
        if self.decision not in ("accept", "hold", "reject"):
            raise ValueError(f"unknown moderation decision {self.decision!r}")


@runtime_checkable
class ModerationPolicy(Protocol):
    """Judges new content (events, comments, posts) or new accounts before they are published."""

    name: str

    def judge(self, subject_type: str, subject: Mapping[str, Any]) -> Verdict | None: ...


@dataclass(frozen=True)
class Delivery:
    """The outcome of one delivery attempt to one inbox."""

    ok: bool
    status: int | None = None
    error: str = ""
    retry: bool = False  # worth trying again later (timeouts, 5xx, 429)


@runtime_checkable
class Transport(Protocol):
    """Carries activities from this instance to others.

    ``deliver`` sends one activity to one inbox on behalf of a local actor whose key signs it.
    ``schemes`` says which inbox URLs the transport handles (``https``, ``http``, ...).
    """

    name: str
    schemes: tuple[str, ...]

    def deliver(
        self, inbox_url: str, activity: Mapping[str, Any], *, key_id: str, private_key_pem: str
    ) -> Delivery: ...


@dataclass(frozen=True)
class Theme:
    """A theme: a templates folder and a static folder; ``parent`` is looked up after it."""

    name: str
    templates: Path
    static: Path
    label: str = ""
    parent: str = "default"
    manifest: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LifecycleEvent:
    """Something that happened: ``name`` is dotted (``event.published``, ``member.joined``).

    ``subject`` is a plain dict describing the object (ids, urls, titles), never an ORM instance
    bound to the request's session, so a plugin can keep it or hand it to a job.
    """

    name: str
    subject: Mapping[str, Any]
    actor: Mapping[str, Any] | None = None


# --- the hooks ---------------------------------------------------------------------------------


class MobilizonSpec:
    """Hook specifications of project ``mobilizon``."""

    # setup

    @hookspec
    def setup(self, config: Configurator) -> None:
        """Add routes, views, settings, translation dirs, static views: an ``includeme``.

        Called once while the app is configured, after every core feature package has been
        included and before the configuration is committed. Not ``firstresult``.
        """

    @hookspec
    def register_templates(self, settings: Mapping[str, Any]) -> Sequence[Path | str] | None:
        """Return template folders the plugin's own pages render from.

        Called once at start-up. They are searched after the chosen theme and the default
        theme, so a theme can restyle a plugin's pages. Collection hook.
        """

    @hookspec
    def register_migrations(self) -> Sequence[str] | None:
        """Return Alembic version locations (``package:path`` or absolute paths).

        For plugins that own tables: each ships its own labelled branch that ``depends_on`` a
        core revision; ``mobilizon db upgrade`` runs ``upgrade heads``. Called whenever the
        migration environment is built (``mobilizon db ...``, test set-up). Collection hook.
        """

    # themes

    @hookspec
    def register_themes(self, settings: Mapping[str, Any]) -> Sequence[Theme] | None:
        """Return themes this distribution provides, so ``mobilizon.theme`` may name them.

        Called once at start-up, before templates are looked up. Collection hook.
        """

    # resource types

    @hookspec
    def register_resource_types(self, settings: Mapping[str, Any]) -> Sequence[ResourceType] | None:
        """Return kinds of group resources (pads, polls, ...) this plugin offers.

        Called once at start-up; names must be unique across plugins. Collection hook.
        """

    # geocoding

    @hookspec
    def register_geocoders(self, settings: Mapping[str, Any]) -> Sequence[Geocoder] | None:
        """Return geocoding providers; ``mobilizon.geocoder`` chooses one by name.

        Called once at start-up. When the setting is empty, the first registered provider wins
        (core defaults are ``trylast``). Collection hook.
        """

    # moderation policies

    @hookspec
    def register_moderation_policies(self, settings: Mapping[str, Any]) -> Sequence[ModerationPolicy] | None:
        """Return moderation policies; every new piece of content or account goes through all.

        The strictest verdict wins: reject over hold over accept. Called once at start-up.
        Collection hook.
        """

    # federation transports

    @hookspec
    def register_transports(self, settings: Mapping[str, Any]) -> Sequence[Transport] | None:
        """Return federation transports; deliveries use the first that handles the inbox's scheme.

        Called once at start-up. Collection hook.
        """

    # lifecycle events

    @hookspec
    def lifecycle_event(self, event: LifecycleEvent, registry: Registry) -> None:
        """React to something that happened (account registered, event published, ...).

        Called after the transaction that made it happen has committed, from a background job,
        so a slow or failing plugin never delays or breaks the request. Not ``firstresult``.
        """

    # page slots

    @hookspec
    def render_page_slot(self, slot: str, context: Mapping[str, Any], locale: str) -> str | None:
        """Return an HTML fragment for a named place of a theme's page, or ``None``.

        Slots: ``head``, ``header``, ``footer``, ``home.top``, ``about.bottom``,
        ``event.sidebar``, ``group.sidebar``. ``context`` holds plain values about the page.
        The fragment is inserted as is: the plugin escapes what it renders. Called each time a
        page with that slot is rendered. Collection hook.
        """


def plugin_names(pm: pluggy.PluginManager) -> list[str]:
    return sorted(name for name, _ in pm.list_name_plugin() if not name.startswith("mobilizon.core"))
