"""What administrators do to accounts. Every function checks the acting account's role itself,
so no page or API can forget to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mobilizon.accounts.models import ROLES, User
from mobilizon.accounts.services import end_other_sessions
from mobilizon.errors import Forbidden, Invalid, NotFound
from mobilizon.i18n import _
from mobilizon.models.meta import utcnow

MAX_PER_PAGE = 100


def require_admin(actor: User | None) -> User:
    if actor is None or not actor.is_admin or actor.disabled:
        raise Forbidden(_("Only administrators can manage accounts."))
    return actor


def search_users(
    dbsession: Session, actor: User | None, query: str = "", page: int = 1, per_page: int = 50
) -> tuple[list[User], int]:
    """Accounts whose email contains ``query``, newest first, and how many match in all."""
    require_admin(actor)
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    condition = User.email.contains((query or "").strip().lower(), autoescape=True)
    total = dbsession.scalar(select(func.count(User.id)).where(condition)) or 0
    users = dbsession.scalars(
        select(User)
        .where(condition)
        .options(selectinload(User.actors))
        .order_by(User.created_at.desc(), User.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(users), total


def _target(dbsession: Session, actor: User | None, user_id: int) -> tuple[User, User]:
    admin = require_admin(actor)
    user = dbsession.get(User, user_id)
    if user is None:
        raise NotFound(_("This account does not exist."))
    return admin, user


def confirm(dbsession: Session, actor: User | None, user_id: int) -> User:
    """Confirm an address for someone whose confirmation mail never arrived."""
    _admin, user = _target(dbsession, actor, user_id)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    return user


def set_disabled(dbsession: Session, actor: User | None, user_id: int, disabled: bool) -> User:
    """Disable (every session and token ends at once) or enable an account; never one's own."""
    admin, user = _target(dbsession, actor, user_id)
    if user.id == admin.id:
        raise Forbidden(_("You cannot disable your own account."))
    if disabled and not user.disabled:
        end_other_sessions(dbsession, user)
    user.disabled = disabled
    return user


def set_role(dbsession: Session, actor: User | None, user_id: int, role: str) -> User:
    """Change an account's role; administrators cannot demote themselves (ask another one), so
    an instance never loses its last administrator by accident."""
    admin, user = _target(dbsession, actor, user_id)
    if role not in ROLES:
        raise Invalid(_("Unknown role."), fields={"role": _("Choose user, moderator or administrator.")})
    if user.id == admin.id and role != admin.role:
        raise Forbidden(_("You cannot change your own role; ask another administrator."))
    user.role = role
    return user
