"""Geocoding: addresses to places with coordinates and back, through a provider plugin.

The providers come from the ``register_geocoders`` hook (the offline gazetteer, Nominatim, ...);
``mobilizon.geocoder`` names the one this instance uses, empty meaning the first registered.
They are gathered here, at start-up, into ``registry["geocoders"]`` (name -> geocoder) and
``registry["geocoder"]`` (the chosen one, or ``None``), which plugins' ``setup`` hooks may use.
"""

from pyramid.config import Configurator

from mobilizon.api import API_PREFIX


def includeme(config: Configurator) -> None:
    from mobilizon.geocoding.services import choose_geocoder, load_geocoders

    settings = config.get_settings()
    geocoders = load_geocoders(config.registry["plugins"], settings)
    config.registry["geocoders"] = geocoders
    config.registry["geocoder"] = choose_geocoder(geocoders, settings.get("mobilizon.geocoder"))
    config.add_route("api_geocoding_search", f"{API_PREFIX}/geocoding/search")
    config.add_route("api_geocoding_reverse", f"{API_PREFIX}/geocoding/reverse")
    config.scan(".views")
