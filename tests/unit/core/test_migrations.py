"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from mobilizon.models.meta import Base


def test_models_and_migrations_agree(app):
    engine = app.app.registry["db_engine"]
    with engine.connect() as connection, warnings.catch_warnings():
        # expression indexes cannot be reflected on SQLite; they are checked below instead
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = [
            diff
            for diff in compare_metadata(context, Base.metadata)
            if not (diff[0] in ("add_index", "remove_index") and diff[1].name == "uq_actors_username_domain")
            # tables and indexes of plugins live on their own branches, outside the core metadata
            and not (diff[0] == "remove_table" and diff[1].name not in Base.metadata.tables)
            and not (diff[0] == "remove_index" and diff[1].table.name not in Base.metadata.tables)
        ]
    assert differences == []


def test_usernames_are_unique_whatever_their_case(app):
    engine = app.app.registry["db_engine"]
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            found = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'uq_actors_username_domain'")
            ).scalar()
        else:
            found = connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_actors_username_domain'")
            ).scalar()
    assert found and "lower" in found.lower() and "unique" in found.lower()
