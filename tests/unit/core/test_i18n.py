from datetime import UTC, datetime

from pyramid.request import Request

from mobilizon.i18n import format_date, format_datetime, negotiate_locale


def request_for(app, accept_language=None):
    request = Request.blank("/", headers={"Accept-Language": accept_language} if accept_language else {})
    request.registry = app.app.registry
    request.user = None
    return request


def test_locale_comes_from_accept_language_then_the_instance_default(app):
    assert negotiate_locale(request_for(app, "fr-CA,fr;q=0.8")) == "fr"
    assert negotiate_locale(request_for(app, "de-DE")) == "en"
    assert negotiate_locale(request_for(app)) == "en"


def test_the_account_locale_wins(app):
    class Account:
        locale = "fr"
        timezone = "America/Montreal"

    request = request_for(app, "en")
    request.user = Account()
    assert negotiate_locale(request) == "fr"


def test_dates_are_written_for_the_locale_in_the_viewer_zone(app):
    moment = datetime(2026, 7, 14, 18, 30, tzinfo=UTC)
    french = request_for(app, "fr")
    french.locale_name = "fr"
    english = request_for(app, "en")
    english.locale_name = "en"
    # the instance's default zone in tests is Europe/Paris (UTC+2 in July)
    assert format_datetime(french, moment, "short") == "14/07/2026 20:30"
    assert "8:30" in format_datetime(english, moment, "short")
    assert format_date(french, moment) == "14 juillet 2026"
    assert format_datetime(english, moment, "short", tz="America/Montreal").endswith("2:30\u202fPM")
