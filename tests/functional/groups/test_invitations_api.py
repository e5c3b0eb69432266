"""Invitations through the JSON API, and the bad input around them: unknown handles, someone
else's invitation, a moderator promoting to administrator."""

from __future__ import annotations

from tests.functional.groups.conftest import add_member, make_group


def test_invite_accept_with_the_invited_profile(person):
    owner = person("benedicte")
    rose = person("rose", profiles=2)
    activist = rose.usernames[1]
    group = make_group(owner, openness="invite_only")
    invitation = owner.post(f"/groups/{group}/invitations", {"handle": f"@{activist}"}, status=201).json
    assert invitation["role"] == "invited"
    assert invitation["invited_by"]["preferred_username"] == owner.username
    pending = rose.get("/invitations").json["items"]
    assert [(i["id"], i["group"]) for i in pending] == [(invitation["id"], group)]
    # her own membership is readable even before she is in (that is how she finds the id)
    assert rose.get(f"/groups/{group}/members/{activist}").json["role"] == "invited"
    accepted = rose.post(f"/groups/{group}/invitations/{invitation['id']}/accept", {}, status=200).json
    assert accepted["role"] == "member" and accepted["actor"]["preferred_username"] == activist
    assert rose.get(f"/groups/{group}", identity=activist).json["role"] == "member"
    # her other profile is not in the group: profiles stay separate
    assert rose.get(f"/groups/{group}").json["role"] == "none"
    rose.get(f"/groups/{group}/members", status=403)


def test_declining_removes_the_invitation(person):
    owner, guest = person("owner"), person("guest")
    group = make_group(owner)
    invitation = owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=201).json
    guest.post(f"/invitations/{invitation['id']}/reject", {}, status=204)
    assert owner.get(f"/groups/{group}/invitations").json["total"] == 0
    guest.post(f"/invitations/{invitation['id']}/accept", {}, status=404)


def test_inviting_a_handle_that_does_not_exist_says_so(person):
    owner = person("owner")
    group = make_group(owner)
    answer = owner.post(f"/groups/{group}/invitations", {"handle": "nobody_here_at_all"}, status=422).json
    assert answer["error"]["code"] == "unknown_handle"
    assert answer["error"]["fields"]["handle"] == "There is no profile with this username here."
    remote = owner.post(
        f"/groups/{group}/invitations", {"handle": "alice@elsewhere.example"}, status=422
    ).json
    assert remote["error"]["code"] == "remote_handle"
    # a group is not a profile: it cannot be invited
    other_group = make_group(owner)
    owner.post(f"/groups/{group}/invitations", {"handle": other_group}, status=422)


def test_the_unknown_handle_is_named_in_the_message(person):
    owner = person("owner")
    group = make_group(owner)
    answer = owner.post(f"/groups/{group}/invitations", {"handle": "nobody_here_at_all"}, status=422).json
    assert answer["error"]["message"] == "There is no profile @nobody_here_at_all here."


def test_inviting_twice_or_a_member_is_a_conflict(person):
    owner, guest = person("owner"), person("guest")
    group = make_group(owner)
    owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=201)
    assert (
        owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=409).json["error"][
            "code"
        ]
        == "already_invited"
    )
    assert (
        owner.post(f"/groups/{group}/invitations", {"handle": owner.username}, status=409).json["error"][
            "code"
        ]
        == "already_member"
    )


def test_someone_else_cannot_accept_an_invitation(person):
    owner, guest, intruder = person("owner"), person("guest"), person("intruder")
    group = make_group(owner)
    invitation = owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=201).json
    answer = intruder.post(f"/invitations/{invitation['id']}/accept", {}, status=403).json
    assert "another profile" in answer["error"]["message"]
    intruder.post(f"/invitations/{invitation['id']}/reject", {}, status=403)
    # the group's own administrator cannot accept on the guest's behalf either
    owner.post(f"/invitations/{invitation['id']}/accept", {}, status=403)
    assert guest.get(f"/groups/{group}/members/{guest.username}").json["role"] == "invited"
    owner.post("/invitations/not-a-number/accept", {}, status=404)
    # an invitation answered through another group's URL is not found
    elsewhere = make_group(owner)
    guest.post(f"/groups/{elsewhere}/invitations/{invitation['id']}/accept", {}, status=404)


def test_invitation_answers_need_a_token(app, person):
    owner, guest = person("owner"), person("guest")
    group = make_group(owner)
    invitation = owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=201).json
    app.post_json(f"/api/v1/invitations/{invitation['id']}/accept", {}, status=401)


def test_a_moderator_cannot_promote_to_administrator(person):
    owner, mod, member = person("owner"), person("mod"), person("member")
    group = make_group(owner)
    add_member(group, owner, mod, "moderator")
    add_member(group, owner, member)
    for target in (member.username, mod.username):
        answer = mod.patch(f"/groups/{group}/members/{target}", {"role": "administrator"}, status=403).json
        assert answer["error"]["message"] == "Only the group's administrators can do this."
    assert owner.get(f"/groups/{group}/members/{member.username}").json["role"] == "member"
    assert owner.get(f"/groups/{group}/members/{mod.username}").json["role"] == "moderator"


def test_inviting_someone_who_asked_approves_them(person):
    owner, asker = person("owner"), person("asker")
    group = make_group(owner)
    asker.post(f"/groups/{group}/join", {}, status=201)
    assert (
        owner.post(f"/groups/{group}/invitations", {"handle": asker.username}, status=201).json["role"]
        == "member"
    )


def test_joining_when_invited_accepts(person):
    owner, guest = person("owner"), person("guest")
    group = make_group(owner, openness="invite_only")
    owner.post(f"/groups/{group}/invitations", {"handle": guest.username}, status=201)
    assert guest.post(f"/groups/{group}/join", {}, status=201).json["role"] == "member"


def test_acting_as_another_accounts_profile_is_refused(person):
    owner, other = person("owner"), person("other")
    group = make_group(owner)
    answer = other.post(f"/groups/{group}/join", {"identity": owner.username}, status=403).json
    assert "another account" in answer["error"]["message"]
