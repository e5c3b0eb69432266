"""The offline gazetteer: found through its installed entry point, answering through the API."""

from importlib.metadata import entry_points
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from mobilizon_gazetteer.gazetteer import Gazetteer, haversine_km, load_default

from mobilizon.settings import SettingsError


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer(load_default())


def search(app, q, **params):
    return app.get("/api/v1/geocoding/search", params={"q": q, **params}).json["places"]


def test_discovered_through_the_installed_entry_point(app):
    found = {ep.name: ep for ep in entry_points(group="mobilizon")}
    assert found["gazetteer"].value == "mobilizon_gazetteer.plugin"
    assert found["gazetteer"].dist.name == "mobilizon-gazetteer"
    assert app.app.registry["geocoder"].name == "gazetteer"  # the default geocoder


def test_paris(app):
    first = search(app, "paris")[0]
    assert first["locality"] == "Paris"
    assert first["country"] == "France"
    assert first["lat"] == pytest.approx(48.85, abs=0.05)
    assert first["lon"] == pytest.approx(2.35, abs=0.05)
    assert first["origin_id"] == "gazetteer:fr-paris"
    assert first["timezone"] == "Europe/Paris"
    assert first["description"] == "Paris, Île-de-France, France"
    assert set(first) == {
        "description",
        "street",
        "locality",
        "postal_code",
        "region",
        "country",
        "lat",
        "lon",
        "origin_id",
        "timezone",
    }


def test_without_accents_or_case(app):
    assert search(app, "montreal")[0]["locality"] == "Montréal"
    assert search(app, "MONTRÉAL")[0]["locality"] == "Montréal"
    assert search(app, "saint etienne")[0]["locality"] == "Saint-Étienne"
    assert search(app, "st-etienne")[0]["locality"] == "Saint-Étienne"
    assert search(app, "villeneuve d ascq")[0]["locality"] == "Villeneuve-d'Ascq"
    assert search(app, "lodz")[0]["locality"] == "Łódź"


def test_names_and_countries_in_the_viewers_language(app):
    (london,) = search(app, "londres", limit=1)
    assert london["origin_id"] == "gazetteer:gb-london"
    french = app.get(
        "/api/v1/geocoding/search", params={"q": "london"}, headers={"Accept-Language": "fr"}
    ).json["places"][0]
    assert (french["locality"], french["country"]) == ("Londres", "Royaume-Uni")
    english = app.get(
        "/api/v1/geocoding/search", params={"q": "Londres"}, headers={"Accept-Language": "en"}
    ).json["places"][0]
    assert (english["locality"], english["country"]) == ("London", "United Kingdom")


def test_city_comma_country_narrows_the_answer(app):
    assert search(app, "Valence")[0]["origin_id"] == "gazetteer:fr-valence"
    assert [p["origin_id"] for p in search(app, "Valence, Espagne")] == ["gazetteer:es-valencia"]
    assert search(app, "Saint-Denis, Réunion")[0]["origin_id"] == "gazetteer:fr-saint-denis-reunion"
    assert search(app, "Paris, FR")[0]["origin_id"] == "gazetteer:fr-paris"
    assert search(app, "paris france")[0]["origin_id"] == "gazetteer:fr-paris"
    assert search(app, "Paris, Japan") == []


def test_exact_before_prefix_before_substring_then_bigger_first(gazetteer):
    assert [p.locality for p in gazetteer.search("nice", limit=1)] == ["Nice"]
    # "Vienne" is the Isère town's own name and only Vienna's French name
    assert gazetteer.search("vienne", locale="fr", limit=2)[0].origin_id == "gazetteer:fr-vienne"
    prefixed = gazetteer.search("mars", limit=3)
    assert prefixed[0].locality == "Marseille"
    found = [p.locality for p in gazetteer.search("ville", locale="fr", limit=50)]
    starts = [name for name in found if name.lower().startswith("ville")]
    assert found[: len(starts)] == starts  # every prefix match before any substring match
    assert "Abbeville" in found
    big_first = [p.origin_id for p in gazetteer.search("saint", locale="fr", limit=3)]
    assert big_first == [
        "gazetteer:sn-saint-louis",
        "gazetteer:fr-saint-etienne",
        "gazetteer:fr-saint-denis-reunion",
    ]


def test_limit(app):
    assert len(search(app, "saint", limit=3)) == 3
    assert len(search(app, "saint")) == 10


def test_reverse_near_lyon_is_lyon(app):
    place = app.get("/api/v1/geocoding/reverse", params={"lat": "45.7517", "lon": "4.8426"}).json["place"]
    assert place["locality"] == "Lyon"
    assert place["origin_id"] == "gazetteer:fr-lyon"


def test_reverse_far_from_any_city_is_null(app):
    answer = app.get("/api/v1/geocoding/reverse", params={"lat": "30", "lon": "-40"}).json
    assert answer == {"place": None}


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({}, 400, "q"),
        ({"q": "   "}, 400, "q"),
        ({"q": "x" * 201}, 422, "q"),
        ({"q": "paris", "limit": "0"}, 422, "limit"),
        ({"q": "paris", "limit": "21"}, 422, "limit"),
        ({"q": "paris", "limit": "many"}, 422, "limit"),
    ],
)
def test_bad_search_input_is_a_clear_4xx(app, params, status, field):
    error = app.get("/api/v1/geocoding/search", params=params, status=status).json["error"]
    assert field in error["fields"]
    assert error["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "91", "lon": "2"}, "lat"),
        ({"lat": "-90.5", "lon": "2"}, "lat"),
        ({"lat": "45", "lon": "180.1"}, "lon"),
        ({"lat": "nan", "lon": "2"}, "lat"),
        ({"lat": "north", "lon": "2"}, "lat"),
        ({"lon": "2"}, "lat"),
    ],
)
def test_bad_coordinates_are_a_422(app, params, field):
    error = app.get("/api/v1/geocoding/reverse", params=params, status=422).json["error"]
    assert field in error["fields"]


def test_messages_are_translated(app):
    error = app.get(
        "/api/v1/geocoding/search", params={"q": "x" * 201}, headers={"Accept-Language": "fr"}, status=422
    ).json["error"]
    assert error["message"] != "Keep the search under 200 characters."
    assert "200" in error["message"]


def test_an_unknown_geocoder_stops_start_up(geocoding_app):
    with pytest.raises(SettingsError, match="mobilizon.geocoder.*'photon'.*gazetteer"):
        geocoding_app(**{"mobilizon.geocoder": "photon"})


def test_without_any_geocoder_the_api_says_so(geocoding_app):
    app = geocoding_app(**{"mobilizon.plugins.disabled": "gazetteer nominatim"})
    error = app.get("/api/v1/geocoding/search", params={"q": "paris"}, status=503).json["error"]
    assert error["code"] == "geocoding_unavailable"
    assert "No address search service" in error["message"]


def test_the_shipped_data_is_sound():
    cities = load_default()
    assert 300 <= len(cities) <= 1000
    assert len({city.id for city in cities}) == len(cities)
    countries = Locale.parse("en").territories
    for city in cities:
        ZoneInfo(city.timezone)
        assert city.country_code in countries, city
        assert -90 <= city.lat <= 90 and -180 <= city.lon <= 180, city
        assert city.population > 0 and city.ascii_name.isascii(), city
        if city.country_code == "FR" and city.timezone == "Europe/Paris":
            assert 41.3 < city.lat < 51.1 and -5.2 < city.lon < 9.6, city  # metropolitan France
    french = [city for city in cities if city.country_code == "FR"]
    assert len(french) >= 250


def test_capitals_are_where_they_should_be(gazetteer):
    for query, lat, lon in [
        ("Paris", 48.86, 2.35),
        ("Bruxelles", 50.85, 4.35),
        ("Tokyo", 35.68, 139.65),
        ("Dakar", 14.72, -17.47),
        ("Buenos Aires", -34.60, -58.38),
    ]:
        place = gazetteer.search(query, limit=1)[0]
        assert haversine_km(place.lat, place.lon, lat, lon) < 10, query


def test_max_distance_is_a_setting(geocoding_app):
    app = geocoding_app(**{"mobilizon.gazetteer.max_distance_km": "5"})
    # north of Lyon: the nearest city of the gazetteer, Caluire-et-Cuire, is 8 km away
    assert app.get("/api/v1/geocoding/reverse", params={"lat": "45.87", "lon": "4.84"}).json == {
        "place": None
    }
    with pytest.raises(SettingsError, match="mobilizon.gazetteer.max_distance_km"):
        geocoding_app(**{"mobilizon.gazetteer.max_distance_km": "far"})
