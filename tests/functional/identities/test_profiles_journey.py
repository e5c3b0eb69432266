"""A person's profiles through the HTML pages: the first one, more, switching, editing, deleting."""

from __future__ import annotations

import io
import re

from PIL import Image

from .identities_helpers import decompression_bomb_png, jpeg_with_gps, png_bytes, unique_name


def create_profile(client, username: str, name: str = "", summary: str | None = None):
    form = client.get("/profiles/new").forms["profile-new"]
    form["preferred_username"] = username
    form["name"] = name
    if summary is not None:
        form["summary"] = summary
    return form.submit()


def header(page) -> str:
    return str(page.html.find("header"))


def current_in_header(page) -> str:
    found = page.html.select_one("header .current-profile")
    return " ".join(found.get_text(" ").split()) if found else ""


def test_signed_out_visitors_are_sent_to_login_and_see_the_sign_in_links(browser):
    client = browser()
    page = client.get("/profiles", status=302)
    assert page.location.startswith("http://localhost/login?next=")
    home = client.get("/")
    links = {a.get_text(strip=True): a["href"] for a in home.html.select("header a")}
    assert links["Sign in"] == "http://localhost/login"
    assert links["Create an account"] == "http://localhost/register"
    client.post("/profiles/switch", {"username": "x"}, status=400)  # no CSRF token, no session


def test_first_profile_then_three_profiles_and_switching(browser, make_account, app):
    account = make_account()
    client = browser()
    form = next(f for f in client.get("/login").forms.values() if "password" in f.fields)
    form["email"], form["password"] = account.email, "correct horse battery staple"
    landed = form.submit(status=302)
    assert landed.location == "http://localhost/profiles/new"

    first_page = landed.follow()
    assert "Create your first profile" in first_page.text
    first_form = first_page.forms["profile-new"]
    assert set(first_form.fields) - {None} == {"csrf_token", "preferred_username", "name"}  # very short
    home_header = first_page.html.select_one("header .account-menu")
    assert "My account" in home_header.get_text()

    rose, family, activist = unique_name("Rose"), unique_name("family"), unique_name("activist")
    first_form["preferred_username"], first_form["name"] = rose, "Rose"
    home = first_form.submit(status=302).follow()
    assert f"Your profile @{rose} is ready." in home.text
    assert current_in_header(home) == f"Rose @{rose}"

    create_profile(client, family, "Rose D.", "Family & friends").follow()
    listed = create_profile(client, activist, "Red Rose", "Changing the world").follow()
    assert listed.request.path == "/profiles"
    assert [h.get_text(strip=True) for h in listed.html.select(".profile-card h2")] == [
        "Rose",
        "Rose D.",
        "Red Rose",
    ]
    assert current_in_header(listed) == f"Rose @{rose}"

    # one click in the header: a small POST form per other profile, back to the same page
    about = client.get("/about")
    switches = about.html.select("header form.switch-profile")
    assert len(switches) == 2
    targets = {form.find("input", attrs={"name": "username"})["value"]: form for form in switches}
    assert set(targets) == {family, activist}
    switch = next(f for f in about.forms.values() if f.fields.get("username", [None])[0].value == activist)
    back = switch.submit(status=302)
    assert back.location == "http://localhost/about"
    about = back.follow()
    assert current_in_header(about) == f"Red Rose @{activist}"
    assert "You are now acting as Red Rose." in about.text
    # switching also moved the account's default, so the API acts as the same profile
    api = app.get("/api/v1/identities", headers=account.auth).json["items"]
    assert [item["preferred_username"] for item in api if item["default"]] == [activist]

    # and it holds on every page, including error pages
    missing = client.get("/no/such/page", status=404)
    assert current_in_header(missing) == f"Red Rose @{activist}"

    # switching to a profile that is not one's own
    other = make_account()
    stranger = unique_name("stranger")
    app.post_json("/api/v1/identities", {"preferred_username": stranger}, headers=other.auth, status=201)
    csrf = about.html.find("input", attrs={"name": "csrf_token"})["value"]
    client.post("/profiles/switch", {"username": stranger, "csrf_token": csrf}, status=403)
    client.post("/profiles/switch", {"username": "nobody_at_all", "csrf_token": csrf}, status=404)
    # an outside address to go back to is ignored
    away = client.post("/profiles/switch", {"username": rose, "next": "//evil.example/x", "csrf_token": csrf})
    assert away.location == "http://localhost/profiles"


def test_forms_refuse_bad_input_and_keep_what_was_typed(browser, make_account):
    account = make_account()
    client = browser(account)
    mine = unique_name("mine")
    create_profile(client, mine, "Me").follow()

    page = client.get("/profiles/new")
    for username, status, message in [
        (mine.upper(), 409, "This username is already taken."),
        ("Admin", 409, "This username is reserved."),
        ("bad name!", 422, "Use only letters, digits and underscores."),
        ("", 422, "Use only letters, digits and underscores."),
    ]:
        form = page.forms["profile-new"]
        form["preferred_username"], form["name"], form["summary"] = username, "Kept name", "Kept bio"
        answer = form.submit(status=status)
        error = answer.html.select_one("#preferred_username-error")
        assert error is not None and error.get_text(strip=True) == message
        assert answer.html.find("input", id="name")["value"] == "Kept name"
        assert answer.html.find("textarea", id="summary").get_text() == "Kept bio"
        assert answer.html.find("input", id="preferred_username")["aria-invalid"] == "true"

    form = page.forms["profile-new"]
    form["preferred_username"], form["name"] = unique_name("long"), "n" * 101
    answer = form.submit(status=422)
    assert answer.html.select_one("#name-error").get_text(strip=True) == "At most 100 characters."

    edit = client.get(f"/profiles/{mine}/edit").forms["profile-edit"]
    edit["summary"] = "b" * 2001
    assert "At most 2000 characters." in edit.submit(status=422).text
    assert client.get(f"/@{mine}").html.select_one(".p-note") is None  # nothing was saved


def test_edit_name_bio_and_avatar(browser, make_account, app, data_dir):
    account = make_account()
    client = browser(account)
    name = unique_name("painter")
    create_profile(client, name, "Painter").follow()

    form = client.get(f"/profiles/{name}/edit").forms["profile-edit"]
    form["name"] = "Frida"
    form["summary"] = "I paint <script>alert(1)</script>\n\nSecond paragraph"
    form["avatar"] = ("photo.jpg", jpeg_with_gps(), "image/jpeg")
    saved = form.submit(status=302).follow()
    assert "Your profile is saved." in saved.text

    page = client.get(f"/@{name}")
    assert page.html.select_one("h1").get_text(strip=True) == "Frida"
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert len(page.html.select(".p-note p")) == 2

    avatar_url = app.get(f"/api/v1/identities/{name}", headers=account.auth).json["avatar"]
    assert avatar_url.endswith(".jpg")
    image_response = client.get(avatar_url.replace("http://localhost", ""))
    assert image_response.headers["Content-Type"] == "image/jpeg"
    assert image_response.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(image_response.body))
    assert image.size == (300, 400)  # turned upright (800x600 rotated) and shrunk to fit 400x400
    assert not image.getexif() and b"Secret Camera" not in image_response.body
    files = list((data_dir / "media").glob("*"))
    assert any(f.name == avatar_url.rsplit("/", 1)[1] for f in files)

    # a new avatar replaces the old file
    form = client.get(f"/profiles/{name}/edit").forms["profile-edit"]
    form["avatar"] = ("drawing.gif", _gif(), "image/gif")
    form.submit(status=302)
    new_url = app.get(f"/api/v1/identities/{name}", headers=account.auth).json["avatar"]
    assert new_url.endswith(".png") and new_url != avatar_url
    client.get(avatar_url.replace("http://localhost", ""), status=404)

    form = client.get(f"/profiles/{name}/edit").forms["profile-edit"]
    form["remove_avatar"] = True
    form.submit(status=302)
    assert app.get(f"/api/v1/identities/{name}", headers=account.auth).json["avatar"] is None


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (40, 40)).save(buffer, format="GIF")
    return buffer.getvalue()


def test_bad_avatars_get_a_clear_error(browser, make_account, app):
    account = make_account()
    client = browser(account)
    name = unique_name("avatar")
    create_profile(client, name, "Before").follow()
    cases = [
        (("evil.png", b"<html><script>alert(1)</script></html>", "image/png"), 422, "Send a JPEG, PNG"),
        (("bomb.png", decompression_bomb_png(), "image/png"), 422, "At most 5000 × 5000 pixels."),
        (("big.png", png_bytes() + b"\0" * (5 * 1024 * 1024), "image/png"), 413, "At most 5 MB."),
        (("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"), 422, "Send a JPEG"),
        (("truncated.png", png_bytes()[:60], "image/png"), 422, "Send a JPEG"),
    ]
    for upload, status, message in cases:
        form = client.get(f"/profiles/{name}/edit").forms["profile-edit"]
        form["name"] = "Changed"
        form["avatar"] = upload
        answer = form.submit(status=status)
        assert message in answer.html.select_one("#avatar-error").get_text()
        assert answer.html.find("input", id="name")["value"] == "Changed"
    profile = app.get(f"/api/v1/identities/{name}", headers=account.auth).json
    assert profile["name"] == "Before" and profile["avatar"] is None  # a refused form changes nothing


def test_delete_keep_remove_and_the_last_one(browser, make_account, app, dbsession):
    account = make_account()
    client = browser(account)
    keep, remove, last = unique_name("keep"), unique_name("remove"), unique_name("last")
    for name in (keep, remove, last):
        create_profile(client, name, name.title()).follow()
    form = client.get(f"/profiles/{keep}/edit").forms["profile-edit"]
    form["avatar"] = ("a.png", png_bytes(), "image/png")
    form.submit(status=302)
    avatar = app.get(f"/api/v1/identities/{keep}", headers=account.auth).json["avatar"]

    page = client.get(f"/profiles/{keep}/delete")
    assert "Keep it, signed “Deleted profile”" in page.text and "Remove it" in page.text
    form = page.forms["profile-delete"]
    assert form.submit(status=422).html.select_one("#content-error")  # a choice is required
    form = client.get(f"/profiles/{keep}/delete").forms["profile-delete"]
    form["content"] = "keep"
    listed = form.submit(status=302).follow()
    assert f"The profile @{keep} is deleted." in listed.text
    client.get(avatar.replace("http://localhost", ""), status=404)

    kept_page = client.get(f"/@{keep}", status=410)
    assert "This profile has been deleted." in kept_page.text and keep.title() not in kept_page.text
    document = client.get(f"/@{keep}", headers={"Accept": "application/activity+json"}).json
    assert document["name"] == "Deleted profile" and document["summary"] == "" and "icon" not in document
    client.get(f"/.well-known/webfinger?resource=acct:{keep}@localhost", status=404)

    form = client.get(f"/profiles/{remove}/delete").forms["profile-delete"]
    form["content"] = "remove"
    form.submit(status=302)
    client.get(f"/@{remove}", status=404)
    client.get(f"/@{remove}", headers={"Accept": "application/activity+json"}, status=404)

    only = client.get(f"/profiles/{last}/delete")
    assert "This is your only profile." in only.text
    assert not only.html.select("main form")
    csrf = only.html.find("input", attrs={"name": "csrf_token"})["value"]
    refused = client.post(f"/profiles/{last}/delete", {"content": "remove", "csrf_token": csrf}, status=409)
    assert "only profile" in refused.text
    assert [
        p["preferred_username"] for p in app.get("/api/v1/identities", headers=account.auth).json["items"]
    ] == [last]


def test_only_the_owner_edits_or_deletes(browser, make_account, app):
    owner, intruder = make_account(), make_account()
    name = unique_name("owned")
    app.post_json("/api/v1/identities", {"preferred_username": name}, headers=owner.auth, status=201)
    client = browser(intruder)
    create_profile(client, unique_name("intruder")).follow()
    client.get(f"/profiles/{name}/edit", status=403)
    client.get(f"/profiles/{name}/delete", status=403)
    csrf = client.get("/profiles").html.find("input", attrs={"name": "csrf_token"})["value"]
    client.post(f"/profiles/{name}/edit", {"name": "Hacked", "csrf_token": csrf}, status=403)
    client.post(f"/profiles/{name}/delete", {"content": "remove", "csrf_token": csrf}, status=403)
    client.get("/profiles/nobody_here_at_all/edit", status=404)
    assert app.get(f"/api/v1/identities/{name}", headers=owner.auth).json["name"] is None


def test_forms_need_their_csrf_token(browser, make_account):
    account = make_account()
    client = browser(account)
    answer = client.post("/profiles/new", {"preferred_username": unique_name("csrf")}, status=400)
    assert "This form has expired" in answer.text


def test_pages_in_french(browser, make_account, app):
    account = make_account()
    client = browser(account, language="fr")
    first = client.get("/profiles/new")
    assert '<html lang="fr">' in first.text
    localizer = _french(app)
    assert localizer("Create your first profile") in first.text
    name = unique_name("marianne")
    form = first.forms["profile-new"]
    form["preferred_username"] = name
    form.submit(status=302)
    listed = client.get("/profiles")
    for message in ("My profiles", "Edit", "Delete", "Create a profile"):
        assert localizer(message) in listed.text
    bad = client.get("/profiles/new").forms["profile-new"]
    bad["preferred_username"] = "admin"
    assert localizer("This username is reserved.") in bad.submit(status=409).text
    assert re.search(r"<html lang=\"fr\">", client.get(f"/@{name}").text)


def _french(app):
    from pyramid.i18n import make_localizer

    from mobilizon.i18n import _

    localizer = make_localizer("fr", [str(app.app.registry.settings["here"]) + "/mobilizon/locale"])
    return lambda message: localizer.translate(_(message))
