"""The mobilizon command: settings from --config / MOBILIZON_CONFIG, clear one-line errors."""

import os

import pytest
from sqlalchemy import create_engine, inspect

from mobilizon.cli import main


def write_ini(path, **settings):
    lines = ["[app:main]", "use = egg:mobilizon-py"] + [f"{k} = {v}" for k, v in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_missing_config_file_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MOBILIZON_CONFIG", raising=False)
    assert main(["plugins", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mobilizon: configuration file development.ini not found")
    assert err.count("\n") == 1


def test_invalid_setting_is_one_line_naming_it(tmp_path, capsys):
    ini = write_ini(
        tmp_path / "bad.ini", **{"mobilizon.base_url": "not a url", "mobilizon.data_dir": tmp_path}
    )
    assert main(["--config", str(ini), "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert "mobilizon.base_url" in err
    assert err.count("\n") == 1


def test_config_from_environment_variable(tmp_path, capsys, monkeypatch):
    ini = write_ini(
        tmp_path / "env.ini", **{"mobilizon.base_url": "http://localhost", "mobilizon.data_dir": tmp_path}
    )
    monkeypatch.setenv("MOBILIZON_CONFIG", str(ini))
    assert main(["plugins", "list"]) == 0


def test_usage_errors_exit_non_zero(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["db", "sideways"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_db_upgrade_and_downgrade_on_a_fresh_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    ini = write_ini(
        tmp_path / "db.ini",
        **{
            "mobilizon.base_url": "http://localhost",
            "mobilizon.data_dir": tmp_path,
            "mobilizon.database_url": url,
        },
    )
    assert main(["--config", str(ini), "db", "upgrade"]) == 0
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "actors", "instance_settings", "auth_tokens", "alembic_version"} <= tables
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert main(["--config", str(ini), "db", "downgrade", "base"]) == 0
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert main(["--config", str(ini), "db", "upgrade"]) == 0
    engine.dispose()


@pytest.mark.skipif(not os.environ.get("MOBILIZON_TEST_DATABASE_URL"), reason="PostgreSQL not configured")
def test_db_upgrade_and_downgrade_on_postgresql(tmp_path):
    import secrets

    from sqlalchemy import text

    admin_url = os.environ["MOBILIZON_TEST_DATABASE_URL"]
    schema = f"cli_{secrets.token_hex(4)}"
    admin = create_engine(admin_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{admin_url}?options=-csearch_path%3D{schema}"
    ini = write_ini(
        tmp_path / "pg.ini",
        **{
            "mobilizon.base_url": "http://localhost",
            "mobilizon.data_dir": tmp_path,
            "mobilizon.database_url": url.replace("%", "%%"),
        },
    )
    try:
        assert main(["--config", str(ini), "db", "upgrade"]) == 0
        assert {"users", "actors"} <= set(inspect(admin).get_table_names(schema=schema))
        assert main(["--config", str(ini), "db", "downgrade", "base"]) == 0
        assert set(inspect(admin).get_table_names(schema=schema)) <= {"alembic_version"}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
