"""Account settings (language, time zone, notifications), data export, and account deletion."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from icalendar import Calendar

from mobilizon.accounts.models import AuthToken
from mobilizon.identities.models import Actor
from tests.functional.accounts.accounts_helpers import (
    PASSWORD,
    committed,
    find_user,
    form_to,
    form_with,
    french_ready,
    log_in,
)


def add_profile(app, email, username, name=None):
    """A profile for the account (the identities feature makes them; accounts only read them)."""
    from mobilizon.accounts import services
    from mobilizon.identities.services import create_profile

    with committed(app) as session:
        user = services.find_user(session, email)
        create_profile(session, app.app.registry.settings, user, username, name=name)


def unique_username(prefix="rose"):
    import uuid

    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def test_settings_locale_timezone_and_notifications(confirmed_account):
    browser, email = confirmed_account()
    form = form_to(browser.get("/account/settings"), "/account/settings")
    assert form["timezone"].value == "Europe/Paris"  # the instance's until chosen
    form["locale"] = "fr"
    form["timezone"] = "America/Montreal"
    form["notifications.each_week"] = True
    form["notifications.on_day"] = False
    form["notifications.group_activity"] = "one_week"
    form.submit(status=302)

    user = find_user(browser, email)
    assert (user.locale, user.timezone) == ("fr", "America/Montreal")
    notifications = user.settings["notifications"]
    assert notifications["each_week"] is True
    assert notifications["on_day"] is False
    assert notifications["before_event"] is True
    assert notifications["group_activity"] == "one_week"

    page = browser.get("/account/settings", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in page.text  # the account's language wins over the browser's
    form = form_to(page, "/account/settings")
    assert form["timezone"].value == "America/Montreal"
    assert form["notifications.each_week"].checked


def test_settings_pages_in_french(confirmed_account):
    french_ready("Account settings", "Your settings are saved.")
    browser, _email = confirmed_account()
    form = form_to(browser.get("/account/settings"), "/account/settings")
    form["locale"] = "fr"
    page = form.submit(status=302).follow()
    assert "Paramètres du compte" in page.text
    assert "Vos paramètres sont enregistrés." in page.text


def test_settings_refuse_unknown_values(confirmed_account):
    browser, _email = confirmed_account()
    page = browser.get("/account/settings")
    token = form_to(page, "/account/settings")["csrf_token"].value
    page = browser.post(
        "/account/settings",
        {
            "csrf_token": token,
            "locale": "de",
            "timezone": "Mars/Olympus",
            "notifications.group_activity": "hourly",
        },
        status=422,
    )
    assert "Choose English or French." in page.text
    assert "Choose a time zone from the list" in page.text
    assert "Use one of none, direct" in page.text


def test_times_are_shown_in_the_account_time_zone(confirmed_account):
    """The API token list shows times: they follow the account's time zone."""
    browser, email = confirmed_account()
    api = browser.post_json("/api/v1/auth/token", {"email": email, "password": PASSWORD, "name": "phone"})
    assert api.status_int == 201
    form = form_to(browser.get("/account/settings"), "/account/settings")
    form["timezone"] = "Pacific/Auckland"
    form.submit()
    page = browser.get("/account/settings").text
    assert "phone" in page
    with committed(browser) as session:
        created = session.query(AuthToken).filter(AuthToken.name == "phone").one().created_at
    assert format_datetime(created, tzinfo=ZoneInfo("Pacific/Auckland"), locale="en") in page
    assert format_datetime(created, tzinfo=ZoneInfo("Europe/Paris"), locale="en") not in page


def test_export_json_and_ics(confirmed_account):
    browser, email = confirmed_account()
    username = unique_username()
    add_profile(browser, email, username, "Rose")
    page = browser.get("/account/settings")
    response = page.click(href="/account/export.json")
    assert response.content_type == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.body)
    assert data["account"]["email"] == email
    assert data["account"]["settings"]["notifications"]["before_event"] is True
    assert [profile["preferred_username"] for profile in data["profiles"]] == [username]
    assert data["profiles"][0]["name"] == "Rose"
    assert data["profiles"][0]["default"] is True
    text = response.text
    assert "password" not in text and "private_key" not in text and "PRIVATE KEY" not in text

    response = page.click(href="/account/export.ics")
    assert response.content_type == "text/calendar"
    calendar = Calendar.from_ical(response.body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert calendar.subcomponents[0]["TZID"] == "Europe/Paris"
    assert calendar.events == []


def test_exports_need_a_signed_in_account(client):
    browser = client()
    assert "/login" in browser.get("/account/export.json", status=302).location
    assert "/login" in browser.get("/account/export.ics", status=302).location


def test_deleting_the_account(client, confirmed_account):
    browser, email = confirmed_account()
    first, second = unique_username(), unique_username()
    add_profile(browser, email, first)
    add_profile(browser, email, second)
    page = browser.get("/account/settings").click(href="/account/delete")
    # it says what will happen before anything happens
    assert "What will happen" in page.text
    assert f"@{first}" in page.text and f"@{second}" in page.text
    assert "Nothing can be restored" in page.text
    assert find_user(browser, email) is not None

    form = form_with(page, "password")
    form["password"] = "not my password"
    page = form.submit(status=403)
    assert "Your current password is not right." in page.text
    assert find_user(browser, email) is not None

    form = form_with(page, "password")
    form["password"] = PASSWORD
    page = form.submit(status=302).follow()
    assert "Your account and all its profiles are deleted" in page.text
    assert find_user(browser, email) is None
    with committed(browser) as session:
        assert session.query(Actor).filter(Actor.preferred_username.in_([first, second])).count() == 0
    browser.get("/account/settings", status=302)
    log_in(client(), email, status=401)


def test_exports_hold_the_events_the_account_organises(confirmed_account):
    browser, email = confirmed_account()
    username = unique_username()
    add_profile(browser, email, username, "Rose")
    token = browser.post_json("/api/v1/auth/token", {"email": email, "password": PASSWORD}).json["token"]
    event = browser.post_json(
        "/api/v1/events",
        {
            "title": "Collage night",
            "begins_on": "2030-05-04T19:00:00+02:00",
            "timezone": "Europe/Paris",
            "identity": username,
        },
        headers={"Authorization": f"Bearer {token}"},
        status=201,
    ).json
    data = browser.get("/account/export.json").json
    assert [(e["uuid"], e["title"]) for e in data["events"]] == [(event["uuid"], "Collage night")]
    calendar = Calendar.from_ical(browser.get("/account/export.ics").body)
    [vevent] = calendar.events
    assert str(vevent["SUMMARY"]) == "Collage night"
    assert vevent["DTSTART"].dt.tzinfo.key == "Europe/Paris"
