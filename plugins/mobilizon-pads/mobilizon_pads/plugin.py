"""The hooks of the pads plugin: the ``pad`` resource type, its pages, templates, migrations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobilizon import hookimpl
from mobilizon.api import API_PREFIX
from mobilizon.hookspecs import ResourceType
from mobilizon.i18n import _
from mobilizon_pads.services import TYPE, create_hook

if TYPE_CHECKING:
    from pyramid.config import Configurator

HERE = Path(__file__).resolve().parent
ROUTE_PREFIX = "/pads"


@hookimpl
def register_resource_types(settings: Mapping[str, Any]) -> Sequence[ResourceType]:
    return [
        ResourceType(
            name=TYPE,
            label=_("Pad"),
            icon="pad",
            description=_("A text the group's members write together, with the history of who changed what."),
            create=create_hook(settings),
            route_prefix=ROUTE_PREFIX,
        )
    ]


@hookimpl
def setup(config: Configurator) -> None:
    """The pad's page, its history, and ``/api/v1/pads/{uuid}``."""
    config.add_route("pads_pad", f"{ROUTE_PREFIX}/{{uuid}}")
    config.add_route("pads_history", f"{ROUTE_PREFIX}/{{uuid}}/history")
    config.add_route("api_pad", f"{API_PREFIX}/pads/{{uuid}}")
    config.add_route("api_pad_revisions", f"{API_PREFIX}/pads/{{uuid}}/revisions")
    config.scan("mobilizon_pads.views")
    config.scan("mobilizon_pads.api")


@hookimpl
def register_templates(settings: Mapping[str, Any]) -> Sequence[Path]:
    return [HERE / "templates"]


@hookimpl
def register_migrations() -> Sequence[str]:
    """The plugin's own Alembic branch, ``pads``."""
    return [str(HERE / "migrations")]
