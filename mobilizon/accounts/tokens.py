"""Single-use links sent by mail: confirm an address, reset a password, change the email.

Each link carries a random token; the table keeps only its SHA-256, the purpose it was made for
and when it expires. Once a link has worked, every other open link of that purpose is used up.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mobilizon.accounts.models import AccountToken, User
from mobilizon.errors import Invalid
from mobilizon.i18n import _
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token

TOKEN_LIFETIMES = {
    "confirm": timedelta(hours=48),
    "reset": timedelta(hours=2),
    "email_change": timedelta(hours=24),
}


def token_hours(purpose: str) -> int:
    """How long a link of this purpose works, in hours (the pages and mails say it)."""
    return int(TOKEN_LIFETIMES[purpose].total_seconds() // 3600)


def issue_token(
    dbsession: Session,
    user: User,
    purpose: str,
    *,
    data: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
) -> str:
    """A new random link token; only its hash is stored. Returns the token to put in the link."""
    raw = secrets.token_urlsafe(32)
    dbsession.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=hash_token(raw),
            data=data or {},
            expires_at=expires_at or utcnow() + TOKEN_LIFETIMES[purpose],
        )
    )
    dbsession.flush()
    return raw


def find_token(dbsession: Session, raw: str, purpose: str) -> AccountToken:
    """The token row behind a link, or Invalid saying why it cannot be used (for the person)."""
    raw = (raw or "").strip()
    row = None
    if 0 < len(raw) <= 200:
        row = dbsession.scalar(select(AccountToken).where(AccountToken.token_hash == hash_token(raw)))
    if row is None or row.purpose != purpose:
        raise Invalid(
            _("This link is not valid. Check that you copied it whole, or ask for a new one."),
            code="token_invalid",
        )
    if row.used_at is not None:
        raise Invalid(
            _("This link has already been used. Ask for a new one if you still need it."), code="token_used"
        )
    if row.expires_at <= utcnow():
        raise Invalid(_("This link has expired. Ask for a new one."), code="token_expired")
    return row


def consume_tokens(dbsession: Session, user: User, purpose: str) -> None:
    """Use up every open link of this purpose: once one worked, the older ones must not."""
    dbsession.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def pending_email_change(dbsession: Session, user: User) -> str | None:
    """The new address waiting for confirmation, if any (shown on the settings page)."""
    row = dbsession.scalar(
        select(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == "email_change",
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
        .order_by(AccountToken.id.desc())
    )
    return row.data.get("email") if row is not None else None
