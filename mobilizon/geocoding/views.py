"""``/api/v1/geocoding/search`` and ``/reverse``: thin adapters over ``geocoding.services``.

Open to everyone, signed in or not: the search page filters events near a place for visitors
too. Answers are in the viewer's language (account setting, else Accept-Language).
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pyramid.request import Request

from mobilizon.api import operation
from mobilizon.geocoding import services
from mobilizon.hookspecs import Place


class SearchQuery(BaseModel):
    q: str = Field("", description="An address, a venue or a town; 1 to 200 characters.")
    limit: int = Field(services.DEFAULT_LIMIT, description="At most this many places, 1 to 20.")


class ReverseQuery(BaseModel):
    lat: float = Field(description="Latitude, -90 to 90.")
    lon: float = Field(description="Longitude, -180 to 180.")


class PlaceOut(BaseModel):
    description: str
    street: str
    locality: str
    postal_code: str
    region: str
    country: str
    lat: float | None
    lon: float | None
    origin_id: str = Field(description="provider:identifier, stable for the same place")
    timezone: str = Field(description="IANA time zone, when the provider knows it")

    @classmethod
    def of(cls, place: Place) -> PlaceOut:
        return cls(
            description=place.description,
            street=place.street,
            locality=place.locality,
            postal_code=place.postal_code,
            region=place.region,
            country=place.country,
            lat=place.lat,
            lon=place.lon,
            origin_id=place.origin_id,
            timezone=place.timezone,
        )


class SearchOut(BaseModel):
    places: list[PlaceOut]


class ReverseOut(BaseModel):
    place: PlaceOut | None


@operation(
    route_name="api_geocoding_search",
    request_method="GET",
    summary="Find places matching an address or a name",
    query=SearchQuery,
    response=SearchOut,
    auth=False,
    errors=(400, 422, 503),
    tags=("geocoding",),
)
def search(request: Request, query: SearchQuery) -> SearchOut:
    """Places best first; 503 when the address service does not answer."""
    result = services.search_addresses(request.registry, query.q, request.locale_name, query.limit)
    if not result.ok:
        raise services.GeocodingUnavailable(result.error)
    return SearchOut(places=[PlaceOut.of(place) for place in result.places])


@operation(
    route_name="api_geocoding_reverse",
    request_method="GET",
    summary="Find the place at a point",
    query=ReverseQuery,
    response=ReverseOut,
    auth=False,
    errors=(422, 503),
    tags=("geocoding",),
)
def reverse(request: Request, query: ReverseQuery) -> ReverseOut:
    """The place at ``lat``/``lon``, or ``null`` where nothing is known nearby."""
    result = services.reverse(request.registry, query.lat, query.lon, request.locale_name)
    if not result.ok:
        raise services.GeocodingUnavailable(result.error)
    place = result.place
    return ReverseOut(place=PlaceOut.of(place) if place is not None else None)
