"""Groups through the JSON API: creation, reading, editing, deleting, joining, following."""

from __future__ import annotations

from tests.functional.groups.conftest import add_member, make_group, unique


def test_a_group_is_created_by_a_profile_that_becomes_its_administrator(person):
    benedicte = person("benedicte")
    name = unique("ContribUtopists")
    group = benedicte.post(
        "/groups",
        {
            "preferred_username": name,
            "name": "The ContribUtopists",
            "summary": "Fewer ads, more trees.",
            "visibility": "public",
            "openness": "invite_only",
            "address": {"locality": "Lyon", "country": "France"},
        },
        status=201,
    ).json
    assert group["preferred_username"] == name
    assert group["role"] == "administrator"
    assert group["openness"] == "invite_only"
    assert group["address"]["locality"] == "Lyon"
    assert group["handle"] == f"{name}@localhost"
    members = benedicte.get(f"/groups/{name}/members").json
    assert [(m["actor"]["preferred_username"], m["role"]) for m in members["items"]] == [
        (benedicte.username, "administrator")
    ]


def test_group_usernames_follow_the_profile_rules(person):
    someone = person()
    taken = someone.username
    answer = someone.post("/groups", {"preferred_username": taken}, status=409).json
    assert answer["error"]["code"] == "username_taken"
    bad = someone.post("/groups", {"preferred_username": "no spaces"}, status=422).json
    assert "preferred_username" in bad["error"]["fields"]
    assert someone.post("/groups", {"preferred_username": "admin"}, status=409).json["error"]["code"] == (
        "username_reserved"
    )


def test_member_count_is_public_only_when_the_admins_choose(person, app):
    owner = person("owner")
    group = make_group(owner, openness="open")
    assert app.get(f"/api/v1/groups/{group}").json["member_count"] is None
    assert owner.get(f"/groups/{group}").json["member_count"] == 1
    owner.patch(f"/groups/{group}", {"show_member_count": True}, status=200)
    assert app.get(f"/api/v1/groups/{group}").json["member_count"] == 1


def test_unlisted_groups_are_not_listed_but_reachable_by_link(person, app):
    owner = person("owner")
    hidden = make_group(owner, visibility="unlisted")
    shown = make_group(owner)
    listed = {g["preferred_username"] for g in app.get("/api/v1/groups?per_page=100").json["items"]}
    assert shown in listed and hidden not in listed
    assert app.get(f"/api/v1/groups/{hidden}").json["visibility"] == "unlisted"


def test_joining_follows_the_openness(person):
    owner, joiner = person("owner"), person("joiner")
    open_group = make_group(owner, openness="open")
    moderated = make_group(owner, openness="moderated")
    closed = make_group(owner, openness="invite_only")
    assert joiner.post(f"/groups/{open_group}/join", {}, status=201).json["role"] == "member"
    asked = joiner.post(f"/groups/{moderated}/join", {"message": "Hello!"}, status=201).json
    assert asked["role"] == "not_approved" and asked["message"] == "Hello!"
    refused = joiner.post(f"/groups/{closed}/join", {}, status=403).json
    assert refused["error"]["code"] == "invite_only"
    assert "administrators" in refused["error"]["message"]
    again = joiner.post(f"/groups/{moderated}/join", {}, status=409).json
    assert again["error"]["code"] == "already_asked"


def test_a_moderator_approves_or_rejects_join_requests(person):
    owner, mod, asker, other = person("owner"), person("mod"), person("asker"), person("other")
    group = make_group(owner)
    add_member(group, owner, mod, "moderator")
    asker.post(f"/groups/{group}/join", {}, status=201)
    other.post(f"/groups/{group}/join", {}, status=201)
    requests = mod.get(f"/groups/{group}/members", role="not_approved").json["items"]
    assert {m["actor"]["preferred_username"] for m in requests} == {asker.username, other.username}
    assert mod.patch(f"/groups/{group}/members/{asker.username}", {"role": "member"}, status=200).json[
        "role"
    ] == ("member")
    assert (
        mod.patch(f"/groups/{group}/members/{other.username}", {"role": "rejected"}, status=200).json["role"]
        == "rejected"
    )
    assert other.post(f"/groups/{group}/join", {}, status=403).json["error"]["code"] == "rejected"
    assert asker.get(f"/groups/{group}").json["role"] == "member"


def test_last_administrator_cannot_leave_or_be_demoted(person):
    owner, second = person("owner"), person("second")
    group = make_group(owner)
    left = owner.delete(f"/groups/{group}/members/{owner.username}", {}, status=409).json
    assert left["error"]["code"] == "last_administrator"
    assert "administrator" in left["error"]["message"]
    demoted = owner.patch(f"/groups/{group}/members/{owner.username}", {"role": "member"}, status=409).json
    assert demoted["error"]["code"] == "last_administrator"
    add_member(group, owner, second, "administrator")
    owner.patch(f"/groups/{group}/members/{owner.username}", {"role": "moderator"}, status=200)
    owner.delete(f"/groups/{group}/members/{owner.username}", {}, status=204)
    assert owner.get(f"/groups/{group}").json["role"] == "none"


def test_exclusion_keeps_someone_out_even_of_an_open_group(person):
    owner, member = person("owner"), person("member")
    group = make_group(owner, openness="open")
    member.post(f"/groups/{group}/join", {}, status=201)
    owner.delete(f"/groups/{group}/members/{member.username}", {}, status=204)
    assert member.post(f"/groups/{group}/join", {}, status=403).json["error"]["code"] == "rejected"
    assert member.delete(f"/groups/{group}/members/{member.username}", {}, status=403)


def test_following_a_group_is_not_joining_it(person):
    owner, fan = person("owner"), person("fan")
    group = make_group(owner)
    fan.post(f"/groups/{group}/followers", {}, status=201)
    fan.post(f"/groups/{group}/followers", {}, status=201)  # twice is once
    assert fan.get(f"/groups/{group}").json == {
        **fan.get(f"/groups/{group}").json,
        "following": True,
        "role": "none",
    }
    followers = owner.get(f"/groups/{group}/followers").json
    assert [f["actor"]["preferred_username"] for f in followers["items"]] == [fan.username]
    fan.get(f"/groups/{group}/followers", status=403)
    fan.delete(f"/groups/{group}/followers", {}, status=204)
    assert owner.get(f"/groups/{group}/followers").json["total"] == 0


def test_there_is_no_way_to_follow_a_person(person, app):
    someone, fan = person("someone"), person("fan")
    fan.post(f"/groups/{someone.username}/followers", {}, status=404)


def test_deleting_a_group_needs_an_administrator_and_retires_its_name(person, app):
    owner, mod = person("owner"), person("mod")
    group = make_group(owner)
    add_member(group, owner, mod, "moderator")
    mod.delete(f"/groups/{group}", {}, status=403)
    owner.delete(f"/groups/{group}", {}, status=204)
    app.get(f"/api/v1/groups/{group}", status=404)
    assert (
        owner.post("/groups", {"preferred_username": group}, status=409).json["error"]["code"]
        == "username_taken"
    )


def test_the_group_actor_document_and_webfinger(person, app):
    owner = person("owner")
    group = make_group(owner, openness="open")
    document = app.get(f"/@{group}", headers={"Accept": "application/activity+json"}).json
    assert document["type"] == "Group"
    assert document["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    for collection in ("members", "resources", "posts", "discussions", "events"):
        assert document[collection] == f"http://localhost/@{group}/{collection}"
    assert document["openness"] == "open"
    finger = app.get("/.well-known/webfinger", params={"resource": f"acct:{group}@localhost"}).json
    assert finger["links"][0]["href"] == f"http://localhost/@{group}"


def test_the_group_operations_are_in_the_openapi_document(app):
    paths = app.get("/api/v1/openapi.json").json["paths"]
    expected = {
        "/api/v1/groups": {"get", "post"},
        "/api/v1/groups/{username}": {"get", "patch", "delete"},
        "/api/v1/groups/{username}/members": {"get"},
        "/api/v1/groups/{username}/members/{handle}": {"get", "patch", "delete"},
        "/api/v1/groups/{username}/join": {"post"},
        "/api/v1/groups/{username}/invitations": {"get", "post"},
        "/api/v1/groups/{username}/invitations/{id}/accept": {"post"},
        "/api/v1/groups/{username}/invitations/{id}/reject": {"post"},
        "/api/v1/invitations/{id}/accept": {"post"},
        "/api/v1/groups/{username}/followers": {"get", "post", "delete"},
        "/api/v1/groups/{username}/discussions": {"get", "post"},
        "/api/v1/groups/{username}/discussions/{uuid}": {"get", "patch", "delete"},
        "/api/v1/groups/{username}/posts": {"get", "post"},
        "/api/v1/groups/{username}/posts/{uuid}": {"get", "patch", "delete"},
        "/api/v1/groups/{username}/resources": {"get", "post"},
        "/api/v1/groups/{username}/resources/{uuid}": {"get", "patch", "delete"},
        "/api/v1/groups/{username}/events": {"get", "post"},
        "/api/v1/pads/{uuid}": {"get", "put"},
        "/api/v1/polls/{uuid}/vote": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    join = paths["/api/v1/groups/{username}/join"]["post"]
    assert {"403", "409", "401"} <= set(join["responses"])
