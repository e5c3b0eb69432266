"""Instance settings stored in the database, edited by administrators, over the .ini defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from mobilizon.models.meta import Base, Timestamped


class InstanceSetting(Timestamped, Base):
    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
