"""Rate limits: each test builds its own app (its own counters), so the shared app never trips."""

from __future__ import annotations

from webtest import TestApp

from tests.functional.accounts.accounts_helpers import (
    PASSWORD,
    confirm,
    form_with,
    log_in,
    new_email,
    sign_up,
)


def browser_from(app, address=None):
    environ = {"HTTP_HOST": "localhost"}
    if address:
        environ["REMOTE_ADDR"] = address
    return TestApp(app.app, extra_environ=environ)


def confirmed(app, mail_dir, address=None):
    browser = browser_from(app, address)
    email = new_email("limited")
    sign_up(browser, email)
    confirm(browser, mail_dir, email)
    browser.reset()
    return browser, email


def test_200_login_attempts_in_a_row(make_app, mail_dir):
    """With the default limits: a clear 429 with Retry-After after a few failures, never a 500."""
    app = make_app()
    browser, email = confirmed(app, mail_dir, "203.0.113.7")
    form = form_with(browser.get("/login"), "email", "password")
    token = form["csrf_token"].value
    statuses = []
    for attempt in range(200):
        response = browser.post(
            "/login",
            {"csrf_token": token, "email": email, "password": f"guess number {attempt}"},
            expect_errors=True,
        )
        statuses.append(response.status_int)
    assert set(statuses) == {401, 429}
    assert statuses.index(429) == 10  # login.account: 10 failures a minute
    assert statuses[10:] == [429] * 190
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    assert "Too many attempts. Wait" in response.text
    # even the right password waits now: the account is what is protected
    log_in(browser, email, PASSWORD, status=429)


def test_successful_logins_are_not_counted(make_app, mail_dir):
    app = make_app(
        **{"mobilizon.ratelimit.login.account": "2/minute", "mobilizon.ratelimit.login.ip": "2/minute"}
    )
    browser, email = confirmed(app, mail_dir, "203.0.113.8")
    for _ in range(6):
        log_in(browser, email)
        browser.reset()


def test_failed_logins_are_limited_per_address(make_app):
    app = make_app(**{"mobilizon.ratelimit.login.ip": "3/minute"})
    browser = browser_from(app, "198.51.100.4")
    for _ in range(3):
        log_in(browser, new_email("guess"), "a password guess", status=401)
    page = log_in(browser, new_email("guess"), "a password guess", status=429)
    assert "Retry-After" in page.headers
    # another address is not affected; an IPv6 network counts as one address
    log_in(browser_from(app, "198.51.100.5"), new_email("guess"), "a password guess", status=401)
    for suffix in ("1", "2", "3"):
        log_in(browser_from(app, f"2001:db8:1:2::{suffix}"), new_email("guess"), "a guess", status=401)
    log_in(browser_from(app, "2001:db8:1:2::99"), new_email("guess"), "a guess", status=429)


def test_sign_up_is_limited_per_address(make_app, mail_dir):
    app = make_app(**{"mobilizon.ratelimit.signup.ip": "2/hour"})
    browser = browser_from(app, "192.0.2.10")
    sign_up(browser, new_email())
    sign_up(browser, new_email())
    page = sign_up(browser, new_email(), status=429)
    assert "Too many attempts" in page.text
    assert int(page.headers["Retry-After"]) > 60
    sign_up(browser_from(app, "192.0.2.11"), new_email())


def test_resend_and_reset_are_limited_per_account(make_app, mail_dir):
    app = make_app(
        **{"mobilizon.ratelimit.resend.account": "2/hour", "mobilizon.ratelimit.reset.account": "2/hour"}
    )
    email = new_email()
    for path, address in (
        ("/account/resend-confirmation", "192.0.2.20"),
        ("/account/password-reset", "192.0.2.30"),
    ):
        for attempt in range(3):
            browser = browser_from(app, f"{address[:-1]}{attempt}")  # a new address each time
            form = form_with(browser.get(path), "email")
            form["email"] = email
            form.submit(status=200 if attempt < 2 else 429)


def test_api_rate_limit_is_json_with_retry_after(make_app, mail_dir):
    app = make_app(**{"mobilizon.ratelimit.login.account": "1/minute"})
    email = new_email()
    app.post_json("/api/v1/auth/token", {"email": email, "password": "wrong password"}, status=401)
    response = app.post_json("/api/v1/auth/token", {"email": email, "password": "wrong password"}, status=429)
    assert response.json["error"]["code"] == "rate_limited"
    assert response.json["error"]["message"].startswith("Too many attempts.")
    assert int(response.headers["Retry-After"]) >= 1


def test_a_bad_limit_setting_stops_start_up(make_app):
    import pytest

    from mobilizon.settings import SettingsError

    with pytest.raises(SettingsError, match="mobilizon.ratelimit.login.ip"):
        make_app(**{"mobilizon.ratelimit.login.ip": "lots"})
    with pytest.raises(SettingsError, match="mobilizon.ratelimit.storage"):
        make_app(**{"mobilizon.ratelimit.storage": "carrier-pigeon://"})
