"""Pad rules: who may read and write (the group's permission table), saving without losing an
edit, and merging two people's changes.

Each save names the revision it started from (``base``). Saving on the latest revision adds
the next one. Saving on an older one means someone else saved in between: if the two changed
different lines, both changes are kept (a three-way merge of the base, their text and yours);
otherwise nothing is written and ``EditConflict`` carries both texts so the person can combine
them and save again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import SequenceMatcher
from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from mobilizon.errors import Conflict, Invalid, NotFound
from mobilizon.groups import resources
from mobilizon.groups.models import Resource
from mobilizon.i18n import _
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow
from mobilizon_pads.models import Pad, PadRevision

TYPE = "pad"
TEXT_MAX = 200_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class EditConflict(Conflict):
    """Someone saved changes to the same lines since your save's base revision."""

    code = "edit_conflict"

    def __init__(self, pad: Pad, mine: str, who: Actor | None) -> None:
        name = who.display_name if who is not None else ""
        super().__init__(
            _(
                "%(name)s saved this pad while you were editing it, changing the same lines. Nothing is "
                "lost: their text and yours are both below; combine them and save again.",
                mapping={"name": name or "?"},
            )
        )
        self.theirs = pad.content
        self.revision = pad.revision
        self.mine = mine
        self.who = who


def create_hook(settings: Mapping[str, Any]) -> Any:
    """``ResourceType.create``: the pad's row when the core makes the resource."""
    template = str(settings.get("mobilizon.pads.etherpad_url_template") or "").strip()

    def create(dbsession: Session, resource: Resource, creator: Actor, values: Mapping[str, Any]) -> None:
        pad = Pad(resource_id=resource.id, content=clean_text(values.get("text") or ""), revision=0)
        if template:
            name = f"{resource.group.preferred_username}-{uuid4().hex[:16]}"
            pad.external_url = template.replace("{name}", name)
            resource.resource_url = pad.external_url
        dbsession.add(pad)
        dbsession.flush()  # the revision points at the pad's row
        dbsession.add(
            PadRevision(resource_id=resource.id, number=0, content=pad.content, author_id=creator.id)
        )

    return create


def clean_text(value: Any) -> str:
    text = CONTROL.sub("", str(value or "").replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > TEXT_MAX:
        raise Invalid(
            _("A pad holds at most %(max)s characters.", mapping={"max": TEXT_MAX}),
            fields={"text": _("At most %(max)s characters.", mapping={"max": TEXT_MAX})},
        )
    return text


def pad_of(dbsession: Session, resource: Resource, lock: bool = False) -> Pad:
    query = select(Pad).where(Pad.resource_id == resource.id)
    if lock:
        query = query.with_for_update()
    pad = dbsession.scalar(query)
    if pad is None:
        raise NotFound(_("There is no such pad here."))
    return pad


def read_pad(dbsession: Session, profile: Actor | None, resource_uuid: Any) -> tuple[Resource, Pad]:
    """The pad if this profile may read the group's resources."""
    resource = resources.read_resource(dbsession, profile, resource_uuid, TYPE)
    return resource, pad_of(dbsession, resource)


def revisions(dbsession: Session, pad: Pad) -> list[PadRevision]:
    """The pad's history, newest first."""
    return list(
        dbsession.scalars(
            select(PadRevision)
            .where(PadRevision.resource_id == pad.resource_id)
            .order_by(PadRevision.number.desc())
        )
    )


def revision(dbsession: Session, pad: Pad, number: int) -> PadRevision:
    found = dbsession.scalar(
        select(PadRevision).where(PadRevision.resource_id == pad.resource_id, PadRevision.number == number)
    )
    if found is None:
        raise NotFound(_("This pad has no such revision."))
    return found


def save(
    dbsession: Session, profile: Actor | None, resource_uuid: Any, text: Any, base: Any
) -> tuple[Pad, bool]:
    """Save ``text`` written from revision ``base``; returns the pad and whether it was merged."""
    resource = resources.use_resource(dbsession, profile, resource_uuid, TYPE)
    pad = pad_of(dbsession, resource, lock=True)
    if pad.external_url:
        raise Conflict(_("This pad lives on an external editor; write there."), code="external_pad")
    mine = clean_text(text)
    try:
        base_number = int(base)
    except (TypeError, ValueError):
        raise Invalid(
            _("The revision you started from is missing."), fields={"base_revision": _("A number.")}
        ) from None
    if not 0 <= base_number <= pad.revision:
        raise Invalid(
            _("The revision you started from does not exist."), fields={"base_revision": _("Unknown.")}
        )
    merged = False
    if base_number < pad.revision:
        base_text = revision(dbsession, pad, base_number).content
        result = merge3(base_text, pad.content, mine)
        if result is None:
            latest = revision(dbsession, pad, pad.revision)
            raise EditConflict(pad, mine, latest.author)
        mine, merged = result, result != pad.content
    if mine == pad.content:
        return pad, merged
    pad.revision += 1
    pad.content = mine
    pad.updated_at = utcnow()
    resource.updated_at = pad.updated_at
    dbsession.add(
        PadRevision(
            resource_id=pad.resource_id,
            number=pad.revision,
            content=mine,
            author_id=profile.id,
            merged=merged,
        )
    )
    dbsession.flush()
    return pad, merged


# --- three-way merge, by lines ------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Lines with their ends; the last one gets one too, so appending a line is not a change to it."""
    return (text if text.endswith("\n") or not text else text + "\n").splitlines(keepends=True)


def _hunks(base: list[str], other: list[str]) -> list[tuple[int, int, list[str]]]:
    """What ``other`` changed in ``base``: (start, end, replacement lines), in base's order."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _overlap(first: tuple[int, int, list[str]], second: tuple[int, int, list[str]]) -> bool:
    (s1, e1, _l1), (s2, e2, _l2) = first, second
    return s1 == s2 or (s1 < e2 and s2 < e1)


def merge3(base: str, theirs: str, mine: str) -> str | None:
    """Both sets of changes applied to ``base``, or None when they touch the same lines
    differently (the same change made by both counts once).
    """
    lines = _lines(base)
    their_hunks = _hunks(lines, _lines(theirs))
    my_hunks = _hunks(lines, _lines(mine))
    kept = list(their_hunks)
    for hunk in my_hunks:
        clashing = [other for other in their_hunks if _overlap(hunk, other)]
        if not clashing:
            kept.append(hunk)
        elif clashing != [hunk]:
            return None
    merged: list[str] = []
    position = 0
    for start, end, replacement in sorted(kept, key=lambda h: (h[0], h[1])):
        merged.extend(lines[position:start])
        merged.extend(replacement)
        position = end
    merged.extend(lines[position:])
    return "".join(merged)
