"""What the instance says about itself: name, description, rules, registrations, policy.

Values come from the .ini (``mobilizon.instance.*``) and can be overridden by administrators,
whose edits are stored in ``instance_settings``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobilizon import __version__
from mobilizon.accounts.models import User
from mobilizon.instance.models import InstanceSetting

EDITABLE = {
    "name": "mobilizon.instance_name",
    "description": "mobilizon.instance.description",
    "long_description": "mobilizon.instance.long_description",
    "contact": "mobilizon.instance.contact",
    "rules": "mobilizon.instance.rules",
    "terms": "mobilizon.instance.terms",
    "federation_policy": "mobilizon.instance.federation_policy",
    "registrations": "mobilizon.registrations",
}


@dataclass(frozen=True)
class InstanceInfo:
    name: str
    description: str
    long_description: str
    contact: str
    rules: list[str]
    terms: str
    federation_policy: str
    registrations: str
    allowed_domains: list[str]
    administrators: list[str] = field(default_factory=list)

    @property
    def registrations_open(self) -> bool:
        return self.registrations != "closed"


def instance_info(dbsession: Session, settings: Mapping[str, Any]) -> InstanceInfo:
    values = {key: settings[setting] for key, setting in EDITABLE.items()}
    for row in dbsession.scalars(select(InstanceSetting).where(InstanceSetting.key.in_(EDITABLE))):
        values[row.key] = row.value
    admins = dbsession.scalars(
        select(User.email).where(User.role == "administrator", User.disabled.is_(False)).order_by(User.id)
    ).all()
    return InstanceInfo(
        allowed_domains=list(settings["mobilizon.registrations.allowed_domains"]),
        administrators=[_administrator_label(dbsession, email) for email in admins],
        **values,
    )


def _administrator_label(dbsession: Session, email: str) -> str:
    """Administrators are shown by their default profile's handle, never by email."""
    from mobilizon.identities.models import Actor

    user = dbsession.scalar(select(User).where(User.email == email))
    actor = user.default_actor if user else None
    if actor is None and user is not None:
        actor = dbsession.scalar(select(Actor).where(Actor.user_id == user.id).order_by(Actor.id))
    return f"@{actor.preferred_username}" if actor else ""


def set_instance_values(dbsession: Session, values: Mapping[str, Any]) -> None:
    """Store administrator edits; unknown keys are refused rather than silently ignored."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise KeyError(f"not an instance setting: {', '.join(sorted(unknown))}")
    for key, value in values.items():
        row = dbsession.get(InstanceSetting, key)
        if row is None:
            dbsession.add(InstanceSetting(key=key, value=value))
        else:
            row.value = value


# Features add what they count for NodeInfo (``localPosts`` = local events, ``localComments``).
UsageCounter = Callable[[Session], int]


def usage(dbsession: Session, counters: Mapping[str, UsageCounter]) -> dict[str, Any]:
    users = dbsession.scalar(
        select(func.count(User.id)).where(User.confirmed_at.is_not(None), User.disabled.is_(False))
    )
    result: dict[str, Any] = {"users": {"total": users or 0}, "localPosts": 0, "localComments": 0}
    for name, counter in counters.items():
        result[name] = counter(dbsession)
    return result


def nodeinfo(
    dbsession: Session, settings: Mapping[str, Any], counters: Mapping[str, UsageCounter]
) -> dict[str, Any]:
    info = instance_info(dbsession, settings)
    return {
        "version": "2.1",
        "software": {
            "name": "mobilizon-py",
            "version": __version__,
            "homepage": settings["mobilizon.base_url"],
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": info.registrations_open,
        "usage": usage(dbsession, counters),
        "metadata": {"nodeName": info.name, "nodeDescription": info.description},
    }
