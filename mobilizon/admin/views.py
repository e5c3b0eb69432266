"""The administrators' users list: search by email, confirm, disable or enable, change role."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPFound
from pyramid.request import Request
from pyramid.view import view_config

from mobilizon.accounts.models import ROLES
from mobilizon.accounts.views import flash, login_required
from mobilizon.admin import services
from mobilizon.errors import ServiceError
from mobilizon.i18n import _

PER_PAGE = 50
ROLE_LABELS = {"user": _("User"), "moderator": _("Moderator"), "administrator": _("Administrator")}
DONE = {
    "confirm": _("The address of ${email} is confirmed."),
    "disable": _("The account ${email} is disabled."),
    "enable": _("The account ${email} is enabled."),
    "role": _("${email} is now: ${role}."),
}


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@view_config(route_name="admin_users", request_method="GET", renderer="admin/users.jinja2")
def users(request: Request) -> dict[str, Any]:
    actor = login_required(request)
    query = request.GET.get("q", "")[:254]
    page = _page_number(request)
    found, total = services.search_users(request.dbsession, actor, query, page, PER_PAGE)
    return {
        "users": found,
        "total": total,
        "query": query,
        "page": page,
        "has_next": page * PER_PAGE < total,
        "roles": [(role, ROLE_LABELS[role]) for role in ROLES],
        "role_labels": ROLE_LABELS,
    }


@view_config(route_name="admin_user_action", request_method="POST")
def user_action(request: Request) -> HTTPFound:
    actor = login_required(request)
    action = request.matchdict["action"]
    user_id = int(request.matchdict["id"])
    back = request.route_url("admin_users", _query={"q": request.POST.get("q", "")[:254]})
    try:
        if action == "confirm":
            user = services.confirm(request.dbsession, actor, user_id)
        elif action == "role":
            user = services.set_role(request.dbsession, actor, user_id, request.POST.get("role", ""))
        else:
            user = services.set_disabled(request.dbsession, actor, user_id, action == "disable")
    except ServiceError as error:
        if error.status == 403 and not (actor.is_admin and not actor.disabled):
            raise
        flash(request, error.message, "error")
        return HTTPFound(back)
    role = request.localizer.translate(ROLE_LABELS[user.role])
    flash(request, _(DONE[action], mapping={"email": user.email, "role": role}))
    return HTTPFound(back)
