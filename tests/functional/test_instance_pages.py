import pytest


def test_home_page_shows_the_instance(app):
    page = app.get("/")
    assert page.status_int == 200
    assert "Test instance" in page.text
    assert "An instance for tests." in page.text
    assert "No upcoming public events yet." in page.text
    assert page.headers["Content-Type"].startswith("text/html")


def test_pages_are_french_with_accept_language(app):
    page = app.get("/about", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in page.text
    assert "Règles" in page.text
    assert "Inscriptions" in page.text
    english = app.get("/about", headers={"Accept-Language": "en"})
    assert "Rules" in english.text


def test_about_page_lists_what_a_visitor_needs(app):
    page = app.get("/about")
    for expected in (
        "Contact",
        "admin@example.org",
        "Rules",
        "Terms of use",
        "Federation policy",
        "Registrations",
        "Administrators",
    ):
        assert expected in page.text


def test_security_headers(app):
    page = app.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_not_found_is_a_friendly_page(app):
    page = app.get("/no/such/page", status=404)
    assert "Page not found" in page.text
    assert "Back to the home page" in page.text


def test_api_errors_are_json(app):
    response = app.get("/api/v1/no-such-thing", status=404)
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_nodeinfo(app, version):
    discovery = app.get("/.well-known/nodeinfo").json
    links = {link["rel"]: link["href"] for link in discovery["links"]}
    href = links[f"http://nodeinfo.diaspora.software/ns/schema/{version}"]
    document = app.get(href.replace("http://localhost", ""))
    assert f"schema/{version}" in document.headers["Content-Type"]
    body = document.json
    assert body["version"] == version
    assert body["protocols"] == ["activitypub"]
    assert body["software"]["name"] == "mobilizon-py"
    assert isinstance(body["usage"]["users"]["total"], int)
    assert isinstance(body["openRegistrations"], bool)
    assert body["metadata"]["nodeName"] == "Test instance"


def test_unknown_nodeinfo_version_is_404(app):
    app.get("/nodeinfo/1.0", status=404)


def test_static_files_are_served_with_a_version(app):
    page = app.get("/")
    href = page.html.find("link", rel="stylesheet")["href"]
    assert "?v=" in href
    css = app.get(href.replace("http://localhost", ""))
    assert css.content_type == "text/css"
