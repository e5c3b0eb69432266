"""Rȯse's group path, end to end through the pages (the acceptance scenario of the seed story).

Bénédicte runs the ContribUtopists, an invite-only group. Rȯse, who keeps a family profile and
an activist one, is invited, accepts with her activist profile, comments in a discussion, is
promoted to moderator, drafts the group's next event, writes its description in a pad made in
two clicks and edited with another member, copies the text into the event and publishes it.
Later the group takes join requests, and her father's request is approved by a moderator.
"""

from __future__ import annotations

from typing import Any

from webtest import TestApp

from tests.functional.groups.conftest import add_member, new_person, unique

PAD_START = "Another Collage on the Wall\n\nWe paste poems over the ads.\n\nMeet at the square.\n"


def own_form(page: Any, **fields: str) -> Any:
    """The page's form that has these fields (with these values when given)."""
    for form in page.forms.values():
        if all(
            name in form.fields and (value is None or form[name].value == value)
            for name, value in fields.items()
        ):
            return form
    raise AssertionError(f"no form with {fields} on {page.request.path}")


def form_to(page: Any, path_part: str) -> Any:
    """The page's form that posts to an address containing ``path_part``."""
    for form in page.forms.values():
        if path_part in (form.action or ""):
            return form
    raise AssertionError(f"no form posting to {path_part!r} on {page.request.path}")


def switch_to(web: TestApp, username: str) -> None:
    page = web.get("/profiles")
    own_form(page, username=username).submit(status=302)


def test_roses_group_path(app: TestApp, browser: Any) -> None:
    benedicte = new_person(app, "benedicte")
    rose = new_person(app, "rose", profiles=2)
    family, activist = rose.usernames
    ann = new_person(app, "ann")
    narcisse = new_person(app, "narcisse")

    # Bénédicte creates the group through its form: invite only
    bene_web = browser(benedicte)
    form = own_form(bene_web.get("/groups/new"), preferred_username=None)
    name = unique("ContribUtopists")
    form["preferred_username"] = name
    form["name"] = "The ContribUtopists"
    form["summary"] = "Fewer ads, more trees."
    form["openness"] = "invite_only"
    group_page = form.submit(status=302).follow()
    assert "The ContribUtopists" in group_page.text
    add_member(name, benedicte, ann)
    form = own_form(bene_web.get(f"/@{name}/posts/new"), title=None)
    form["title"] = "Join the ContribUtopists!"
    form["body"] = "Comment under our last event and we will invite you."
    form.submit("publish", value="1", status=302)

    # Rȯse, not signed in: no join button, a clear word instead, and the post
    visitor = browser()
    public = visitor.get(f"/@{name}")
    assert "ask one of its administrators" in public.text
    assert not any("join" in (f.action or "") for f in public.forms.values())
    assert "Join the ContribUtopists!" in public.text

    # Bénédicte invites Rȯse's activist profile from the members page
    members = bene_web.get(f"/@{name}/members")
    form = own_form(members, handle=None)
    form["handle"] = f"@{activist}"
    form.submit(status=302)

    # Rȯse sees the invitation on her groups page and accepts it: it is her activist profile's
    rose_web = browser(rose)
    groups = rose_web.get("/groups")
    assert f"For your profile @{activist}" in groups.text
    joined = form_to(groups, "/invitations/").submit("action", value="accept", status=302).follow()
    assert f"You joined as @{activist}" in joined.text
    assert rose.get(f"/groups/{name}", identity=activist).json["role"] == "member"
    assert rose.get(f"/groups/{name}", identity=family).json["role"] == "none"

    # a discussion about the last action; Rȯse, acting as her activist profile, comments
    started = benedicte.post(
        f"/groups/{name}/discussions",
        {"title": "Lessons from the umbrella action", "text": "What next?"},
        status=201,
    ).json
    switch_to(rose_web, activist)
    thread = rose_web.get(f"/@{name}/discussions").click(description="Lessons from the umbrella action")
    form = next(f for f in thread.forms.values() if "text" in f.fields and "in_reply_to" not in f.fields)
    form["text"] = "Next: poems over the ads!"
    thread = form.submit(status=302).follow()
    assert "Next: poems over the ads!" in thread.text
    comments = benedicte.get(f"/groups/{name}/discussions/{started['uuid']}").json["comments"]
    assert comments[-1]["actor"]["preferred_username"] == activist

    # Bénédicte promotes her to moderator
    members = bene_web.get(f"/@{name}/members")
    form = next(
        f for f in members.forms.values() if "role" in f.fields and f.action.endswith(f"/members/{activist}")
    )
    form["role"] = "moderator"
    form.submit(status=302)
    assert rose.get(f"/groups/{name}", identity=activist).json["role"] == "moderator"

    # Rȯse drafts the group's next event
    form = own_form(rose_web.get(f"/@{name}/events/new"), title=None)
    form["title"] = "Another Collage on the Wall"
    form["begins_on"] = "2031-06-21T14:00"
    form.submit("publish", value="0", status=302)
    events = rose.get(f"/groups/{name}/events", identity=activist).json["items"]
    assert [(e["title"], e["draft"]) for e in events] == [("Another Collage on the Wall", True)]
    event = events[0]
    assert event["group"]["preferred_username"] == name
    # the members see the draft in the group's events
    assert "Another Collage on the Wall" in browser(ann).get(f"/@{name}/events").text

    # a pad, in two clicks from the resources page
    resources = rose_web.get(f"/@{name}/resources")
    pad_page = own_form(resources.click(description="New pad"), title=None).submit(status=302).follow()
    form = own_form(pad_page, base_revision="0")
    form["text"] = PAD_START
    pad_page = form.submit(status=302).follow()
    pad_uuid = pad_page.request.path.rsplit("/", 1)[-1]

    # Ann and Rȯse edit it at the same time, different lines: nothing is lost
    ann_web = browser(ann)
    ann_form = own_form(ann_web.get(f"/pads/{pad_uuid}"), base_revision="1")
    rose_form = own_form(rose_web.get(f"/pads/{pad_uuid}"), base_revision="1")
    rose_form["text"] = PAD_START.replace("Meet at the square.", "Meet at the square, 14:00.")
    rose_form.submit(status=302)
    ann_form["text"] = PAD_START.replace("poems", "poems and drawings")
    merged = ann_form.submit(status=302).follow()
    assert "together with the changes others made" in merged.text
    text = ann.get(f"/pads/{pad_uuid}").json["text"]
    assert "poems and drawings" in text and "14:00" in text
    history = rose_web.get(f"/pads/{pad_uuid}/history").text
    assert activist in history and ann.username in history

    # Rȯse copies the text into the event's description and publishes it
    published = rose.patch(
        f"/groups/{name}/events/{event['uuid']}",
        {"identity": activist, "description": text, "draft": False},
        status=200,
    ).json
    assert published["draft"] is False and "poems and drawings" in published["description"]
    assert "Another Collage on the Wall" in visitor.get(f"/@{name}").text

    # the group now takes join requests; her father asks, a moderator (Rȯse) approves
    form = own_form(bene_web.get(f"/@{name}/edit"), openness=None)
    form["openness"] = "moderated"
    form.submit(status=302)
    father_web = browser(narcisse)
    form = own_form(father_web.get(f"/@{name}"), message=None)
    form["message"] = "Rȯse's dad here!"
    asked = form.submit(status=302).follow()
    assert "a moderator of the group will answer" in asked.text
    members = rose_web.get(f"/@{name}/members")
    assert "Rȯse&#39;s dad here!" in members.text or "Rȯse's dad here!" in members.text
    approve = form_to(members, f"/members/{narcisse.username}")
    approve.submit("action", value="approve", status=302)
    assert narcisse.get(f"/groups/{name}").json["role"] == "member"
    assert "You are a member of this group" in father_web.get(f"/@{name}").text
