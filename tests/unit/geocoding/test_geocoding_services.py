"""The geocoding service: input checked before any provider is asked, failures become results."""

import math

import pluggy
import pytest

from mobilizon import hookimpl, hookspecs
from mobilizon.errors import Invalid, ServiceError
from mobilizon.geocoding import services
from mobilizon.hookspecs import GeocodingError, Place
from mobilizon.plugins import PluginError
from mobilizon.settings import SettingsError

LYON = Place(description="Lyon, France", locality="Lyon", country="France", lat=45.76, lon=4.84)


class ListGeocoder:
    """An in-memory provider that answers from a list and remembers what it was asked."""

    def __init__(self, name="listed", places=(LYON,)):
        self.name = name
        self.places = list(places)
        self.asked = []

    def search(self, query, *, locale="en", limit=10):
        self.asked.append(("search", query, locale, limit))
        return self.places * 30

    def reverse(self, lat, lon, *, locale="en"):
        self.asked.append(("reverse", lat, lon, locale))
        return self.places[0] if self.places else None


class DownGeocoder:
    """A provider whose service is down."""

    name = "down"

    def search(self, query, *, locale="en", limit=10):
        raise GeocodingError("connection refused by geo.example")

    def reverse(self, lat, lon, *, locale="en"):
        raise GeocodingError("timed out after 5 s")


def registry(geocoder):
    return {"geocoder": geocoder, "geocoders": {geocoder.name: geocoder} if geocoder else {}}


def test_search_asks_the_chosen_provider_and_keeps_the_limit():
    geocoder = ListGeocoder()
    result = services.search_addresses(registry(geocoder), "  rue   Jangot ", "fr", limit=3)
    assert result.ok and result.provider == "listed"
    assert result.places == (LYON, LYON, LYON)
    assert geocoder.asked == [("search", "rue Jangot", "fr", 3)]


def test_reverse_gives_the_place_or_nothing():
    assert services.reverse(registry(ListGeocoder()), 45.76, 4.84).place == LYON
    empty = services.reverse(registry(ListGeocoder(places=())), 0.0, -30.0)
    assert empty.ok and empty.place is None and empty.places == ()


def test_a_provider_that_is_down_gives_a_result_with_a_message(caplog):
    result = services.search_addresses(registry(DownGeocoder()), "Lyon")
    assert not result.ok
    assert result.places == ()
    assert result.error == services.UNAVAILABLE
    assert "connection refused by geo.example" in caplog.text
    assert services.reverse(registry(DownGeocoder()), 1.0, 2.0).error == services.UNAVAILABLE


def test_no_provider_is_said_plainly():
    assert services.search_addresses(registry(None), "Lyon").error == services.NOT_CONFIGURED
    assert services.reverse(registry(None), 1.0, 2.0).error == services.NOT_CONFIGURED


@pytest.mark.parametrize("query", ["", "   ", None])
def test_an_empty_query_is_refused_before_asking(query):
    geocoder = ListGeocoder()
    with pytest.raises(ServiceError) as raised:
        services.search_addresses(registry(geocoder), query)
    assert raised.value.status == 400 and "q" in raised.value.fields
    assert geocoder.asked == []


def test_a_long_query_is_refused_before_asking():
    geocoder = ListGeocoder()
    services.search_addresses(registry(geocoder), "x" * services.MAX_QUERY_LENGTH)
    with pytest.raises(Invalid) as raised:
        services.search_addresses(registry(geocoder), "x" * (services.MAX_QUERY_LENGTH + 1))
    assert "q" in raised.value.fields
    assert len(geocoder.asked) == 1


@pytest.mark.parametrize("limit", [0, -1, services.MAX_LIMIT + 1])
def test_the_limit_is_bounded(limit):
    with pytest.raises(Invalid) as raised:
        services.search_addresses(registry(ListGeocoder()), "Lyon", limit=limit)
    assert "limit" in raised.value.fields


@pytest.mark.parametrize(
    ("lat", "lon", "fields"),
    [
        (90.01, 0.0, {"lat"}),
        (-91.0, 0.0, {"lat"}),
        (0.0, 180.5, {"lon"}),
        (math.nan, math.inf, {"lat", "lon"}),
    ],
)
def test_coordinates_out_of_range_are_invalid(lat, lon, fields):
    with pytest.raises(Invalid) as raised:
        services.reverse(registry(ListGeocoder()), lat, lon)
    assert set(raised.value.fields) == fields


def test_edges_of_the_world_are_fine():
    assert services.reverse(registry(ListGeocoder()), -90.0, 180.0).ok


def test_choosing_a_provider():
    first, second = ListGeocoder("first"), ListGeocoder("second")
    geocoders = {"first": first, "second": second}
    assert services.choose_geocoder(geocoders, "") is first
    assert services.choose_geocoder(geocoders, " second ") is second
    assert services.choose_geocoder({}, None) is None
    with pytest.raises(SettingsError, match="mobilizon.geocoder.*'third'.*first, second"):
        services.choose_geocoder(geocoders, "third")


class Offers:
    """A plugin object offering the given geocoders through the real hook."""

    def __init__(self, *geocoders):
        self.geocoders = geocoders

    @hookimpl
    def register_geocoders(self, settings):
        return list(self.geocoders)


def offering(*plugins):
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs.MobilizonSpec)
    for plugin in plugins:
        pm.register(plugin)
    return pm


def test_geocoders_are_gathered_through_the_hook():
    pm = offering(Offers(ListGeocoder("a")), Offers(ListGeocoder("b")))
    assert list(services.load_geocoders(pm, {})) == ["b", "a"]  # later registered answers first


def test_two_geocoders_with_one_name_stop_start_up():
    pm = offering(Offers(ListGeocoder("same")), Offers(ListGeocoder("same")))
    with pytest.raises(PluginError, match="'same'"):
        services.load_geocoders(pm, {})


def test_something_that_is_not_a_geocoder_stops_start_up():
    pm = offering(Offers(object()))
    with pytest.raises(PluginError, match="not a Geocoder"):
        services.load_geocoders(pm, {})
