"""What other servers read (the instance actor, NodeInfo's link to it, outboxes and collections
with paging, events and comments as documents, authorized fetch) and the pages people use
(search, remote profiles and groups, the administrators' federation page, the about page).
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from sqlalchemy import select
from webtest import TestApp

from mobilizon.federation.signatures import sign_request
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow
from tests.federation.support import (
    PASSWORD,
    FakeClient,
    Recorder,
    actor_document,
    committed,
    event_payload,
    new_person,
)

AP = {"Accept": "application/activity+json"}


@pytest.fixture(scope="module")
def site(make_app):
    app = make_app()
    app.app.registry["http_client"] = FakeClient()
    app.app.registry["transports"] = [Recorder()]
    return app


def sign_in(app: Any, who: Any) -> TestApp:
    browser = TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    page = browser.get("/login")
    form = next(f for f in page.forms.values() if "password" in f.fields and "email" in f.fields)
    form["email"], form["password"] = who.email, PASSWORD
    form.submit(status=302)
    return browser


def test_instance_actor_webfinger_and_nodeinfo_link(site):
    actor = site.get("/relay", headers=AP).json
    assert actor["type"] == "Application" and actor["id"] == "http://localhost/relay"
    assert actor["manuallyApprovesFollowers"] is True and actor["inbox"] == "http://localhost/relay/inbox"
    assert actor["endpoints"]["sharedInbox"] == "http://localhost/inbox"
    assert (
        actor["publicKey"]["owner"] == actor["id"]
        and "BEGIN PUBLIC KEY" in actor["publicKey"]["publicKeyPem"]
    )
    assert site.get("/relay", headers=AP).json["publicKey"] == actor["publicKey"]  # made once
    links = site.get("/.well-known/nodeinfo").json["links"]
    assert {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": actor["id"]} in links
    finger = site.get("/.well-known/webfinger", params={"resource": "acct:relay@localhost"}).json
    assert {"rel": "self", "type": "application/activity+json", "href": actor["id"]} in finger["links"]


def test_event_and_comment_documents_next_to_their_pages(site):
    narcisse = new_person(site.app.registry, "narcisse")
    payload = event_payload(online_address="https://meet.example/party", capacity=20, tags=["Family", "Cake"])
    event = site.post_json("/api/v1/events", payload, headers=narcisse.auth, status=201).json
    document = site.get(f"/events/{event['uuid']}", headers=AP).json
    assert (
        document["type"] == "Event" and document["id"] == event["url"] and document["uuid"] == event["uuid"]
    )
    assert (document["maximumAttendeeCapacity"], document["remainingAttendeeCapacity"]) == (20, 20)
    assert document["attachment"][0] == {
        "type": "Link", "href": "https://meet.example/party", "mediaType": "text/html", "name": "Website"
    }  # fmt: skip
    assert sorted(tag["name"] for tag in document["tag"]) == ["#Cake", "#Family"]
    assert (document["ical:status"], document["joinMode"], document["timezone"]) == (
        "CONFIRMED",
        "free",
        "Europe/Paris",
    )
    assert "text/html" in site.get(f"/events/{event['uuid']}").content_type  # people still get the page
    comment = site.post_json(
        f"/api/v1/events/{event['uuid']}/comments", {"text": "Yay"}, headers=narcisse.auth, status=201
    ).json
    note = site.get(f"/comments/{comment['uuid']}", headers=AP).json
    assert (note["type"], note["inReplyTo"], note["attributedTo"]) == (
        "Note",
        event["url"],
        event["organizer"]["url"],
    )
    site.delete(f"/api/v1/comments/{comment['uuid']}", headers=narcisse.auth, status=204)
    gone = site.get(f"/comments/{comment['uuid']}", headers=AP, status=410).json
    assert gone["type"] == "Tombstone" and gone["formerType"] == "Note"
    draft = site.post_json(
        "/api/v1/events", event_payload(draft=True), headers=narcisse.auth, status=201
    ).json
    site.get(f"/events/{draft['uuid']}", headers=AP, status=404)


def test_outbox_pages(site):
    narcisse = new_person(site.app.registry, "narcisse")
    for number in range(12):
        site.post_json(
            "/api/v1/events", event_payload(title=f"Walk number {number}"), headers=narcisse.auth, status=201
        )
    outbox = site.get(f"/@{narcisse.username}/outbox", headers=AP).json
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 12
    first = site.get(outbox["first"], headers=AP).json
    assert first["type"] == "OrderedCollectionPage" and len(first["orderedItems"]) == 10
    assert first["orderedItems"][0]["object"]["name"] == "Walk number 11"  # newest first
    second = site.get(first["next"], headers=AP).json
    assert len(second["orderedItems"]) == 2 and "next" not in second and second["prev"] == first["id"]
    followers = site.get(f"/@{narcisse.username}/followers", headers=AP).json
    assert (followers["type"], followers["totalItems"]) == ("OrderedCollection", 0)
    assert site.get("/relay/followers?page=1", headers=AP).json["orderedItems"] == []
    site.get("/@nobody_here_at_all/outbox", headers=AP, status=404)
    site.post("/@nobody_here_at_all/inbox", b"{}", status=404)


def test_authorized_fetch_wants_a_signature_for_unlisted_events(make_app):
    app = make_app(**{"mobilizon.federation.authorized_fetch": "true"})
    client = FakeClient()
    app.app.registry["http_client"] = client
    narcisse = new_person(app.app.registry, "narcisse")
    public = app.post_json("/api/v1/events", event_payload(), headers=narcisse.auth, status=201).json
    unlisted = app.post_json(
        "/api/v1/events", event_payload(visibility="unlisted"), headers=narcisse.auth, status=201
    ).json
    app.get(f"/events/{public['uuid']}", headers=AP, status=200)
    app.get(f"/events/{unlisted['uuid']}", headers=AP, status=401)
    reader = "https://reader.example/users/ann"
    client.documents[reader] = actor_document(reader, client.keys)
    path = f"/events/{unlisted['uuid']}"
    signed = sign_request(
        "GET",
        f"http://localhost{path}",
        AP,
        b"",
        key_id=f"{reader}#main-key",
        private_key_pem=client.keys.private_pem,
    )
    assert app.get(path, headers={**AP, **signed}, status=200).json["id"] == unlisted["url"]
    app.app.registry["db_engine"].dispose()


def test_search_words_and_addresses(site):
    narcisse = new_person(site.app.registry, "narcisse")
    word = secrets.token_hex(4)
    site.post_json("/api/v1/events", event_payload(title=f"Picnic {word}"), headers=narcisse.auth, status=201)
    page = site.get("/search", params={"q": word.upper()})
    assert f"Picnic {word}" in page.text
    assert 'id="header-search-q"' in site.get("/").text  # the search bar on every page
    assert "No event matches" in site.get("/search", params={"q": "nothing-like-this"}).text
    assert site.get("/search", params={"q": "@someone@elsewhere.example"}, status=401)


def test_remote_group_page_follow_and_invitation(site):
    """Rȯse finds a group of another instance, follows it, and accepts its invitation."""
    registry = site.app.registry
    rose = new_person(registry, "rose")
    group_url = f"https://{secrets.token_hex(3)}.example/@choir"
    registry["http_client"].documents[group_url] = actor_document(
        group_url, registry["http_client"].keys, "Group"
    )
    found = site.get("/api/v1/resolve", params={"uri": group_url}, headers=rose.auth, status=200).json
    assert found["type"] == "group" and found["page"].endswith(f"/@{found['handle']}")
    page = site.get(found["page"].replace("http://localhost", ""))
    assert group_url in page.text and "Choir" in page.text
    site.get("/@nobody@nowhere.example", status=404)
    assert (
        site.get(found["page"].replace("http://localhost", ""), headers=AP, status=302).location == group_url
    )


def test_administrators_federation_page(site):
    registry = site.app.registry
    person = new_person(registry, "someone")
    admin = new_person(registry, "admin", admin=True)
    site.get("/api/v1/admin/instances", headers=person.auth, status=403)
    host = f"{secrets.token_hex(3)}.example"

    def spammer(session: Any) -> None:
        url = f"https://{host}/users/spam"
        session.add(
            Actor(
                type="Person",
                preferred_username="spam",
                domain=host,
                url=url,
                inbox_url=f"{url}/inbox",
                last_refreshed_at=utcnow(),
            )
        )

    committed(registry, spammer)
    listing = site.post_json(f"/api/v1/admin/instances/{host}/block", {}, headers=admin.auth, status=200).json
    assert host in listing["blocked"]
    assert (
        committed(registry, lambda s: s.scalar(select(Actor.suspended).where(Actor.domain == host))) is True
    )
    assert "does not federate with" in site.get("/about").text
    listing = site.post_json(
        f"/api/v1/admin/instances/{host}/unblock", {}, headers=admin.auth, status=200
    ).json
    assert host not in listing["blocked"]
    site.post_json("/api/v1/admin/instances/not a domain!/block", {}, headers=admin.auth, status=422)


def test_group_post_document(site):
    owner = new_person(site.app.registry, "owner")
    group = f"blog_{secrets.token_hex(3)}"
    site.post_json("/api/v1/groups", {"preferred_username": group}, headers=owner.auth, status=201)
    post = site.post_json(
        f"/api/v1/groups/{group}/posts",
        {"title": "Join the ContribUtopists!", "body": "Ask us."},
        headers=owner.auth,
        status=201,
    ).json
    article = site.get(post["url"].replace("http://localhost", ""), headers=AP).json
    assert (article["type"], article["name"], article["id"]) == (
        "Article",
        "Join the ContribUtopists!",
        post["url"],
    )
    assert article["attributedTo"].endswith(f"/@{group}") and article["to"] == [
        "https://www.w3.org/ns/activitystreams#Public"
    ]
    hidden = site.post_json(
        f"/api/v1/groups/{group}/posts",
        {"title": "Members only", "visibility": "members"},
        headers=owner.auth,
        status=201,
    ).json
    site.get(hidden["url"].replace("http://localhost", ""), headers=AP, status=404)


def test_administrators_act_from_the_page(site):
    admin = new_person(site.app.registry, "admin", admin=True)
    browser = sign_in(site, admin)
    page = browser.get("/admin/federation")
    assert "Blocked domains" in page.text
    form = next(f for f in page.forms.values() if f.action.endswith("/block"))
    host = f"{secrets.token_hex(3)}.example"
    form["domain"] = f"https://{host}/about"
    page = form.submit(status=302).follow()
    assert f"{host} is blocked." in page.text
    form = next(f for f in page.forms.values() if f.action.endswith("/unblock") and f["domain"].value == host)
    assert f"{host} is no longer blocked." in form.submit(status=302).follow().text
    person = new_person(site.app.registry, "someone")
    sign_in(site, person).get("/admin/federation", status=403)
