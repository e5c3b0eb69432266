"""The hooks of the gazetteer plugin: one offline geocoder, named ``gazetteer``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mobilizon import hookimpl
from mobilizon.hookspecs import Geocoder
from mobilizon.settings import SettingsError
from mobilizon_gazetteer.gazetteer import DEFAULT_MAX_DISTANCE_KM, Gazetteer, load_default

MAX_DISTANCE_SETTING = "mobilizon.gazetteer.max_distance_km"


@hookimpl(trylast=True)
def register_geocoders(settings: Mapping[str, Any]) -> Sequence[Geocoder]:
    """Offer the gazetteer, last: any network geocoder installed and enabled comes first.

    ``trylast`` keeps it the default only when nothing better is there; ``mobilizon.geocoder``
    still chooses by name.
    """
    return [Gazetteer(load_default(), max_distance_km=_max_distance(settings))]


def _max_distance(settings: Mapping[str, Any]) -> float:
    raw = settings.get(MAX_DISTANCE_SETTING)
    if raw in (None, ""):
        return DEFAULT_MAX_DISTANCE_KM
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SettingsError(MAX_DISTANCE_SETTING, f"{raw!r} is not a number of kilometres") from None
    if not 0 < value <= 20_000:
        raise SettingsError(MAX_DISTANCE_SETTING, f"{value} is not between 0 and 20000 km")
    return value
