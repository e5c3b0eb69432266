"""The pure pieces of events: the HTML allowlist against known XSS inputs, plain text for
calendars, spreadsheet-safe cells, the form's translation to service values."""

from __future__ import annotations

import pytest

from mobilizon.events.forms import address_query, read_form, service_values
from mobilizon.events.participations import spreadsheet_safe
from mobilizon.events.sanitize import clean_html, html_to_text, plain_text

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<form action="//evil"><button>go</button></form>',
    '<p style="position:fixed;top:0">cover</p>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<object data=x></object><embed src=x>",
    '<p onmouseover="alert(1)">hover</p>',
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_html_loses_everything_active(value):
    cleaned = clean_html(value).lower()
    for needle in ("<script", "onerror", "onmouseover", "javascript:", "<iframe", "<form", "<svg", "style=",
                   "<object", "<embed", "data:text"):  # fmt: skip
        assert needle not in cleaned


def test_links_get_rel_and_keep_safe_targets():
    assert clean_html('<a href="https://example.org" target="_blank">x</a>') == (
        '<a href="https://example.org" rel="nofollow noopener noreferrer">x</a>'
    )
    assert 'href="mailto:a@example.org"' in clean_html('<a href="mailto:a@example.org">mail</a>')


def test_images_only_from_https():
    assert (
        clean_html('<img src="https://example.org/a.png" alt="a">')
        == '<img src="https://example.org/a.png" alt="a">'
    )
    assert clean_html('<img src="http://example.org/a.png">') == ""


def test_allowed_structure_survives():
    html = (
        "<h2>Plan</h2><ul><li><strong>10:00</strong> meet</li></ul>"
        "<blockquote><p>q</p></blockquote><pre><code>x</code></pre>"
    )
    assert clean_html(html) == html


def test_cleaning_is_idempotent():
    once = clean_html("<p>Hello <em>you</em></p><script>x</script>\n\nplain")
    assert clean_html(once) == once


def test_plain_text_for_calendars():
    assert html_to_text("<p>One &amp; two</p><p>three<br>four</p><ul><li>a</li><li>b</li></ul>") == (
        "One & two\n\nthree\nfour\n\na\n\nb"
    )


def test_plain_text_field_drops_control_characters_and_caps():
    assert plain_text("hi\x00\x07 there\r\n", 100) == "hi there"
    assert plain_text("   ", 10) is None
    assert plain_text("x" * 50, 10) == "x" * 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+33 6 00", "'+33 6 00"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Rose", "Rose"),
        (None, ""),
    ],
)
def test_spreadsheet_cells_never_start_a_formula(value, expected):
    assert spreadsheet_safe(value) == expected


def form(**values):
    post = {"title": "Picnic", "begins_on": "2031-05-01T12:00", "timezone": "Europe/Paris", **values}
    return read_form(post)


def test_form_checkboxes_and_capacity():
    values = service_values(form(capacity="12", show_participants="1"))
    assert values["capacity"] == 12
    assert values["options"]["show_participants"] is True
    assert values["options"]["anonymous_participation"] is False
    assert service_values(form(capacity=""))["capacity"] is None
    assert service_values(form(capacity="lots"))["capacity"] == "lots"  # refused by the service


def test_retyped_address_drops_stale_coordinates():
    kept = form(locality="Paris", lat="48.85", lon="2.35", place_key="Paris")
    assert service_values(kept)["address"]["lat"] == "48.85"
    retyped = form(locality="Lyon", lat="48.85", lon="2.35", place_key="Paris")
    assert service_values(retyped)["address"]["lat"] is None


def test_a_picked_place_fills_the_address():
    place = (
        '{"description": "Montréal", "locality": "Montréal", "country": "Canada", "lat": 45.5, "lon": -73.6}'
    )
    values = service_values(form(locality="montreal", place=place))
    assert values["address"]["locality"] == "Montréal" and values["address"]["lat"] == 45.5
    assert address_query(form(street="1 rue X", locality="Lyon", country="")) == "1 rue X, Lyon"


def test_a_forged_place_is_ignored():
    assert service_values(form(locality="Lyon", place="[1, 2]"))["address"]["locality"] == "Lyon"
    assert service_values(form(locality="Lyon", place="{not json"))["address"]["locality"] == "Lyon"
