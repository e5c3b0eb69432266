"""Database migrations with Alembic, configured from the app's settings in code.

Core revisions live in the repository's ``migrations/`` folder (branch ``core``); plugins add
their own version folders through the ``register_migrations`` hook, so ``upgrade heads`` brings
every enabled plugin's tables along.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(settings: Mapping[str, Any], pm: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings["mobilizon.database_url"].replace("%", "%%"))
    locations = [str(MIGRATIONS / "versions")]
    if pm is not None:
        for answer in pm.hook.register_migrations():
            locations.extend(str(location) for location in answer or ())
    config.set_main_option("path_separator", "space")
    config.set_main_option("version_locations", " ".join(locations))
    return config


def upgrade(settings: Mapping[str, Any], pm: Any = None, revision: str = "heads") -> None:
    if settings["mobilizon.database_url"].startswith("sqlite"):
        Path(settings["mobilizon.data_dir"]).mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings, pm), revision)


def downgrade(settings: Mapping[str, Any], pm: Any = None, revision: str = "-1") -> None:
    command.downgrade(alembic_config(settings, pm), revision)


def current(settings: Mapping[str, Any], pm: Any = None) -> None:
    command.current(alembic_config(settings, pm))
