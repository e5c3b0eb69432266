"""The administrators' users list: who may see it, search, confirm, disable/enable, roles."""

from __future__ import annotations

from tests.functional.accounts.accounts_helpers import (
    csrf_token,
    find_user,
    log_in,
    new_email,
    set_role,
    sign_up,
)


def admin_browser(confirmed_account, client):
    browser, email = confirmed_account()
    set_role(browser, email, "administrator")
    return browser, email


def row_forms(page, user_id):
    return {
        form.action.rsplit("/", 1)[1]: form
        for form in page.forms.values()
        if f"/admin/users/{user_id}/" in form.action
    }


def test_only_administrators_see_the_list(client, confirmed_account):
    assert "/login" in client().get("/admin/users", status=302).location
    browser, email = confirmed_account()
    browser.get("/admin/users", status=403)
    set_role(browser, email, "moderator")
    browser.get("/admin/users", status=403)
    set_role(browser, email, "administrator")
    assert browser.get("/admin/users").status_int == 200


def test_search_confirm_disable_enable_and_role(client, confirmed_account, mail_dir):
    admin, _admin_email = admin_browser(confirmed_account, client)
    person = client()
    email = new_email("member")
    sign_up(person, email)
    user = find_user(admin, email)

    page = admin.get("/admin/users", {"q": email.split("@")[0].upper()})
    assert email in page.text
    assert "Accounts found: 1" in page.text
    assert "Not confirmed" in page.text

    row_forms(page, user.id)["confirm"].submit(status=302)
    assert find_user(admin, email).confirmed_at is not None
    log_in(person, email)
    assert person.get("/account/settings").status_int == 200

    page = admin.get("/admin/users", {"q": email})
    row_forms(page, user.id)["disable"].submit(status=302)
    assert find_user(admin, email).disabled
    # the person's session ends at once and login is refused with the reason
    person.get("/account/settings", status=302)
    page = log_in(client(), email, status=403)
    assert "This account is disabled" in page.text

    page = admin.get("/admin/users", {"q": email})
    assert "Disabled" in page.text
    row_forms(page, user.id)["enable"].submit(status=302)
    log_in(client(), email)

    page = admin.get("/admin/users", {"q": email})
    form = row_forms(page, user.id)["role"]
    form["role"] = "moderator"
    page = form.submit(status=302).follow()
    assert f"{email} is now: Moderator." in page.text
    assert find_user(admin, email).role == "moderator"


def test_administrators_cannot_lock_themselves_out(client, confirmed_account):
    admin, email = admin_browser(confirmed_account, client)
    me = find_user(admin, email)
    page = admin.get("/admin/users", {"q": email})
    assert "disable" not in row_forms(page, me.id)
    form = row_forms(page, me.id)["role"]
    form["role"] = "user"
    page = form.submit(status=302).follow()
    assert "You cannot change your own role" in page.text
    token = csrf_token(admin)
    admin.post(f"/admin/users/{me.id}/disable", {"csrf_token": token}, status=302)
    assert not find_user(admin, email).disabled
    assert find_user(admin, email).role == "administrator"


def test_admin_actions_need_csrf_and_the_role(client, confirmed_account):
    admin, _email = admin_browser(confirmed_account, client)
    other_browser, other_email = confirmed_account()
    other = find_user(admin, other_email)
    page = admin.post(f"/admin/users/{other.id}/disable", {}, status=400)
    assert "reload the page" in page.text
    assert not find_user(admin, other_email).disabled
    # a signed-in non-administrator with a valid token is refused
    other_browser.post(
        f"/admin/users/{other.id}/role",
        {"csrf_token": csrf_token(other_browser), "role": "administrator"},
        status=403,
    )
    assert find_user(admin, other_email).role == "user"
    bad = admin.post(
        f"/admin/users/{other.id}/role", {"csrf_token": csrf_token(admin), "role": "god"}, status=302
    )
    assert "Unknown role." in bad.follow().text
    missing = admin.post("/admin/users/999999999/confirm", {"csrf_token": csrf_token(admin)}, status=302)
    assert "This account does not exist." in missing.follow().text
