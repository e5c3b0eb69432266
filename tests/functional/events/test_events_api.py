"""The events API through HTTP: create, draft, publish, edit, cancel, delete, and bad input."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from mobilizon import hookimpl

from .events_helpers import event_payload, new_person

API = "/api/v1/events"


def my_event_count(app, who) -> int:
    from mobilizon.events.models import Event
    from mobilizon.identities.models import Actor

    from .events_helpers import committed

    def work(session):
        from sqlalchemy import func, select

        mine = select(Actor.id).where(Actor.user_id == who.user_id)
        return session.scalar(select(func.count(Event.id)).where(Event.organizer_actor_id.in_(mine)))

    return committed(app, work)


def test_a_draft_is_for_its_organiser_until_published(app, create_event):
    rose = new_person(app)
    stranger = new_person(app, "stranger")
    draft = create_event(rose, draft=True)
    assert draft["draft"] is True and draft["published_at"] is None
    uuid = draft["uuid"]

    assert uuid not in [e["uuid"] for e in app.get(API, params={"per_page": 100}).json["items"]]
    app.get(f"{API}/{uuid}", status=404)
    app.get(f"{API}/{uuid}", headers=stranger.auth, status=404)
    assert app.get(f"{API}/{uuid}", headers=rose.auth).json["title"] == "More trees, less ads!"
    app.post_json(f"{API}/{uuid}/participations", {}, headers=stranger.auth, status=404)

    published = app.patch_json(f"{API}/{uuid}", {"draft": False}, headers=rose.auth).json
    assert published["draft"] is False and published["published_at"]
    assert published["sequence"] == draft["sequence"] + 1
    assert app.get(f"{API}/{uuid}").json["uuid"] == uuid
    listed = app.get(API, params={"per_page": 100}).json
    assert uuid in [e["uuid"] for e in listed["items"]]
    # a published event does not go back to draft
    response = app.patch_json(f"{API}/{uuid}", {"draft": True}, headers=rose.auth, status=422)
    assert "draft" in response.json["error"]["fields"]


def test_times_are_read_in_the_event_zone_and_given_back_with_its_offset(app, create_event):
    rose = new_person(app)
    event = create_event(
        rose, begins_on="2031-07-14T21:30", ends_on="2031-07-14T23:00", timezone="America/Montreal"
    )
    assert event["begins_on"] == "2031-07-14T21:30:00-04:00"
    assert event["timezone"] == "America/Montreal"
    explicit = create_event(
        rose, begins_on="2031-01-10T10:00:00+00:00", ends_on=None, timezone="Europe/Paris"
    )
    assert explicit["begins_on"] == "2031-01-10T11:00:00+01:00"
    assert explicit["ends_on"] is None


def test_edit_changes_only_what_is_sent_and_bumps_the_sequence(app, create_event):
    rose = new_person(app)
    event = create_event(rose)
    uuid = event["uuid"]
    edited = app.patch_json(
        f"{API}/{uuid}",
        {"title": "More trees, fewer ads", "tags": ["trees", "TREES", "Umbrellas"], "capacity": 20},
        headers=rose.auth,
    ).json
    assert edited["title"] == "More trees, fewer ads"
    assert sorted(edited["tags"], key=str.lower) == ["Trees", "Umbrellas"]  # first spelling kept
    assert edited["capacity"] == 20 and edited["remaining_seats"] == 20
    assert edited["description"] == event["description"]
    assert edited["sequence"] == event["sequence"] + 1


def test_only_the_organiser_edits_cancels_and_deletes(app, create_event):
    rose = new_person(app)
    other = new_person(app, "other")
    uuid = create_event(rose)["uuid"]
    app.patch_json(f"{API}/{uuid}", {"title": "Taken over"}, headers=other.auth, status=403)
    app.delete(f"{API}/{uuid}", headers=other.auth, status=403)
    app.patch_json(f"{API}/{uuid}", {"title": "Taken over"}, status=401)
    assert app.get(f"{API}/{uuid}").json["title"] == "More trees, less ads!"

    cancelled = app.patch_json(f"{API}/{uuid}", {"status": "cancelled"}, headers=rose.auth).json
    assert cancelled["status"] == "cancelled"
    assert app.get(f"{API}/{uuid}").json["status"] == "cancelled"  # still visible

    app.delete(f"{API}/{uuid}", headers=rose.auth, status=204)
    app.get(f"{API}/{uuid}", headers=rose.auth, status=404)


def test_the_organiser_acts_as_one_of_their_own_profiles(app, create_event):
    rose = new_person(app, profiles=2)
    other = new_person(app, "other")
    second = rose.username[:-1] + "1"
    event = create_event(rose, identity=second)
    assert event["organizer"]["preferred_username"] == second
    response = app.post_json(API, event_payload(identity=other.username), headers=rose.auth, status=403)
    assert response.json["error"]["code"] == "forbidden"
    moved = app.patch_json(f"{API}/{event['uuid']}", {"identity": rose.username}, headers=rose.auth).json
    assert moved["organizer"]["preferred_username"] == rose.username
    mine = app.get(f"{API}/{event['uuid']}/participations/mine", headers=rose.auth).json["items"]
    assert [(p["actor"]["preferred_username"], p["role"]) for p in mine] == [(rose.username, "creator")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2020-01-01T10:00"}, "ends_on"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"title": "ab"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"online_address": "javascript:alert(1)"}, "online_address"),
        ({"tags": [f"tag{n}" for n in range(11)]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"category": "NOT_A_CATEGORY"}, "category"),
        ({"capacity": -3}, "capacity"),
        ({"begins_on": "next tuesday"}, "begins_on"),
        ({"visibility": "secret"}, "visibility"),
        ({"group": "someone"}, "group"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(app, overrides, field):
    rose = new_person(app)
    response = app.post_json(API, event_payload(**overrides), headers=rose.auth, status=422)
    error = response.json["error"]
    assert error["message"]
    assert any(name == field or name.startswith(f"{field}.") for name in error["fields"]), error
    assert my_event_count(app, rose) == 0


def test_a_five_megabyte_title_is_too_large_not_a_crash(app):
    rose = new_person(app)
    response = app.post_json(API, event_payload(title="x" * 5_000_000), headers=rose.auth, status=413)
    assert response.json["error"]["code"] == "too_large"
    assert my_event_count(app, rose) == 0


def test_scripts_and_handlers_are_stripped_from_the_description(app, create_event):
    rose = new_person(app)
    hostile = (
        '<p onclick="steal()">Hello<script>alert(1)</script></p>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a>'
        '<a href="https://example.org/">site</a><style>body{display:none}</style>'
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>'
    )
    description = create_event(rose, description=hostile)["description"]
    for forbidden in ("<script", "onclick", "onerror", "javascript:", "<style", "<iframe", "alert(1)"):
        assert forbidden not in description
    assert "Hello" in description
    assert '<a href="https://example.org/" rel="nofollow noopener noreferrer">site</a>' in description


def test_plain_text_descriptions_become_paragraphs(app, create_event):
    rose = new_person(app)
    description = create_event(rose, description="First line\nsecond line\n\n<3 & trees")["description"]
    assert description == "<p>First line<br>second line</p><p>&lt;3 &amp; trees</p>"


def test_unlisted_events_are_not_listed_but_readable_by_link(app, create_event):
    rose = new_person(app)
    uuid = create_event(rose, visibility="unlisted")["uuid"]
    assert uuid not in [e["uuid"] for e in app.get(API, params={"per_page": 100}).json["items"]]
    assert app.get(f"{API}/{uuid}").json["visibility"] == "unlisted"


def test_private_events_are_hidden_from_outsiders(app, create_event):
    rose = new_person(app)
    stranger = new_person(app, "stranger")
    uuid = create_event(rose, visibility="private")["uuid"]
    app.get(f"{API}/{uuid}", status=404)
    app.get(f"{API}/{uuid}", headers=stranger.auth, status=404)
    response = app.post_json(f"{API}/{uuid}/participations", {}, headers=stranger.auth, status=404)
    assert response.json["error"]["code"] == "not_found"
    app.get(f"/events/{uuid}.ics", status=404)
    app.get(f"/events/{uuid}", status=404)


def test_lists_are_paginated(app, create_event):
    rose = new_person(app)
    for number in range(3):
        create_event(rose, title=f"Paged event {number}")
    first = app.get(API, params={"per_page": 2}).json
    assert first["per_page"] == 2 and len(first["items"]) == 2 and first["total"] >= 3
    assert first["next"]
    second = app.get(API, params={"per_page": 2, "page": 2}).json
    assert {e["uuid"] for e in first["items"]}.isdisjoint({e["uuid"] for e in second["items"]})
    app.get(API, params={"per_page": 500}, status=422)


def test_the_operations_are_in_the_openapi_document(app):
    paths = app.get("/api/v1/openapi.json").json["paths"]
    for path, methods in {
        "/api/v1/events": {"get", "post"},
        "/api/v1/events/{uuid}": {"get", "patch", "delete"},
        "/api/v1/events/{uuid}/participations": {"get", "post"},
        "/api/v1/events/{uuid}/participations/mine": {"get", "delete"},
        "/api/v1/participations/{id}": {"patch", "delete"},
        "/api/v1/participations/confirm": {"post"},
        "/api/v1/events/{uuid}/comments": {"get", "post"},
        "/api/v1/comments/{uuid}": {"patch", "delete"},
    }.items():
        assert methods <= set(paths[path]), path


def test_nodeinfo_counts_local_events_and_comments(app, create_event):
    before = app.get("/nodeinfo/2.1").json["usage"]
    rose = new_person(app)
    uuid = create_event(rose)["uuid"]
    create_event(rose, draft=True)
    app.post_json(f"{API}/{uuid}/comments", {"text": "See you there"}, headers=rose.auth, status=201)
    after = app.get("/nodeinfo/2.1").json["usage"]
    assert after["localPosts"] == before["localPosts"] + 1
    assert after["localComments"] == before["localComments"] + 1


# --- pictures -----------------------------------------------------------------------------------


def png_bytes(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb_png(width=100_000, height=100_000) -> bytes:
    """A few hundred bytes whose header declares ten billion pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def test_a_picture_is_validated_resized_and_re_encoded(app, create_event):
    rose = new_person(app)
    uuid = create_event(rose)["uuid"]
    event = app.post(
        f"{API}/{uuid}/picture",
        {"alt": "Umbrellas in front of a screen"},
        upload_files=[("picture", "big.png", png_bytes((3000, 2000)))],
        headers=rose.auth,
    ).json
    assert event["picture"]["alt"] == "Umbrellas in front of a screen"
    served = app.get(event["picture"]["url"].replace("http://localhost", ""))
    image = Image.open(io.BytesIO(served.body))
    assert image.size[0] <= 1920 and image.size[1] <= 1080


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("notes.png", b"%PDF-1.4 this is not a picture", "not_an_image"),
        ("bomb.png", bomb_png(), "image_too_large"),
        ("fake.jpg", b"SIMPLE  =                    T" + b" " * 2850, "not_an_image"),
    ],
)
def test_bad_pictures_are_refused_and_nothing_changes(app, create_event, name, data, code):
    rose = new_person(app)
    uuid = create_event(rose)["uuid"]
    response = app.post(
        f"{API}/{uuid}/picture", upload_files=[("picture", name, data)], headers=rose.auth, status=422
    )
    assert response.json["error"]["code"] == code
    assert "picture" in response.json["error"]["fields"]
    assert app.get(f"{API}/{uuid}").json["picture"] is None


# --- lifecycle hook point -----------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.names = []

    @hookimpl
    def lifecycle_event(self, event, registry):
        self.names.append((event.name, dict(event.subject)))


@pytest.fixture
def recorder(app):
    plugins = app.app.registry["plugins"]
    recorder = Recorder()
    plugins.register(recorder, name="events-test-recorder")
    yield recorder
    plugins.unregister(recorder)


def test_changes_fire_lifecycle_events_after_commit_and_refusals_fire_nothing(app, recorder, create_event):
    rose, dad = new_person(app), new_person(app, "narcisse")
    uuid = create_event(rose, draft=True)["uuid"]
    app.patch_json(f"{API}/{uuid}", {"draft": False}, headers=rose.auth)
    app.patch_json(f"{API}/{uuid}", {"title": "Surprise party!", "capacity": 3}, headers=rose.auth)
    app.post_json(f"{API}/{uuid}/participations", {}, headers=dad.auth, status=201)
    app.patch_json(f"{API}/{uuid}", {"ends_on": "2001-01-01T00:00"}, headers=rose.auth, status=422)
    app.patch_json(f"{API}/{uuid}", {"status": "cancelled"}, headers=rose.auth)
    names = [name for name, _subject in recorder.names]
    assert names == [
        "event.created",
        "event.published",
        "event.updated",
        "participation.joined",
        "event.cancelled",
    ]
    updated = dict(recorder.names)["event.updated"]
    assert updated["uuid"] == uuid and updated["changes"] == ["title"]
