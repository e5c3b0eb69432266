"""Every real payload of ../shared/fixtures (Mobilizon, Mastodon, PeerTube, Gancio, Pleroma,
Prismo, WordPress), through the inbox's authorisation and the job that applies it: what each
becomes here, or why it is refused or ignored.

The instance under test is ``http://mobilizon.test``, as in Mobilizon's own tests, so the
fixtures that target ``mobilizon.test`` objects (a Join of one of its events, an Invite of one
of its profiles) address us. Remote documents come from an in-memory web; every test runs in a
transaction rolled back at its end, so nothing is kept and nothing is delivered.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from mobilizon.events.models import Comment, Event, Participant
from mobilizon.federation import incoming
from mobilizon.federation.actors import actor_values, finger, get_actor, instance_actor, instance_actor_of
from mobilizon.federation.inbox import Refused, authorize
from mobilizon.federation.models import Activity
from mobilizon.federation.remote import add_follower, stable_uuid
from mobilizon.federation.vocabulary import first_id
from mobilizon.groups.models import Follower, Member
from mobilizon.identities.models import Actor
from mobilizon.identities.services import create_local_actor
from mobilizon.testing import fixture_path
from tests.federation.support import FakeClient, actor_document, future, job_context

BASE = "http://mobilizon.test"


def load(name: str) -> dict[str, Any]:
    return json.loads(fixture_path(name).read_text())


@pytest.fixture(scope="module")
def client() -> FakeClient:
    return FakeClient()


@pytest.fixture(scope="module")
def registry(make_app, client):
    app = make_app(**{"mobilizon.base_url": BASE})
    registry = app.app.registry
    registry["http_client"] = client
    for name in ("gancio-actor.json", "mastodon-actor.json", "mastodon-tcit-tcit.json"):
        document = load(name)
        client.documents[document["id"]] = document
    client.documents["http://mobilizon1.com/@group"] = actor_document(
        "http://mobilizon1.com/@group", client.keys, "Group"
    )
    return registry


@contextmanager
def world(registry) -> Iterator[Any]:
    with job_context(registry) as ctx:
        yield ctx


def run(ctx, payload: dict[str, Any], signer: str | None = None) -> incoming.Outcome:
    """The inbox's checks (signed by the activity's own actor), then the job's work."""
    activity = copy.deepcopy(payload)
    authorize(activity, signer or first_id(activity.get("actor")) or "", ctx.registry.settings)
    return incoming.apply(ctx, activity)


def profile(ctx, name: str) -> Actor:
    existing = ctx.dbsession.scalar(select(Actor).where(Actor.url == f"{BASE}/@{name}"))
    return existing or create_local_actor(ctx.dbsession, ctx.registry.settings, preferred_username=name)


def follow(ctx, follower: Actor, url: str) -> Actor:
    target = get_actor(ctx, url)
    add_follower(ctx, target, follower, approved=True)
    return target


def local_event(ctx, url: str, **values: Any) -> Event:
    organizer = profile(ctx, "narcisse")
    start = future()
    event = Event(
        url=url,
        uuid=stable_uuid(url),
        organizer=organizer,
        title="Surprise party",
        begins_on=start,
        timezone="Europe/Paris",
        published_at=start,
        **values,
    )
    ctx.dbsession.add(event)
    ctx.dbsession.add(Participant(event=event, actor=organizer, role="creator"))
    ctx.dbsession.flush()
    return event


def sent(ctx, kind: str) -> list[Activity]:
    return list(
        ctx.dbsession.scalars(select(Activity).where(Activity.direction == "out", Activity.type == kind))
    )


# --- events ---------------------------------------------------------------------------------------


def test_gancio_event_is_unsolicited_until_its_instance_is_followed(registry):
    payload = load("gancio-event-activity.json")
    with world(registry) as ctx:
        outcome = run(ctx, payload)
        assert outcome.status == "ignored" and "unsolicited" in outcome.reason
        relay = instance_actor(ctx.dbsession, ctx.registry.settings)
        follow(ctx, relay, payload["actor"])
        outcome = run(ctx, payload)
        assert outcome.status == "applied", outcome.reason
        event = ctx.dbsession.scalar(select(Event).where(Event.url == payload["object"]["id"]))
        assert (event.title, event.local, event.visibility) == ("Demo event", False, "public")
        assert event.begins_on == datetime(2021, 7, 14, 15, 30, 57, tzinfo=UTC)
        assert event.ends_on == datetime(2021, 7, 14, 16, 30, 57, tzinfo=UTC)
        assert event.timezone == "Etc/GMT-2"  # from the +02:00 offset: Gancio sends no zone
        assert event.address_description == "Colosseo" and event.street is None
        assert [tag.title for tag in event.tags] == ["test"]
        assert "<p>" in event.description and "Colosseo" in event.description  # plain text, as paragraphs
        assert event.organizer.type == "Application" and event.organizer.domain == "demo.gancio.org"


def test_mobilizon_event_with_its_vocabulary(registry):
    payload = load("mobilizon-post-activity.json")
    with world(registry) as ctx:
        follow(ctx, profile(ctx, "rose"), payload["actor"])
        outcome = run(ctx, payload)
        assert outcome.status == "applied", outcome.reason
        event = ctx.dbsession.scalar(select(Event).where(Event.url == payload["object"]["id"]))
        assert event.title == "My first event"
        assert event.category == "MEETING"  # "TODO remove me" is not a category
        assert (event.street, event.postal_code, event.locality) == ("10 Rue Jangot", "69007", "Lyon")
        assert (event.region, event.country) == ("Auvergne Rhône Alpes", "France")
        assert event.address_description == "Locaux de Framasoft"
        assert event.online_address == "https://google.com"  # the Link named "Website"
        assert event.begins_on == datetime(2018, 2, 12, 14, 8, 20, tzinfo=UTC) and event.ends_on is None
        assert event.timezone == "UTC"
        assert event.uuid == stable_uuid(event.url)
        assert 'class="u-url mention"' not in event.description  # cleaned like a form's HTML
        # the same Create again changes nothing but the sequence: one event, updated
        assert run(ctx, payload).status == "applied"
        assert ctx.dbsession.scalar(select(Event.id).where(Event.url == event.url)) == event.id


@pytest.mark.parametrize(
    ("name", "banner"),
    [
        ("mobilizon-post-activity-media.json", "https://mobilizon.fr/some-image"),
        ("mobilizon-post-activity-media-1.json", "https://mobilizon.fr/some-image-1"),
        ("mobilizon-post-activity-media-2.json", "https://mobilizon.fr/some-image-2"),
    ],
)
def test_mobilizon_event_banner_precedence(registry, name, banner):
    payload = load(name)
    with world(registry) as ctx:
        follow(ctx, profile(ctx, "rose"), payload["actor"])
        assert run(ctx, payload).status == "applied"
        event = ctx.dbsession.scalar(select(Event).where(Event.url == payload["object"]["id"]))
        assert event.picture_url == banner


def test_mobilizon_group_event_is_attributed_to_the_group(registry):
    payload = load("mobilizon-post-activity-group.json")
    with world(registry) as ctx:
        group = follow(ctx, profile(ctx, "rose"), "http://mobilizon1.com/@group")
        outcome = run(ctx, payload)
        assert outcome.status == "applied", outcome.reason
        event = ctx.dbsession.scalar(select(Event).where(Event.url == payload["object"]["id"]))
        assert event.attributed_to_id == group.id and event.organizer.url == "http://mobilizon1.com/@user"
        assert event.visibility == "private"  # addressed to the group only


# --- participations and invitations ---------------------------------------------------------------


def test_mobilizon_join_then_leave_one_of_our_events(registry):
    join, leave = load("mobilizon-join-activity.json"), load("mobilizon-leave-activity.json")
    with world(registry) as ctx:
        event = local_event(ctx, join["object"])
        outcome = run(ctx, join)
        assert outcome.status == "applied", outcome.reason
        participant = ctx.dbsession.scalar(
            select(Participant)
            .join(Actor)
            .where(Participant.event_id == event.id, Actor.url == join["actor"])
        )
        assert participant.role == "participant"
        [accept] = sent(ctx, "Accept")
        assert accept.payload["object"]["id"] == join["id"]
        assert accept.recipients == ["http://mobilizon2.test/@admin/inbox"]
        assert run(ctx, leave).status == "applied"
        assert ctx.dbsession.get(Participant, participant.id) is None


def test_join_of_a_restricted_event_waits_and_of_a_full_one_is_rejected(registry):
    join = load("mobilizon-join-activity.json")
    with world(registry) as ctx:
        local_event(ctx, join["object"], join_mode="restricted")
        assert "waits" in run(ctx, join).reason
        assert sent(ctx, "Accept") == []
    with world(registry) as ctx:
        local_event(ctx, join["object"], capacity=1)
        other = {
            **join,
            "id": "http://mobilizon2.test/@other/join/1",
            "actor": "http://mobilizon2.test/@other",
        }
        assert run(ctx, other).status == "applied"
        assert "refused: event_full" in run(ctx, join).reason
        assert len(sent(ctx, "Reject")) == 1


def test_join_of_a_private_event_is_rejected(registry):
    join = load("mobilizon-join-activity.json")
    with world(registry) as ctx:
        local_event(ctx, join["object"], visibility="private")
        assert "refused: event_private" in run(ctx, join).reason
        assert len(sent(ctx, "Reject")) == 1


def test_mobilizon_invite_of_a_group_on_another_origin_is_ignored(registry):
    payload = load("mobilizon-invite-activity.json")
    with world(registry) as ctx:
        someuser = profile(ctx, "someuser")
        outcome = run(ctx, payload)
        assert outcome.status == "ignored" and "not on the origin" in outcome.reason
        assert ctx.dbsession.scalar(select(Member.id).where(Member.actor_id == someuser.id)) is None


def test_invite_from_a_remote_group_waits_for_our_profile(registry):
    payload = load("mobilizon-invite-activity.json")
    payload["object"] = "http://mobilizon2.test/@mygroup"
    with world(registry) as ctx:
        ctx.registry["http_client"].documents[payload["object"]] = actor_document(
            payload["object"], ctx.registry["http_client"].keys, "Group"
        )
        invitee = profile(ctx, "someuser")
        assert run(ctx, payload).status == "applied"
        member = ctx.dbsession.scalar(select(Member).where(Member.actor_id == invitee.id))
        assert member.role == "invited" and member.group.url == payload["object"]
        ctx.registry["http_client"].documents.pop(payload["object"])


def test_members_collection_is_not_an_activity(registry):
    document = json.loads(
        json.dumps(load("mobilizon-members-collection.json")).replace("mobilizon.test", "remote.test")
    )
    with world(registry) as ctx, pytest.raises(Refused) as refused:
        run(ctx, document, signer=document["attributedTo"])
    assert refused.value.status == 403 and "actor" in refused.value.reason


# --- notes: Mastodon, Pleroma, PeerTube -----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "mastodon-post-activity.json",
        "mastodon-post-activity-hashtag.json",
        "mastodon-post-activity-private.json",
    ],
)
def test_mastodon_notes_that_answer_nothing_here_are_ignored(registry, name):
    payload = load(name)
    with world(registry) as ctx:
        outcome = run(ctx, payload)
        assert outcome.status == "ignored" and "does not answer" in outcome.reason
        assert ctx.dbsession.scalar(select(Comment.id).where(Comment.url == payload["object"]["id"])) is None


def test_mastodon_reply_to_our_event_becomes_a_comment(registry):
    payload = load("mastodon-post-activity-hashtag.json")
    with world(registry) as ctx:
        event = local_event(ctx, f"{BASE}/events/reply-target")
        payload["object"]["inReplyTo"] = event.url
        outcome = run(ctx, payload)
        assert outcome.status == "applied", outcome.reason
        comment = ctx.dbsession.scalar(select(Comment).where(Comment.event_id == event.id))
        assert comment.url == payload["object"]["id"] and not comment.local and comment.approved
        assert comment.actor.url == "https://framapiaf.org/users/admin"
        assert "<script" not in comment.text and comment.text.startswith("<p>")
        # a reply to that comment threads under it
        reply = copy.deepcopy(load("mastodon-post-activity.json"))
        reply["id"] += "-reply"
        reply["object"]["id"] += "-reply"
        reply["object"]["inReplyTo"] = comment.url
        assert run(ctx, reply).status == "applied"
        child = ctx.dbsession.scalar(select(Comment).where(Comment.url == reply["object"]["id"]))
        assert child.in_reply_to_id == comment.id and child.origin_id == comment.id


def test_private_mastodon_reply_is_never_a_public_comment(registry):
    payload = load("mastodon-post-activity-private.json")
    with world(registry) as ctx:
        event = local_event(ctx, f"{BASE}/events/private-reply")
        payload["object"]["inReplyTo"] = event.url
        outcome = run(ctx, payload)
        assert outcome.status == "ignored" and "not addressed to the public" in outcome.reason
        assert ctx.dbsession.scalar(select(Comment.id).where(Comment.event_id == event.id)) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("mastodon-status.json", "does not answer"),
        ("mastodon-status-2.json", "does not answer"),
        ("mastodon-status-3.json", "does not answer"),  # a reply to a Mastodon status we do not have
        ("mastodon-status-4.json", "does not answer"),
        ("mastodon-status-5.json", "does not answer"),  # a reply to a PeerTube video: ignored cleanly
        ("pleroma-comment-object.json", "does not answer"),
        ("https__info.pleroma.site_activity.json", "does not answer"),
        ("peertube-video.json", "Video is not stored here"),
    ],
)
def test_bare_objects_as_their_authors_would_create_them(registry, name, reason):
    document = load(name)
    author = first_id(document.get("attributedTo")) or first_id(document.get("actor"))
    if "pleroma.site" in name:  # a test object whose id is not on its author's origin
        document["id"] = "http://mastodon.example.org/objects/info"
    create = {"id": f"{document['id']}#create", "type": "Create", "actor": author, "object": document}
    with world(registry) as ctx:
        outcome = run(ctx, create)
        assert outcome.status == "ignored" and reason in outcome.reason


def test_prismo_article_with_actor_objects_is_read_and_ignored(registry):
    with world(registry) as ctx:
        outcome = run(ctx, load("prismo-url-map.json"))
        assert outcome.status == "ignored" and "Article is not stored here" in outcome.reason


def test_pleroma_object_attributed_elsewhere_is_refused(registry):
    document = load("https__info.pleroma.site_activity.json")
    create = {
        "id": "https://info.pleroma.site/create",
        "type": "Create",
        "actor": "https://info.pleroma.site/x",
        "object": document,
    }
    with world(registry) as ctx, pytest.raises(Refused) as refused:
        run(ctx, create)
    assert refused.value.status == 403 and "attributed to" in refused.value.reason


# --- follows, answers, announces, undo, deletes, updates ------------------------------------------


def test_mastodon_follow_of_someone_not_followable_here_is_rejected(registry):
    payload = load("mastodon-follow-activity.json")
    with world(registry) as ctx:
        outcome = run(ctx, payload)
        assert "rejected" in outcome.reason
        [reject] = sent(ctx, "Reject")
        assert reject.payload["object"]["id"] == payload["id"]


def test_mastodon_follow_of_our_group_is_accepted(registry):
    payload = load("mastodon-follow-activity.json")
    with world(registry) as ctx:
        group = create_local_actor(
            ctx.dbsession, ctx.registry.settings, preferred_username="trees", type="Group"
        )
        payload["object"] = group.url
        assert run(ctx, payload).status == "applied"
        follower = ctx.dbsession.scalar(select(Follower).where(Follower.target_actor_id == group.id))
        assert follower.approved and follower.actor.url == payload["actor"]
        [accept] = sent(ctx, "Accept")
        assert accept.actor_url == group.url
        undo = load("mastodon-unfollow-activity.json")
        undo["object"]["object"] = group.url
        assert run(ctx, undo).status == "applied"
        assert ctx.dbsession.get(Follower, follower.id) is None


def test_mastodon_accept_signed_as_one_of_our_actors_is_refused(registry):
    with world(registry) as ctx, pytest.raises(Refused) as refused:
        run(ctx, load("mastodon-accept-activity.json"))
    assert refused.value.status == 403


def test_accept_of_our_follow_approves_it(registry):
    payload = load("mastodon-accept-activity.json")
    remote = "https://framapiaf.org/users/peertube"
    with world(registry) as ctx:
        ours = profile(ctx, "thomas1")
        target = get_actor(ctx, remote)
        follower = add_follower(ctx, target, ours, approved=False)
        payload = json.loads(json.dumps(payload).replace("http://mobilizon.test/@thomas0", remote))
        payload["id"] = f"{remote}#accepts/1"
        assert run(ctx, payload).status == "applied"
        assert follower.approved


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("mastodon-reject-activity.json", "no use for"),
        ("mastodon-unfollow-activity.json", "not known here"),
        ("mastodon-undo-announce.json", "changes nothing"),
        ("mastodon-undo-like.json", "changes nothing"),
        ("mastodon-like.json", "Like is not supported"),
        ("mastodon-delete.json", "nothing stored here"),
    ],
)
def test_what_changes_nothing_here_is_ignored_with_a_reason(registry, name, reason):
    with world(registry) as ctx:
        outcome = run(ctx, load(name))
        assert outcome.status == "ignored" and reason in outcome.reason


def test_mastodon_announce_is_read_only_from_followed_accounts(registry, client):
    payload = load("mastodon-announce.json")
    with world(registry) as ctx:
        assert "read only from" in run(ctx, payload).reason
        follow(ctx, instance_actor(ctx.dbsession, ctx.registry.settings), payload["actor"])
        client.documents[payload["object"]] = load("mastodon-status.json")
        outcome = run(ctx, payload)  # refetched from its origin, and it answers nothing here
        assert outcome.status == "ignored" and "does not answer" in outcome.reason
        assert payload["object"] in client.fetched
        client.documents.pop(payload["object"])


def test_mastodon_delete_of_a_comment_and_of_an_account(registry):
    payload = load("mastodon-delete.json")
    with world(registry) as ctx:
        event = local_event(ctx, f"{BASE}/events/delete-target")
        author = get_actor(ctx, payload["actor"])
        url = payload["object"]["id"]
        comment = Comment(
            uuid=stable_uuid(url), url=url, local=False, event=event, actor=author, text="<p>hi</p>"
        )
        ctx.dbsession.add(comment)
        ctx.dbsession.flush()
        assert run(ctx, payload).status == "applied"
        assert comment.deleted and comment.text == ""
    user = load("mastodon-delete-user.json")
    with world(registry) as ctx:
        gone = get_actor(ctx, user["actor"])
        assert run(ctx, user).status == "applied"
        assert ctx.dbsession.get(Actor, gone.id) is None


def test_mastodon_update_of_a_person_is_refetched_not_believed(registry):
    payload = load("mastodon-update.json")
    with world(registry) as ctx:
        assert run(ctx, payload).status == "applied"
        actor = ctx.dbsession.scalar(select(Actor).where(Actor.url == payload["object"]["id"]))
        assert actor.name == "Framasoft"  # what its server serves, not the embedded "nextsoft"


# --- actors, WebFinger, NodeInfo ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "username", "shared_inbox"),
    [
        ("mastodon-actor.json", "Person", "peertube", "https://framapiaf.org/inbox"),
        ("mastodon-tcit-tcit.json", "Person", "tcit", "https://social.tcit.fr/inbox"),
        ("gancio-actor.json", "Application", "gancio", None),
    ],
)
def test_actor_documents(name, kind, username, shared_inbox):
    document = load(name)
    checked = actor_values(document, document["id"])
    assert checked.values["type"] == kind and checked.values["preferred_username"] == username
    assert checked.values["shared_inbox_url"] == shared_inbox
    assert checked.values["inbox_url"].startswith(document["id"].rsplit("/", 1)[0])
    assert checked.key_id == f"{document['id']}#main-key" and "BEGIN PUBLIC KEY" in checked.public_key
    assert "<" not in (checked.values["summary"] or "")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mastodon-webfinger.json", "https://social.tcit.fr/users/tcit"),
        ("pleroma-webfinger.json", "https://pleroma.soykaf.com/users/lain"),
        ("peertube-webfinger.json", "https://framatube.org/accounts/framasoft"),
        ("friendica-webfinger.json", "https://squeet.me/profile/lain"),
        ("gancio-webfinger.json", "https://demo.gancio.org/federation/u/gancio"),
    ],
)
def test_webfinger_answers_of_other_software(registry, client, name, expected):
    document = load(f"webfinger/{name}")
    name_, domain = document["subject"].removeprefix("acct:").split("@")
    url = f"https://{domain}/.well-known/webfinger?resource=acct:{name_}@{domain}"
    client.documents[url] = document
    with world(registry) as ctx:
        assert finger(ctx, name_, domain) == expected
    client.documents.pop(url)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wp-event-federation.json", "https://event-federation.eu/actor-relay"),  # FEP-2677
        ("both_versions.json", None),
        ("older_versions.json", None),
        ("regular.json", None),
        ("data.json", None),
        ("wp-data.json", None),
    ],
)
def test_nodeinfo_application_link(registry, client, name, expected):
    domain = "event-federation.eu"
    client.documents[f"https://{domain}/.well-known/nodeinfo"] = load(f"nodeinfo/{name}")
    relay_finger = f"https://{domain}/.well-known/webfinger?resource=acct:relay@{domain}"
    client.documents[relay_finger] = {
        "links": [{"rel": "self", "type": "application/activity+json", "href": f"https://{domain}/relay"}]
    }
    with world(registry) as ctx:
        assert instance_actor_of(ctx, domain) == (expected or f"https://{domain}/relay")
    client.documents.pop(relay_finger)
    client.documents.pop(f"https://{domain}/.well-known/nodeinfo")
