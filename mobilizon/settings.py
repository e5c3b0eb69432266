"""Settings: read from the .ini, overridden by ``MOBILIZON_*`` environment variables, validated.

Several instances run side by side on one machine by changing only environment variables, so
every setting that differs between them has one. A bad value stops start-up with a single line
that names the setting, never a traceback deep inside a library.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SAMPLE_SECRET = "change-me-this-is-the-sample-secret"  # noqa: S105 (it is refused, not used)

# setting name in the .ini -> environment variable that overrides it
ENVIRONMENT_OVERRIDES = {
    "mobilizon.base_url": "MOBILIZON_BASE_URL",
    "mobilizon.database_url": "MOBILIZON_DATABASE_URL",
    "mobilizon.data_dir": "MOBILIZON_DATA_DIR",
    "mobilizon.listen": "MOBILIZON_LISTEN",
    "mobilizon.huey_url": "MOBILIZON_HUEY_URL",
    "mobilizon.secret": "MOBILIZON_SECRET",
    "mobilizon.theme": "MOBILIZON_THEME",
    "mobilizon.plugins": "MOBILIZON_PLUGINS",
    "mobilizon.instance_name": "MOBILIZON_INSTANCE_NAME",
    "mobilizon.mail.backend": "MOBILIZON_MAIL_BACKEND",
    "mobilizon.jobs.immediate": "MOBILIZON_JOBS_IMMEDIATE",
    "mobilizon.geocoder": "MOBILIZON_GEOCODER",
}

REGISTRATION_MODES = ("open", "closed", "allowlist")
LOCALES = ("en", "fr")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting has a value the platform cannot run with; the message names it."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"invalid setting {name}: {problem}")
        self.name = name


def apply_environment(raw: dict[str, Any], environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return a copy of ``raw`` with every ``MOBILIZON_*`` variable that is set applied."""
    environ = os.environ if environ is None else environ
    merged = dict(raw)
    for name, variable in ENVIRONMENT_OVERRIDES.items():
        if variable in environ:
            merged[name] = environ[variable]
    return merged


def _flag(raw: dict[str, Any], name: str, default: bool) -> bool:
    value = raw.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise SettingsError(name, f"{value!r} is not a yes/no value (use true or false)")


def _words(raw: dict[str, Any], name: str, default: str = "") -> list[str]:
    return [word for word in str(raw.get(name, default) or "").replace(",", " ").split() if word]


def _positive_int(raw: dict[str, Any], name: str, default: int) -> int:
    value = raw.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(name, f"{value!r} is not a whole number") from None
    if number <= 0:
        raise SettingsError(name, f"{number} must be greater than zero")
    return number


@dataclass(frozen=True)
class Listen:
    host: str
    port: int


def parse_listen(value: str, name: str = "mobilizon.listen") -> Listen:
    host, sep, port = str(value).rpartition(":")
    if not sep or not host:
        raise SettingsError(name, f"{value!r} is not host:port (for example 127.0.0.1:6543)")
    try:
        number = int(port)
    except ValueError:
        raise SettingsError(name, f"port {port!r} is not a number") from None
    if not 0 < number < 65536:
        raise SettingsError(name, f"port {number} is outside 1-65535")
    return Listen(host.strip("[]"), number)


def _base_url(value: Any) -> str:
    name = "mobilizon.base_url"
    if not value:
        raise SettingsError(name, "is empty; set the public URL, for example http://127.0.0.1:6543")
    parts = urlsplit(str(value).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(name, f"{value!r} is not an http(s) URL")
    if parts.query or parts.fragment or parts.path not in ("", "/"):
        raise SettingsError(name, f"{value!r} must be a bare origin without path, query or fragment")
    try:
        port = parts.port
    except ValueError:
        raise SettingsError(name, f"{value!r} has an invalid port") from None
    netloc = parts.hostname.lower() + (f":{port}" if port else "")
    return f"{parts.scheme}://{netloc}"


def _database_url(value: Any, data_dir: Path) -> str:
    name = "mobilizon.database_url"
    url = str(value or "").strip()
    if not url:
        return f"sqlite:///{data_dir / 'mobilizon.sqlite'}"
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(name, f"{url!r} is not a database URL") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(name, "only sqlite:// and postgresql:// databases are supported")
    return url


def _huey_url(value: Any) -> str:
    url = str(value or "").strip()
    if url and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise SettingsError(
            "mobilizon.huey_url", f"{url!r} is not a redis:// URL (leave it empty for SQLite)"
        )
    return url


def _secret(raw: dict[str, Any], production: bool) -> str:
    name = "mobilizon.secret"
    secret = str(raw.get(name) or "").strip()
    if production and (not secret or secret == SAMPLE_SECRET):
        raise SettingsError(
            name,
            "production needs its own secret (python -c 'import secrets; print(secrets.token_urlsafe(48))')",
        )
    if secret == SAMPLE_SECRET or not secret:
        return secret or secrets.token_urlsafe(48)
    if len(secret) < 32:
        raise SettingsError(name, "is shorter than 32 characters")
    return secret


def _choice(raw: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = str(raw.get(name) or default).strip()
    if value not in allowed:
        raise SettingsError(name, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def normalize(raw: dict[str, Any], environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Validate the settings and return them with typed, derived values filled in.

    Pyramid keeps settings as a flat dict; we keep that shape (plugins read it too) and store
    typed values under the same keys.
    """
    settings = apply_environment(raw, environ)
    production = _flag(settings, "mobilizon.production", False)
    here = Path(str(settings.get("here") or os.getcwd()))
    data_dir = Path(str(settings.get("mobilizon.data_dir") or here / "var")).expanduser()
    if not data_dir.is_absolute():
        data_dir = (here / data_dir).resolve()
    settings["mobilizon.data_dir"] = data_dir
    settings["mobilizon.production"] = production
    settings["mobilizon.base_url"] = _base_url(settings.get("mobilizon.base_url"))
    if production and not settings["mobilizon.base_url"].startswith("https://"):
        raise SettingsError("mobilizon.base_url", "production must be served over https")
    settings["mobilizon.database_url"] = _database_url(settings.get("mobilizon.database_url"), data_dir)
    settings["mobilizon.huey_url"] = _huey_url(settings.get("mobilizon.huey_url"))
    settings["mobilizon.listen"] = parse_listen(settings.get("mobilizon.listen") or "127.0.0.1:6543")
    settings["mobilizon.secret"] = _secret(settings, production)
    settings["mobilizon.jobs.immediate"] = _flag(settings, "mobilizon.jobs.immediate", False)
    settings["mobilizon.jobs.workers"] = _positive_int(settings, "mobilizon.jobs.workers", 2)
    settings["mobilizon.plugins"] = _words(settings, "mobilizon.plugins", "*") or ["*"]
    settings["mobilizon.plugins.disabled"] = _words(settings, "mobilizon.plugins.disabled")
    settings["mobilizon.theme"] = str(settings.get("mobilizon.theme") or "default").strip()
    themes_dir = settings.get("mobilizon.themes_dir") or Path(__file__).resolve().parent.parent / "themes"
    settings["mobilizon.themes_dir"] = Path(str(themes_dir))
    settings["mobilizon.default_locale"] = _choice(settings, "mobilizon.default_locale", LOCALES, "en")
    settings["mobilizon.default_timezone"] = _timezone(settings.get("mobilizon.default_timezone") or "UTC")
    settings["mobilizon.mail.backend"] = _choice(settings, "mobilizon.mail.backend", ("file", "smtp"), "file")
    settings["mobilizon.mail.sender"] = str(settings.get("mobilizon.mail.sender") or "noreply@localhost")
    settings["mobilizon.registrations"] = _choice(
        settings, "mobilizon.registrations", REGISTRATION_MODES, "open"
    )
    settings["mobilizon.registrations.allowed_domains"] = _words(
        settings, "mobilizon.registrations.allowed_domains"
    )
    settings["mobilizon.federation.allow_http"] = _flag(
        settings, "mobilizon.federation.allow_http", not production
    )
    settings["mobilizon.federation.allow_private_addresses"] = _flag(
        settings, "mobilizon.federation.allow_private_addresses", not production
    )
    if production and (
        settings["mobilizon.federation.allow_http"]
        or settings["mobilizon.federation.allow_private_addresses"]
    ):
        raise SettingsError(
            "mobilizon.federation.allow_http"
            if settings["mobilizon.federation.allow_http"]
            else "mobilizon.federation.allow_private_addresses",
            "must be false in production",
        )
    settings["mobilizon.dev_pages"] = _flag(settings, "mobilizon.dev_pages", not production)
    for key, default in INSTANCE_TEXT_DEFAULTS.items():
        settings[key] = str(settings.get(key) if settings.get(key) is not None else default).strip()
    rules = settings["mobilizon.instance.rules"]
    settings["mobilizon.instance.rules"] = [line.strip() for line in rules.splitlines() if line.strip()]
    return settings


INSTANCE_TEXT_DEFAULTS = {
    "mobilizon.instance_name": "Mobilizon",
    "mobilizon.instance.description": "",
    "mobilizon.instance.long_description": "",
    "mobilizon.instance.contact": "",
    "mobilizon.instance.rules": "",
    "mobilizon.instance.terms": "",
    "mobilizon.instance.federation_policy": "",
}


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("mobilizon.default_timezone", f"{value!r} is not an IANA time zone") from None
    return value
