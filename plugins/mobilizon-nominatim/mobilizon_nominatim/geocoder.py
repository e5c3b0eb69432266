"""The Nominatim geocoder: geopy does the HTTP, we ask for GeocodeJSON and read it ourselves.

GeocodeJSON gives the address already split into street, postcode, city, state and country,
which is what an event's address needs; geopy's Nominatim client brings the user agent, the
timeout and the mapping of HTTP failures to exceptions. Every failure becomes a
``GeocodingError`` whose message says what happened, so the core can tell people the address
service is down and still save their event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from geopy.adapters import RequestsAdapter
from geopy.exc import (
    GeocoderInsufficientPrivileges,
    GeocoderRateLimited,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import Nominatim

from mobilizon import __version__ as mobilizon_version
from mobilizon.hookspecs import GeocodingError, Place
from mobilizon.settings import SettingsError
from mobilizon_nominatim.cache import NominatimCache, cache_key
from mobilizon_nominatim.ratelimit import limiter_for

log = logging.getLogger(__name__)

NAME = "nominatim"
DEFAULT_URL = "https://nominatim.openstreetmap.org"
DEFAULT_TIMEOUT = 5.0
DEFAULT_MIN_INTERVAL = 1.0
DEFAULT_CACHE_DAYS = 30
# Ask once for this many answers and cache them all, whatever limit the caller wants now.
FETCH_LIMIT = 20
OSM_TYPES = {"node": "N", "way": "W", "relation": "R"}


@dataclass(frozen=True)
class NominatimSettings:
    """The plugin's settings, validated: a bad value stops start-up naming the setting."""

    url: str = DEFAULT_URL
    user_agent: str = ""
    timeout: float = DEFAULT_TIMEOUT
    min_interval: float = DEFAULT_MIN_INTERVAL
    cache_days: int = DEFAULT_CACHE_DAYS

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> NominatimSettings:
        base_url = str(settings.get("mobilizon.base_url") or "").strip()
        user_agent = str(settings.get("mobilizon.nominatim.user_agent") or "").strip()
        return cls(
            url=_url(settings.get("mobilizon.nominatim.url")),
            user_agent=user_agent or f"mobilizon-py/{mobilizon_version} (+{base_url})",
            timeout=_number(settings, "timeout", DEFAULT_TIMEOUT, minimum=0.1),
            min_interval=_number(settings, "min_interval", DEFAULT_MIN_INTERVAL, minimum=0.0),
            cache_days=int(_number(settings, "cache_days", DEFAULT_CACHE_DAYS, minimum=1)),
        )


def _url(value: Any) -> str:
    url = str(value or "").strip().rstrip("/") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise SettingsError("mobilizon.nominatim.url", f"{url!r} is not an http(s) URL")
    return url


def _number(settings: Mapping[str, Any], name: str, default: float, minimum: float) -> float:
    key = f"mobilizon.nominatim.{name}"
    raw = settings.get(key)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SettingsError(key, f"{raw!r} is not a number") from None
    if not value >= minimum:
        raise SettingsError(key, f"{raw!r} must be at least {minimum:g}")
    return value


class _GeocodeJSONNominatim(Nominatim):
    """geopy's Nominatim asking for GeocodeJSON and handing the payload back untouched.

    ``_construct_url`` is the extension point geopy documents for Nominatim-based services;
    ``_parse_json`` returns the payload so that ``parse_payload`` reads it, and the cache can
    keep exactly what the server said.
    """

    def _construct_url(self, base_api: str, params: dict[str, Any]) -> str:
        return super()._construct_url(base_api, {**params, "format": "geocodejson"})

    def _parse_json(self, places: Any, exactly_one: bool) -> Any:
        return places


class NominatimGeocoder:
    """Search and reverse through one Nominatim server, cached and rate limited."""

    name = NAME

    def __init__(self, config: NominatimSettings) -> None:
        self.config = config
        parts = urlsplit(config.url)
        self.endpoint = config.url
        self.host = parts.netloc
        self.cache: NominatimCache | None = None  # given by the plugin's setup hook
        self._limiter = limiter_for(
            config.url, config.min_interval, max_wait=config.timeout + 2 * config.min_interval
        )
        self._client = _GeocodeJSONNominatim(
            domain=parts.netloc + parts.path,
            scheme=parts.scheme,
            user_agent=config.user_agent,
            timeout=config.timeout,
            # no retries inside requests: a retry would skip the rate limit and double the wait
            adapter_factory=partial(RequestsAdapter, max_retries=0),
        )

    def use_cache(self, cache: NominatimCache) -> None:
        """Keep answers in the database from now on (called once the app's DB is set up)."""
        self.cache = cache

    def search(self, query: str, *, locale: str = "en", limit: int = 10) -> list[Place]:
        """Places for an address or a name, best first, in the viewer's language."""
        if limit <= 0 or not query.strip():
            return []

        def ask() -> Any:
            return self._client.geocode(
                query.strip(),
                exactly_one=False,
                limit=FETCH_LIMIT,
                addressdetails=True,
                language=locale,
            )

        payload = self._answer("search", locale, query.strip(), ask)
        return parse_payload(payload)[:limit]

    def reverse(self, lat: float, lon: float, *, locale: str = "en") -> Place | None:
        """The address at a point, or ``None`` where Nominatim knows nothing there."""
        point = f"{lat:.6f},{lon:.6f}"

        def ask() -> Any:
            return self._client.reverse(
                (lat, lon), exactly_one=True, language=locale, addressdetails=True, zoom=18
            )

        places = parse_payload(self._answer("reverse", locale, point, ask))
        return places[0] if places else None

    def _answer(self, kind: str, locale: str, query: str, ask: Callable[[], Any]) -> Any:
        """The payload from the cache, else from the server (then cached)."""
        key = cache_key(self.endpoint, kind, locale, query)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        payload = self._fetch(ask)
        parse_payload(payload)  # refuse to cache what cannot be read
        if self.cache is not None:
            self.cache.put(key, kind, locale, query, payload)
        return payload

    def _fetch(self, ask: Callable[[], Any]) -> Any:
        with self._limiter.turn():
            try:
                return ask()
            except GeocoderTimedOut as error:
                raise GeocodingError(
                    f"Nominatim at {self.host} did not answer within {self.config.timeout:g} s"
                ) from error
            except GeocoderRateLimited as error:
                raise GeocodingError(
                    f"Nominatim at {self.host} refused the request: too many requests"
                ) from error
            except GeocoderInsufficientPrivileges as error:
                raise GeocodingError(
                    f"Nominatim at {self.host} refused the request ({error}); "
                    "check mobilizon.nominatim.user_agent"
                ) from error
            except GeocoderUnavailable as error:
                raise GeocodingError(f"Nominatim at {self.host} cannot be reached ({error})") from error
            except GeopyError as error:
                raise GeocodingError(f"Nominatim at {self.host} answered with an error ({error})") from error


def parse_payload(payload: Any) -> list[Place]:
    """Places from a GeocodeJSON FeatureCollection; an error document raises GeocodingError."""
    if payload is None:
        return []
    if not isinstance(payload, Mapping):
        raise GeocodingError("Nominatim answered with something that is not GeocodeJSON")
    if "error" in payload:
        message = payload["error"]
        if isinstance(message, Mapping):
            message = message.get("message", message)
        if str(message) == "Unable to geocode":  # what reverse says where nothing is known
            return []
        raise GeocodingError(f"Nominatim answered with an error ({message})")
    features = payload.get("features")
    if not isinstance(features, list):
        raise GeocodingError("Nominatim answered with something that is not GeocodeJSON")
    return [place for place in map(parse_feature, features) if place is not None]


def parse_feature(feature: Any) -> Place | None:
    """One GeocodeJSON feature as a Place; features without usable coordinates are skipped."""
    try:
        lon, lat = (float(value) for value in feature["geometry"]["coordinates"][:2])
        props = feature["properties"]["geocoding"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(props, Mapping) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    text = {key: str(props.get(key) or "").strip() for key in _FIELDS}
    street = " ".join(part for part in (text["housenumber"], text["street"]) if part)
    locality = text["city"] or text["locality"] or text["district"] or text["county"]
    return Place(
        description=_description(text["name"], street, text["postcode"], locality, text["country"])
        or text["label"],
        street=street,
        locality=locality,
        postal_code=text["postcode"],
        region=text["state"],
        country=text["country"],
        lat=lat,
        lon=lon,
        origin_id=_origin_id(text["osm_type"], text["osm_id"]),
    )


_FIELDS = (
    "label",
    "name",
    "housenumber",
    "street",
    "postcode",
    "city",
    "locality",
    "district",
    "county",
    "state",
    "country",
    "osm_type",
    "osm_id",
)


def _description(name: str, street: str, postcode: str, locality: str, country: str) -> str:
    """ "Salle des fêtes, 10 Rue Jangot, 69007 Lyon, France": what a person reads on a card."""
    town = " ".join(part for part in (postcode, locality) if part)
    parts = dict.fromkeys(part for part in (name, street, town, country) if part)
    return ", ".join(parts)


def _origin_id(osm_type: str, osm_id: str) -> str:
    """``nominatim:N3078260611``: OSM's own way of naming an object (N, W or R, then its id)."""
    if not osm_id:
        return ""
    return f"{NAME}:{OSM_TYPES.get(osm_type.lower(), osm_type[:1].upper())}{osm_id}"
