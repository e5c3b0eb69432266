"""The permission matrix: every role × every action, through HTTP, allowed or refused with 403.

``EXPECTED`` is the specification written out by hand (issue [groups] §3), not a copy of the
services' table: administrators do everything, moderators events, posts, discussions,
resources, join requests and invitations, members read the members' area, take part in
discussions and add resources, and invited / not approved / rejected profiles and outsiders
get nothing inside. Each action has an attempt that prepares a fresh target with the group's
owner, then tries the action as a profile in the given role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mobilizon.groups import services
from tests.functional.groups.conftest import Person, add_member, make_group, new_person

ADMIN, MOD, MEMBER = "administrator", "moderator", "member"
INSIDE = {ADMIN, MOD, MEMBER}
MODERATION = {ADMIN, MOD}

EXPECTED: dict[str, set[str]] = {
    "group.update": {ADMIN},
    "group.delete": {ADMIN},
    "member.list": INSIDE,
    "member.invite": MODERATION,
    "member.approve": MODERATION,
    "member.set_role": {ADMIN},
    "member.exclude": {ADMIN},
    "follower.list": MODERATION,
    "event.read_draft": INSIDE,
    "event.create": MODERATION,
    "event.update": MODERATION,
    "event.delete": MODERATION,
    "post.read_private": INSIDE,
    "post.create": MODERATION,
    "post.update": MODERATION,
    "post.delete": MODERATION,
    "discussion.read": INSIDE,
    "discussion.create": INSIDE,
    "discussion.comment": INSIDE,
    "discussion.rename": MODERATION,
    "discussion.delete": MODERATION,
    "comment.moderate": MODERATION,
    "resource.read": INSIDE,
    "resource.create": INSIDE,
    "resource.use": INSIDE,
    "resource.update": MODERATION,
    "resource.delete": MODERATION,
}


@dataclass
class World:
    app: Any
    group: str
    owner: Person
    subjects: dict[str, Person]
    discussion: str
    comment_target: Callable[[], tuple[str, str]]

    def fresh(self, prefix: str = "target") -> Person:
        return new_person(self.app, prefix)


def put_in_role(group: str, owner: Person, who: Person, role: str) -> None:
    if role in INSIDE:
        add_member(group, owner, who, role)
    elif role == "invited":
        owner.post(f"/groups/{group}/invitations", {"handle": who.username}, status=201)
    elif role in ("not_approved", "rejected"):
        who.post(f"/groups/{group}/join", {}, status=201)
        if role == "rejected":
            owner.patch(f"/groups/{group}/members/{who.username}", {"role": "rejected"}, status=200)


@pytest.fixture(scope="module")
def world(app: Any) -> World:
    owner = new_person(app, "owner")
    group = make_group(owner, openness="moderated")
    subjects = {}
    for role in services.ALL_ROLES:
        subjects[role] = new_person(app, role)
        put_in_role(group, owner, subjects[role], role)
    discussion = owner.post(
        f"/groups/{group}/discussions", {"title": "Shared", "text": "hello"}, status=201
    ).json

    def comment_target() -> tuple[str, str]:
        made = owner.post(
            f"/groups/{group}/discussions", {"title": "Target", "text": "owner's words"}, status=201
        )
        return made.json["uuid"], made.json["comments"][0]["uuid"]

    return World(app, group, owner, subjects, discussion["uuid"], comment_target)


# --- one attempt per action: (world, subject, role) -> status of the answer ----------------------


def _member_target(w: World, role: str = "member") -> Person:
    target = w.fresh()
    put_in_role(w.group, w.owner, target, role)
    return target


def _post(w: World, **values: Any) -> str:
    return w.owner.post(f"/groups/{w.group}/posts", {"title": "A post", **values}, status=201).json["uuid"]


def _folder(w: World) -> str:
    body = {"type": "folder", "title": "Folder"}
    return w.owner.post(f"/groups/{w.group}/resources", body, status=201).json["uuid"]


def _group_delete(w: World, who: Person, role: str) -> int:
    # a group of its own, so that a successful deletion leaves the shared one alone
    group = make_group(w.owner)
    if role == ADMIN:
        add_member(group, w.owner, who, ADMIN)
    else:
        put_in_role(group, w.owner, who, role)
    return who.delete(f"/groups/{group}", {}).status_int


def _event_attempt(action: str) -> Callable[[World, Person, str], int]:
    def attempt(w: World, who: Person, role: str) -> int:
        from tests.functional.groups.test_group_events import event_attempt

        return event_attempt(action, w, who)

    return attempt


def _pad_attempt(w: World, who: Person, role: str) -> int:
    """Using a resource: writing in a pad (the pads plugin's type)."""
    pad = w.owner.post(f"/groups/{w.group}/resources", {"type": "pad", "title": "Pad"}, status=201).json
    return who.put(f"/pads/{pad['uuid']}", {"text": "hello", "base_revision": 0}).status_int


ATTEMPTS: dict[str, Callable[[World, Person, str], int]] = {
    "group.update": lambda w, who, role: who.patch(f"/groups/{w.group}", {"summary": "changed"}).status_int,
    "group.delete": _group_delete,
    "member.list": lambda w, who, role: who.get(f"/groups/{w.group}/members", status="*").status_int,
    "member.invite": lambda w, who, role: (
        who.post(f"/groups/{w.group}/invitations", {"handle": w.fresh().username}).status_int
    ),
    "member.approve": lambda w, who, role: (
        who.patch(
            f"/groups/{w.group}/members/{_member_target(w, 'not_approved').username}", {"role": "member"}
        ).status_int
    ),
    "member.set_role": lambda w, who, role: (
        who.patch(f"/groups/{w.group}/members/{_member_target(w).username}", {"role": "moderator"}).status_int
    ),
    "member.exclude": lambda w, who, role: (
        who.delete(f"/groups/{w.group}/members/{_member_target(w).username}", {}).status_int
    ),
    "follower.list": lambda w, who, role: who.get(f"/groups/{w.group}/followers", status="*").status_int,
    "event.read_draft": _event_attempt("event.read_draft"),
    "event.create": _event_attempt("event.create"),
    "event.update": _event_attempt("event.update"),
    "event.delete": _event_attempt("event.delete"),
    "post.read_private": lambda w, who, role: (
        who.get(f"/groups/{w.group}/posts/{_post(w, visibility='members')}", status="*").status_int
    ),
    "post.create": lambda w, who, role: who.post(f"/groups/{w.group}/posts", {"title": "Mine"}).status_int,
    "post.update": lambda w, who, role: (
        who.patch(f"/groups/{w.group}/posts/{_post(w)}", {"title": "Changed"}).status_int
    ),
    "post.delete": lambda w, who, role: who.delete(f"/groups/{w.group}/posts/{_post(w)}", {}).status_int,
    "discussion.read": lambda w, who, role: (
        who.get(f"/groups/{w.group}/discussions/{w.discussion}", status="*").status_int
    ),
    "discussion.create": lambda w, who, role: (
        who.post(f"/groups/{w.group}/discussions", {"title": "Mine", "text": "hello"}).status_int
    ),
    "discussion.comment": lambda w, who, role: (
        who.post(f"/groups/{w.group}/discussions/{w.discussion}/comments", {"text": "me too"}).status_int
    ),
    "discussion.rename": lambda w, who, role: (
        who.patch(f"/groups/{w.group}/discussions/{w.comment_target()[0]}", {"title": "Renamed"}).status_int
    ),
    "discussion.delete": lambda w, who, role: (
        who.delete(f"/groups/{w.group}/discussions/{w.comment_target()[0]}", {}).status_int
    ),
    "comment.moderate": lambda w, who, role: (
        who.delete(
            "/groups/{}/discussions/{}/comments/{}".format(w.group, *w.comment_target()), {}
        ).status_int
    ),
    "resource.read": lambda w, who, role: who.get(f"/groups/{w.group}/resources", status="*").status_int,
    "resource.create": lambda w, who, role: (
        who.post(f"/groups/{w.group}/resources", {"type": "folder", "title": "Mine"}).status_int
    ),
    "resource.use": _pad_attempt,
    "resource.update": lambda w, who, role: (
        who.patch(f"/groups/{w.group}/resources/{_folder(w)}", {"title": "Renamed"}).status_int
    ),
    "resource.delete": lambda w, who, role: (
        who.delete(f"/groups/{w.group}/resources/{_folder(w)}", {}).status_int
    ),
}


def test_the_specification_is_the_services_table():
    assert set(EXPECTED) == set(services.PERMISSIONS) == set(ATTEMPTS)
    for action, roles in EXPECTED.items():
        for role in services.ALL_ROLES:
            assert services.can(role, action) is (role in roles), (role, action)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_role_against_every_action(world: World, action: str):
    outcome = {}
    # allowed roles last: a successful attempt must not change what the refused ones see
    for role in sorted(services.ALL_ROLES, key=lambda r: r in EXPECTED[action]):
        outcome[role] = ATTEMPTS[action](world, world.subjects[role], role)
    expected = {role: ("allowed" if role in EXPECTED[action] else 403) for role in services.ALL_ROLES}
    seen = {role: ("allowed" if 200 <= status < 300 else status) for role, status in outcome.items()}
    assert seen == expected
