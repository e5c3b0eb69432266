"""Sign-up, confirmation, login and logout, through the pages and the mails, as a person does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobilizon.models.meta import utcnow
from tests.functional.accounts.accounts_helpers import (
    PASSWORD,
    committed,
    confirm,
    csrf_token,
    find_user,
    form_to,
    form_with,
    french_ready,
    html_of,
    last_mail,
    link_in,
    log_in,
    mails_to,
    new_email,
    sign_up,
    text_of,
)


def test_sign_up_confirm_log_in_and_out(client, mail_dir):
    browser = client()
    email = new_email()
    page = sign_up(browser, email)
    assert "Check your inbox" in page.text
    assert email in page.text

    mail = last_mail(mail_dir, email)
    assert "Confirm your email address" in mail["Subject"]
    assert mail.is_multipart()
    assert "/account/confirm/" in html_of(mail)
    assert find_user(browser, email).confirmed_at is None

    # opening the link (as a mail scanner would) confirms nothing: the button does
    link = link_in(mail, "/account/confirm/")
    page = browser.get(link)
    assert "Confirm my address" in page.text
    assert find_user(browser, email).confirmed_at is None
    response = form_to(page, link).submit(status=302)
    assert find_user(browser, email).confirmed_at is not None
    # signed in, and sent to create a first profile
    assert response.location.endswith("/profiles/new") or response.location.endswith("/")
    assert browser.get("/account/settings").status_int == 200

    # the link is single-use
    page = browser.get(link, status=422)
    assert "already been used" in page.text

    form_to(browser.get("/logout"), "/logout").submit(status=302)
    browser.get("/account/settings", status=302)

    response = log_in(browser, email)
    assert browser.get("/account/settings").status_int == 200
    assert response.status_int == 302


def test_login_is_refused_until_confirmed_and_offers_to_resend(client, mail_dir):
    browser = client()
    email = new_email()
    sign_up(browser, email)
    page = log_in(browser, email, status=403)
    assert "Confirm your email address first" in page.text
    resend = form_with(page, "email")
    assert "password" not in resend.fields
    assert resend["email"].value == email
    page = resend.submit(status=200)
    assert "we sent it a new link" in page.text
    assert len(mails_to(mail_dir, email)) == 2
    # the newest link works and the account can sign in
    confirm(browser, mail_dir, email)
    browser.reset()
    log_in(browser, email)


def test_resend_says_the_same_for_unknown_and_confirmed_addresses(client, mail_dir, confirmed_account):
    _browser, confirmed_email = confirmed_account()
    unknown = new_email("nobody")
    answers = []
    for email in (unknown, confirmed_email):
        browser = client()
        form = form_with(browser.get("/account/resend-confirmation"), "email")
        form["email"] = email
        answers.append(form.submit(status=200).html.find("main").text.replace(email, "EMAIL"))
    assert answers[0] == answers[1]
    assert mails_to(mail_dir, unknown) == []
    assert len(mails_to(mail_dir, confirmed_email)) == 1  # only the sign-up's


def test_wrong_password_and_unknown_email_get_the_same_answer(client, confirmed_account):
    _browser, email = confirmed_account()
    browser = client()
    wrong = log_in(browser, email, "not the password at all", status=401)
    unknown = log_in(browser, new_email("ghost"), PASSWORD, status=401)
    assert "Wrong email or password." in wrong.text
    assert "Wrong email or password." in unknown.text
    browser.get("/account/settings", status=302)


def test_login_rotates_the_session(client, confirmed_account):
    _browser, email = confirmed_account()
    browser = client()
    browser.get("/login")
    before = browser.cookies.get("mobilizon_session")
    log_in(browser, email)
    after = browser.cookies.get("mobilizon_session")
    assert after and after != before


def test_login_goes_back_where_the_person_was(client, confirmed_account):
    browser, email = confirmed_account()
    browser.reset()
    page = browser.get("/account/settings", status=302).follow()
    form = form_with(page, "email", "password")
    assert form["next"].value == "/account/settings"
    form["email"] = email
    form["password"] = PASSWORD
    response = form.submit(status=302)
    # no profile yet: the profile comes first
    assert "/profiles/new" in response.location or response.location.endswith("/account/settings")


def test_login_never_redirects_off_site(client, confirmed_account):
    _browser, email = confirmed_account()
    browser = client()
    form = form_with(browser.get("/login?next=//evil.example/x"), "email", "password")
    form["email"] = email
    form["password"] = PASSWORD
    response = form.submit(status=302)
    assert response.location.startswith("http://localhost/")


@pytest.mark.parametrize(
    "email",
    [
        "",
        "plainaddress",
        "@example.org",
        "rose@",
        "rose@localhost",
        "rose example@example.org",
        "rose@@example.org",
        "rose@exa mple.org",
        "rose..b@example.org",
        "x" * 250 + "@example.org",
    ],
)
def test_malformed_emails_are_refused(client, email):
    browser = client()
    page = sign_up(browser, email, status=422)
    assert "This is not a valid email address." in page.text
    assert 'aria-invalid="true"' in page.text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8 characters"),
        ("1234567", "at least 8 characters"),
        ("password123", "among the most common"),
        ("QWERTY123", "among the most common"),
        ("azertyuiop", "among the most common"),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    browser = client()
    email = new_email()
    page = sign_up(browser, email, password, status=422)
    assert message in page.text
    assert find_user(browser, email) is None
    # the address typed is kept, the password is not
    form = form_with(page, "email", "password")
    assert form["email"].value == email
    assert form["password"].value == ""


def test_password_equal_to_the_email_is_refused(client):
    browser = client()
    email = new_email("longlocalpart")
    page = sign_up(browser, email, email, status=422)
    assert "among the most common" in page.text


def test_signing_up_with_a_taken_email_creates_nothing_and_reveals_nothing(
    client, mail_dir, confirmed_account
):
    _browser, email = confirmed_account()
    before = find_user(_browser, email)
    browser = client()
    taken = sign_up(browser, email, "another long passphrase")
    fresh_email = new_email()
    fresh = sign_up(client(), fresh_email, "another long passphrase")
    assert taken.status_int == fresh.status_int == 200
    assert taken.html.find("main").text.replace(email, "X") == fresh.html.find("main").text.replace(
        fresh_email, "X"
    )
    # the account is untouched and its owner is told
    after = find_user(browser, email)
    assert (after.id, after.password_hash) == (before.id, before.password_hash)
    mail = last_mail(mail_dir, email)
    assert "already has one" in text_of(mail)
    assert "/account/password-reset" in text_of(mail)
    # the same address in capitals is the same address
    sign_up(client(), email.upper(), "another long passphrase")
    from mobilizon.accounts.models import User

    with committed(browser) as session:
        assert session.query(User).filter(User.email.ilike(email)).count() == 1


def test_expired_confirmation_link(client, mail_dir):
    from mobilizon.accounts import services, tokens

    browser = client()
    email = new_email()
    sign_up(browser, email)
    with committed(browser) as session:
        user = services.find_user(session, email)
        token = tokens.issue_token(session, user, "confirm", expires_at=utcnow() - timedelta(minutes=1))
    page = browser.get(f"/account/confirm/{token}", status=422)
    assert "This link has expired" in page.text
    assert "Get a new confirmation link" in page.text
    # pressing an old page's button changes nothing either
    page = browser.post(f"/account/confirm/{token}", {"csrf_token": csrf_token(browser)}, status=422)
    assert "This link has expired" in page.text
    assert find_user(browser, email).confirmed_at is None


def test_unknown_confirmation_link(client):
    page = client().get("/account/confirm/not-a-real-token", status=422)
    assert "This link is not valid" in page.text


def test_closed_registrations(make_app, mail_dir):
    app = make_app(**{"mobilizon.registrations": "closed"})
    page = app.get("/register")
    assert "does not accept new accounts" in page.text
    assert "admin@example.org" in page.text  # the about page's contact
    assert "/about" in page.text
    assert "password" not in [field for form in page.forms.values() for field in form.fields]
    email = new_email()
    page = app.get("/login")  # a CSRF token for a hand-made POST
    token = form_with(page, "csrf_token")["csrf_token"].value
    refused = app.post("/register", {"csrf_token": token, "email": email, "password": PASSWORD}, status=403)
    assert "does not accept new accounts" in refused.text
    assert find_user(app, email) is None
    assert mails_to(mail_dir, email) == []


def test_allowlisted_domains(make_app, mail_dir):
    app = make_app(
        **{"mobilizon.registrations": "allowlist", "mobilizon.registrations.allowed_domains": "asso.example"}
    )
    page = app.get("/register")
    assert "asso.example" in page.text
    outsider = new_email()
    page = sign_up(app, outsider, status=403)
    assert "only accepts addresses of these domains: asso.example" in page.text
    assert find_user(app, outsider) is None
    member = new_email().replace("example.org", "asso.example")
    sign_up(app, member)
    assert find_user(app, member) is not None
    assert mails_to(mail_dir, member)


def test_forms_need_their_csrf_token(client):
    browser = client()
    page = browser.post("/login", {"email": new_email(), "password": PASSWORD}, status=400)
    assert "This form has expired or did not come from this site" in page.text
    page = browser.post("/register", {"email": new_email(), "password": PASSWORD}, status=400)
    assert "reload the page" in page.text


def test_pages_and_mails_in_french(client, mail_dir):
    french_ready("Create an account", "Confirm your email address on %(instance)s")
    browser = client("fr")
    page = browser.get("/register")
    assert '<html lang="fr">' in page.text
    assert "Créer un compte" in page.text
    email = new_email()
    sign_up(browser, email)
    mail = last_mail(mail_dir, email)
    assert mail["Content-Language"] == "fr"
    assert "Confirmez votre adresse" in mail["Subject"]
