"""Changing and resetting the password, changing the email address: the mails, the links, and
the sessions that end."""

from __future__ import annotations

from datetime import timedelta

from mobilizon.models.meta import utcnow
from tests.functional.accounts.accounts_helpers import (
    PASSWORD,
    committed,
    csrf_token,
    find_user,
    form_to,
    form_with,
    last_mail,
    link_in,
    log_in,
    mails_to,
    new_email,
    text_of,
)

NEW_PASSWORD = "another private passphrase"  # noqa: S105 (a test account)


def second_browser(client, email, password=PASSWORD):
    browser = client()
    log_in(browser, email, password)
    assert browser.get("/account/settings").status_int == 200
    return browser


def test_changing_the_password_ends_the_other_sessions(client, confirmed_account, mail_dir):
    browser, email = confirmed_account()
    other = second_browser(client, email)
    form = form_with(browser.get("/account/settings"), "current_password", "new_password")
    form["current_password"] = PASSWORD
    form["new_password"] = NEW_PASSWORD
    page = form.submit(status=302).follow()
    assert "Your password is changed" in page.text
    # this browser stays signed in, the other one is signed out
    assert browser.get("/account/settings").status_int == 200
    other.get("/account/settings", status=302)
    # the old password no longer works, the new one does
    log_in(client(), email, PASSWORD, status=401)
    log_in(client(), email, NEW_PASSWORD)
    assert "was changed" in last_mail(mail_dir, email)["Subject"]


def test_changing_the_password_needs_the_current_one(confirmed_account):
    browser, email = confirmed_account()
    form = form_with(browser.get("/account/settings"), "current_password", "new_password")
    form["current_password"] = "not my password"
    form["new_password"] = NEW_PASSWORD
    page = form.submit(status=403)
    assert "Your current password is not right." in page.text
    form = form_with(page, "current_password", "new_password")
    form["current_password"] = PASSWORD
    form["new_password"] = "letmein"
    page = form.submit(status=422)
    assert "at least 8 characters" in page.text
    assert find_user(browser, email).auth_epoch == 0


def test_password_reset_by_mail(client, confirmed_account, mail_dir):
    signed_in, email = confirmed_account()
    browser = client()
    form = form_with(browser.get("/login").click(href="/account/password-reset"), "email")
    form["email"] = email
    page = form.submit(status=200)
    assert "If an account exists" in page.text
    link = link_in(last_mail(mail_dir, email), "/account/password-reset/")

    form = form_with(browser.get(link), "password")
    form["password"] = "1234"
    page = form.submit(status=422)
    assert "at least 8 characters" in page.text
    form = form_with(page, "password")
    form["password"] = NEW_PASSWORD
    form.submit(status=302)
    # signed in with the new password; the session opened before the reset has ended
    assert browser.get("/account/settings").status_int == 200
    signed_in.get("/account/settings", status=302)
    log_in(client(), email, NEW_PASSWORD)
    # the link works once
    page = browser.get(link, status=422)
    assert "already been used" in page.text


def test_password_reset_answers_the_same_for_unknown_addresses(client, confirmed_account, mail_dir):
    _browser, email = confirmed_account()
    unknown = new_email("nobody")
    answers = []
    for address in (email, unknown):
        form = form_with(client().get("/account/password-reset"), "email")
        form["email"] = address
        page = form.submit(status=200)
        answers.append(page.html.find("main").text.replace(address, "EMAIL"))
    assert answers[0] == answers[1]
    assert mails_to(mail_dir, unknown) == []


def test_expired_reset_link(client, confirmed_account):
    from mobilizon.accounts import services, tokens

    _browser, email = confirmed_account()
    with committed(_browser) as session:
        user = services.find_user(session, email)
        token = tokens.issue_token(session, user, "reset", expires_at=utcnow() - timedelta(seconds=1))
    browser = client()
    page = browser.get(f"/account/password-reset/{token}", status=422)
    assert "This link has expired" in page.text
    assert not any("password" in form.fields for form in page.forms.values())  # no new-password form
    page = browser.post(
        f"/account/password-reset/{token}",
        {"csrf_token": csrf_token(browser), "password": NEW_PASSWORD},
        status=422,
    )
    log_in(client(), email, PASSWORD)


def test_a_reset_link_cannot_confirm_an_address(client, confirmed_account, mail_dir):
    _browser, email = confirmed_account()
    form = form_with(client().get("/account/password-reset"), "email")
    form["email"] = email
    form.submit()
    link = link_in(last_mail(mail_dir, email), "/account/password-reset/")
    token = link.rsplit("/", 1)[1]
    page = client().get(f"/account/confirm/{token}", status=422)
    assert "This link is not valid" in page.text


def test_changing_the_email_address(client, confirmed_account, mail_dir):
    browser, email = confirmed_account()
    new_address = new_email("rose-new")
    form = form_with(browser.get("/account/settings"), "email", "current_password")
    form["email"] = new_address
    form["current_password"] = PASSWORD
    page = form.submit(status=302).follow()
    assert f"We sent a link to {new_address}" in page.text
    assert f"Waiting for confirmation: {new_address}" in page.text
    # the old address is told, and stays the account's until the link is followed
    assert new_address in text_of(last_mail(mail_dir, email))
    assert find_user(browser, email) is not None

    link = link_in(last_mail(mail_dir, new_address), "/account/email/")
    page = browser.get(link)
    assert new_address in page.text
    assert find_user(browser, new_address) is None
    form_to(page, link).submit(status=302)
    assert find_user(browser, email) is None
    assert find_user(browser, new_address) is not None
    log_in(client(), new_address)
    log_in(client(), email, status=401)
    assert browser.get(link, status=422)


def test_changing_the_email_to_a_taken_address_reveals_nothing(client, confirmed_account, mail_dir):
    browser, email = confirmed_account()
    _other, taken = confirmed_account()
    form = form_with(browser.get("/account/settings"), "email", "current_password")
    form["email"] = taken
    form["current_password"] = PASSWORD
    page = form.submit(status=302).follow()
    assert f"We sent a link to {taken}" in page.text
    assert "already has its own account" in text_of(last_mail(mail_dir, taken))
    assert find_user(browser, email) is not None


def test_changing_the_email_checks_password_and_address(confirmed_account):
    browser, email = confirmed_account()
    form = form_with(browser.get("/account/settings"), "email", "current_password")
    form["email"] = new_email()
    form["current_password"] = "wrong password here"
    page = form.submit(status=403)
    assert "Your current password is not right." in page.text
    form = form_with(page, "email", "current_password")
    form["email"] = "not an address"
    form["current_password"] = PASSWORD
    page = form.submit(status=422)
    assert "This is not a valid email address." in page.text
    form = form_with(page, "email", "current_password")
    form["email"] = email.upper()
    form["current_password"] = PASSWORD
    page = form.submit(status=422)
    assert "This is already your email address." in page.text


def test_sign_out_everywhere(client, confirmed_account):
    browser, email = confirmed_account()
    other = second_browser(client, email)
    form_to(browser.get("/account/settings"), "/account/sessions/end").submit(status=302)
    assert browser.get("/account/settings").status_int == 200
    other.get("/account/settings", status=302)
