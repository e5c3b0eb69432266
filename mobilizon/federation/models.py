"""Remote instances as delivery sees them (alive or dead, blocked or not, what they run), and
the log of activities that came in and went out.

One row per remote domain (``host`` or ``host:port``), created the first time we deliver to it.
Delivery failures are counted here so that an instance that has been down for days stops
costing a worker and a connection timeout for every activity (see ``delivery``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from mobilizon.models.meta import Base, Timestamped, utcnow


class Instance(Timestamped, Base):
    __tablename__ = "instances"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    software: Mapped[str | None] = mapped_column(String(100))
    blocked: Mapped[bool] = mapped_column(default=False, server_default=false())
    failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    first_failure_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    dead_since: Mapped[datetime | None]


class Activity(Base):
    """One ActivityPub activity that came in (``direction="in"``) or went out (``"out"``).

    Unique by its id: an activity delivered twice (retries, several inboxes of one instance)
    is stored once and applied once, which is what makes the inbox idempotent. Outgoing rows
    remember where they were sent (``recipients``), so a later Delete reaches every server that
    got the Create, and they make up the actors' outboxes.
    """

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    ap_id: Mapped[str] = mapped_column(String(2000), unique=True)
    direction: Mapped[str] = mapped_column(String(3))
    type: Mapped[str] = mapped_column(String(40))
    actor_url: Mapped[str] = mapped_column(String(2000), index=True)
    object_url: Mapped[str | None] = mapped_column(String(2000), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    # received -> applied | ignored | failed (incoming); sent (outgoing)
    status: Mapped[str] = mapped_column(String(20), default="received")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
