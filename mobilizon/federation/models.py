"""Remote instances as delivery sees them: alive or dead, blocked or not, what they run.

One row per remote domain (``host`` or ``host:port``), created the first time we deliver to it.
Delivery failures are counted here so that an instance that has been down for days stops
costing a worker and a connection timeout for every activity (see ``delivery``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from mobilizon.models.meta import Base, Timestamped


class Instance(Timestamped, Base):
    __tablename__ = "instances"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    software: Mapped[str | None] = mapped_column(String(100))
    blocked: Mapped[bool] = mapped_column(default=False, server_default=false())
    failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    first_failure_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    dead_since: Mapped[datetime | None]
