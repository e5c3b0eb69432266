"""A person opens the home page, follows the link to the about page, in English and French."""

import pytest

pytestmark = pytest.mark.browser


def test_home_then_about(page, live_server):
    page.goto(live_server + "/")
    assert page.title() == "Test instance"
    assert page.locator("h1").inner_text() == "Test instance"
    assert page.get_by_text("No upcoming public events yet.").is_visible()
    page.get_by_role("link", name="About", exact=True).click()
    page.wait_for_url(live_server + "/about")
    assert page.locator("h1").inner_text() == "About Test instance"
    assert page.get_by_role("heading", name="Rules").is_visible()
    # the strict CSP (no inline scripts or styles) leaves nothing for the console to complain about
    assert page.problems == []


def test_pages_in_french(browser, live_server):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + "/about")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Règles").is_visible()
    context.close()


def test_layout_fits_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + "/about")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    # keyboard users get a skip link first
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    context.close()
