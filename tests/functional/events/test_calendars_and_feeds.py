"""iCalendar per event and per person, Atom for the instance: parsed by real parsers."""

from __future__ import annotations

from xml.etree import ElementTree

import icalendar

from .events_helpers import local_path, new_person

API = "/api/v1/events"
ATOM = "{http://www.w3.org/2005/Atom}"


def vevents(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return [component for component in calendar.walk("VEVENT")]


def test_event_ics_keeps_the_event_zone_and_a_stable_uid(app, create_event):
    rose = new_person(app)
    created = create_event(
        rose,
        title="Trees, ads; and: umbrellas\nEND:VEVENT",
        description="<p>Bring an <strong>umbrella</strong>.</p><script>x</script>",
        begins_on="2031-04-10T18:30",
        ends_on="2031-04-10T20:00",
        timezone="Europe/Paris",
        address={"description": "Place de la République", "locality": "Paris", "lat": 48.8674, "lon": 2.3636},
    )
    uuid = created["uuid"]
    response = app.get(f"/events/{uuid}.ics")
    assert response.content_type == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.body)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == created["url"]
    assert event["SUMMARY"] == "Trees, ads; and: umbrellas END:VEVENT"  # a title is one line
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Paris"
    assert start.dt.isoformat() == "2031-04-10T18:30:00+02:00"
    assert str(start.dt.tzinfo) == "Europe/Paris"
    assert event["DTEND"].dt.isoformat() == "2031-04-10T20:00:00+02:00"
    assert event["DESCRIPTION"] == "Bring an umbrella."
    assert event["LOCATION"] == "Place de la République, Paris"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (48.8674, 2.3636)
    assert event["URL"] == created["url"]
    assert event["STATUS"] == "CONFIRMED"
    assert event["ORGANIZER"] == created["organizer"]["url"]
    assert event["ORGANIZER"].params["CN"] == rose.username
    assert event["SEQUENCE"] == 0
    assert b"END:VEVENT\r\nEND:VEVENT" not in response.body  # the title did not end the event

    app.patch_json(f"{API}/{uuid}", {"title": "Trees"}, headers=rose.auth)
    app.patch_json(f"{API}/{uuid}", {"status": "cancelled"}, headers=rose.auth)
    (event,) = vevents(app.get(f"/events/{uuid}.ics").body)
    assert event["UID"] == created["url"]
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CANCELLED"


def test_tentative_status_and_a_start_without_an_end(app, create_event):
    rose = new_person(app)
    created = create_event(
        rose, status="tentative", ends_on=None, begins_on="2031-05-01T10:00", timezone="Asia/Tokyo"
    )
    (event,) = vevents(app.get(f"/events/{created['uuid']}.ics").body)
    assert event["STATUS"] == "TENTATIVE"
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event["DTEND"].dt.isoformat() == "2031-05-01T12:00:00+09:00"


def test_the_online_address_stays_with_participants(app, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    uuid = create_event(
        organiser,
        online_address="https://meet.example.org/secret-room",
        options={"online_address_participants_only": True},
    )["uuid"]
    assert "secret-room" not in app.get(f"/events/{uuid}.ics").text
    assert app.get(f"{API}/{uuid}").json["online_address"] is None
    assert "secret-room" not in app.get(f"/events/{uuid}").text
    app.post_json(f"{API}/{uuid}/participations", {}, headers=rose.auth, status=201)
    assert app.get(f"{API}/{uuid}", headers=rose.auth).json["online_address"].endswith("secret-room")


def test_private_calendar_feed_made_regenerated_and_revoked(app, browser, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    joined = create_event(organiser, title="Joined walk")["uuid"]
    create_event(organiser, title="Not joined")
    mine = create_event(rose, title="Rose's own picnic")["uuid"]
    draft = create_event(rose, title="Rose's draft", draft=True)["uuid"]
    app.post_json(f"{API}/{joined}/participations", {}, headers=rose.auth, status=201)

    client = browser(rose)
    page = client.get("/feeds")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    shown = page.forms["feed-new"].submit()
    url = shown.html.find(id="feed-url")["value"]
    assert "/feeds/" in url and url.endswith(".ics")
    assert url not in client.get("/feeds").text  # shown once, kept hashed

    feed = app.get(local_path(url))
    titles = {str(event["SUMMARY"]) for event in vevents(feed.body)}
    assert titles == {"Joined walk", "Rose's own picnic"}
    assert all(str(event["UID"]).rsplit("/", 1)[1] not in (draft,) for event in vevents(feed.body))
    assert mine in feed.text

    renewed = client.get("/feeds").forms["feed-new"].submit().html.find(id="feed-url")["value"]
    app.get(local_path(url), status=404)
    app.get(local_path(renewed), status=200)
    client.get("/feeds").forms["feed-revoke"].submit().follow()
    app.get(local_path(renewed), status=404)
    app.get("/feeds/" + "A" * 43 + ".ics", status=404)


def test_atom_feed_of_upcoming_public_events(app, create_event):
    rose = new_person(app)
    public = create_event(
        rose, title="<script>alert(1)</script> & trees", description="<p>Plant <em>trees</em></p>"
    )
    hidden = [
        create_event(rose, title="Unlisted", visibility="unlisted")["uuid"],
        create_event(rose, title="Private", visibility="private")["uuid"],
        create_event(rose, title="Draft", draft=True)["uuid"],
        create_event(rose, title="Past", begins_on="2020-01-01T10:00", ends_on="2020-01-01T12:00")["uuid"],
    ]
    response = app.get("/feeds/events.atom")
    assert response.content_type == "application/atom+xml"
    feed = ElementTree.fromstring(response.body)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text == "http://localhost/feeds/events.atom"
    assert feed.find(f"{ATOM}title").text == "Upcoming events on Test instance"
    assert feed.find(f"{ATOM}updated").text
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": "http://localhost/feeds/events.atom", "alternate": "http://localhost/"}
    entries = {entry.find(f"{ATOM}id").text: entry for entry in feed.findall(f"{ATOM}entry")}
    entry = entries[public["url"]]
    assert entry.find(f"{ATOM}title").text == "<script>alert(1)</script> & trees"
    assert entry.find(f"{ATOM}updated").text
    assert entry.find(f"{ATOM}link").get("href") == public["url"]
    assert "Plant trees" in entry.find(f"{ATOM}summary").text
    assert b"<script>" not in response.body
    for uuid in hidden:
        assert not any(uuid in key for key in entries)
