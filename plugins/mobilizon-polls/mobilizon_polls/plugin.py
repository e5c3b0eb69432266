"""The hooks of the polls plugin: the ``poll`` resource type, its pages, templates, migrations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobilizon import hookimpl
from mobilizon.api import API_PREFIX
from mobilizon.hookspecs import ResourceType
from mobilizon.i18n import _
from mobilizon_polls.services import TYPE, create_poll

if TYPE_CHECKING:
    from pyramid.config import Configurator

HERE = Path(__file__).resolve().parent
ROUTE_PREFIX = "/polls"


@hookimpl
def register_resource_types(settings: Mapping[str, Any]) -> Sequence[ResourceType]:
    return [
        ResourceType(
            name=TYPE,
            label=_("Poll"),
            icon="poll",
            description=_(
                "A question with options, or dates to find when most can come; one vote per profile."
            ),
            create=create_poll,
            route_prefix=ROUTE_PREFIX,
        )
    ]


@hookimpl
def setup(config: Configurator) -> None:
    """The poll's page and ``/api/v1/polls/{uuid}``."""
    config.add_route("polls_poll", f"{ROUTE_PREFIX}/{{uuid}}")
    config.add_route("api_poll", f"{API_PREFIX}/polls/{{uuid}}")
    config.add_route("api_poll_vote", f"{API_PREFIX}/polls/{{uuid}}/vote")
    config.add_route("api_poll_close", f"{API_PREFIX}/polls/{{uuid}}/close")
    config.scan("mobilizon_polls.views")
    config.scan("mobilizon_polls.api")


@hookimpl
def register_templates(settings: Mapping[str, Any]) -> Sequence[Path]:
    return [HERE / "templates"]


@hookimpl
def register_migrations() -> Sequence[str]:
    """The plugin's own Alembic branch, ``polls``."""
    return [str(HERE / "migrations")]
