"""Taking part through the API: with a profile, with an email only, approvals, seats, leaving."""

from __future__ import annotations

from .events_helpers import links_in, local_path, mail_text, mails_to, new_person

API = "/api/v1/events"


def join(app, uuid, who, status=201, **body):
    return app.post_json(f"{API}/{uuid}/participations", body, headers=who.auth, status=status).json


def test_join_with_a_profile_and_leave(app, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    uuid = create_event(organiser, capacity=10)["uuid"]

    joined = join(app, uuid, rose, message="I bring umbrellas")
    assert joined["role"] == "participant"
    assert joined["actor"]["preferred_username"] == rose.username
    assert joined["message"] == "I bring umbrellas"  # the participant sees their own message
    assert app.get(f"{API}/{uuid}").json["remaining_seats"] == 9

    again = join(app, uuid, rose, status=409)
    assert again["error"]["code"] == "already_participating"

    mine = app.get(f"{API}/{uuid}/participations/mine", headers=rose.auth).json
    assert [p["role"] for p in mine["items"]] == ["participant"]
    app.delete(f"{API}/{uuid}/participations/mine", headers=rose.auth, status=204)
    assert app.get(f"{API}/{uuid}/participations/mine", headers=rose.auth).json["items"] == []
    assert app.get(f"{API}/{uuid}").json["remaining_seats"] == 10
    app.delete(f"{API}/{uuid}/participations/mine", headers=rose.auth, status=404)


def test_the_organiser_cannot_leave_their_own_event(app, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser)["uuid"]
    response = app.delete(f"{API}/{uuid}/participations/mine", headers=organiser.auth, status=409)
    assert response.json["error"]["code"] == "organiser"
    creator = app.get(f"{API}/{uuid}/participations/mine", headers=organiser.auth).json["items"][0]
    app.delete(f"/api/v1/participations/{creator['id']}", headers=organiser.auth, status=409)


def test_a_second_profile_of_the_same_account_may_join_too(app, create_event):
    organiser = new_person(app, "organiser")
    rose = new_person(app, profiles=2)
    uuid = create_event(organiser)["uuid"]
    join(app, uuid, rose)
    join(app, uuid, rose, identity=rose.username[:-1] + "1")
    mine = app.get(f"{API}/{uuid}/participations/mine", headers=rose.auth).json["items"]
    assert len(mine) == 2
    app.delete(f"{API}/{uuid}/participations/mine?identity={rose.username}", headers=rose.auth, status=204)
    assert len(app.get(f"{API}/{uuid}/participations/mine", headers=rose.auth).json["items"]) == 1


def test_restricted_events_wait_for_the_organiser(app, mail_dir, create_event):
    organiser, rose, other = new_person(app, "organiser"), new_person(app), new_person(app, "other")
    uuid = create_event(
        organiser, join_mode="restricted", options={"participation_message": "Why do you want to come?"}
    )["uuid"]
    pending = join(app, uuid, rose, message="I love trees <img src=x onerror=alert(1)>")
    assert pending["role"] == "not_approved"

    listing = app.get(f"{API}/{uuid}/participations", headers=organiser.auth).json
    rows = {p["role"]: p for p in listing["items"]}
    assert set(rows) == {"creator", "not_approved"}
    assert rows["not_approved"]["message"] == "I love trees <img src=x onerror=alert(1)>"  # plain text
    app.get(f"{API}/{uuid}/participations", headers=rose.auth, status=403)
    app.patch_json(
        f"/api/v1/participations/{pending['id']}", {"role": "participant"}, headers=other.auth, status=403
    )
    app.patch_json(
        f"/api/v1/participations/{pending['id']}", {"role": "participant"}, headers=rose.auth, status=403
    )

    approved = app.patch_json(
        f"/api/v1/participations/{pending['id']}", {"role": "participant"}, headers=organiser.auth
    ).json
    assert approved["role"] == "participant"
    mail = mails_to(mail_dir, rose.email)[-1]
    assert "More trees, less ads!" in mail["Subject"]
    assert f"/events/{uuid}" in mail_text(mail)

    promoted = app.patch_json(
        f"/api/v1/participations/{pending['id']}", {"role": "moderator"}, headers=organiser.auth
    ).json
    assert promoted["role"] == "moderator"
    # a moderator sees the list now
    assert app.get(f"{API}/{uuid}/participations", headers=rose.auth).json["total"] == 2


def test_reject_a_participation(app, mail_dir, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    uuid = create_event(organiser, join_mode="restricted")["uuid"]
    pending = join(app, uuid, rose)
    rejected = app.patch_json(
        f"/api/v1/participations/{pending['id']}", {"role": "rejected"}, headers=organiser.auth
    ).json
    assert rejected["role"] == "rejected"
    assert "declined" in mail_text(mails_to(mail_dir, rose.email)[-1]).lower()
    again = join(app, uuid, rose, status=403)
    assert again["error"]["code"] == "participation_rejected"


def test_a_full_event_says_so_and_changes_nothing(app, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, capacity=2)["uuid"]
    for _ in range(2):
        join(app, uuid, new_person(app, "early"))
    late = new_person(app, "late")
    response = join(app, uuid, late, status=409)
    assert response["error"]["code"] == "event_full"
    assert "full" in response["error"]["message"]
    assert app.get(f"{API}/{uuid}/participations/mine", headers=late.auth).json["items"] == []
    event = app.get(f"{API}/{uuid}").json
    assert event["remaining_seats"] == 0 and event["participant_count"] == 3  # with the organiser


def test_approving_beyond_the_capacity_is_refused(app, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, capacity=1, join_mode="restricted")["uuid"]
    first, second = join(app, uuid, new_person(app)), join(app, uuid, new_person(app))
    app.patch_json(f"/api/v1/participations/{first['id']}", {"role": "participant"}, headers=organiser.auth)
    response = app.patch_json(
        f"/api/v1/participations/{second['id']}", {"role": "participant"}, headers=organiser.auth, status=409
    )
    assert response.json["error"]["code"] == "event_full"


def test_cancelled_draft_invite_only_and_finished_events_cannot_be_joined(app, create_event):
    organiser, rose = new_person(app, "organiser"), new_person(app)
    cancelled = create_event(organiser)["uuid"]
    app.patch_json(f"{API}/{cancelled}", {"status": "cancelled"}, headers=organiser.auth)
    assert join(app, cancelled, rose, status=409)["error"]["code"] == "event_cancelled"

    invite = create_event(organiser, join_mode="invite")["uuid"]
    assert join(app, invite, rose, status=403)["error"]["code"] == "invite_only"

    over = create_event(organiser, begins_on="2020-05-01T10:00", ends_on="2020-05-01T12:00")["uuid"]
    assert join(app, over, rose, status=409)["error"]["code"] == "event_over"

    draft = create_event(organiser, draft=True)["uuid"]
    join(app, draft, rose, status=404)
    for uuid in (cancelled, invite, over):
        assert app.get(f"{API}/{uuid}/participations/mine", headers=rose.auth).json["items"] == []


def test_joining_needs_a_token_or_an_email(app, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser)["uuid"]
    response = app.post_json(f"{API}/{uuid}/participations", {}, status=401)
    assert response.json["error"]["code"] == "unauthorized"


# --- anonymous participation --------------------------------------------------------------------


def test_join_anonymously_confirm_from_the_mail_and_cancel(app, mail_dir, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, options={"anonymous_participation": True})["uuid"]
    email = "rose-trash-box@example.org"

    answer = app.post_json(
        f"{API}/{uuid}/participations", {"email": email, "message": "Hi!"}, status=202
    ).json
    assert "mailbox" in answer["message"]
    mail = mails_to(mail_dir, email)[-1]
    assert "More trees, less ads!" in mail["Subject"]
    confirm, cancel = (
        next(link for link in links_in(mail) if "/participations/confirm/" in link),
        next(link for link in links_in(mail) if "/participations/cancel/" in link),
    )
    token = confirm.rsplit("/", 1)[1]

    # not confirmed yet: no seat taken, the organiser sees the email waiting
    rows = app.get(f"{API}/{uuid}/participations", headers=organiser.auth).json["items"]
    anonymous = next(p for p in rows if p["actor"] is None)
    assert (anonymous["role"], anonymous["email"], anonymous["message"]) == ("not_confirmed", email, "Hi!")

    done = app.post_json("/api/v1/participations/confirm", {"token": token}).json
    assert "confirmed" in done["message"]
    rows = app.get(f"{API}/{uuid}/participations", headers=organiser.auth).json["items"]
    assert next(p for p in rows if p["actor"] is None)["role"] == "participant"

    reused = app.post_json("/api/v1/participations/confirm", {"token": token}, status=409).json
    assert reused["error"]["code"] == "token_used"
    bogus = app.post_json("/api/v1/participations/confirm", {"token": "x" * 43}, status=422).json
    assert bogus["error"]["code"] == "token_invalid"

    # the email is for organisers only
    public = app.get(f"{API}/{uuid}").json
    assert email not in str(public)
    assert email not in app.get(f"/events/{uuid}").text

    # cancelling: GET shows a button (link scanners fetch links), POST cancels
    page = app.get(local_path(cancel))
    assert page.status_int == 200
    assert next(
        p
        for p in app.get(f"{API}/{uuid}/participations", headers=organiser.auth).json["items"]
        if p["actor"] is None
    )
    form = page.forms["cancel-participation"]
    form.submit(status=303)
    rows = app.get(f"{API}/{uuid}/participations", headers=organiser.auth).json["items"]
    assert all(p["actor"] is not None for p in rows)
    app.get(local_path(cancel), status=422)


def test_joining_again_with_the_same_email_reveals_nothing(app, mail_dir, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, options={"anonymous_participation": True})["uuid"]
    email = "twice@example.org"
    first = app.post_json(f"{API}/{uuid}/participations", {"email": email}, status=202).json
    token = next(link for link in links_in(mails_to(mail_dir, email)[-1]) if "/confirm/" in link).rsplit(
        "/", 1
    )[1]
    app.post_json("/api/v1/participations/confirm", {"token": token})
    second = app.post_json(f"{API}/{uuid}/participations", {"email": email}, status=202).json
    assert first == second  # same answer: nobody learns who takes part
    reminder = mails_to(mail_dir, email)[-1]
    assert any("/participations/cancel/" in link for link in links_in(reminder))
    rows = app.get(f"{API}/{uuid}/participations", headers=organiser.auth).json["items"]
    assert len([p for p in rows if p["email"] == email]) == 1


def test_anonymous_participation_needs_the_event_and_the_instance_to_allow_it(app, other_app, create_event):
    organiser = new_person(app, "organiser")
    closed = create_event(organiser)["uuid"]
    response = app.post_json(f"{API}/{closed}/participations", {"email": "a@example.org"}, status=403).json
    assert response["error"]["code"] == "anonymous_not_allowed"

    open_ = create_event(organiser, options={"anonymous_participation": True})["uuid"]
    strict = other_app(**{"mobilizon.anonymous_participation": "false"})
    response = strict.post_json(f"{API}/{open_}/participations", {"email": "a@example.org"}, status=403).json
    assert response["error"]["code"] == "anonymous_not_allowed"


def test_bad_emails_are_refused(app, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, options={"anonymous_participation": True})["uuid"]
    for bad in ("not-an-email", "victim@example.com\r\nBcc: list@example.org"):
        response = app.post_json(f"{API}/{uuid}/participations", {"email": bad}, status=422).json
        assert "email" in response["error"]["fields"]


def test_an_unconfirmed_participant_is_refused_when_the_event_filled_meanwhile(app, mail_dir, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, capacity=1, options={"anonymous_participation": True})["uuid"]
    email = "slow-reader@example.org"
    app.post_json(f"{API}/{uuid}/participations", {"email": email}, status=202)
    join(app, uuid, new_person(app))
    token = next(link for link in links_in(mails_to(mail_dir, email)[-1]) if "/confirm/" in link).rsplit(
        "/", 1
    )[1]
    response = app.post_json("/api/v1/participations/confirm", {"token": token}, status=409).json
    assert response["error"]["code"] == "event_full"
    rows = app.get(f"{API}/{uuid}/participations", headers=organiser.auth).json["items"]
    assert next(p for p in rows if p["email"] == email)["role"] == "not_confirmed"


def test_organisers_invite_profiles_into_private_and_invitation_only_events(app, browser, create_event):
    organiser, rose, stranger = new_person(app, "organiser"), new_person(app), new_person(app, "stranger")
    uuid = create_event(organiser, visibility="private", join_mode="invite", capacity=5)["uuid"]
    app.get(f"{API}/{uuid}", headers=rose.auth, status=404)
    app.post_json(
        f"{API}/{uuid}/participations", {"invite": rose.username}, headers=stranger.auth, status=404
    )
    invited = app.post_json(
        f"{API}/{uuid}/participations", {"invite": rose.username}, headers=organiser.auth
    ).json
    assert invited["role"] == "participant"
    assert app.get(f"{API}/{uuid}", headers=rose.auth).json["remaining_seats"] == 4  # now she sees it
    again = app.post_json(
        f"{API}/{uuid}/participations", {"invite": rose.username}, headers=organiser.auth, status=409
    ).json
    assert again["error"]["code"] == "already_participating"
    unknown = app.post_json(
        f"{API}/{uuid}/participations", {"invite": "nobody_at_all"}, headers=organiser.auth, status=404
    )
    assert "nobody_at_all" in unknown.json["error"]["message"]

    page = browser(organiser).get(f"/events/{uuid}/participants")
    page.forms["invite-form"]["username"] = stranger.username
    page = page.forms["invite-form"].submit().follow()
    assert f"@{stranger.username} now takes part" in page.text


def test_anonymous_joins_are_rate_limited(app, other_app, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, options={"anonymous_participation": True})["uuid"]
    strict = other_app(**{"mobilizon.ratelimit.anonymous_join.email": "2/hour"})
    url = f"{API}/{uuid}/participations"
    for _ in range(2):
        strict.post_json(url, {"email": "flood@example.org"}, status=202)
    response = strict.post_json(url, {"email": "flood@example.org"}, status=429)
    assert response.json["error"]["code"] == "rate_limited" and int(response.headers["Retry-After"]) > 0
    strict.post_json(url, {"email": "someone-else@example.org"}, status=202)
