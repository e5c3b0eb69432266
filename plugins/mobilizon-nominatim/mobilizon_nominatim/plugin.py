"""The hooks of the Nominatim plugin: a geocoder, its cache's session, its migrations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobilizon import hookimpl
from mobilizon.hookspecs import Geocoder
from mobilizon_nominatim.cache import NominatimCache
from mobilizon_nominatim.geocoder import NAME, NominatimGeocoder, NominatimSettings

if TYPE_CHECKING:
    from pyramid.config import Configurator

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@hookimpl
def register_geocoders(settings: Mapping[str, Any]) -> Sequence[Geocoder]:
    """Offer Nominatim only to an instance that chose it with ``mobilizon.geocoder``.

    It sends what people type to another service, so installing the plugin is not enough:
    the administrator names it. Its settings are checked either way, so a typo in them stops
    start-up instead of surfacing on the day someone switches it on.
    """
    config = NominatimSettings.from_settings(settings)
    if str(settings.get("mobilizon.geocoder") or "").strip() != NAME:
        return []
    return [NominatimGeocoder(config)]


@hookimpl
def setup(config: Configurator) -> None:
    """Give this app's geocoder a cache on the app's database, through its session factory."""
    geocoder = config.registry.get("geocoders", {}).get(NAME)
    if isinstance(geocoder, NominatimGeocoder):
        geocoder.use_cache(
            NominatimCache(
                config.registry["dbsession_factory"],
                max_age=timedelta(days=geocoder.config.cache_days),
            )
        )


@hookimpl
def register_migrations() -> Sequence[str]:
    """The plugin's own Alembic branch, ``nominatim``, which creates ``nominatim_cache``."""
    return [str(MIGRATIONS)]
