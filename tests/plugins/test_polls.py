"""The polls plugin: a question with options or dates, one vote per profile, changeable until
closed, results for the members only."""

from __future__ import annotations

import pytest
from webtest import TestApp

from tests.functional.groups.conftest import add_member, make_group, new_person, sign_in


def last_form(page):
    return page.forms[len(page.forms) - 1]


@pytest.fixture
def crew(app):
    admin, rose, ann, outsider = (new_person(app, p) for p in ("benedicte", "rose", "ann", "outsider"))
    group = make_group(admin)
    add_member(group, admin, rose, "moderator")
    add_member(group, admin, ann)
    return group, admin, rose, ann, outsider


def test_a_date_poll_one_vote_per_profile_changeable_until_closed(crew):
    group, admin, rose, ann, outsider = crew
    poll = ann.post(
        f"/groups/{group}/resources",
        {
            "type": "poll",
            "title": "When?",
            "kind": "dates",
            "options": ["2026-06-21", "2026-06-14", "2026-06-28"],
        },
        status=201,
    ).json
    path = f"/polls/{poll['uuid']}"
    read = rose.get(path).json
    assert [o["label"] for o in read["options"]] == ["2026-06-14", "2026-06-21", "2026-06-28"]
    assert read["multiple"] is True
    first, second, third = (o["id"] for o in read["options"])
    rose.post(f"{path}/vote", {"options": [first, second]}, status=200)
    ann.post(f"{path}/vote", {"options": [second]}, status=200)
    changed = rose.post(f"{path}/vote", {"options": [second, third]}, status=200).json  # changed, not added
    assert [o["votes"] for o in changed["options"]] == [0, 2, 1]
    assert changed["mine"] == [second, third]
    assert {v["preferred_username"] for v in changed["options"][1]["voters"]} == {rose.username, ann.username}
    outsider.get(path, status=403)
    outsider.post(f"{path}/vote", {"options": [first]}, status=403)
    # the member who made it closes it; votes are final
    ann.post(f"{path}/close", {}, status=200)
    closed = rose.post(f"{path}/vote", {"options": [first]}, status=409).json
    assert closed["error"]["code"] == "poll_closed"


def test_an_options_poll_takes_one_answer_and_refuses_bad_ones(crew):
    group, admin, rose, ann, outsider = crew
    poll = rose.post(
        f"/groups/{group}/resources",
        {"type": "poll", "title": "Which poster?", "options": "Trees\nUmbrellas\n"},
        status=201,
    ).json
    path = f"/polls/{poll['uuid']}"
    options = [o["id"] for o in ann.get(path).json["options"]]
    ann.post(f"{path}/vote", {"options": options}, status=422)
    ann.post(f"{path}/vote", {"options": [999999]}, status=422)
    ann.post(f"{path}/vote", {"options": [options[1]]}, status=200)
    ann.post(f"{path}/close", {}, status=403)  # not hers, and she is no moderator
    bad = rose.post(
        f"/groups/{group}/resources", {"type": "poll", "title": "x", "options": ["one"]}, status=422
    )
    assert "options" in bad.json["error"]["fields"]
    dates = rose.post(
        f"/groups/{group}/resources",
        {"type": "poll", "title": "x", "kind": "dates", "options": ["soon", "later"]},
        status=422,
    )
    assert "options" in dates.json["error"]["fields"]


def test_the_poll_page_votes_and_shows_results(app, crew):
    group, admin, rose, ann, outsider = crew
    web = sign_in(TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"}), rose)
    form = last_form(web.get(f"/@{group}/resources/new?type=poll"))
    form["title"] = "Which poster?"
    form["options"] = "Trees\nUmbrellas"
    page = form.submit(status=302).follow()
    vote = next(form for form in page.forms.values() if "option" in form.fields)
    vote["option"] = vote.fields["option"][0].options[1][0]
    results = vote.submit("action", status=302).follow()
    assert "Umbrellas" in results.text and "Change my vote" in results.text
    cells = [row.select("td") for row in results.html.select("table tbody tr")]
    assert [(c[0].text.strip(), c[1].text.strip()) for c in cells] == [("Trees", "0"), ("Umbrellas", "1")]
