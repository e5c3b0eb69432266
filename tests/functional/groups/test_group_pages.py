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
