"""The group pages for people: what each kind of visitor sees and can click."""

from __future__ import annotations

from tests.functional.groups.conftest import add_member, make_group


def test_every_page_renders_for_a_member(person, browser):
    owner, member = person("owner"), person("member")
    group = make_group(owner, summary="Fewer ads,\n\nmore trees.")
    add_member(group, owner, member)
    discussion = member.post(
        f"/groups/{group}/discussions", {"title": "Hello", "text": "Hi all"}, status=201
    ).json
    post = owner.post(f"/groups/{group}/posts", {"title": "News", "body": "Text"}, status=201).json
    folder = member.post(f"/groups/{group}/resources", {"type": "folder", "title": "Docs"}, status=201).json
    link = member.post(
        f"/groups/{group}/resources", {"resource_url": "https://example.invalid/x", "title": "X"}, status=201
    ).json
    web = browser(member)
    pages = [
        "/groups",
        f"/@{group}",
        f"/@{group}/members",
        f"/@{group}/discussions",
        f"/@{group}/discussions/new",
        f"/@{group}/c/{discussion['uuid']}",
        f"/@{group}/posts",
        f"/@{group}/p/{post['uuid']}",
        f"/@{group}/resources",
        f"/@{group}/resources/{folder['uuid']}",
        f"/@{group}/resources/{link['uuid']}",
        f"/@{group}/resources/new?type=folder",
        f"/@{group}/resources/new?type=link",
        f"/@{group}/events",
    ]
    for path in pages:
        assert web.get(path).status_int == 200, path
    admin = browser(owner)
    for path in (
        f"/@{group}/edit",
        f"/@{group}/delete",
        f"/@{group}/posts/new",
        f"/@{group}/p/{post['uuid']}/edit",
    ):
        assert admin.get(path).status_int == 200, path
    assert "Hi all" in web.get(f"/@{group}/c/{discussion['uuid']}").text


def test_the_join_button_matches_the_openness_and_is_never_dead(person, browser):
    owner = person("owner")
    open_group = make_group(owner, openness="open")
    moderated = make_group(owner, openness="moderated", show_member_count=True)
    closed = make_group(owner, openness="invite_only")
    visitor = browser()
    # signed out: a link that leads to the login page and back
    page = visitor.get(f"/@{open_group}")
    join = page.html.find("a", string="Join the group")
    assert join is not None
    assert visitor.get(join["href"], status=302).location.startswith("http://localhost/login?next=")
    assert page.html.find("a", string="Follow") is not None
    assert visitor.get(f"/@{moderated}").html.find("a", string="Ask to join") is not None
    assert "Members" in visitor.get(f"/@{moderated}").text  # the admins chose to show the count
    closed_page = visitor.get(f"/@{closed}")
    assert closed_page.html.find("a", string="Join the group") is None
    assert closed_page.html.find("a", string="Ask to join") is None
    assert "ask one of its administrators" in closed_page.text
    # signed in: real buttons, or the same clear word
    someone = person("someone")
    web = browser(someone)
    assert [b.text for b in web.get(f"/@{open_group}").html.select("form button")][-2:] == [
        "Join the group",
        "Follow",
    ]
    assert not web.get(f"/@{closed}").html.find("button", string="Ask to join")
    done = next(f for f in web.get(f"/@{moderated}").forms.values() if "message" in f.fields)
    done["message"] = "Hello"
    assert "waiting for a moderator" in done.submit(status=302).follow().text


def test_following_from_the_page(person, browser):
    owner, fan = person("owner"), person("fan")
    group = make_group(owner)
    web = browser(fan)
    follow = next(f for f in web.get(f"/@{group}").forms.values() if f.action.endswith("/follow"))
    page = follow.submit("action", value="follow", status=302).follow()
    assert "You follow" in page.text and page.html.find("button", string="Unfollow") is not None
    assert (
        owner.get(f"/groups/{group}/followers").json["items"][0]["actor"]["preferred_username"]
        == fan.username
    )


def test_inviting_an_unknown_username_on_the_members_page_says_so(person, browser):
    owner = person("owner")
    group = make_group(owner)
    web = browser(owner)
    form = next(f for f in web.get(f"/@{group}/members").forms.values() if "handle" in f.fields)
    form["handle"] = "nobody_by_that_name"
    answer = form.submit(status=422)
    assert "There is no profile @nobody_by_that_name here." in answer.text
    assert answer.html.select_one("#handle-error").text == "There is no profile with this username here."
    assert answer.html.select_one("#handle")["value"] == "nobody_by_that_name"


def test_someone_elses_invitation_cannot_be_accepted_from_a_page(person, browser):
    owner, guest, intruder = person("owner"), person("guest"), person("intruder")
    group = make_group(owner)
    invitation = owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=201).json
    web = browser(intruder)
    token = web.get("/groups").html.select_one("input[name=csrf_token]")["value"]
    refused = web.post(
        f"/@{group}/invitations/{invitation['id']}", {"action": "accept", "csrf_token": token}, status=403
    )
    assert "only that profile can answer it" in refused.text
    assert guest.get(f"/groups/{group}/members/{guest.username}").json["role"] == "invited"


def test_the_members_area_is_closed_to_outsiders_and_to_the_invited(person, browser):
    owner, guest, outsider = person("owner"), person("guest"), person("outsider")
    group = make_group(owner)
    owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=201)
    for who, message in ((outsider, "Only members of the group"), (guest, "accept the invitation first")):
        web = browser(who)
        for path in ("discussions", "resources", "members"):
            assert message in web.get(f"/@{group}/{path}", status=403).text
    # and the invited one sees the invitation on the group's page
    page = browser(guest).get(f"/@{group}")
    assert "You are invited to join this group." in page.text


def test_deleting_a_group_asks_for_confirmation(person, browser):
    owner = person("owner")
    group = make_group(owner)
    web = browser(owner)
    form = next(f for f in web.get(f"/@{group}/delete").forms.values() if "confirm" in f.fields)
    form["confirm"] = "not the name"
    again = form.submit(status=422)
    assert again.html.select_one("#confirm-error").text == "Type the group's username to confirm."
    form = next(f for f in again.forms.values() if "confirm" in f.fields)
    form["confirm"] = group
    assert "is deleted" in form.submit(status=302).follow().text
    web.get(f"/@{group}", status=404)


def test_collections_for_servers(person, app):
    owner = person("owner")
    group = make_group(owner)
    owner.post(f"/groups/{group}/posts", {"title": "Public news"}, status=201)
    owner.post(f"/groups/{group}/posts", {"title": "Internal", "visibility": "members"}, status=201)
    headers = {"Accept": "application/activity+json"}
    posts = app.get(f"/@{group}/posts", headers=headers).json
    assert posts["type"] == "OrderedCollection" and posts["totalItems"] == 1
    members = app.get(f"/@{group}/members", headers=headers).json
    assert members["totalItems"] == 0  # the administrators keep the count private
    assert app.get(f"/@{group}/discussions", headers=headers).json["orderedItems"] == []


def test_the_settings_page_edits_the_group_and_its_images(person, browser, app):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (900, 300), (20, 120, 60)).save(buffer, format="PNG")
    owner, member = person("owner"), person("member")
    group = make_group(owner)
    add_member(group, owner, member)
    browser(member).get(f"/@{group}/edit", status=403)
    web = browser(owner)
    form = next(f for f in web.get(f"/@{group}/edit").forms.values() if "summary" in f.fields)
    form["name"] = "The ContribUtopists"
    form["summary"] = "Fewer ads, more trees."
    form["show_member_count"] = True
    form["address_locality"] = "Lyon"
    form["banner"] = ("banner.png", buffer.getvalue(), "image/png")
    form.submit(status=302)
    read = app.get(f"/api/v1/groups/{group}").json
    assert (read["name"], read["summary"], read["member_count"]) == (
        "The ContribUtopists",
        "Fewer ads, more trees.",
        2,
    )
    assert read["address"]["locality"] == "Lyon"
    assert read["banner"].startswith("http://localhost/media/")
    page = browser().get(f"/@{group}")
    assert page.html.select_one("img.group-banner")["src"] == read["banner"]
    assert "Lyon" in page.text
    too_long = next(f for f in web.get(f"/@{group}/edit").forms.values() if "summary" in f.fields)
    too_long["summary"] = "x" * 2001
    refused = too_long.submit(status=422)
    assert refused.html.select_one("#summary-error").text == "At most 2000 characters."
    assert app.get(f"/api/v1/groups/{group}").json["summary"] == "Fewer ads, more trees."
