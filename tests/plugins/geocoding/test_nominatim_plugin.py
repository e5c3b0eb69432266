"""The Nominatim plugin against a real local HTTP server speaking Nominatim's GeocodeJSON.

The server replays the payloads of shared/fixtures/geospatial/nominatim; it counts and times
the requests it receives, so the cache and the rate limit are measured where they matter.
"""

import threading
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points

import pytest
from mobilizon_nominatim.cache import nominatim_cache
from mobilizon_nominatim.geocoder import DEFAULT_URL, NominatimGeocoder
from mobilizon_nominatim.plugin import register_migrations
from sqlalchemy import delete, func, insert, inspect, select, update

from mobilizon import __version__ as mobilizon_version
from mobilizon.hookspecs import GeocodingError, Place
from mobilizon.settings import SettingsError
from mobilizon.testing import free_port

JANGOT = Place(
    description="10 Rue Jangot, 69007 Lyon, France",
    street="10 Rue Jangot",
    locality="Lyon",
    postal_code="69007",
    region="Auvergne-Rhône-Alpes",
    country="France",
    lat=45.7517141,
    lon=4.8425657,
    origin_id="nominatim:N3078260611",
    timezone="",
)


@pytest.fixture(autouse=True)
def empty_cache(app):
    """Each test starts without cached answers (a fake server's port may come round again)."""
    with app.app.registry["db_engine"].begin() as connection:
        connection.execute(delete(nominatim_cache))


def nominatim_app(geocoding_app, server_url, **settings):
    return geocoding_app(
        **{"mobilizon.geocoder": "nominatim", "mobilizon.nominatim.url": server_url, **settings}
    )


def geocoder_of(app) -> NominatimGeocoder:
    geocoder = app.app.registry["geocoder"]
    assert isinstance(geocoder, NominatimGeocoder)
    return geocoder


def test_the_plugin_is_an_installed_entry_point():
    found = {ep.name: ep for ep in entry_points(group="mobilizon")}
    assert found["nominatim"].value == "mobilizon_nominatim.plugin"
    assert found["nominatim"].dist.name == "mobilizon-nominatim"


def test_its_own_migration_branch_created_the_cache_table(app):
    (folder,) = register_migrations()
    assert any(
        path.name.startswith("nominatim_0001") for path in __import__("pathlib").Path(folder).iterdir()
    )
    engine = app.app.registry["db_engine"]
    assert inspect(engine).has_table("nominatim_cache")


def test_not_offered_unless_chosen(app):
    """Installed is not chosen: people's searches go to a third party only if the admin says so."""
    assert "nominatim" not in app.app.registry["geocoders"]
    assert app.app.registry["geocoder"].name == "gazetteer"


def test_search_reads_geocodejson_into_places(geocoding_app, nominatim_server):
    server = nominatim_server()
    app = nominatim_app(geocoding_app, server.url)

    places = geocoder_of(app).search("10 rue Jangot", locale="fr", limit=5)

    assert places == [JANGOT]
    (request,) = server.seen
    assert request.path == "/search"
    assert request.params["q"] == "10 rue Jangot"
    assert request.params["format"] == "geocodejson"
    assert request.params["addressdetails"] == "1"
    assert request.params["accept-language"] == "fr"
    assert request.headers["User-Agent"] == f"mobilizon-py/{mobilizon_version} (+http://localhost)"


def test_reverse_reads_the_place_at_a_point(geocoding_app, nominatim_server):
    server = nominatim_server()
    app = nominatim_app(geocoding_app, server.url)

    place = geocoder_of(app).reverse(45.751718, 4.842569, locale="en")

    assert place == JANGOT
    (request,) = server.seen
    assert request.path == "/reverse"
    assert (request.params["lat"], request.params["lon"]) == ("45.751718", "4.842569")
    assert request.params["format"] == "geocodejson"


def test_reverse_where_nothing_is_known_gives_none(geocoding_app, nominatim_server):
    server = nominatim_server(body={"error": "Unable to geocode"})
    app = nominatim_app(geocoding_app, server.url)
    assert geocoder_of(app).reverse(0.0, -30.0) is None


def test_the_json_endpoint_answers_with_nominatim_places(geocoding_app, nominatim_server):
    server = nominatim_server()
    app = nominatim_app(geocoding_app, server.url)

    found = app.get("/api/v1/geocoding/search", params={"q": "10 rue Jangot"}).json
    at = app.get("/api/v1/geocoding/reverse", params={"lat": "45.751718", "lon": "4.842569"}).json

    assert found["places"][0]["origin_id"] == "nominatim:N3078260611"
    assert found["places"][0]["postal_code"] == "69007"
    assert at["place"]["street"] == "10 Rue Jangot"
    assert server.paths() == ["/search", "/reverse"]


def test_a_second_identical_query_comes_from_the_cache(geocoding_app, nominatim_server):
    server = nominatim_server()
    app = nominatim_app(geocoding_app, server.url, **{"mobilizon.nominatim.min_interval": "0"})
    geocoder = geocoder_of(app)

    first = geocoder.search("10 rue Jangot", locale="fr")
    again = geocoder.search("10  Rue JANGOT ", locale="fr")
    assert again == first
    assert len(server.seen) == 1

    geocoder.search("10 rue Jangot", locale="en")  # another language is another answer
    assert len(server.seen) == 2

    # a second app (another worker thread's, or after a restart) reads the same table
    assert geocoder_of(nominatim_app(geocoding_app, server.url)).search("10 rue jangot", locale="fr")
    assert len(server.seen) == 2


def test_cached_answers_expire(geocoding_app, nominatim_server):
    server = nominatim_server()
    app = nominatim_app(
        geocoding_app,
        server.url,
        **{"mobilizon.nominatim.min_interval": "0", "mobilizon.nominatim.cache_days": "30"},
    )
    geocoder = geocoder_of(app)
    geocoder.reverse(45.751718, 4.842569, locale="fr")
    engine = app.app.registry["db_engine"]
    with engine.begin() as connection:
        connection.execute(
            update(nominatim_cache)
            .where(nominatim_cache.c.query == "45.751718,4.842569")
            .values(created_at=datetime.now(UTC) - timedelta(days=31))
        )

    geocoder.reverse(45.751718, 4.842569, locale="fr")

    assert server.paths() == ["/reverse", "/reverse"]
    with engine.connect() as connection:
        rows = connection.scalar(
            select(func.count())
            .select_from(nominatim_cache)
            .where(nominatim_cache.c.query == "45.751718,4.842569")
        )
    assert rows == 1  # the stale row was replaced, not kept beside the fresh one


def test_expired_answers_are_purged(geocoding_app, nominatim_server):
    server = nominatim_server()
    app = nominatim_app(geocoding_app, server.url, **{"mobilizon.nominatim.min_interval": "0"})
    engine = app.app.registry["db_engine"]
    long_ago = datetime.now(UTC) - timedelta(days=40)
    with engine.begin() as connection:
        connection.execute(
            insert(nominatim_cache).values(
                key="f" * 64, kind="search", query="forgotten", locale="fr", result={}, created_at=long_ago
            )
        )

    geocoder_of(app).search("rue Jangot")  # the first write of a process purges what expired

    with engine.connect() as connection:
        left = connection.scalars(select(nominatim_cache.c.query)).all()
    assert "forgotten" not in left
    assert "rue Jangot" in left


def test_requests_are_at_least_a_second_apart_across_threads(geocoding_app, nominatim_server):
    server = nominatim_server()
    geocoder = geocoder_of(nominatim_app(geocoding_app, server.url))
    assert geocoder.config.min_interval == 1.0
    errors = []

    def search(text):
        try:
            geocoder.search(text, locale="fr")
        except GeocodingError as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=search, args=(f"rue {n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)

    assert not errors
    arrivals = sorted(request.at for request in server.seen)
    assert len(arrivals) == 3
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= 1.0, gaps


def test_a_server_slower_than_the_timeout_gives_a_clear_error(geocoding_app, nominatim_server):
    server = nominatim_server(delay=5)
    app = nominatim_app(geocoding_app, server.url, **{"mobilizon.nominatim.timeout": "1"})

    started = time.monotonic()
    with pytest.raises(GeocodingError, match=r"did not answer within 1 s"):
        geocoder_of(app).search("10 rue Jangot")
    assert time.monotonic() - started < 3
    assert len(server.seen) == 1  # no retry behind the rate limit's back


def test_a_slow_server_is_a_503_with_a_message_not_a_500(geocoding_app, nominatim_server, caplog):
    server = nominatim_server(delay=5)
    app = nominatim_app(geocoding_app, server.url, **{"mobilizon.nominatim.timeout": "1"})

    response = app.get("/api/v1/geocoding/search", params={"q": "10 rue Jangot"}, status=503)

    assert response.json["error"]["code"] == "geocoding_unavailable"
    assert "not answering right now" in response.json["error"]["message"]
    assert "did not answer within 1 s" in caplog.text  # the details are for the administrators


def test_a_closed_port_is_a_503_with_a_message(geocoding_app):
    app = nominatim_app(geocoding_app, f"http://127.0.0.1:{free_port()}")

    response = app.get(
        "/api/v1/geocoding/reverse",
        params={"lat": "45.75", "lon": "4.84"},
        headers={"Accept-Language": "fr"},
        status=503,
    )

    assert response.json["error"]["code"] == "geocoding_unavailable"
    with pytest.raises(GeocodingError, match=r"cannot be reached"):
        geocoder_of(app).reverse(45.75, 4.84)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"status": 500}, r"answered with an error"),
        ({"status": 429}, r"too many requests"),
        ({"status": 403}, r"check mobilizon.nominatim.user_agent"),
        ({"body": {"error": "Nothing to search for"}}, r"answered with an error \(Nothing"),
        ({"body": b"<html>maintenance</html>"}, r"answered with an error"),
        ({"body": {"type": "Feature"}}, r"not GeocodeJSON"),
    ],
)
def test_errors_from_the_server_are_geocoding_errors(geocoding_app, nominatim_server, options, message):
    server = nominatim_server(**options)
    geocoder = geocoder_of(
        nominatim_app(geocoding_app, server.url, **{"mobilizon.nominatim.min_interval": "0"})
    )
    with pytest.raises(GeocodingError, match=message):
        geocoder.search("10 rue Jangot")
    with pytest.raises(GeocodingError):
        geocoder.search("10 rue Jangot")
    assert len(server.seen) == 2  # failures are never cached


def test_defaults_follow_the_public_service_policy(geocoding_app):
    geocoder = geocoder_of(geocoding_app(**{"mobilizon.geocoder": "nominatim"}))
    assert geocoder.config.url == DEFAULT_URL == "https://nominatim.openstreetmap.org"
    assert geocoder.config.timeout == 5.0
    assert geocoder.config.min_interval == 1.0
    assert geocoder.config.cache_days == 30
    assert geocoder.config.user_agent.endswith("(+http://localhost)")
    assert geocoder.cache is not None  # the setup hook gave it the app's session factory


def test_the_user_agent_can_be_set(geocoding_app, nominatim_server):
    server = nominatim_server()
    app = nominatim_app(
        geocoding_app, server.url, **{"mobilizon.nominatim.user_agent": "Our events (ops@example.org)"}
    )
    geocoder_of(app).search("rue Jangot")
    assert server.seen[0].headers["User-Agent"] == "Our events (ops@example.org)"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("mobilizon.nominatim.url", "ftp://example.org"),
        ("mobilizon.nominatim.timeout", "soon"),
        ("mobilizon.nominatim.timeout", "0"),
        ("mobilizon.nominatim.min_interval", "-1"),
        ("mobilizon.nominatim.cache_days", "0"),
    ],
)
def test_bad_settings_stop_start_up_naming_the_setting(geocoding_app, name, value):
    with pytest.raises(SettingsError, match=name):
        geocoding_app(**{name: value})
