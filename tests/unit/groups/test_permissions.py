"""The permission table's shape: administrators can do everything, nobody outside the three
member roles can do anything inside, and each role can do at least what the one below can."""

from __future__ import annotations

import pytest

from mobilizon.groups import services

OUTSIDE = ("invited", "not_approved", "rejected", services.OUTSIDER)


def test_administrators_can_do_everything():
    assert all(services.can("administrator", action) for action in services.ACTIONS)


@pytest.mark.parametrize("role", OUTSIDE)
def test_nothing_inside_for_those_not_in(role):
    assert not any(services.can(role, action) for action in services.ACTIONS)
    assert not services.can(None, "discussion.read")


def test_roles_are_nested():
    for action in services.ACTIONS:
        if services.can("member", action):
            assert services.can("moderator", action), action
        if services.can("moderator", action):
            assert services.can("administrator", action), action


def test_only_administrators_change_roles_delete_or_exclude():
    for action in ("member.set_role", "member.exclude", "group.delete", "group.update"):
        assert [role for role in services.ALL_ROLES if services.can(role, action)] == ["administrator"]


def test_refusals_say_why():
    assert "accept the invitation" in str(services._refusal("invited", services.MEMBERS))
    assert "waiting for a moderator" in str(services._refusal("not_approved", services.MEMBERS))
    assert "administrators" in str(services._refusal("member", services.ADMINS))
    with pytest.raises(KeyError):
        services.can("member", "no.such.action")
