"""The declarative base, naming conventions and column helpers every model uses.

Feature packages declare their models in their own ``models.py``; this module imports them at
the end so that ``Base.metadata`` is complete for Alembic and for tests.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC; SQLite gives naive values back, we make them aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def import_models() -> None:
    """Import every feature's models so the metadata knows all tables."""
    from mobilizon.accounts import models as _accounts  # noqa: F401
    from mobilizon.events import models as _events  # noqa: F401
    from mobilizon.federation import models as _federation  # noqa: F401
    from mobilizon.groups import models as _groups  # noqa: F401
    from mobilizon.identities import models as _identities  # noqa: F401
    from mobilizon.instance import models as _instance  # noqa: F401


import_models()
