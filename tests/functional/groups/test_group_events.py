"""Events of a group: moderators create them (the group organises, the creating profile is
recorded), members read the drafts, any moderator edits, publishes or deletes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.functional.groups.conftest import add_member, make_group


def soon(days: int = 10) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


def draft_of(group: str, who: Any, **values: Any) -> dict[str, Any]:
    body = {
        "title": "Another Collage on the Wall",
        "begins_on": soon(),
        "timezone": "Europe/Paris",
        "draft": True,
    }
    return who.post(f"/groups/{group}/events", {**body, **values}, status=201).json


def event_attempt(action: str, w: Any, who: Any) -> int:
    """One try of an event action, for the permission matrix."""
    path = f"/groups/{w.group}/events"
    if action == "event.create":
        body = {"title": "Mine", "begins_on": soon(), "timezone": "Europe/Paris", "draft": True}
        return who.post(path, body).status_int
    uuid = draft_of(w.group, w.owner)["uuid"]
    if action == "event.read_draft":
        return who.get(f"{path}/{uuid}", status="*").status_int
    if action == "event.update":
        return who.patch(f"{path}/{uuid}", {"title": "Changed title"}).status_int
    return who.delete(f"{path}/{uuid}", {}).status_int


def test_a_moderator_drafts_an_event_members_read_it_another_moderator_publishes(person, app):
    admin, rose, ann, outsider = person("benedicte"), person("rose"), person("ann"), person("outsider")
    group = make_group(admin)
    add_member(group, admin, rose, "moderator")
    add_member(group, admin, ann)
    draft = draft_of(group, rose, description="<p>To be written together.</p>")
    assert draft["draft"] is True
    assert draft["group"]["preferred_username"] == group
    assert draft["organizer"]["preferred_username"] == rose.username
    # members see the draft; the public does not
    assert ann.get(f"/groups/{group}/events/{draft['uuid']}").json["title"] == "Another Collage on the Wall"
    assert [e["uuid"] for e in ann.get(f"/groups/{group}/events").json["items"]] == [draft["uuid"]]
    outsider.get(f"/groups/{group}/events/{draft['uuid']}", status=403)
    assert app.get(f"/api/v1/groups/{group}/events").json["total"] == 0
    ann.patch(f"/groups/{group}/events/{draft['uuid']}", {"title": "Members do not edit"}, status=403)
    # the administrator (not the organiser) publishes it
    published = admin.patch(f"/groups/{group}/events/{draft['uuid']}", {"draft": False}, status=200).json
    assert published["draft"] is False
    assert [e["uuid"] for e in app.get(f"/api/v1/groups/{group}/events").json["items"]] == [draft["uuid"]]
    page = app.get(f"/@{group}")
    assert "Another Collage on the Wall" in page.text
    admin.delete(f"/groups/{group}/events/{draft['uuid']}", {}, status=204)
    assert app.get(f"/api/v1/groups/{group}/events").json["total"] == 0


def test_members_cannot_create_events_of_the_group(person):
    admin, ann = person("admin"), person("ann")
    group = make_group(admin)
    add_member(group, admin, ann)
    answer = ann.post(
        f"/groups/{group}/events",
        {"title": "Mine", "begins_on": soon(), "timezone": "Europe/Paris"},
        status=403,
    ).json
    assert answer["error"]["code"] == "group_forbidden"


def test_deleting_a_group_removes_its_events(person, app):
    admin = person("admin")
    group = make_group(admin)
    draft = draft_of(group, admin, draft=False)
    app.get(f"/api/v1/events/{draft['uuid']}", status=200)
    admin.delete(f"/groups/{group}", {}, status=204)
    app.get(f"/api/v1/events/{draft['uuid']}", status=404)


def test_members_discuss_a_draft_on_the_event_itself(person, app):
    """The event's own pages follow the group's table: members read the draft and comment on it
    before publication, a moderator who did not write it edits it, outsiders see nothing."""
    admin, rose, ann, outsider = person("benedicte"), person("rose"), person("ann"), person("outsider")
    group = make_group(admin)
    add_member(group, admin, rose, "moderator")
    add_member(group, admin, ann)
    draft = draft_of(group, admin)
    uuid = draft["uuid"]
    assert ann.get(f"/events/{uuid}").json["draft"] is True
    comment = ann.post(f"/events/{uuid}/comments", {"text": "Shall we start at 19:00?"}, status=201).json
    rose.post(f"/events/{uuid}/comments", {"text": "Yes!", "in_reply_to": comment["uuid"]}, status=201)
    renamed = rose.patch(f"/events/{uuid}", {"title": "Collage night"}, status=200).json
    assert renamed["title"] == "Collage night"
    ann.patch(f"/events/{uuid}", {"title": "Members do not edit"}, status=403)
    outsider.get(f"/events/{uuid}", status=404)
    app.get(f"/api/v1/events/{uuid}", status=404)


def test_the_events_api_creates_a_group_event_with_the_group_field(person):
    admin, ann = person("benedicte"), person("ann")
    group = make_group(admin)
    add_member(group, admin, ann)
    body = {"title": "Picnic", "begins_on": soon(), "timezone": "Europe/Paris", "group": group}
    event = admin.post("/events", body, status=201).json
    assert event["group"]["preferred_username"] == group
    # a plain member may not create the group's events; the group cannot be changed later
    ann.post("/events", body, status=403)
    admin.patch(f"/events/{event['uuid']}", {"group": group}, status=422)
