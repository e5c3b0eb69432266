"""What other servers see of profiles: WebFinger, host-meta, the actor document and the page."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mobilizon.testing import fixture_path

from .identities_helpers import png_bytes, unique_name

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.fixture
def three_profiles(app, make_account):
    """One account with three profiles, the first with a bio and an avatar."""
    account = make_account()
    names = [unique_name("face") for _ in range(3)]
    for index, name in enumerate(names):
        app.post_json(
            "/api/v1/identities",
            {"preferred_username": name, "name": f"Face {index}", "summary": "Bio <b>bold</b>\nline 2"},
            headers=account.auth,
            status=201,
        )
    app.post(
        f"/api/v1/identities/{names[0]}/avatar",
        upload_files=[("avatar", "a.png", png_bytes())],
        headers=account.auth,
    )
    return account, names


def test_webfinger_and_actor_document_for_each_profile(app, three_profiles):
    _account, names = three_profiles
    for name in names:
        finger = app.get(f"/.well-known/webfinger?resource=acct:{name}@localhost")
        assert finger.headers["Content-Type"] == "application/jrd+json; charset=utf-8"
        assert finger.headers["Access-Control-Allow-Origin"] == "*"
        jrd = finger.json
        assert jrd["subject"] == f"acct:{name}@localhost"
        assert jrd["aliases"] == [f"http://localhost/@{name}"]
        links = {link["rel"]: link for link in jrd["links"]}
        assert links["self"] == {"rel": "self", "type": AP, "href": f"http://localhost/@{name}"}
        assert links["http://webfinger.net/rel/profile-page"]["type"] == "text/html"

        href = links["self"]["href"].replace("http://localhost", "")
        for accept in (AP, LD, "application/activity+json, application/ld+json"):
            response = app.get(href, headers={"Accept": accept})
            assert response.headers["Content-Type"] == "application/activity+json; charset=utf-8"
            assert "Accept" in response.headers["Vary"]
        document = json.loads(response.body)
        assert document["@context"][:2] == [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
        ]
        terms = document["@context"][2]
        assert terms["mz"] == "https://joinmobilizon.org/ns#"
        assert terms["discoverable"] == "toot:discoverable"
        url = f"http://localhost/@{name}"
        assert document["id"] == document["url"] == url
        assert document["type"] == "Person"
        assert document["preferredUsername"] == name
        assert document["summary"] == "<p>Bio &lt;b&gt;bold&lt;/b&gt;<br>line 2</p>"
        assert document["inbox"] == f"{url}/inbox" and document["outbox"] == f"{url}/outbox"
        assert document["followers"] == f"{url}/followers" and document["following"] == f"{url}/following"
        assert document["endpoints"] == {"sharedInbox": "http://localhost/inbox"}
        assert document["manuallyApprovesFollowers"] is False and document["discoverable"] is True
        assert document["published"].endswith("T00:00:00Z")
        key = document["publicKey"]
        assert key["id"] == f"{url}#main-key" and key["owner"] == url
        public_key = serialization.load_pem_public_key(key["publicKeyPem"].encode())
        assert isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size == 2048
    first = app.get(f"/@{names[0]}", headers={"Accept": AP}).json
    assert first["icon"]["type"] == "Image" and first["icon"]["mediaType"] == "image/png"
    assert first["icon"]["url"].startswith("http://localhost/media/")


def test_nothing_links_the_profiles_of_one_account(app, three_profiles):
    """Two profiles of an account share no value but the instance's own and the day made."""
    account, names = three_profiles
    documents = [app.get(f"/@{name}", headers={"Accept": AP}).json for name in names]
    fingers = [app.get(f"/.well-known/webfinger?resource=acct:{name}@localhost").json for name in names]

    def leaves(value, path=""):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from leaves(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item, path)
        else:
            yield path, value

    shared_by_all_actors = {"http://localhost/inbox", "Person", True, False, "Image", "image/png", "self"}
    for one, other in ((0, 1), (0, 2), (1, 2)):
        for kind in (documents, fingers):
            values_one = {value for path, value in leaves(kind[one]) if not path.startswith(".@context")}
            values_other = {value for path, value in leaves(kind[other]) if not path.startswith(".@context")}
            common = values_one & values_other - shared_by_all_actors
            common = {
                v for v in common if not str(v).startswith(("application/", "text/", "http://webfinger"))
            }
            common -= {documents[one]["published"], "Bio <b>bold</b>\nline 2"}
            assert common <= {"<p>Bio &lt;b&gt;bold&lt;/b&gt;<br>line 2</p>"}, common
    assert account.email not in json.dumps(documents + fingers)
    for document in documents + fingers:
        found = list(leaves(document))
        assert account.user_id not in {value for _path, value in found if not isinstance(value, bool)}
        assert str(account.user_id) not in {value for _path, value in found}
        assert not [
            path for path, _value in found if "user" in path.lower() and "preferredUsername" not in path
        ]


def test_webfinger_has_the_shape_of_a_mastodon_answer(app, three_profiles):
    _account, names = three_profiles
    mastodon = json.loads(fixture_path("webfinger", "mastodon-webfinger.json").read_text())
    ours = app.get(f"/.well-known/webfinger?resource=acct:{names[0]}@localhost").json
    assert set(ours) >= {"subject", "aliases", "links"}
    assert set(ours) - set(mastodon) == set()
    theirs = {link["rel"]: set(link) for link in mastodon["links"]}
    for link in ours["links"]:
        if link["rel"] in theirs:
            assert set(link) == theirs[link["rel"]]


def test_webfinger_accepts_the_forms_other_servers_send(app, three_profiles):
    _account, names = three_profiles
    name = names[1]
    for resource in (
        f"acct:{name}@localhost",
        f"acct:{name.upper()}@LOCALHOST",
        f"{name}@localhost",
        f"@{name}@localhost",
        f"acct%3A{name}%40localhost",
        f"http://localhost/@{name}",
    ):
        jrd = app.get(f"/.well-known/webfinger?resource={resource}").json
        assert jrd["subject"] == f"acct:{name}@localhost", resource


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("resource=", 400),
        ("resource=acct:", 400),
        ("resource=acct:nobody", 400),
        ("resource=acct:@localhost", 400),
        ("resource=acct:a@b@localhost", 400),
        ("resource=" + "x" * 600, 400),
        ("resource=acct:nobody_here_really@localhost", 404),
        ("resource=acct:admin@localhost", 404),
        ("resource=acct:someone@example.org", 404),
        ("resource=https://example.org/@someone", 404),
        ("resource=http://localhost/events/123", 404),
    ],
)
def test_webfinger_refuses_bad_and_unknown_resources(app, query, status):
    response = app.get(f"/.well-known/webfinger?{query}", status=status)
    assert response.json["error"]["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_webfinger_for_another_port_is_not_ours(make_app, app, make_account):
    other = make_app(**{"mobilizon.base_url": "http://localhost:6544"})
    account = make_account()
    name = unique_name("ported")
    app.post_json("/api/v1/identities", {"preferred_username": name}, headers=account.auth, status=201)
    try:
        jrd = other.get(f"/.well-known/webfinger?resource=acct:{name}@localhost:6544").json
        assert jrd["subject"] == f"acct:{name}@localhost:6544"
        other.get(f"/.well-known/webfinger?resource=acct:{name}@localhost", status=404)
    finally:
        other.app.registry["db_engine"].dispose()


def test_host_meta_points_to_webfinger(app):
    response = app.get("/.well-known/host-meta")
    assert response.headers["Content-Type"] == "application/xrd+xml; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert 'rel="lrdd"' in response.text
    assert 'template="http://localhost/.well-known/webfinger?resource={uri}"' in response.text
    from xml.etree import ElementTree

    root = ElementTree.fromstring(response.body)
    assert root.tag == "{http://docs.oasis-open.org/ns/xri/xrd-1.0}XRD"


def test_public_page_shows_name_bio_avatar_and_nothing_else(browser, three_profiles):
    _account, names = three_profiles
    visitor = browser()
    page = visitor.get(f"/@{names[0]}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Accept" in page.headers["Vary"]
    main = page.html.find("main")
    assert main.find("h1").get_text(strip=True) == "Face 0"
    assert "Bio <b>bold</b>" in main.get_text() and main.find("b") is None
    assert main.find("img", class_="avatar")["src"].startswith("http://localhost/media/")
    assert main.find("form") is None and main.find("button") is None
    text = main.get_text(" ").lower()
    for absent in ("follow", "event", "group", "member", "joined", "created"):
        assert absent not in text
    assert page.html.find("link", rel="alternate", type=AP)["href"] == f"http://localhost/@{names[0]}"
    # the same page with a username in another case
    assert visitor.get(f"/@{names[0].upper()}").html.find("h1").get_text(strip=True) == "Face 0"


def test_unknown_profiles_get_a_friendly_404(app):
    page = app.get("/@nobody_at_all_here", status=404)
    assert "Page not found" in page.text and "Back to the home page" in page.text
    app.get("/@nobody_at_all_here", headers={"Accept": AP}, status=404)
    app.get("/@", status=404)
    app.get("/@a%00b", status=404)  # a NUL byte never reaches the database
    app.get("/@a%00b", headers={"Accept": AP}, status=404)
    app.get("/.well-known/webfinger?resource=acct:a%00b@localhost", status=404)


def test_media_are_served_strictly(app, three_profiles):
    account, names = three_profiles
    url = app.get(f"/api/v1/identities/{names[0]}", headers=account.auth).json["avatar"]
    response = app.get(url.replace("http://localhost", ""))
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    app.get("/media/../../etc/passwd", status=404)
    app.get("/media/aaaaaaaaaaaaaaaaaaaaaaaa.svg", status=404)
    app.get("/media/aaaaaaaaaaaaaaaaaaaaaaaa.png", status=404)
