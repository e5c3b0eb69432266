"""Email addresses, registration modes, settings validation, token lookup rules."""

from types import SimpleNamespace

import pytest

from mobilizon.accounts import preferences, services
from mobilizon.errors import Forbidden, Invalid


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Rose@Example.ORG", "rose@example.org"),
        ("  rose@example.org  ", "rose@example.org"),
        ("rose.b+events@asso.example.fr", "rose.b+events@asso.example.fr"),
        ("rose@éxample.fr", "rose@xn--xample-9ua.fr"),
        ("o'brien@example.ie", "o'brien@example.ie"),
    ],
)
def test_valid_emails_are_normalised(raw, normal):
    assert services.normalize_email(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "rose",
        "rose@",
        "@example.org",
        "rose@example",
        "rose@-example.org",
        "rose@example.org.",
        ".rose@example.org",
        "rose.@example.org",
        "ro se@example.org",
        "rose@ex_ample.org",
        "rose<@example.org",
        "a" * 65 + "@example.org",
        "rose@" + "a" * 250 + ".org",
        "rose@example.org\nBcc: x@y.org",
    ],
)
def test_invalid_emails(raw):
    with pytest.raises(Invalid) as caught:
        services.normalize_email(raw)
    assert caught.value.code == "invalid_email"
    assert "email" in caught.value.fields


def test_allowlist_accepts_listed_domains_and_addresses():
    services.check_allowed("rose@asso.example", "open", [])
    services.check_allowed("rose@asso.example", "allowlist", ["asso.example"])
    services.check_allowed("guest@gmail.example", "allowlist", ["asso.example", "guest@gmail.example"])
    with pytest.raises(Forbidden) as caught:
        services.check_allowed("rose@sub.asso.example", "allowlist", ["asso.example"])
    assert caught.value.code == "email_domain_not_allowed"


def user(**values):
    return SimpleNamespace(**{"locale": None, "timezone": None, "settings": {}, **values})


def test_preferences_change_only_what_is_given():
    account = user()
    preferences.update_preferences(account, locale="fr")
    assert (account.locale, account.timezone, account.settings) == ("fr", None, {})
    preferences.update_preferences(account, timezone="America/Sao_Paulo", notifications={"on_day": False})
    assert account.timezone == "America/Sao_Paulo"
    assert account.settings["notifications"] == {**preferences.NOTIFICATION_DEFAULTS, "on_day": False}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"locale": "klingon"}, "locale"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": "EST5EDT"}, "timezone"),
        ({"notifications": {"on_day": "yes"}}, "notifications.on_day"),
        ({"notifications": {"group_activity": "sometimes"}}, "notifications.group_activity"),
        ({"notifications": {"carrier_pigeon": True}}, "notifications.carrier_pigeon"),
    ],
)
def test_preferences_refuse_invalid_values_and_change_nothing(values, field):
    account = user()
    with pytest.raises(Invalid) as caught:
        preferences.update_preferences(account, **{"locale": "fr", **values})
    assert field in caught.value.fields
    assert account.locale is None and account.settings == {}


def test_notification_settings_fill_in_defaults():
    assert preferences.notification_settings(user()) == preferences.NOTIFICATION_DEFAULTS
    stored = user(settings={"notifications": {"each_week": True}})
    assert preferences.notification_settings(stored)["each_week"] is True
    assert preferences.notification_settings(stored)["on_day"] is True


def test_the_calendar_export_is_valid_icalendar(dbsession):
    from icalendar import Calendar

    settings = {"mobilizon.instance_name": "Test", "mobilizon.default_timezone": "Europe/Paris"}
    # an account with no event yet: the calendar still holds a component, its time zone
    data = preferences.export_calendar(
        dbsession, SimpleNamespace(id=-1, email="rose@example.org", timezone="Asia/Tokyo"), settings
    )
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar.subcomponents[0]["TZID"] == "Asia/Tokyo"
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
