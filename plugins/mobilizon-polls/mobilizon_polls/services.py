"""Poll rules: making a poll, voting (one vote per profile, changeable until closed), closing,
and the results, which only the group's members see (the group's permission table decides).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mobilizon.errors import Conflict, Invalid, NotFound
from mobilizon.groups import resources
from mobilizon.groups.models import Resource
from mobilizon.i18n import _
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow
from mobilizon_polls.models import KINDS, Poll, PollOption, PollVote

TYPE = "poll"
QUESTION_MAX = 500
LABEL_MAX = 200
OPTIONS_MIN, OPTIONS_MAX = 2, 30


def _option_lines(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").split("\n")
    return [" ".join(str(item).split()) for item in (value or []) if str(item).strip()]


def clean_poll(values: Mapping[str, Any], title: str) -> tuple[str, str, bool, list[tuple[str, date | None]]]:
    """The question, kind, whether several answers are allowed, and the options (label, day)."""
    errors: dict[str, Any] = {}
    question = " ".join(str(values.get("question") or title).split())
    if len(question) > QUESTION_MAX:
        errors["question"] = _("At most %(max)s characters.", mapping={"max": QUESTION_MAX})
    kind = str(values.get("kind") or "options")
    if kind not in KINDS:
        errors["kind"] = _("Choose options or dates.")
    labels = list(dict.fromkeys(_option_lines(values.get("options"))))
    options: list[tuple[str, date | None]] = []
    for label in labels:
        if len(label) > LABEL_MAX:
            errors["options"] = _("An option has at most %(max)s characters.", mapping={"max": LABEL_MAX})
        day = None
        if kind == "dates":
            try:
                day = date.fromisoformat(label)
            except ValueError:
                errors["options"] = _("Give one date per line, as 2026-06-21.")
        options.append((label, day))
    if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        errors["options"] = _(
            "Give between %(min)s and %(max)s options, one per line.",
            mapping={"min": OPTIONS_MIN, "max": OPTIONS_MAX},
        )
    if errors:
        raise Invalid(_("Some values are not valid."), fields=errors)
    multiple = kind == "dates" or str(values.get("multiple") or "").lower() in ("1", "true", "on", "yes")
    return question, kind, multiple, sorted(options, key=lambda o: o[1]) if kind == "dates" else options


def create_poll(dbsession: Session, resource: Resource, creator: Actor, values: Mapping[str, Any]) -> None:
    """``ResourceType.create``: the poll and its options when the core makes the resource."""
    question, kind, multiple, options = clean_poll(values, resource.title)
    dbsession.add(Poll(resource_id=resource.id, question=question, kind=kind, multiple=multiple))
    dbsession.flush()  # the options point at the poll's row
    for position, (label, day) in enumerate(options):
        dbsession.add(PollOption(resource_id=resource.id, position=position, label=label, day=day))


def poll_of(dbsession: Session, resource: Resource) -> Poll:
    poll = dbsession.get(Poll, resource.id)
    if poll is None:
        raise NotFound(_("There is no such poll here."))
    return poll


def read_poll(dbsession: Session, profile: Actor | None, resource_uuid: Any) -> tuple[Resource, Poll]:
    """The poll if this profile may read the group's resources (results included)."""
    resource = resources.read_resource(dbsession, profile, resource_uuid, TYPE)
    return resource, poll_of(dbsession, resource)


@dataclass(frozen=True)
class Result:
    option: PollOption
    votes: int
    voters: list[Actor]


def results(dbsession: Session, poll: Poll) -> list[Result]:
    votes = list(dbsession.scalars(select(PollVote).where(PollVote.resource_id == poll.resource_id)))
    return [
        Result(option, len(chosen), [vote.voter for vote in chosen])
        for option in poll.options
        for chosen in [[vote for vote in votes if vote.option_id == option.id]]
    ]


def choices_of(dbsession: Session, poll: Poll, profile: Actor | None) -> set[int]:
    if profile is None:
        return set()
    return set(
        dbsession.scalars(
            select(PollVote.option_id).where(
                PollVote.resource_id == poll.resource_id, PollVote.voter_id == profile.id
            )
        )
    )


def vote(dbsession: Session, profile: Actor | None, resource_uuid: Any, option_ids: list[Any]) -> Poll:
    """Cast or change this profile's vote (an empty choice withdraws it)."""
    resource = resources.use_resource(dbsession, profile, resource_uuid, TYPE)
    poll = poll_of(dbsession, resource)
    if poll.closed:
        raise Conflict(_("This poll is closed: votes can no longer change."), code="poll_closed")
    known = {option.id for option in poll.options}
    try:
        chosen = {int(value) for value in option_ids}
    except (TypeError, ValueError):
        chosen = {-1}
    if not chosen <= known:
        raise Invalid(
            _("Choose among the poll's options."), fields={"options": _("Not an option of this poll.")}
        )
    if len(chosen) > 1 and not poll.multiple:
        raise Invalid(_("This poll takes one answer."), fields={"options": _("Choose one option.")})
    dbsession.execute(
        delete(PollVote).where(PollVote.resource_id == poll.resource_id, PollVote.voter_id == profile.id)
    )
    for option_id in sorted(chosen):
        dbsession.add(PollVote(resource_id=poll.resource_id, option_id=option_id, voter_id=profile.id))
    dbsession.flush()
    return poll


def close(dbsession: Session, profile: Actor | None, resource_uuid: Any) -> Poll:
    """Its creator or the group's moderators close a poll; votes are final from then on."""
    resource, poll = read_poll(dbsession, profile, resource_uuid)
    resources.require_change(dbsession, resource.group, profile, resource, "resource.update")
    if poll.closed_at is None:
        poll.closed_at = utcnow()
        dbsession.flush()
    return poll
