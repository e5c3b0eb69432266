"""Discussions, posts and resources through the JSON API."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.functional.groups.conftest import add_member, make_group, new_person


@pytest.fixture
def crew(person):
    """A group with an administrator, a moderator, two members and an outsider."""
    admin, mod, ann, bob, outsider = (person(p) for p in ("admin", "mod", "ann", "bob", "outsider"))
    group = make_group(admin)
    add_member(group, admin, mod, "moderator")
    add_member(group, admin, ann)
    add_member(group, admin, bob)
    return group, admin, mod, ann, bob, outsider


def test_discussions_threads_replies_and_own_edits(crew):
    group, admin, mod, ann, bob, outsider = crew
    started = ann.post(
        f"/groups/{group}/discussions",
        {"title": "Lessons from the umbrella action", "text": "What went well? <script>alert(1)</script>"},
        status=201,
    ).json
    assert (
        started["comments"][0]["text"] == "<p>What went well? </p>"
        or "<script" not in started["comments"][0]["text"]
    )
    uuid = started["uuid"]
    first = started["comments"][0]["uuid"]
    reply = bob.post(
        f"/groups/{group}/discussions/{uuid}/comments",
        {"text": "The cuttings!", "in_reply_to": first},
        status=201,
    ).json
    assert reply["in_reply_to"] == first
    # edit own; not someone else's
    ann.patch(
        f"/groups/{group}/discussions/{uuid}/comments/{first}",
        {"text": "What went well, really?"},
        status=200,
    )
    assert (
        "only its author"
        in bob.patch(f"/groups/{group}/discussions/{uuid}/comments/{first}", {"text": "hijacked"}, status=403)
        .json["error"]["message"]
        .lower()
    )
    # members delete their own; moderators anyone's
    bob.delete(f"/groups/{group}/discussions/{uuid}/comments/{first}", {}, status=403)
    mod.delete(f"/groups/{group}/discussions/{uuid}/comments/{reply['uuid']}", {}, status=204)
    thread = ann.get(f"/groups/{group}/discussions/{uuid}").json
    assert [c["deleted"] for c in thread["comments"]] == [False, True]
    assert thread["comments"][1]["text"] == ""
    assert thread["comment_count"] == 1
    # moderators rename, members do not
    ann.patch(f"/groups/{group}/discussions/{uuid}", {"title": "Mine now"}, status=403)
    assert (
        mod.patch(f"/groups/{group}/discussions/{uuid}", {"title": "Umbrella: lessons"}, status=200).json[
            "title"
        ]
        == "Umbrella: lessons"
    )
    outsider.get(f"/groups/{group}/discussions", status=403)
    outsider.get(f"/groups/{group}/discussions/{uuid}", status=403)
    listed = bob.get(f"/groups/{group}/discussions").json
    assert [d["title"] for d in listed["items"]] == ["Umbrella: lessons"]
    mod.delete(f"/groups/{group}/discussions/{uuid}", {}, status=204)
    ann.get(f"/groups/{group}/discussions/{uuid}", status=404)


def test_a_reply_must_answer_a_comment_of_the_same_discussion(crew):
    group, admin, mod, ann, bob, outsider = crew
    one = ann.post(f"/groups/{group}/discussions", {"title": "One", "text": "a"}, status=201).json
    two = ann.post(f"/groups/{group}/discussions", {"title": "Two", "text": "b"}, status=201).json
    answer = bob.post(
        f"/groups/{group}/discussions/{one['uuid']}/comments",
        {"text": "x", "in_reply_to": two["comments"][0]["uuid"]},
        status=422,
    ).json
    assert "in_reply_to" in answer["error"]["fields"]
    assert bob.post(f"/groups/{group}/discussions/{one['uuid']}/comments", {"text": "   "}, status=422)


def test_posts_drafts_members_only_and_the_author_kept_for_members(crew, app):
    group, admin, mod, ann, bob, outsider = crew
    public = mod.post(
        f"/groups/{group}/posts",
        {
            "title": "Join the ContribUtopists!",
            "body": "<p>Ask us <a href='https://example.org'>here</a></p>"
            "<img src='http://tracker.example/p.gif'>",
        },
        status=201,
    ).json
    assert public["author"]["preferred_username"] == mod.username
    assert 'rel="nofollow noopener noreferrer"' in public["body"] and "tracker" not in public["body"]
    members_only = mod.post(
        f"/groups/{group}/posts", {"title": "Internal", "visibility": "members"}, status=201
    ).json
    draft = mod.post(f"/groups/{group}/posts", {"title": "Not yet", "draft": True}, status=201).json
    ann.post(f"/groups/{group}/posts", {"title": "Members do not write posts"}, status=403)
    seen_by_public = app.get(f"/api/v1/groups/{group}/posts").json
    assert [p["title"] for p in seen_by_public["items"]] == ["Join the ContribUtopists!"]
    assert seen_by_public["items"][0]["author"] is None
    assert seen_by_public["items"][0]["group"]["preferred_username"] == group
    assert {p["title"] for p in ann.get(f"/groups/{group}/posts").json["items"]} == {
        "Join the ContribUtopists!",
        "Internal",
        "Not yet",
    }
    outsider.get(f"/groups/{group}/posts/{members_only['uuid']}", status=403)
    app.get(f"/api/v1/groups/{group}/posts/{draft['uuid']}", status=403)
    published = mod.patch(f"/groups/{group}/posts/{draft['uuid']}", {"draft": False}, status=200).json
    assert published["draft"] is False and published["published_at"]
    assert app.get(f"/api/v1/groups/{group}/posts/{draft['uuid']}").json["author"] is None
    mod.delete(f"/groups/{group}/posts/{public['uuid']}", {}, status=204)
    app.get(f"/api/v1/groups/{group}/posts/{public['uuid']}", status=404)


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.path == "/broken":
            self.send_response(500)
            self.end_headers()
            return
        body = (
            b"<html><head><title>Plant a tree</title>"
            b'<meta property="og:description" content="Cuttings to share, every Saturday.">'
            b'<meta property="og:site_name" content="Trees">'
            b"</head><body>hello</body></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetching_app(make_app):
    return make_app(
        **{
            "mobilizon.federation.allow_http": "true",
            "mobilizon.federation.allow_private_addresses": "true",
        }
    )


def test_resources_tree_links_with_fetched_previews(fetching_app, site):
    admin, ann, bob = (new_person(fetching_app, p) for p in ("admin", "ann", "bob"))
    group = make_group(admin)
    add_member(group, admin, ann)
    add_member(group, admin, bob)
    folder = ann.post(f"/groups/{group}/resources", {"type": "folder", "title": "Actions"}, status=201).json
    link = ann.post(
        f"/groups/{group}/resources", {"resource_url": f"{site}/trees", "parent": folder["uuid"]}, status=201
    ).json
    # the job ran after the request committed: the page's title and description are there
    fetched = ann.get(f"/groups/{group}/resources/{link['uuid']}").json
    assert fetched["title"] == "Plant a tree"
    assert fetched["summary"] == "Cuttings to share, every Saturday."
    assert fetched["preview"]["site_name"] == "Trees" and fetched["preview"]["status"] == "done"
    assert fetched["parent"] == folder["uuid"]
    broken = ann.post(
        f"/groups/{group}/resources", {"resource_url": f"{site}/broken", "title": "Kept"}, status=201
    ).json
    failed = ann.get(f"/groups/{group}/resources/{broken['uuid']}").json
    assert failed["preview"]["status"] == "failed" and "500" in failed["preview"]["error"]
    assert failed["title"] == "Kept"
    # editable by its creator, not by another member; a moderator could
    ann.patch(f"/groups/{group}/resources/{link['uuid']}", {"title": "Trees!"}, status=200)
    bob.patch(f"/groups/{group}/resources/{link['uuid']}", {"title": "Mine"}, status=403)
    # moving a folder into itself is refused
    inner = ann.post(
        f"/groups/{group}/resources",
        {"type": "folder", "title": "Inner", "parent": folder["uuid"]},
        status=201,
    ).json
    loop = ann.patch(
        f"/groups/{group}/resources/{folder['uuid']}", {"parent": inner["uuid"]}, status=422
    ).json
    assert "parent" in loop["error"]["fields"]
    root = ann.get(f"/groups/{group}/resources").json["items"]
    assert [r["title"] for r in root] == ["Actions", "Kept"]
    inside = ann.get(f"/groups/{group}/resources", parent=folder["uuid"]).json["items"]
    assert [r["type"] for r in inside] == ["folder", "link"]
    # a folder goes with what is in it
    ann.delete(f"/groups/{group}/resources/{folder['uuid']}", {}, status=204)
    ann.get(f"/groups/{group}/resources/{link['uuid']}", status=404)


def test_link_resources_refuse_bad_addresses(crew):
    group, admin, mod, ann, bob, outsider = crew
    for url in ("javascript:alert(1)", "ftp://example.org/x", "not a url", ""):
        answer = ann.post(f"/groups/{group}/resources", {"resource_url": url}, status=422).json
        assert "resource_url" in answer["error"]["fields"]
    unknown = ann.post(f"/groups/{group}/resources", {"type": "spreadsheet", "title": "x"}, status=422).json
    assert "type" in unknown["error"]["fields"]
    outsider.post(f"/groups/{group}/resources", {"type": "folder", "title": "x"}, status=403)


def test_the_guarded_client_refuses_private_addresses_where_the_instance_does(make_app, site):
    strict = make_app(**{"mobilizon.federation.allow_private_addresses": "false"})
    admin = new_person(strict, "admin")
    group = make_group(admin)
    link = admin.post(f"/groups/{group}/resources", {"resource_url": f"{site}/trees"}, status=201).json
    stored = admin.get(f"/groups/{group}/resources/{link['uuid']}").json
    assert stored["preview"]["status"] == "failed"
    assert "127.0.0.1" in stored["preview"]["error"]
    assert stored["title"] == "127.0.0.1/trees"
