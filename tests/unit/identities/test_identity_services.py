"""The rules of profiles, called directly: ownership, the current profile, deletion choices."""

from __future__ import annotations

import secrets

import pytest

from mobilizon.accounts.models import User
from mobilizon.errors import Conflict, Forbidden, Invalid, NotFound
from mobilizon.identities import services
from mobilizon.identities.models import Actor, RetiredUsername

SETTINGS = {"mobilizon.base_url": "http://localhost"}


def new_user(dbsession) -> User:
    user = User(email=f"u-{secrets.token_hex(5)}@example.org", settings={})
    dbsession.add(user)
    dbsession.flush()
    return user


def name(prefix: str = "p") -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


def test_the_current_profile_is_the_chosen_one_then_the_default(dbsession):
    user = new_user(dbsession)
    assert services.current_profile(dbsession, user) is None
    first = services.create_profile(dbsession, SETTINGS, user, name())
    second = services.create_profile(dbsession, SETTINGS, user, name())
    assert user.default_actor_id == first.id
    assert services.current_profile(dbsession, user) is first
    assert services.current_profile(dbsession, user, second.id) is second
    stranger = services.create_profile(dbsession, SETTINGS, new_user(dbsession), name())
    assert services.current_profile(dbsession, user, stranger.id) is first  # not its own: ignored
    services.switch_profile(dbsession, user, second.preferred_username.upper())
    assert user.default_actor_id == second.id
    with pytest.raises(Forbidden):
        services.switch_profile(dbsession, user, stranger.preferred_username)
    with pytest.raises(NotFound):
        services.switch_profile(dbsession, user, "nobody_" + secrets.token_hex(4))


def test_names_and_bios_are_cleaned(dbsession):
    user = new_user(dbsession)
    actor = services.create_profile(
        dbsession, SETTINGS, user, name(), name=" Ro\x00se \n  D ", summary="\r\n line\r\nnext\x07 \n"
    )
    assert actor.name == "Rose D" and actor.summary == "line\nnext"
    services.update_profile(dbsession, user, actor.preferred_username, name="   ")
    assert actor.name is None and actor.display_name == actor.preferred_username
    with pytest.raises(Invalid):
        services.update_profile(dbsession, user, actor.preferred_username, name="x" * 101)


def test_keep_anonymises_and_remove_retires_the_name(dbsession):
    user = new_user(dbsession)
    keep = services.create_profile(dbsession, SETTINGS, user, name("keep"), name="Keep", summary="bio")
    remove = services.create_profile(dbsession, SETTINGS, user, name("remove"))
    last = services.create_profile(dbsession, SETTINGS, user, name("last"))
    with pytest.raises(Invalid):
        services.delete_profile(dbsession, None, user, keep.preferred_username, "archive")

    services.delete_profile(dbsession, None, user, keep.preferred_username, "keep")
    dbsession.expire_all()
    kept = dbsession.get(Actor, keep.id)
    assert kept is not None and kept.user_id is None and kept.deleted and kept.suspended
    assert (kept.name, kept.summary) == ("Deleted profile", None)
    assert kept.public_key  # what it published stays verifiable
    assert user.default_actor_id != keep.id

    username = remove.preferred_username
    services.delete_profile(dbsession, None, user, username, "remove")
    assert dbsession.get(Actor, remove.id) is None
    assert dbsession.get(RetiredUsername, username.lower()) is not None
    with pytest.raises(Conflict):
        services.check_username(dbsession, username.upper())

    with pytest.raises(Conflict) as refused:
        services.delete_profile(dbsession, None, user, last.preferred_username, "keep")
    assert refused.value.code == "last_profile"
    assert [p.id for p in services.list_profiles(dbsession, user)] == [last.id]
    assert user.default_actor_id == last.id


def test_an_account_has_at_most_twenty_profiles(dbsession, monkeypatch):
    monkeypatch.setattr(services, "MAX_PROFILES", 2)
    user = new_user(dbsession)
    services.create_profile(dbsession, SETTINGS, user, name())
    services.create_profile(dbsession, SETTINGS, user, name())
    with pytest.raises(Conflict):
        services.create_profile(dbsession, SETTINGS, user, name())
