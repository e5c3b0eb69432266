"""The pad's pages: the editor (or a link to the external Etherpad) and the history."""

from __future__ import annotations

import difflib
from typing import Any

from pyramid.httpexceptions import HTTPFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.errors import ServiceError
from mobilizon.groups.views import acting, flash, form_error, group_context, render, translate
from mobilizon.i18n import _
from mobilizon_pads import services
from mobilizon_pads.models import Pad, PadRevision

HISTORY_LENGTH = 50


def _context(request: Request, resource: Any, pad: Pad, profile: Any) -> dict[str, Any]:
    context = group_context(request, resource.group, profile)
    context.update(resource=resource, pad=pad, conflict=None, errors={}, message="", text=pad.content)
    context["base_revision"] = pad.revision
    return context


@view_config(route_name="pads_pad", request_method=("GET", "POST"))
def pad_page(request: Request) -> Response:
    profile = acting(request)
    resource, pad = services.read_pad(request.dbsession, profile, request.matchdict["uuid"])
    context = _context(request, resource, pad, profile)
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            pad, merged = services.save(
                request.dbsession, profile, resource.uuid, text, request.POST.get("base_revision")
            )
        except services.EditConflict as conflict:
            request.tm.doom()
            context.update(conflict=conflict, text=conflict.mine, base_revision=conflict.revision)
            context["message"] = translate(request, conflict.message)
            return render(request, "pads/pad.jinja2", context, 409)
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            context["text"] = text if isinstance(text, str) else ""
            return render(request, "pads/pad.jinja2", context, error.status)
        if merged:
            flash(request, _("Saved, together with the changes others made meanwhile."))
        else:
            flash(request, _("Saved."))
        return HTTPFound(request.route_url("pads_pad", uuid=resource.uuid))
    return render(request, "pads/pad.jinja2", context)


def changes(before: PadRevision | None, after: PadRevision) -> list[str]:
    """The lines a revision changed, as a unified diff without its header."""
    old = (before.content if before else "").splitlines()
    new = after.content.splitlines()
    return [line for line in difflib.unified_diff(old, new, lineterm="", n=1)][2:]


@view_config(route_name="pads_history", request_method="GET")
def pad_history(request: Request) -> Response:
    """Who changed what: each revision with its author, time and changed lines."""
    profile = acting(request)
    resource, pad = services.read_pad(request.dbsession, profile, request.matchdict["uuid"])
    rows = services.revisions(request.dbsession, pad)
    entries = [
        (row, changes(rows[index + 1] if index + 1 < len(rows) else None, row))
        for index, row in enumerate(rows[:HISTORY_LENGTH])
    ]
    context = _context(request, resource, pad, profile)
    context["entries"] = entries
    return render(request, "pads/history.jinja2", context)
