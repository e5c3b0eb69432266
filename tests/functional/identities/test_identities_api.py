"""/api/v1/identities: an app manages the account's profiles with a bearer token."""

from __future__ import annotations

import secrets

import pytest

from .identities_helpers import png_bytes, unique_name


def test_create_list_read_edit_profiles(app, make_account):
    account = make_account()
    first = unique_name("rose")
    created = app.post_json(
        "/api/v1/identities",
        {"preferred_username": first, "name": "Rose", "summary": "Gardener."},
        headers=account.auth,
        status=201,
    ).json
    assert created == {
        "preferred_username": first,
        "name": "Rose",
        "summary": "Gardener.",
        "url": f"http://localhost/@{first}",
        "handle": f"{first}@localhost",
        "avatar": None,
        "default": True,
    }
    second = unique_name("activist")
    app.post_json("/api/v1/identities", {"preferred_username": second}, headers=account.auth, status=201)

    listed = app.get("/api/v1/identities", headers=account.auth).json
    assert listed["total"] == 2 and listed["next"] is None
    assert [item["preferred_username"] for item in listed["items"]] == [first, second]
    assert [item["default"] for item in listed["items"]] == [True, False]

    one = app.get(f"/api/v1/identities/{second.upper()}", headers=account.auth).json
    assert one["preferred_username"] == second and one["name"] is None

    edited = app.patch_json(
        f"/api/v1/identities/{second}",
        {"name": "  Night   owl ", "summary": "Lines\r\nof text"},
        headers=account.auth,
    ).json
    assert edited["name"] == "Night owl" and edited["summary"] == "Lines\nof text"
    # only what is given changes; null clears
    edited = app.patch_json(f"/api/v1/identities/{second}", {"summary": None}, headers=account.auth).json
    assert edited["name"] == "Night owl" and edited["summary"] is None


def test_list_is_paginated(app, make_account):
    account = make_account()
    names = [unique_name("page") for _ in range(3)]
    for name in names:
        app.post_json("/api/v1/identities", {"preferred_username": name}, headers=account.auth, status=201)
    page = app.get("/api/v1/identities?per_page=2", headers=account.auth).json
    assert page["total"] == 3 and len(page["items"]) == 2 and "page=2" in page["next"]
    rest = app.get(page["next"].replace("http://localhost", ""), headers=account.auth).json
    assert [item["preferred_username"] for item in rest["items"]] == names[2:]
    app.get("/api/v1/identities?per_page=500", headers=account.auth, status=422)


def test_the_api_needs_a_token_and_never_a_cookie(app):
    assert app.get("/api/v1/identities", status=401).json["error"]["code"] == "unauthorized"
    app.post_json("/api/v1/identities", {"preferred_username": "x"}, status=401)
    app.get("/api/v1/identities", headers={"Authorization": "Bearer nope"}, status=401)


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("admin", 409, "username_reserved"),
        ("API", 409, "username_reserved"),
        ("with space", 422, "invalid"),
        ("dash-ed", 422, "invalid"),
        ("émile", 422, "invalid"),
        ("", 422, "invalid"),
        ("x" * 101, 422, "invalid"),
    ],
)
def test_bad_usernames_are_refused(app, make_account, username, status, code):
    account = make_account()
    body = app.post_json(
        "/api/v1/identities", {"preferred_username": username}, headers=account.auth, status=status
    ).json
    assert body["error"]["code"] == code
    assert "preferred_username" in body["error"]["fields"]
    assert app.get("/api/v1/identities", headers=account.auth).json["total"] == 0


def test_a_taken_username_is_refused_whatever_its_case(app, make_account):
    owner, other = make_account(), make_account()
    name = unique_name("Taken")
    app.post_json("/api/v1/identities", {"preferred_username": name}, headers=owner.auth, status=201)
    for attempt in (name, name.lower(), name.upper()):
        body = app.post_json(
            "/api/v1/identities", {"preferred_username": attempt}, headers=other.auth, status=409
        ).json
        assert body["error"]["code"] == "username_taken"
        assert body["error"]["fields"]["preferred_username"] == "This username is already taken."


def test_oversized_and_malformed_input(app, make_account):
    account = make_account()
    name = unique_name("long")
    body = app.post_json(
        "/api/v1/identities",
        {"preferred_username": name, "name": "n" * 101},
        headers=account.auth,
        status=422,
    ).json
    assert "name" in body["error"]["fields"]
    app.post_json(
        "/api/v1/identities",
        {"preferred_username": name, "summary": "s" * 2001},
        headers=account.auth,
        status=422,
    )
    app.post_json(
        "/api/v1/identities", {"preferred_username": name, "role": "admin"}, headers=account.auth, status=422
    )
    app.post(
        "/api/v1/identities",
        "{not json",
        headers={**account.auth, "Content-Type": "application/json"},
        status=400,
    )
    app.post_json("/api/v1/identities", ["a list"], headers=account.auth, status=400)
    app.post_json("/api/v1/identities", {"preferred_username": name}, headers=account.auth, status=201)
    app.patch_json(f"/api/v1/identities/{name}", {"name": 3}, headers=account.auth, status=422)


def test_someone_elses_profile_is_out_of_reach(app, make_account):
    owner, intruder = make_account(), make_account()
    name = unique_name("mine")
    app.post_json("/api/v1/identities", {"preferred_username": name}, headers=owner.auth, status=201)
    app.post_json(
        "/api/v1/identities",
        {"preferred_username": unique_name("intruder")},
        headers=intruder.auth,
        status=201,
    )
    assert app.get(f"/api/v1/identities/{name}", headers=intruder.auth, status=403).json["error"]["code"] == (
        "forbidden"
    )
    app.patch_json(f"/api/v1/identities/{name}", {"name": "Hacked"}, headers=intruder.auth, status=403)
    app.delete_json(f"/api/v1/identities/{name}", {"content": "remove"}, headers=intruder.auth, status=403)
    app.post(
        f"/api/v1/identities/{name}/avatar",
        upload_files=[("avatar", "a.png", png_bytes())],
        headers=intruder.auth,
        status=403,
    )
    app.get("/api/v1/identities/nobody_" + secrets.token_hex(4), headers=intruder.auth, status=404)
    assert app.get(f"/api/v1/identities/{name}", headers=owner.auth).json["name"] is None


def test_delete_keeps_or_removes_and_never_the_last(app, make_account, dbsession):
    from mobilizon.identities.models import Actor

    account = make_account()
    keep, remove, last = unique_name("keep"), unique_name("remove"), unique_name("last")
    for name in (keep, remove, last):
        app.post_json("/api/v1/identities", {"preferred_username": name}, headers=account.auth, status=201)

    app.delete_json(f"/api/v1/identities/{keep}", {}, headers=account.auth, status=422)
    app.delete_json(f"/api/v1/identities/{keep}", {"content": "maybe"}, headers=account.auth, status=422)
    app.delete_json(f"/api/v1/identities/{keep}", {"content": "keep"}, headers=account.auth, status=204)
    app.delete_json(f"/api/v1/identities/{remove}", {"content": "remove"}, headers=account.auth, status=204)
    body = app.delete_json(
        f"/api/v1/identities/{last}", {"content": "remove"}, headers=account.auth, status=409
    ).json
    assert body["error"]["code"] == "last_profile"
    assert "only profile" in body["error"]["message"]

    listed = app.get("/api/v1/identities", headers=account.auth).json
    assert [item["preferred_username"] for item in listed["items"]] == [last]
    assert listed["items"][0]["default"] is True  # the default moved off the deleted one
    app.get(f"/api/v1/identities/{keep}", headers=account.auth, status=404)

    # both names stay out of reach of newcomers
    for name in (keep, remove):
        app.post_json("/api/v1/identities", {"preferred_username": name}, headers=account.auth, status=409)

    kept = dbsession.query(Actor).filter_by(preferred_username=keep).one()
    assert (kept.name, kept.summary, kept.avatar_url, kept.user_id) == ("Deleted profile", None, None, None)
    assert kept.suspended and kept.deleted_at is not None
    assert dbsession.query(Actor).filter_by(preferred_username=remove).one_or_none() is None


def test_avatar_upload_through_the_api(app, make_account):
    account = make_account()
    name = unique_name("pic")
    app.post_json("/api/v1/identities", {"preferred_username": name}, headers=account.auth, status=201)
    body = app.post(
        f"/api/v1/identities/{name}/avatar",
        upload_files=[("avatar", "me.png", png_bytes(900, 600))],
        headers=account.auth,
    ).json
    assert body["avatar"].startswith("http://localhost/media/") and body["avatar"].endswith(".png")
    image = app.get(body["avatar"].replace("http://localhost", ""))
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"

    refused = app.post(
        f"/api/v1/identities/{name}/avatar",
        upload_files=[("avatar", "me.png", b"<svg onload=alert(1)>")],
        headers=account.auth,
        status=422,
    ).json
    assert refused["error"]["code"] == "not_an_image"
    app.post(f"/api/v1/identities/{name}/avatar", {"avatar": "text"}, headers=account.auth, status=400)

    app.delete(f"/api/v1/identities/{name}/avatar", headers=account.auth, status=204)
    assert app.get(f"/api/v1/identities/{name}", headers=account.auth).json["avatar"] is None
    app.get(body["avatar"].replace("http://localhost", ""), status=404)


def test_operations_are_in_the_openapi_document(app):
    paths = app.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/identities"]) == {"get", "post"}
    assert set(paths["/api/v1/identities/{username}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/identities/{username}/avatar"]) == {"post", "delete"}
    assert "409" in paths["/api/v1/identities"]["post"]["responses"]
