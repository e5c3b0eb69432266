"""Rȯse's story through the HTML pages: an organiser fills the one-page form, a stranger joins
without an account from the mailed link, a member joins and comments, the organiser approves,
exports and cancels. Every form carries its CSRF token; errors come back on the form.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from webtest import Upload

from mobilizon.hookspecs import GeocodingError

from .events_helpers import future, links_in, local_path, mails_to, new_person
from .test_events_api import png_bytes


def fill(form, **values):
    for name, value in values.items():
        form[name] = value
    return form


def when(days=12, hours=0):
    start = future(days) + timedelta(hours=hours)
    return start.strftime("%Y-%m-%dT%H:%M")


def new_event_form(client):
    page = client.get("/events/create")
    return page.forms["event-form"]


def create_through_the_form(client, action="publish", **values):
    defaults = {
        "title": "More trees, less ads!",
        "description": "Hide a screen with an umbrella.\n\nBring a friend.",
        "begins_on": when(),
        "ends_on": when(hours=2),
        "timezone": "Europe/Paris",
        "locality": "Paris",
        "country": "France",
    }
    form = fill(new_event_form(client), **{**defaults, **values})
    response = form.submit("action", value=action, status=302)
    return response.follow()


def uuid_of(page):
    return page.request.path.rsplit("/", 1)[1]


def test_create_a_draft_then_publish_it(app, browser):
    benedict = new_person(app, "benedict")
    client = browser(benedict)
    page = create_through_the_form(client, action="draft", capacity="30")
    assert "Your draft is saved" in page.text
    assert "This is a draft" in page.text
    uuid = uuid_of(page)
    browser().get(f"/events/{uuid}", status=404)
    assert uuid not in app.get("/").text

    publish = next(form for form in page.forms.values() if form.action.endswith("/publish"))
    page = publish.submit().follow()
    assert "Your event is published." in page.text
    home = browser().get("/")
    assert f"/events/{uuid}" in home.text and "More trees, less ads!" in home.text
    visitor = browser().get(f"/events/{uuid}")
    assert "<p>Hide a screen with an umbrella.</p><p>Bring a friend.</p>" in visitor.text
    assert "30 of 30 seats left" in visitor.text


def test_the_form_shows_errors_by_each_field_and_keeps_the_input(app, browser):
    client = browser(new_person(app, "benedict"))
    form = fill(
        new_event_form(client),
        title="Surprise party",
        begins_on=when(hours=3),
        ends_on=when(),
        timezone="Mars/Olympus_Mons",
        online_address="javascript:alert(1)",
        capacity="many",
    )
    page = form.submit("action", value="publish", status=422)
    errors = {p["id"]: p.text for p in page.html.select(".field-error")}
    assert {"ends_on-error", "timezone-error", "online_address-error", "capacity-error"} <= set(errors)
    assert page.forms["event-form"]["title"].value == "Surprise party"
    assert page.html.find(id="timezone")["aria-invalid"] == "true"
    assert "Surprise party" not in client.get("/events/me?tab=organised").text


def test_a_five_megabyte_form_is_refused_not_a_crash(app, browser):
    client = browser(new_person(app, "benedict"))
    form = fill(new_event_form(client), title="x" * 5_000_000, begins_on=when(), timezone="Europe/Paris")
    page = form.submit("action", value="publish", status="*")
    # under the upload limit, it is a title too long (422); a bigger body is refused whole (413)
    assert page.status_int == 422 and page.html.find(id="title-error")
    form["title"] = "x" * 6_000_000
    assert "too large" in form.submit("action", value="publish", status=413).text


def test_description_scripts_are_stripped_on_the_page(app, browser):
    client = browser(new_person(app, "benedict"))
    page = create_through_the_form(
        client, description='<p>Hello</p><script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    description = str(page.html.select_one(".event-description"))
    assert "<script" not in description and "onerror" not in description and "Hello" in description
    structured = json.loads(page.html.find("script", type="application/ld+json").string)
    assert structured["@type"] == "Event" and structured["name"] == "More trees, less ads!"
    assert page.html.find("script", src=True) is None  # no script of any kind, ours or a third party's


def test_a_title_with_markup_is_escaped_everywhere(app, browser):
    client = browser(new_person(app, "benedict"))
    hostile = "</script><script>alert(1)</script>"
    page = create_through_the_form(client, title=hostile)
    assert "<script>alert(1)</script>" not in page.text
    assert "\\u003c/script\\u003e" in page.html.find("script", type="application/ld+json").string


def test_a_picture_through_the_form(app, browser):
    client = browser(new_person(app, "benedict"))
    page = create_through_the_form(
        client, picture=Upload("tree.png", png_bytes((2400, 1600)), "image/png"), picture_alt="A young tree"
    )
    image = page.html.select_one("img.event-picture")
    assert image["alt"] == "A young tree"
    assert client.get(local_path(image["src"])).content_type == "image/png"

    edit = client.get(f"/events/{uuid_of(page)}/edit").forms["event-form"]
    edit["picture"] = Upload("notes.png", b"not an image at all", "image/png")
    refused = edit.submit("action", value="save", status=422)
    assert refused.html.find(id="picture-error")


def test_find_the_address_then_pick_a_place(app, browser):
    client = browser(new_person(app, "benedict"))
    form = fill(
        new_event_form(client), title="Collage on the wall", begins_on=when(), ends_on="", locality="Montreal"
    )
    found = form.submit("action", value="find_address")
    assert found.status_int == 200
    places = found.html.select("input[name=place]")
    assert len(places) >= 2 and json.loads(places[0]["value"])["locality"] == "Montréal"
    page = found.forms["event-form"].submit("action", value="publish", status=302).follow()
    assert "See it on OpenStreetMap" in page.text
    event = app.get(f"/api/v1/events/{uuid_of(page)}").json
    assert event["address"]["locality"] == "Montréal" and event["address"]["lat"] == pytest.approx(
        45.5, abs=0.2
    )


class DownGeocoder:
    name = "down"

    def search(self, query, *, locale="en", limit=10):
        raise GeocodingError("connection refused")

    def reverse(self, lat, lon, *, locale="en"):
        raise GeocodingError("connection refused")


def test_when_the_geocoder_is_down_the_event_is_saved_without_coordinates(app, other_app):
    from webtest import TestApp

    from .events_helpers import sign_in

    broken = other_app()
    broken.app.registry["geocoder"] = DownGeocoder()
    client = sign_in(
        TestApp(broken.app, extra_environ={"HTTP_HOST": "localhost"}), new_person(app, "benedict")
    )
    form = fill(
        new_event_form(client),
        title="Picnic",
        begins_on=when(),
        ends_on="",
        street="1 rue des Arbres",
        locality="Lyon",
    )
    found = form.submit("action", value="find_address")
    assert "not answering" in found.html.select_one(".notice").text
    page = found.forms["event-form"].submit("action", value="publish", status=302).follow()
    assert "no position on a map" in page.text
    event = app.get(f"/api/v1/events/{uuid_of(page)}").json
    assert event["address"]["street"] == "1 rue des Arbres" and event["address"]["lat"] is None


def test_join_without_an_account_from_the_mail(app, browser, mail_dir):
    benedict = new_person(app, "benedict")
    page = create_through_the_form(
        browser(benedict), anonymous_participation=True, participation_message="Why?"
    )
    uuid = uuid_of(page)
    rose = browser()
    event_page = rose.get(f"/events/{uuid}")
    form = fill(event_page.forms["anonymous-join-form"], email="rose.trash@example.org", message="I hate ads")
    sent = form.submit()
    assert "Check your mailbox" in sent.text
    link = next(
        link for link in links_in(mails_to(mail_dir, "rose.trash@example.org")[-1]) if "/confirm/" in link
    )

    confirm_page = browser().get(local_path(link))  # a link scanner: nothing happens
    rows = app.get(f"/api/v1/events/{uuid}/participations", headers=benedict.auth).json["items"]
    assert next(p for p in rows if p["email"])["role"] == "not_confirmed"
    done = confirm_page.forms["confirm-participation"].submit()
    assert "Your participation is confirmed." in done.text
    again = browser().get(local_path(link), status=409)
    assert "already been used" in again.text

    page = browser(benedict).get(f"/events/{uuid}/participants")
    assert "rose.trash@example.org" in page.text and "I hate ads" in page.text
    assert "rose.trash@example.org" not in browser().get(f"/events/{uuid}").text


def test_join_with_a_profile_comment_reply_and_leave(app, browser):
    benedict, rose = new_person(app, "benedict"), new_person(app, "rose", profiles=2)
    uuid = uuid_of(create_through_the_form(browser(benedict)))
    client = browser(rose)
    page = client.get(f"/events/{uuid}")
    form = page.forms["join-form"]
    form["identity"] = rose.username[:-1] + "1"  # the family profile
    page = form.submit().follow()
    assert "You take part in this event." in page.text

    page = fill(page.forms["comment-form"], text="Count me in!").submit().follow()
    assert "Count me in!" in page.text
    comment_id = page.html.select("li.comment")[0]["id"]
    reply_form = next(f for f in page.forms.values() if f.get("in_reply_to", default=None) is not None)
    reply_form["text"] = "And my dad too."
    page = reply_form.submit().follow()
    assert "And my dad too." in page.text
    edit = client.get(f"/comments/{comment_id.removeprefix('comment-')}/edit")
    page = fill(edit.forms["comment-edit"], text="Count me in, with umbrellas!").submit().follow()
    assert "Count me in, with umbrellas!" in page.text

    leave = next(f for f in page.forms.values() if f.action.endswith("/leave"))
    page = leave.submit().follow()
    assert "You no longer take part" in page.text


def test_empty_comment_comes_back_with_a_message(app, browser):
    benedict = new_person(app, "benedict")
    client = browser(benedict)
    uuid = uuid_of(create_through_the_form(client))
    page = client.get(f"/events/{uuid}")
    refused = fill(page.forms["comment-form"], text="<script></script>").submit(status=422)
    assert "Write something first." in refused.text


def test_approve_a_restricted_participation_and_export_csv(app, browser):
    benedict, rose = new_person(app, "benedict"), new_person(app, "rose")
    organiser = browser(benedict)
    uuid = uuid_of(create_through_the_form(organiser, join_mode="restricted", participation_message="Why?"))
    page = browser(rose).get(f"/events/{uuid}")
    page = fill(page.forms["join-form"], message='=HYPERLINK("http://evil")').submit().follow()
    assert "the organisers will review it" in page.text

    listing = organiser.get(f"/events/{uuid}/participants")
    approve = next(
        f for f in listing.forms.values() if f.get("action", default=None) and f["action"].value == "approve"
    )
    listing = approve.submit().follow()
    assert "Done." in listing.text
    rows = app.get(f"/api/v1/events/{uuid}/participations", headers=benedict.auth).json["items"]
    assert {p["role"] for p in rows} == {"creator", "participant"}

    export = organiser.get(f"/events/{uuid}/participants.csv")
    assert export.content_type == "text/csv" and "attachment" in export.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(export.body.decode("utf-8-sig"))))
    assert table[0] == ["Name", "Profile or email", "Role", "Registered on", "Message"]
    assert ['\'=HYPERLINK("http://evil")'] == [row[4] for row in table[1:] if row[4]]
    browser(rose).get(f"/events/{uuid}/participants.csv", status=403)


def test_cancel_keeps_the_page_and_stops_joining(app, browser):
    benedict = new_person(app, "benedict")
    organiser = browser(benedict)
    uuid = uuid_of(create_through_the_form(organiser))
    confirm = organiser.get(f"/events/{uuid}/cancel")
    page = confirm.forms["confirm-action"].submit().follow()
    assert "This event is cancelled" in page.text
    visitor = browser(new_person(app, "rose")).get(f"/events/{uuid}")
    assert "This event is cancelled" in visitor.text and "join-form" not in visitor.forms


def test_delete_asks_first(app, browser):
    organiser = browser(new_person(app, "benedict"))
    uuid = uuid_of(create_through_the_form(organiser))
    confirm = organiser.get(f"/events/{uuid}/delete")
    assert "removed for good" in confirm.text
    confirm.forms["confirm-action"].submit().follow()
    organiser.get(f"/events/{uuid}", status=404)


def test_my_events_lists_drafts_organised_and_upcoming(app, browser):
    benedict = new_person(app, "benedict")
    client = browser(benedict)
    create_through_the_form(client, action="draft", title="My secret draft")
    create_through_the_form(client, title="My public walk")
    assert "My secret draft" in client.get("/events/me?tab=drafts").text
    assert "My public walk" in client.get("/events/me?tab=organised").text
    assert "My public walk" in client.get("/events/me").text
    assert "My secret draft" not in client.get("/events/me?tab=organised").text
    browser().get("/events/me", status=302)


def test_pages_of_the_home_list(app, browser):
    benedict = new_person(app, "benedict")
    for number in range(21):
        app.post_json(
            "/api/v1/events",
            {"title": f"Walk {number:02d}", "begins_on": when(days=30 + number), "timezone": "Europe/Paris"},
            headers=benedict.auth,
        )
    first = browser().get("/")
    assert first.html.find("a", rel="next")
    second = browser().get(first.html.find("a", rel="next")["href"])
    assert second.html.find("a", rel="prev")
    assert len(first.html.select(".event-card")) == 20 and len(second.html.select(".event-card")) >= 1


def test_share_on_mastodon_asks_for_the_instance(app, browser):
    uuid = uuid_of(create_through_the_form(browser(new_person(app, "benedict"))))
    visitor = browser()
    page = visitor.get(f"/events/{uuid}")
    assert page.html.find(id="share-link")["readonly"] is not None
    share = visitor.get(f"/events/{uuid}/share/mastodon")
    redirect = fill(share.forms["mastodon-share"], instance="https://Mastodon.Social/").submit(status=302)
    assert redirect.location.startswith("https://mastodon.social/share?text=More+trees")
    bad = visitor.get(
        f"/events/{uuid}/share/mastodon", params={"instance": "javascript:alert(1)"}, status=422
    )
    assert "address of your instance" in bad.text
    # a link from another site does not bounce people anywhere: it shows our form first
    foreign = visitor.get(
        f"/events/{uuid}/share/mastodon",
        params={"instance": "evil.example"},
        headers={"Sec-Fetch-Site": "cross-site"},
        status=200,
    )
    assert foreign.forms["mastodon-share"]["instance"].value == "evil.example"


def test_times_in_the_event_zone_and_the_viewers(app, browser):
    benedict = new_person(app, "benedict")
    created = app.post_json(
        "/api/v1/events",
        {"title": "Montréal picnic", "begins_on": "2031-07-14T12:00", "timezone": "America/Montreal"},
        headers=benedict.auth,
    ).json
    page = browser().get(f"/events/{created['uuid']}")
    facts = page.html.select_one(".event-facts").text
    assert "12:00" in facts and "America/Montreal" in facts
    assert "18:00" in facts and "Europe/Paris" in facts  # the instance's zone, for a visitor


def test_french_event_page(app, browser):
    uuid = uuid_of(create_through_the_form(browser(new_person(app, "benedict"))))
    page = browser(language="fr").get(f"/events/{uuid}")
    assert '<html lang="fr">' in page.text
