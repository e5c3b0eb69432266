"""What leaves when something happens here: the lifecycle listener's activities, their
vocabulary and their audiences (followers' shared inboxes once each, members' own inboxes for
members-only content), with a transport that records instead of sending.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from sqlalchemy import select

from mobilizon.federation.instances import set_blocked
from mobilizon.groups.models import Follower, Member
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow
from tests.federation.support import FakeClient, Recorder, committed, event_payload, new_person

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture(scope="module")
def site(make_app):
    app = make_app()
    recorder = Recorder()
    app.app.registry["transports"] = [recorder]
    app.app.registry["http_client"] = FakeClient()
    return app, recorder


def remote_actor(registry: Any, host: str, name: str, kind: str = "Person") -> int:
    url = f"https://{host}/users/{name}"

    def work(session: Any) -> int:
        actor = Actor(
            type=kind,
            preferred_username=name,
            domain=host,
            url=url,
            inbox_url=f"{url}/inbox",
            shared_inbox_url=f"https://{host}/inbox",
            public_key="unused",
            last_refreshed_at=utcnow(),
        )
        session.add(actor)
        session.flush()
        return actor.id

    return committed(registry, work)


def local_id(registry: Any, username: str) -> int:
    return committed(
        registry, lambda s: s.scalar(select(Actor.id).where(Actor.preferred_username == username))
    )


def follows(registry: Any, follower_id: int, target_id: int) -> None:
    committed(
        registry, lambda s: s.add(Follower(target_actor_id=target_id, actor_id=follower_id, approved=True))
    )


def test_group_event_goes_to_followers_once_per_server_and_the_group_announces_it(site):
    app, recorder = site
    registry = app.app.registry
    owner = new_person(registry, "owner")
    group = f"trees_{secrets.token_hex(3)}"
    app.post_json("/api/v1/groups", {"preferred_username": group}, headers=owner.auth, status=201)
    group_id = local_id(registry, group)
    host = f"{secrets.token_hex(3)}.example"
    for name in ("ann", "bob", "cid"):  # three followers on one server: one delivery
        follows(registry, remote_actor(registry, host, name), group_id)
    recorder.clear()
    event = app.post_json(
        f"/api/v1/groups/{group}/events", event_payload(), headers=owner.auth, status=201
    ).json
    [(inbox, create)] = recorder.of("Create")
    assert inbox == f"https://{host}/inbox"
    document = create["object"]
    assert create["actor"].endswith(f"/@{owner.username}") and document["attributedTo"].endswith(f"/@{group}")
    assert document["id"] == event["url"] and create["id"] == f"{event['url']}/activity"
    assert document["to"] == [PUBLIC] and any(cc.endswith(f"/@{group}/followers") for cc in document["cc"])
    vocabulary = {"uuid", "name", "content", "mediaType", "startTime", "endTime", "timezone", "category",
                  "joinMode", "anonymousParticipationEnabled", "maximumAttendeeCapacity",
                  "remainingAttendeeCapacity", "participantCount", "isOnline", "location", "attachment",
                  "tag", "repliesModerationOption", "commentsEnabled", "draft", "ical:status"}  # fmt: skip
    assert vocabulary <= set(document)
    assert document["startTime"].endswith(("+01:00", "+02:00"))  # in the event's own zone
    assert (
        document["location"]["address"]["type"] == "PostalAddress"
        and document["location"]["latitude"] == 45.75
    )
    assert "mz" in create["@context"][2] and create["@context"][2]["joinMode"]["@id"] == "mz:joinMode"
    [(announce_inbox, announce)] = recorder.of("Announce")
    assert announce["actor"].endswith(f"/@{group}") and announce["object"] == event["url"]
    assert announce_inbox == f"https://{host}/inbox"


def test_public_events_are_announced_to_following_instances(site):
    app, recorder = site
    registry = app.app.registry
    relay = app.get("/relay", headers={"Accept": "application/activity+json"}).json
    host = f"{secrets.token_hex(3)}.example"
    follows(registry, remote_actor(registry, host, "relay", "Application"), local_id(registry, "relay"))
    narcisse = new_person(registry, "narcisse")
    recorder.clear()
    event = app.post_json("/api/v1/events", event_payload(), headers=narcisse.auth, status=201).json
    announces = [(inbox, a) for inbox, a in recorder.of("Announce") if a["actor"] == relay["id"]]
    assert (
        announces == [(f"https://{host}/inbox", announces[0][1])]
        and announces[0][1]["object"] == event["url"]
    )
    recorder.clear()
    app.post_json("/api/v1/events", event_payload(visibility="unlisted"), headers=narcisse.auth, status=201)
    assert recorder.of("Announce") == []  # only public events are relayed


def test_restricted_event_approval_accepts_the_remote_join(site):
    app, recorder = site
    registry = app.app.registry
    narcisse = new_person(registry, "narcisse")
    event = app.post_json(
        "/api/v1/events", event_payload(join_mode="restricted"), headers=narcisse.auth, status=201
    ).json
    host = f"{secrets.token_hex(3)}.example"
    guest_id = remote_actor(registry, host, "guest")

    def join(session: Any) -> int:
        from mobilizon.events.models import Event, Participant

        row = session.scalar(select(Event).where(Event.url == event["url"]))
        participant = Participant(event=row, actor_id=guest_id, role="not_approved")
        session.add(participant)
        session.flush()
        return participant.id

    participant_id = committed(registry, join)
    recorder.clear()
    app.patch_json(
        f"/api/v1/participations/{participant_id}", {"role": "participant"}, headers=narcisse.auth, status=200
    )
    [(inbox, accept)] = recorder.of("Accept")
    assert inbox == f"https://{host}/users/guest/inbox"
    assert accept["object"]["type"] == "Join" and accept["object"]["object"] == event["url"]


def test_members_only_content_goes_to_each_members_own_inbox(site):
    app, recorder = site
    registry = app.app.registry
    owner = new_person(registry, "owner")
    group = f"club_{secrets.token_hex(3)}"
    app.post_json("/api/v1/groups", {"preferred_username": group}, headers=owner.auth, status=201)
    group_id = local_id(registry, group)
    host = f"{secrets.token_hex(3)}.example"
    for name in ("ann", "bob"):
        member_id = remote_actor(registry, host, name)
        committed(
            registry, lambda s, m=member_id: s.add(Member(group_id=group_id, actor_id=m, role="member"))
        )
    recorder.clear()
    app.post_json(
        f"/api/v1/groups/{group}/discussions",
        {"title": "Next collage", "text": "Ideas?"},
        headers=owner.auth,
        status=201,
    )
    inboxes = sorted(inbox for inbox, _ in recorder.of("Create"))
    assert inboxes == [f"https://{host}/users/ann/inbox", f"https://{host}/users/bob/inbox"]
    note = recorder.of("Create")[0][1]["object"]
    assert (
        note["type"] == "Note"
        and note["name"] == "Next collage"
        and note["to"] == [f"{note['attributedTo']}/members"]
    )


def test_inviting_and_excluding_a_remote_profile(site):
    app, recorder = site
    registry = app.app.registry
    owner = new_person(registry, "owner")
    group = f"band_{secrets.token_hex(3)}"
    app.post_json("/api/v1/groups", {"preferred_username": group}, headers=owner.auth, status=201)
    host = f"{secrets.token_hex(3)}.example"
    remote_actor(registry, host, "rose")
    recorder.clear()
    member = app.post_json(
        f"/api/v1/groups/{group}/invitations", {"handle": f"rose@{host}"}, headers=owner.auth, status=201
    ).json
    [(inbox, invite)] = recorder.of("Invite")
    assert inbox == f"https://{host}/users/rose/inbox"
    assert invite["target"] == f"https://{host}/users/rose" and invite["object"].endswith(f"/@{group}")
    assert invite["id"].endswith(f"/member/{member['id']}")
    committed(registry, lambda s: setattr(s.get(Member, member["id"]), "role", "member"))
    app.delete(f"/api/v1/groups/{group}/members/rose@{host}", headers=owner.auth, status=204)
    [(_, remove)] = recorder.of("Remove")
    assert remove["origin"].endswith(f"/@{group}") and remove["object"].endswith(f"/member/{member['id']}")


def test_deleting_an_event_reaches_every_server_that_got_it(site):
    app, recorder = site
    registry = app.app.registry
    narcisse = new_person(registry, "narcisse")
    host = f"{secrets.token_hex(3)}.example"
    follows(registry, remote_actor(registry, host, "fan"), local_id(registry, narcisse.username))
    event = app.post_json("/api/v1/events", event_payload(), headers=narcisse.auth, status=201).json
    comment = app.post_json(
        f"/api/v1/events/{event['uuid']}/comments", {"text": "See you"}, headers=narcisse.auth, status=201
    ).json
    assert [a["object"]["inReplyTo"] for _, a in recorder.of("Create") if a["object"]["type"] == "Note"][
        -1
    ] == event["url"]
    recorder.clear()
    app.delete(f"/api/v1/comments/{comment['uuid']}", headers=narcisse.auth, status=204)
    deletes = recorder.of("Delete")  # to the organiser's followers, and instances the event was relayed to
    assert f"https://{host}/inbox" in {inbox for inbox, _ in deletes}
    tombstone = {"type": "Tombstone", "id": comment["url"], "formerType": "Note", "deleted": None}
    assert all(activity["object"] == tombstone for _, activity in deletes)
    recorder.clear()
    app.delete(f"/api/v1/events/{event['uuid']}", headers=narcisse.auth, status=204)
    deletes = recorder.of("Delete")
    assert f"https://{host}/inbox" in {inbox for inbox, _ in deletes}
    assert len(deletes) == len({inbox for inbox, _ in deletes})  # each server once
    assert all(activity["object"]["formerType"] == "Event" for _, activity in deletes)


def test_blocked_domains_get_nothing(site):
    app, recorder = site
    registry = app.app.registry
    narcisse = new_person(registry, "narcisse")
    host = f"{secrets.token_hex(3)}.example"
    follows(registry, remote_actor(registry, host, "fan"), local_id(registry, narcisse.username))
    admin = new_person(registry, "admin", admin=True)

    def block(session: Any) -> None:
        from mobilizon.accounts.models import User

        user = session.scalar(select(User).where(User.email == admin.email))
        set_blocked(type("Ctx", (), {"dbsession": session, "registry": registry})(), user, host, True)

    committed(registry, block)
    recorder.clear()
    app.post_json("/api/v1/events", event_payload(), headers=narcisse.auth, status=201)
    assert [inbox for inbox, _ in recorder.sent if host in inbox] == []
