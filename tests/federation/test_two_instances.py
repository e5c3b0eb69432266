"""Two live instances on 127.0.0.1 talking ActivityPub to each other, as in the seed story:
Rȯse's father creates his event on instance A; Rȯse finds it from instance B's search and
registers; they comment, the event changes and goes away; A's group invites Rȯse's profile;
B's instance follows A's and receives its next public event with nobody looking it up.

The instances are shared by the whole module (started once); each test makes its own people,
groups and events.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from webtest import TestApp

from mobilizon.events.models import Event, Participant
from mobilizon.federation.models import Activity
from tests.federation.live import Instance, eventually, running_instance
from tests.federation.support import PASSWORD, event_payload


@pytest.fixture(scope="module")
def instances(tmp_path_factory) -> Iterator[tuple[Instance, Instance]]:
    root = tmp_path_factory.mktemp("two-instances")
    with running_instance(root / "a", "a") as a, running_instance(root / "b", "b") as b:
        yield a, b


def unique(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(3)}"


def group_event(a: Instance, **overrides):
    """On A: Narcisse, his family group (open to invitations) and its public event."""
    narcisse = a.person("narcisse")
    group = unique("family")
    a.api("POST", "/groups", narcisse, {"preferred_username": group, "name": "Boréal family"}, status=201)
    event = a.api("POST", f"/groups/{group}/events", narcisse, event_payload(**overrides), status=201)
    return narcisse, group, event


def find(b: Instance, url: str) -> dict:
    """What B's API shows of a remote object, found by its address on A."""
    return b.api("GET", "/resolve", b.person("finder"), uri=url, status=200)


def test_b_finds_the_event_by_url_and_by_group_handle_and_joins(instances):
    a, b = instances
    narcisse, group, event = group_event(a)
    rose = b.person("rose")

    by_group = b.api("GET", "/resolve", rose, uri=f"@{group}@{a.host}", status=200)
    assert by_group["type"] == "group" and by_group["handle"] == f"{group}@{a.host}"
    page = b.get(by_group["page"].replace(b.url, ""))
    assert page.status_code == 200 and event["title"] in page.text  # its events came along

    found = b.api("GET", "/resolve", rose, uri=event["url"], status=200)
    assert found["type"] == "event" and found["local"] is False and found["url"] == event["url"]
    copy = b.api("GET", f"/events/{found['uuid']}", rose, status=200)
    assert copy["title"] == event["title"] and copy["local"] is False
    assert copy["organizer"]["handle"] == f"{narcisse.username}@{a.host}"
    assert copy["group"]["handle"] == f"{group}@{a.host}"
    assert f"This event comes from {a.host}." in b.get(f"/events/{found['uuid']}").text  # with its origin

    b.api("POST", f"/events/{found['uuid']}/participations", rose, {"identity": rose.username}, status=201)
    mine = eventually(
        lambda: [
            p
            for p in b.api("GET", f"/events/{found['uuid']}/participations/mine", rose, status=200)["items"]
            if p["role"] == "participant"
        ]
    )
    assert mine, "the organiser's instance accepted the participation"
    seen_by_organiser = a.api("GET", f"/events/{event['uuid']}/participations", narcisse, status=200)["items"]
    handles = {p["actor"]["handle"]: p["role"] for p in seen_by_organiser}
    assert handles[f"{rose.username}@{b.host}"] == "participant"


def test_rose_finds_her_fathers_event_from_the_search_bar_and_registers(instances):
    """The seed story through the pages: search bar, event page, join form."""
    a, b = instances
    narcisse = a.person("narcisse")
    event = a.api("POST", "/events", narcisse, event_payload(title="Surprise birthday party"), status=201)
    rose = b.person("rose")
    browser = TestApp(b.wsgi, extra_environ={"HTTP_HOST": b.host})
    login = next(f for f in browser.get("/login").forms.values() if "password" in f.fields)
    login["email"], login["password"] = rose.email, PASSWORD
    login.submit(status=302)
    search = next(f for f in browser.get("/").forms.values() if f.action.endswith("/search"))
    search["q"] = event["url"]
    page = search.submit(status=302).follow()
    assert "Surprise birthday party" in page.text
    page.forms["join-form"].submit(status=303)
    organiser_view = eventually(
        lambda: [
            p
            for p in a.api("GET", f"/events/{event['uuid']}/participations", narcisse, status=200)["items"]
            if p["actor"]["handle"] == f"{rose.username}@{b.host}" and p["role"] == "participant"
        ]
    )
    assert organiser_view, "Narcisse sees Rȯse's profile among the participants"


@pytest.fixture(scope="module")
def shared_event(instances):
    """An event of A that B's Rȯse has found and joined (for the comment and change tests)."""
    a, b = instances
    narcisse = a.person("narcisse")
    event = a.api("POST", "/events", narcisse, event_payload(), status=201)
    rose = b.person("rose")
    found = b.api("GET", "/resolve", rose, uri=event["url"], status=200)
    b.api("POST", f"/events/{found['uuid']}/participations", rose, {"identity": rose.username}, status=201)
    return narcisse, event, rose, found["uuid"]


def test_comment_on_b_appears_on_a_and_reply_on_a_appears_on_b(instances, shared_event):
    a, b = instances
    narcisse, event, rose, uuid_on_b = shared_event
    comment = b.api("POST", f"/events/{uuid_on_b}/comments", rose, {"text": "I'll bring a cake!"}, status=201)
    on_a = eventually(
        lambda: [
            c
            for c in a.api("GET", f"/events/{event['uuid']}/comments", narcisse)["items"]
            if c["url"] == comment["url"]
        ]
    )
    assert on_a and "cake" in on_a[0]["text"] and on_a[0]["actor"]["handle"] == f"{rose.username}@{b.host}"
    reply = a.api(
        "POST",
        f"/events/{event['uuid']}/comments",
        narcisse,
        {"text": "Shh, it's a surprise", "in_reply_to": on_a[0]["uuid"]},
        status=201,
    )
    thread = eventually(
        lambda: {c["url"]: c for c in b.api("GET", f"/events/{uuid_on_b}/comments", rose)["items"]}.get(
            reply["url"]
        )
    )
    assert thread is not None and "surprise" in thread["text"]
    assert thread["in_reply_to"] == comment["uuid"]  # threaded under Rȯse's comment on B


def test_edit_then_delete_on_a_reaches_b(instances, shared_event):
    a, b = instances
    narcisse, event, rose, uuid_on_b = shared_event
    a.api(
        "PATCH",
        f"/events/{event['uuid']}",
        narcisse,
        {"title": "Surprise party (moved to Sunday)"},
        status=200,
    )
    assert eventually(
        lambda: b.api("GET", f"/events/{uuid_on_b}", rose)["title"] == "Surprise party (moved to Sunday)"
    )
    a.api("DELETE", f"/events/{event['uuid']}", narcisse, status=204)
    assert eventually(
        lambda: b.http.get(f"{b.url}/api/v1/events/{uuid_on_b}", headers=rose.auth).status_code == 404
    )
    with b.session() as session:
        assert session.scalar(select(Event.id).where(Event.url == event["url"])) is None


def test_a_group_invites_a_profile_of_b_which_accepts(instances):
    a, b = instances
    narcisse, group, _event = group_event(a)
    rose = b.person("rose")
    # A learns of Rȯse's profile first (the moderators look it up), then invites it by its handle
    a.api("GET", "/resolve", narcisse, uri=f"@{rose.username}@{b.host}", status=200)
    invitation = a.api(
        "POST", f"/groups/{group}/invitations", narcisse, {"handle": f"{rose.username}@{b.host}"}, status=201
    )
    assert invitation["role"] == "invited"
    pending = eventually(lambda: b.api("GET", "/invitations", rose, status=200)["items"])
    assert pending and pending[0]["group"] == group
    # Rȯse accepts from her groups page: the form goes to the federation door for a remote group
    browser = TestApp(b.wsgi, extra_environ={"HTTP_HOST": b.host})
    login = next(f for f in browser.get("/login").forms.values() if "password" in f.fields)
    login["email"], login["password"] = rose.email, PASSWORD
    login.submit(status=302)
    answer = next(f for f in browser.get("/groups").forms.values() if "/federation/invitations/" in f.action)
    answer.submit("action", value="accept", status=302)
    members = eventually(
        lambda: [
            m
            for m in a.api("GET", f"/groups/{group}/members", narcisse, status=200)["items"]
            if m["actor"]["handle"] == f"{rose.username}@{b.host}" and m["role"] == "member"
        ]
    )
    assert members, "A's group counts Rȯse's profile as a member"


def test_b_follows_a_and_receives_its_next_public_event_without_lookup(instances):
    a, b = instances
    admin_a, admin_b = a.person("admin", admin=True), b.person("admin", admin=True)
    listing = b.api("POST", f"/admin/instances/{a.host}/follow", admin_b, {}, status=200)
    assert [(f["domain"], f["state"]) for f in listing["followings"]] == [(a.host, "pending")]
    followers = eventually(lambda: a.api("GET", "/admin/instances", admin_a, status=200)["followers"])
    assert [(f["domain"], f["state"]) for f in followers] == [(b.host, "pending")]
    a.api("POST", f"/admin/instances/{b.host}/accept", admin_a, {"id": followers[0]["id"]}, status=200)
    assert eventually(
        lambda: b.api("GET", "/admin/instances", admin_b)["followings"][0]["state"] == "accepted"
    )

    narcisse = a.person("narcisse")
    title = f"Neighbourhood picnic {secrets.token_hex(2)}"
    event = a.api("POST", "/events", narcisse, event_payload(title=title), status=201)
    copy = eventually(lambda: _stored_event(b, event["url"]))
    assert copy is not None and copy.title == title and copy.local is False
    listed = b.api("GET", "/events", None, status=200, per_page=100)["items"]
    assert title in {item["title"] for item in listed}


def _stored_event(instance: Instance, url: str) -> Event | None:
    with instance.session() as session:
        return session.scalar(select(Event).where(Event.url == url))


def test_activities_are_logged_once_and_participants_stored(instances, shared_event):
    a, b = instances
    with a.session() as session:
        received = session.scalars(select(Activity).where(Activity.direction == "in")).all()
        assert len({row.ap_id for row in received}) == len(received)
        assert all(row.status in ("applied", "ignored") for row in received), [
            (row.type, row.status, row.reason) for row in received if row.status not in ("applied", "ignored")
        ]
        assert session.scalar(select(Participant.id).join(Event).where(Event.local.is_(True))) is not None
