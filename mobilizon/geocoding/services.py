"""Address search and reverse geocoding with the instance's chosen provider.

A provider that is down, slow or refusing must not break what people are doing: the events
feature saves an event without coordinates when the address service does not answer. So a
``GeocodingError`` comes back as a ``GeocodingResult`` carrying a message people can read,
never as an exception; the JSON API turns that result into a 503. Bad input is refused with
a ``ServiceError`` (400) or ``Invalid`` (422) before any provider is asked.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pluggy

from mobilizon.errors import Invalid, ServiceError
from mobilizon.hookspecs import Geocoder, GeocodingError, Place
from mobilizon.i18n import _
from mobilizon.plugins import PluginError
from mobilizon.settings import SettingsError

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
DEFAULT_LIMIT = 10
MAX_LIMIT = 20

UNAVAILABLE = _("The address search service is not answering right now. Try again in a few minutes.")
NOT_CONFIGURED = _("No address search service is set up on this instance.")


class GeocodingUnavailable(ServiceError):
    """The provider could not answer; the API says so with a 503 instead of a 500."""

    status = 503
    code = "geocoding_unavailable"


@dataclass(frozen=True)
class GeocodingResult:
    """What the provider found, or why it could not look (``error``, translatable)."""

    places: tuple[Place, ...] = ()
    error: Any = None
    provider: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def place(self) -> Place | None:
        """The first place: the one answer of a reverse lookup."""
        return self.places[0] if self.places else None


def load_geocoders(pm: pluggy.PluginManager, settings: Mapping[str, Any]) -> dict[str, Geocoder]:
    """Every provider the enabled plugins offer, by name, in hook call order."""
    geocoders: dict[str, Geocoder] = {}
    for answer in pm.hook.register_geocoders(settings=settings):
        for geocoder in answer or ():
            if not isinstance(geocoder, Geocoder):
                raise PluginError(f"register_geocoders returned {geocoder!r}, which is not a Geocoder")
            if geocoder.name in geocoders:
                raise PluginError(
                    f"two plugins offer a geocoder named {geocoder.name!r}; disable one of them"
                )
            geocoders[geocoder.name] = geocoder
    return geocoders


def choose_geocoder(geocoders: Mapping[str, Geocoder], name: Any) -> Geocoder | None:
    """The provider ``mobilizon.geocoder`` names, or the first one when it is empty."""
    wanted = str(name or "").strip()
    if not wanted:
        return next(iter(geocoders.values()), None)
    if wanted not in geocoders:
        available = ", ".join(geocoders) or "none"
        raise SettingsError(
            "mobilizon.geocoder",
            f"{wanted!r} is not an installed and enabled geocoder (available: {available})",
        )
    return geocoders[wanted]


def search_addresses(
    registry: Mapping[str, Any], query: str, locale: str = "en", limit: int = DEFAULT_LIMIT
) -> GeocodingResult:
    """Places matching ``query`` (an address, a venue, a town), best first."""
    text = _clean_query(query)
    _check_limit(limit)
    geocoder = registry.get("geocoder")
    if geocoder is None:
        return GeocodingResult(error=NOT_CONFIGURED)
    try:
        places = geocoder.search(text, locale=locale, limit=limit)
    except GeocodingError as error:
        return _failed(geocoder, error)
    return GeocodingResult(places=tuple(places[:limit]), provider=geocoder.name)


def reverse(registry: Mapping[str, Any], lat: float, lon: float, locale: str = "en") -> GeocodingResult:
    """The place at a point; ``places`` is empty where the provider knows nothing there."""
    _check_coordinates(lat, lon)
    geocoder = registry.get("geocoder")
    if geocoder is None:
        return GeocodingResult(error=NOT_CONFIGURED)
    try:
        place = geocoder.reverse(lat, lon, locale=locale)
    except GeocodingError as error:
        return _failed(geocoder, error)
    return GeocodingResult(places=(place,) if place is not None else (), provider=geocoder.name)


def _failed(geocoder: Geocoder, error: GeocodingError) -> GeocodingResult:
    # the provider's own words are for the administrators; people get a message they can act on
    log.warning("geocoder %s failed: %s", geocoder.name, error)
    return GeocodingResult(error=UNAVAILABLE, provider=geocoder.name)


def _clean_query(query: str) -> str:
    text = " ".join(str(query or "").split())
    if not text:
        message = _("Type an address or the name of a place to search for.")
        raise ServiceError(message, fields={"q": message})
    if len(text) > MAX_QUERY_LENGTH:
        message = _("Keep the search under ${max} characters.", mapping={"max": MAX_QUERY_LENGTH})
        raise Invalid(message, fields={"q": message})
    return text


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        message = _("Ask for between 1 and ${max} results.", mapping={"max": MAX_LIMIT})
        raise Invalid(message, fields={"limit": message})


def _check_coordinates(lat: float, lon: float) -> None:
    fields = {}
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        fields["lat"] = _("The latitude must be a number between -90 and 90.")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        fields["lon"] = _("The longitude must be a number between -180 and 180.")
    if fields:
        raise Invalid(next(iter(fields.values())), fields=fields)
