"""A pad is a group resource (``resources`` row, type ``pad``) with its text and revisions.

Every save adds a revision (who, when, the whole text), so the history says who changed what
and any earlier text can be read again. ``revision`` on the pad is the number of the latest.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mobilizon.models.meta import Base, utcnow

if TYPE_CHECKING:
    from mobilizon.groups.models import Resource
    from mobilizon.identities.models import Actor


class Pad(Base):
    __tablename__ = "pads_pads"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=0)
    # set when the pad lives on an external Etherpad instead of the built-in editor
    external_url: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    resource: Mapped[Resource] = relationship()


class PadRevision(Base):
    __tablename__ = "pads_revisions"
    __table_args__ = (UniqueConstraint("resource_id", "number", name="uq_pads_revisions_resource_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("pads_pads.resource_id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    content: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    # a save that started from an older revision and was merged with what others saved since
    merged: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[Actor | None] = relationship(lazy="joined")
