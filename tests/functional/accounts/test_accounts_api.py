"""The account API: sign-up, confirmation, resend, reset, bearer tokens, /me; and OpenAPI."""

from __future__ import annotations

from tests.functional.accounts.accounts_helpers import (
    PASSWORD,
    committed,
    find_user,
    last_mail,
    link_in,
    mails_to,
    new_email,
    text_of,
)

NEW_PASSWORD = "a brand new passphrase"  # noqa: S105 (a test account)


def token_from(mail, fragment):
    return link_in(mail, fragment).rsplit("/", 1)[1]


def api_account(app, mail_dir, email=None, locale=None):
    """Sign up and confirm through the API; returns the email."""
    email = email or new_email("api")
    body = {"email": email, "password": PASSWORD}
    if locale:
        body["locale"] = locale
    response = app.post_json("/api/v1/users", body, status=202)
    assert "Check your inbox" in response.json["message"]
    token = token_from(last_mail(mail_dir, email), "/account/confirm/")
    app.post_json("/api/v1/users/confirm", {"token": token}, status=200)
    return email


def bearer(app, email, password=PASSWORD):
    response = app.post_json("/api/v1/auth/token", {"email": email, "password": password}, status=201)
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_sign_up_confirm_and_get_a_token(app, mail_dir):
    email = new_email("api")
    app.post_json("/api/v1/users", {"email": email, "password": PASSWORD}, status=202)
    # not confirmed: no token, and the answer says why
    refused = app.post_json("/api/v1/auth/token", {"email": email, "password": PASSWORD}, status=403)
    assert refused.json["error"]["code"] == "unconfirmed"
    token = token_from(last_mail(mail_dir, email), "/account/confirm/")
    app.post_json("/api/v1/users/confirm", {"token": token}, status=200)
    reused = app.post_json("/api/v1/users/confirm", {"token": token}, status=422)
    assert reused.json["error"]["code"] == "token_used"

    response = app.post_json(
        "/api/v1/auth/token", {"email": email, "password": PASSWORD, "name": "my script"}, status=201
    )
    body = response.json
    assert body["token_type"] == "bearer" and body["name"] == "my script" and body["expires_at"]
    # only the hash is stored
    from mobilizon.accounts.models import AuthToken

    with committed(app) as session:
        row = session.get(AuthToken, body["id"])
        assert row.token_hash != body["token"] and body["token"] not in row.token_hash


def test_me_get_patch_and_token_revocation(app, mail_dir):
    email = api_account(app, mail_dir)
    auth = bearer(app, email)
    me = app.get("/api/v1/me", headers=auth).json
    assert me["email"] == email
    assert me["role"] == "user" and me["confirmed"] is True
    assert me["profiles"] == [] and me["default_profile"] is None
    assert me["settings"]["notifications"]["group_activity"] == "one_day"

    patched = app.patch_json(
        "/api/v1/me",
        {"locale": "fr", "timezone": "Asia/Tokyo", "settings": {"notifications": {"each_week": True}}},
        headers=auth,
    ).json
    assert (patched["locale"], patched["timezone"]) == ("fr", "Asia/Tokyo")
    assert patched["settings"]["notifications"]["each_week"] is True
    assert patched["settings"]["notifications"]["on_day"] is True

    app.delete("/api/v1/auth/token", headers=auth, status=204)
    gone = app.get("/api/v1/me", headers=auth, status=401)
    assert gone.json["error"]["code"] == "unauthorized"


def test_me_lists_the_profiles(app, mail_dir):
    from mobilizon.accounts import services
    from mobilizon.identities.services import create_profile

    email = api_account(app, mail_dir)
    with committed(app) as session:
        user = services.find_user(session, email)
        profile = create_profile(session, app.app.registry.settings, user, f"p_{user.id}_api", name="Rose")
        username = profile.preferred_username
    me = app.get("/api/v1/me", headers=bearer(app, email)).json
    assert me["default_profile"] == username
    assert me["profiles"] == [
        {
            "preferred_username": username,
            "name": "Rose",
            "url": f"http://localhost/@{username}",
            "handle": f"{username}@localhost",
        }
    ]


def test_patch_me_refuses_bad_values(app, mail_dir):
    email = api_account(app, mail_dir)
    auth = bearer(app, email)
    bad = app.patch_json("/api/v1/me", {"timezone": "Nowhere/Land"}, headers=auth, status=422).json
    assert "timezone" in bad["error"]["fields"]
    bad = app.patch_json("/api/v1/me", {"locale": "de"}, headers=auth, status=422).json
    assert "locale" in bad["error"]["fields"]
    bad = app.patch_json("/api/v1/me", {"colour": "blue"}, headers=auth, status=422).json
    assert "colour" in bad["error"]["fields"]
    bad = app.patch_json("/api/v1/me", {"password": NEW_PASSWORD}, headers=auth, status=422).json
    assert "current_password" in bad["error"]["fields"]
    app.patch("/api/v1/me", "not json", headers={**auth, "Content-Type": "application/json"}, status=400)
    assert find_user(app, email).timezone is None


def test_patch_me_password_ends_other_tokens_but_not_this_one(app, mail_dir):
    email = api_account(app, mail_dir)
    mine, other = bearer(app, email), bearer(app, email)
    wrong = app.patch_json(
        "/api/v1/me",
        {"locale": "fr", "password": NEW_PASSWORD, "current_password": "nope nope"},
        headers=mine,
        status=403,
    )
    assert wrong.json["error"]["fields"]["current_password"]
    assert find_user(app, email).locale == "en"  # a refused PATCH changes nothing at all
    short = app.patch_json(
        "/api/v1/me", {"password": "short", "current_password": PASSWORD}, headers=mine, status=422
    )
    assert "password" in short.json["error"]["fields"]
    app.patch_json("/api/v1/me", {"password": NEW_PASSWORD, "current_password": PASSWORD}, headers=mine)
    app.get("/api/v1/me", headers=mine, status=200)
    app.get("/api/v1/me", headers=other, status=401)
    app.post_json("/api/v1/auth/token", {"email": email, "password": PASSWORD}, status=401)
    bearer(app, email, NEW_PASSWORD)


def test_patch_me_email_change_is_confirmed_by_mail(app, mail_dir):
    email = api_account(app, mail_dir)
    auth = bearer(app, email)
    new_address = new_email("moved")
    me = app.patch_json("/api/v1/me", {"email": new_address, "current_password": PASSWORD}, headers=auth).json
    assert me["email"] == email and me["pending_email"] == new_address
    link = link_in(last_mail(mail_dir, new_address), "/account/email/")
    page = app.get(link)
    form = [form for form in page.forms.values() if form.action.endswith(link)][0]
    form.submit(status=302)
    assert app.get("/api/v1/me", headers=auth).json["email"] == new_address


def test_delete_me(app, mail_dir):
    email = api_account(app, mail_dir)
    auth = bearer(app, email)
    wrong = app.delete_json("/api/v1/me", {"password": "not the one"}, headers=auth, status=403)
    assert wrong.json["error"]["code"] == "wrong_password"
    app.delete_json("/api/v1/me", {}, headers=auth, status=422)
    app.delete_json("/api/v1/me", {"password": PASSWORD}, headers=auth, status=204)
    assert find_user(app, email) is None
    app.get("/api/v1/me", headers=auth, status=401)


def test_api_sign_up_errors(app, make_app, mail_dir):
    bad = app.post_json("/api/v1/users", {"email": "nope", "password": PASSWORD}, status=422).json
    assert bad["error"]["fields"]["email"]
    bad = app.post_json("/api/v1/users", {"email": new_email(), "password": "qwerty123"}, status=422).json
    assert bad["error"]["code"] == "password_too_common"
    bad = app.post_json("/api/v1/users", {"email": new_email()}, status=422).json
    assert "password" in bad["error"]["fields"]
    app.post("/api/v1/users", "{oops", content_type="application/json", status=400)
    closed = make_app(**{"mobilizon.registrations": "closed"})
    refused = closed.post_json("/api/v1/users", {"email": new_email(), "password": PASSWORD}, status=403)
    assert refused.json["error"]["code"] == "registrations_closed"


def test_api_sign_up_with_a_taken_email_answers_the_same(app, mail_dir):
    email = api_account(app, mail_dir)
    again = app.post_json("/api/v1/users", {"email": email, "password": NEW_PASSWORD}, status=202)
    fresh = app.post_json("/api/v1/users", {"email": new_email(), "password": NEW_PASSWORD}, status=202)
    assert again.json == fresh.json
    assert "already has one" in text_of(last_mail(mail_dir, email))
    bearer(app, email)  # the password did not change


def test_api_resend_and_password_reset(app, mail_dir):
    email = new_email("api")
    app.post_json("/api/v1/users", {"email": email, "password": PASSWORD}, status=202)
    unknown = new_email("nobody")
    one = app.post_json("/api/v1/users/resend-confirmation", {"email": email}, status=202).json
    two = app.post_json("/api/v1/users/resend-confirmation", {"email": unknown}, status=202).json
    assert one == two
    assert len(mails_to(mail_dir, email)) == 2 and mails_to(mail_dir, unknown) == []
    app.post_json(
        "/api/v1/users/confirm", {"token": token_from(last_mail(mail_dir, email), "/account/confirm/")}
    )

    one = app.post_json("/api/v1/users/password-reset", {"email": email}, status=202).json
    two = app.post_json("/api/v1/users/password-reset", {"email": unknown}, status=202).json
    assert one == two
    token = token_from(last_mail(mail_dir, email), "/account/password-reset/")
    weak = app.post_json(
        "/api/v1/users/password-reset/confirm", {"token": token, "password": "12345678"}, status=422
    )
    assert weak.json["error"]["code"] == "password_too_common"
    app.post_json("/api/v1/users/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    reused = app.post_json(
        "/api/v1/users/password-reset/confirm", {"token": token, "password": NEW_PASSWORD}, status=422
    )
    assert reused.json["error"]["code"] == "token_used"
    bearer(app, email, NEW_PASSWORD)


def test_wrong_credentials(app, mail_dir):
    email = api_account(app, mail_dir)
    for body in ({"email": email, "password": "wrong one"}, {"email": new_email(), "password": PASSWORD}):
        error = app.post_json("/api/v1/auth/token", body, status=401).json["error"]
        assert error["code"] == "wrong_credentials"
        assert error["message"] == "Wrong email or password."


def test_session_cookies_do_not_authenticate_the_api(client, confirmed_account):
    browser, _email = confirmed_account()
    assert browser.get("/account/settings").status_int == 200
    browser.get("/api/v1/me", status=401)


def test_openapi_lists_the_account_operations(app):
    document = app.get("/api/v1/openapi.json").json
    paths = document["paths"]
    expected = {
        "/api/v1/users": {"post"},
        "/api/v1/users/confirm": {"post"},
        "/api/v1/users/resend-confirmation": {"post"},
        "/api/v1/users/password-reset": {"post"},
        "/api/v1/users/password-reset/confirm": {"post"},
        "/api/v1/auth/token": {"post", "delete"},
        "/api/v1/me": {"get", "patch", "delete"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    assert "429" in paths["/api/v1/auth/token"]["post"]["responses"]
    assert paths["/api/v1/me"]["get"]["security"] == [{"bearer": []}]
    assert "security" not in paths["/api/v1/users"]["post"]
    me = document["components"]["schemas"]["MeOut"]
    assert {"email", "locale", "timezone", "settings", "role", "profiles"} <= set(me["properties"])
