"""The pads plugin: a pad made in two clicks from the resources page, written by several
members, its history, and no lost edit when two people save at once."""

from __future__ import annotations

import pytest
from webtest import TestApp

from tests.functional.groups.conftest import add_member, make_group, new_person, sign_in

TEXT = "Another Collage on the Wall\n\nWhen: Saturday.\n\nWhere: the square.\n"


def last_form(page):
    """The page's own form, after the header's (profile switch, log out)."""
    return page.forms[len(page.forms) - 1]


def browser_for(app: TestApp, who) -> TestApp:
    return sign_in(TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"}), who)


@pytest.fixture
def crew(app):
    admin, rose, ann, outsider = (new_person(app, p) for p in ("benedicte", "rose", "ann", "outsider"))
    group = make_group(admin)
    add_member(group, admin, rose, "moderator")
    add_member(group, admin, ann)
    return group, admin, rose, ann, outsider


def test_a_pad_in_two_clicks_from_the_resources_page(app, crew):
    group, admin, rose, ann, outsider = crew
    web = browser_for(app, rose)
    resources = web.get(f"/@{group}/resources")
    form_page = resources.click(description="New pad")  # first click
    form = last_form(form_page)
    assert form["title"].value.startswith("Pad")  # a name is already there
    pad_page = form.submit(status=302).follow()  # second click
    assert pad_page.request.path.startswith("/pads/")
    assert "Revision 0" in pad_page.text
    listed = rose.get(f"/groups/{group}/resources").json["items"]
    assert [(r["type"], r["page"]) for r in listed] == [("pad", pad_page.request.url)]


def test_two_members_write_and_the_history_says_who_changed_what(app, crew):
    group, admin, rose, ann, outsider = crew
    pad = rose.post(f"/groups/{group}/resources", {"type": "pad", "title": "Collage"}, status=201).json
    web_rose, web_ann = browser_for(app, rose), browser_for(app, ann)
    page = web_rose.get(f"/pads/{pad['uuid']}")
    form = last_form(page)
    form["text"] = TEXT
    form.submit(status=302)
    form = last_form(web_ann.get(f"/pads/{pad['uuid']}"))
    assert form["base_revision"].value == "1"
    form["text"] = TEXT.replace("Saturday.", "Saturday at 10:00.")
    form.submit(status=302)
    saved = ann.get(f"/pads/{pad['uuid']}").json
    assert saved["revision"] == 2 and "10:00" in saved["text"]
    history = web_rose.get(f"/pads/{pad['uuid']}/history")
    assert rose.username in history.text and ann.username in history.text
    assert "+When: Saturday at 10:00." in history.text and "-When: Saturday." in history.text
    authors = [r["author"]["preferred_username"] for r in rose.get(f"/pads/{pad['uuid']}/revisions").json]
    assert authors == [ann.username, rose.username, rose.username]


def test_two_saves_at_once_on_different_lines_are_merged(crew):
    group, admin, rose, ann, outsider = crew
    pad = rose.post(f"/groups/{group}/resources", {"type": "pad", "title": "Collage"}, status=201).json
    path = f"/pads/{pad['uuid']}"
    rose.put(path, {"text": TEXT, "base_revision": 0}, status=200)
    # both start from revision 1
    rose.put(path, {"text": TEXT.replace("Saturday.", "Saturday, 10:00."), "base_revision": 1}, status=200)
    merged = ann.put(
        path, {"text": TEXT.replace("the square.", "the town square."), "base_revision": 1}, status=200
    )
    assert merged.json["merged"] is True
    assert "Saturday, 10:00." in merged.json["text"] and "the town square." in merged.json["text"]
    assert merged.json["revision"] == 3


def test_two_saves_at_once_on_the_same_line_lose_nothing(app, crew):
    group, admin, rose, ann, outsider = crew
    pad = rose.post(f"/groups/{group}/resources", {"type": "pad", "title": "Collage"}, status=201).json
    path = f"/pads/{pad['uuid']}"
    rose.put(path, {"text": TEXT, "base_revision": 0}, status=200)
    hers = TEXT.replace("Saturday.", "Saturday morning.")
    mine = TEXT.replace("Saturday.", "Sunday.")
    rose.put(path, {"text": hers, "base_revision": 1}, status=200)
    refused = ann.put(path, {"text": mine, "base_revision": 1}, status=409).json["error"]
    assert refused["code"] == "edit_conflict"
    assert refused["theirs"]["text"] == hers and refused["theirs"]["revision"] == 2
    assert refused["theirs"]["author"]["preferred_username"] == rose.username
    assert refused["yours"]["text"] == mine
    assert ann.get(path).json["text"] == hers  # nothing was overwritten
    # the same through the page: both texts shown, the editor keeps mine, based on the latest
    web = browser_for(app, ann)
    form = last_form(web.get(path))
    form["base_revision"] = "1"
    form["text"] = mine
    conflict = form.submit(status=409)
    assert "Saturday morning." in conflict.html.select_one("#theirs").text
    retry = last_form(conflict)
    assert retry["text"].value.replace("\r\n", "\n") == mine and retry["base_revision"].value == "2"
    retry["text"] = TEXT.replace("Saturday.", "Saturday morning (or Sunday).")
    retry.submit(status=302)
    assert "Saturday morning (or Sunday)." in ann.get(path).json["text"]


def test_only_members_read_and_write_pads(crew):
    group, admin, rose, ann, outsider = crew
    pad = rose.post(f"/groups/{group}/resources", {"type": "pad", "title": "Collage"}, status=201).json
    outsider.get(f"/pads/{pad['uuid']}", status=403)
    outsider.put(f"/pads/{pad['uuid']}", {"text": "x", "base_revision": 0}, status=403)
    ann.put(f"/pads/{pad['uuid']}", {"text": "x", "base_revision": 7}, status=422)
    ann.get("/pads/not-a-uuid", status=404)


def test_an_external_etherpad_instead_of_the_editor(make_app):
    app = make_app(**{"mobilizon.pads.etherpad_url_template": "https://pad.example.org/p/{name}"})
    admin = new_person(app, "admin")
    group = make_group(admin)
    pad = admin.post(f"/groups/{group}/resources", {"type": "pad", "title": "Elsewhere"}, status=201).json
    assert pad["resource_url"].startswith(f"https://pad.example.org/p/{group}-")
    page = browser_for(app, admin).get(f"/pads/{pad['uuid']}")
    assert page.html.select_one(f'a[href="{pad["resource_url"]}"]') is not None
    assert not page.html.select("textarea")
    assert admin.put(f"/pads/{pad['uuid']}", {"text": "x", "base_revision": 0}, status=409).json["error"][
        "code"
    ] == ("external_pad")
