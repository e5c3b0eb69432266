"""A poll is a group resource (type ``poll``) with its options and the votes cast.

A profile's vote is its set of chosen options (one, or several when the poll allows it, as a
date poll does: "which days suit you?"); voting again replaces it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mobilizon.models.meta import Base, utcnow

if TYPE_CHECKING:
    from mobilizon.groups.models import Resource
    from mobilizon.identities.models import Actor

KINDS = ("options", "dates")


class Poll(Base):
    __tablename__ = "polls_polls"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="options")
    multiple: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]

    resource: Mapped[Resource] = relationship()
    options: Mapped[list[PollOption]] = relationship(order_by="PollOption.position", passive_deletes=True)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class PollOption(Base):
    __tablename__ = "polls_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("polls_polls.resource_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    day: Mapped[date | None]  # date polls


class PollVote(Base):
    __tablename__ = "polls_votes"
    __table_args__ = (UniqueConstraint("option_id", "voter_id", name="uq_polls_votes_option_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("polls_polls.resource_id", ondelete="CASCADE"), index=True
    )
    option_id: Mapped[int] = mapped_column(ForeignKey("polls_options.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    voter: Mapped[Actor] = relationship(lazy="joined")
