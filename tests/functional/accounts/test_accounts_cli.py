"""``mobilizon users create``: run through ``mobilizon.cli.main`` with a settings file of its own."""

from __future__ import annotations

import getpass

import pytest

from mobilizon.cli import main
from tests.functional.accounts.accounts_helpers import (
    PASSWORD,
    committed,
    confirm,
    find_user,
    last_mail,
    log_in,
    new_email,
)


@pytest.fixture
def config_file(tmp_path, settings):
    """A .ini for the test database and data folder, as an administrator would write one."""
    lines = ["[app:main]", "use = egg:mobilizon-py"]
    for key, value in settings.items():
        if key != "here":
            lines.append(f"{key} = {str(value).replace('%', '%%')}")
    path = tmp_path / "instance.ini"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def profiles_of(app, email):
    from mobilizon.accounts import services

    with committed(app) as session:
        return [actor.preferred_username for actor in services.find_user(session, email).actors]


def test_create_a_confirmed_administrator(app, client, config_file, capsys):
    email = new_email("Admin.Person")
    username = f"boss_{email[13:21]}"
    code = main(
        [
            "--config",
            config_file,
            "users",
            "create",
            email,
            "--password",
            PASSWORD,
            "--admin",
            "--confirmed",
            "--username",
            username,
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert f"created administrator {email.lower()} with the profile @{username}" in out.out
    user = find_user(app, email.lower())
    assert user.role == "administrator" and user.confirmed_at is not None
    assert profiles_of(app, email.lower()) == [username]
    browser = client()
    log_in(browser, email.lower())
    assert browser.get("/admin/users").status_int == 200


def test_create_an_unconfirmed_moderator_gets_the_mail(app, client, config_file, capsys, mail_dir):
    email = new_email("rose.b+events")
    code = main(["--config", config_file, "users", "create", email, "--password", PASSWORD, "--moderator"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "a confirmation link was mailed" in out.out
    assert find_user(app, email).role == "moderator"
    [username] = profiles_of(app, email)
    assert username.startswith("rose_b_events")
    browser = client()
    log_in(browser, email, status=403)
    assert "/account/confirm/" in last_mail(mail_dir, email).get_body(("plain",)).get_content()
    confirm(browser, mail_dir, email)


def test_the_password_is_asked_when_missing(app, config_file, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    email = new_email()
    assert main(["--config", config_file, "users", "create", email, "--confirmed"]) == 0
    assert find_user(app, email) is not None

    answers = iter([PASSWORD, "something else entirely"])
    email = new_email()
    assert main(["--config", config_file, "users", "create", email]) == 1
    assert "the two passwords differ" in capsys.readouterr().err
    assert find_user(app, email) is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["not-an-email", "--password", PASSWORD], "This is not a valid email address."),
        (["{email}", "--password", "short"], "at least 8 characters"),
        (["{email}", "--password", "password1"], "among the most common"),
        (["{email}", "--password", PASSWORD, "--username", "admin"], "This username is reserved"),
        (["{email}", "--password", PASSWORD, "--username", "no spaces"], "letters, digits and underscores"),
    ],
)
def test_bad_input_fails_with_a_clear_message(app, config_file, capsys, arguments, message):
    email = new_email()
    code = main(["--config", config_file, "users", "create", *[arg.format(email=email) for arg in arguments]])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("mobilizon: ") and message in err
    assert "Traceback" not in err
    assert find_user(app, email) is None  # nothing half-made


def test_a_taken_email_is_refused(app, config_file, capsys):
    email = new_email()
    assert main(["--config", config_file, "users", "create", email, "--password", PASSWORD]) == 0
    capsys.readouterr()
    assert main(["--config", config_file, "users", "create", email.upper(), "--password", PASSWORD]) == 1
    assert "An account already uses this email address." in capsys.readouterr().err


def test_a_missing_settings_file(tmp_path, capsys):
    code = main(
        ["--config", str(tmp_path / "nope.ini"), "users", "create", new_email(), "--password", PASSWORD]
    )
    assert code == 2
    assert "not found" in capsys.readouterr().err
