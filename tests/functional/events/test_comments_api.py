"""Comments through the API: threads, editing and deleting, moderation, closing. No likes."""

from __future__ import annotations

from .events_helpers import new_person

API = "/api/v1"


def comment(app, uuid, who, text, status=201, **body):
    return app.post_json(
        f"{API}/events/{uuid}/comments", {"text": text, **body}, headers=who.auth, status=status
    ).json


def test_comment_and_reply_in_threads(app, create_event):
    organiser, rose, dad = new_person(app, "organiser"), new_person(app), new_person(app, "narcisse")
    uuid = create_event(organiser)["uuid"]
    first = comment(app, uuid, rose, "Who brings the umbrellas?")
    second = comment(app, uuid, dad, "Happy to come!")
    reply = comment(app, uuid, organiser, "I do.", in_reply_to=first["uuid"])
    reply_to_reply = comment(app, uuid, rose, "Thanks!", in_reply_to=reply["uuid"])
    assert reply["in_reply_to"] == first["uuid"] and reply["origin"] == first["uuid"]
    assert reply_to_reply["in_reply_to"] == reply["uuid"] and reply_to_reply["origin"] == first["uuid"]

    listed = app.get(f"{API}/events/{uuid}/comments").json
    assert [c["uuid"] for c in listed["items"]] == [
        first["uuid"],
        reply["uuid"],
        reply_to_reply["uuid"],
        second["uuid"],
    ]
    assert listed["total"] == 4
    for item in listed["items"]:
        assert not {"likes", "reactions", "likes_count"} & set(item)

    page = app.get(f"/events/{uuid}")
    assert "Who brings the umbrellas?" in page.text and "I do." in page.text
    assert page.html.find(id=f"comment-{reply['uuid']}")["class"] == ["comment", "reply"]


def test_replies_stay_in_their_event(app, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    one, other = create_event(organiser)["uuid"], create_event(organiser)["uuid"]
    elsewhere = comment(app, other, rose, "Elsewhere")
    response = comment(app, one, rose, "Reply", status=422, in_reply_to=elsewhere["uuid"])
    assert "in_reply_to" in response["error"]["fields"]


def test_edit_and_delete_own_comments_only(app, create_event):
    organiser, rose, other = new_person(app, "organiser"), new_person(app), new_person(app, "other")
    uuid = create_event(organiser)["uuid"]
    mine = comment(app, uuid, rose, "Frist!")
    edited = app.patch_json(f"{API}/comments/{mine['uuid']}", {"text": "First!"}, headers=rose.auth).json
    assert edited["text"] == "<p>First!</p>"
    app.patch_json(f"{API}/comments/{mine['uuid']}", {"text": "Hijacked"}, headers=other.auth, status=403)
    app.delete(f"{API}/comments/{mine['uuid']}", headers=other.auth, status=403)

    reply = comment(app, uuid, other, "Welcome", in_reply_to=mine["uuid"])
    app.delete(f"{API}/comments/{mine['uuid']}", headers=rose.auth, status=204)
    items = app.get(f"{API}/events/{uuid}/comments").json["items"]
    deleted = next(c for c in items if c["uuid"] == mine["uuid"])
    assert deleted["deleted"] is True and deleted["text"] == ""
    assert (
        next(c for c in items if c["uuid"] == reply["uuid"])["in_reply_to"] == mine["uuid"]
    )  # the thread holds
    assert "This comment was deleted." in app.get(f"/events/{uuid}").text
    app.patch_json(f"{API}/comments/{mine['uuid']}", {"text": "Back"}, headers=rose.auth, status=409)
    assert (
        comment(app, uuid, other, "Hm", status=409, in_reply_to=mine["uuid"])["error"]["code"]
        == "comment_deleted"
    )


def test_organisers_delete_any_comment_and_close_the_comments(app, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    uuid = create_event(organiser)["uuid"]
    spam = comment(app, uuid, rose, "Buy cheap umbrellas <script>alert(1)</script>")
    assert "<script" not in spam["text"]
    app.delete(f"{API}/comments/{spam['uuid']}", headers=organiser.auth, status=204)

    app.patch_json(f"{API}/events/{uuid}", {"options": {"comments": "closed"}}, headers=organiser.auth)
    closed = comment(app, uuid, rose, "Still there?", status=403)
    assert closed["error"]["code"] == "comments_closed"
    assert comment(app, uuid, organiser, "Closing words.")["text"] == "<p>Closing words.</p>"


def test_moderated_comments_wait_for_an_organiser(app, create_event):
    organiser, rose, stranger = new_person(app, "organiser"), new_person(app), new_person(app, "stranger")
    uuid = create_event(organiser, options={"comments": "moderated"})["uuid"]
    held = comment(app, uuid, rose, "Can I come with my dog?")
    assert held["approved"] is False
    assert held["uuid"] not in [c["uuid"] for c in app.get(f"{API}/events/{uuid}/comments").json["items"]]
    assert held["uuid"] not in [
        c["uuid"] for c in app.get(f"{API}/events/{uuid}/comments", headers=stranger.auth).json["items"]
    ]
    assert held["uuid"] in [
        c["uuid"] for c in app.get(f"{API}/events/{uuid}/comments", headers=rose.auth).json["items"]
    ]
    app.patch_json(f"{API}/comments/{held['uuid']}", {"approved": True}, headers=rose.auth, status=403)
    approved = app.patch_json(
        f"{API}/comments/{held['uuid']}", {"approved": True}, headers=organiser.auth
    ).json
    assert approved["approved"] is True
    assert held["uuid"] in [c["uuid"] for c in app.get(f"{API}/events/{uuid}/comments").json["items"]]


def test_comments_of_hidden_events_are_hidden(app, create_event):
    organiser, stranger = new_person(app, "organiser"), new_person(app, "stranger")
    draft = create_event(organiser, draft=True)["uuid"]
    private = create_event(organiser, visibility="private")["uuid"]
    note = comment(app, private, organiser, "For us only")
    for uuid in (draft, private):
        app.get(f"{API}/events/{uuid}/comments", status=404)
        comment(app, uuid, stranger, "Hello?", status=404)
    app.get(f"/comments/{note['uuid']}", status=404)
    assert comment(app, draft, organiser, "Not yet", status=409)["error"]["code"] == "event_draft"


def test_empty_and_huge_comments_are_refused(app, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    uuid = create_event(organiser)["uuid"]
    assert "text" in comment(app, uuid, rose, "<script>only a script</script>", status=422)["error"]["fields"]
    assert "text" in comment(app, uuid, rose, "x" * 10_001, status=422)["error"]["fields"]
