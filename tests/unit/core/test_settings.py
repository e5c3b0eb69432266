from pathlib import Path

import pytest

from mobilizon.settings import SAMPLE_SECRET, SettingsError, normalize


def raw(**values):
    base = {"here": "/srv/app", "mobilizon.base_url": "http://127.0.0.1:6543"}
    base.update(values)
    return base


def test_defaults_are_the_embedded_platform():
    settings = normalize(raw(), environ={})
    assert settings["mobilizon.data_dir"] == Path("/srv/app/var")
    assert settings["mobilizon.database_url"] == "sqlite:////srv/app/var/mobilizon.sqlite"
    assert settings["mobilizon.huey_url"] == ""
    assert settings["mobilizon.listen"].port == 6543
    assert settings["mobilizon.plugins"] == ["*"]
    assert settings["mobilizon.federation.allow_private_addresses"] is True


def test_environment_overrides_every_instance_setting(tmp_path):
    environ = {
        "MOBILIZON_BASE_URL": "http://127.0.0.1:7000/",
        "MOBILIZON_DATA_DIR": str(tmp_path),
        "MOBILIZON_LISTEN": "0.0.0.0:7000",
        "MOBILIZON_HUEY_URL": "redis://127.0.0.1:6379/3",
        "MOBILIZON_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/other",
    }
    settings = normalize(raw(), environ=environ)
    assert settings["mobilizon.base_url"] == "http://127.0.0.1:7000"
    assert settings["mobilizon.data_dir"] == tmp_path
    assert settings["mobilizon.listen"].host == "0.0.0.0"
    assert settings["mobilizon.huey_url"].startswith("redis://")
    assert settings["mobilizon.database_url"].endswith("/other")


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"mobilizon.base_url": "ftp://x"}, "mobilizon.base_url"),
        ({"mobilizon.base_url": "http://x/path"}, "mobilizon.base_url"),
        ({"mobilizon.listen": "nohost"}, "mobilizon.listen"),
        ({"mobilizon.listen": "127.0.0.1:99999"}, "mobilizon.listen"),
        ({"mobilizon.database_url": "mysql://x/y"}, "mobilizon.database_url"),
        ({"mobilizon.database_url": "::::"}, "mobilizon.database_url"),
        ({"mobilizon.huey_url": "amqp://x"}, "mobilizon.huey_url"),
        ({"mobilizon.jobs.immediate": "perhaps"}, "mobilizon.jobs.immediate"),
        ({"mobilizon.default_timezone": "Mars/Olympus"}, "mobilizon.default_timezone"),
        ({"mobilizon.default_locale": "xx"}, "mobilizon.default_locale"),
        ({"mobilizon.registrations": "sometimes"}, "mobilizon.registrations"),
        ({"mobilizon.secret": "short"}, "mobilizon.secret"),
    ],
)
def test_invalid_settings_name_the_setting_in_one_line(values, name):
    with pytest.raises(SettingsError) as caught:
        normalize(raw(**values), environ={})
    message = str(caught.value)
    assert name in message
    assert "\n" not in message


def test_production_refuses_the_sample_secret_http_and_private_addresses():
    production = {"mobilizon.production": "true", "mobilizon.base_url": "https://events.example.org"}
    with pytest.raises(SettingsError, match="mobilizon.secret"):
        normalize(raw(**production, **{"mobilizon.secret": SAMPLE_SECRET}), environ={})
    good_secret = {"mobilizon.secret": "x" * 40}
    with pytest.raises(SettingsError, match="mobilizon.base_url"):
        normalize(raw(**{**production, "mobilizon.base_url": "http://e.org"}, **good_secret), environ={})
    with pytest.raises(SettingsError, match="allow_http"):
        normalize(raw(**production, **good_secret, **{"mobilizon.federation.allow_http": "true"}), environ={})
    settings = normalize(raw(**production, **good_secret), environ={})
    assert settings["mobilizon.federation.allow_http"] is False
    assert settings["mobilizon.federation.allow_private_addresses"] is False


def test_production_ini_is_refused_as_shipped():
    from pyramid.paster import get_appsettings

    root = Path(__file__).resolve().parents[3]
    shipped = dict(get_appsettings(str(root / "production.ini")))
    with pytest.raises(SettingsError, match="mobilizon.secret"):
        normalize(shipped, environ={})
