"""The poll's page: the question, the ballot (while open), the results for the members."""

from __future__ import annotations

from babel.dates import format_date
from pyramid.httpexceptions import HTTPFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.errors import ServiceError
from mobilizon.groups.views import acting, flash, form_error, group_context, render
from mobilizon.i18n import _
from mobilizon_polls import services


@view_config(route_name="polls_poll", request_method=("GET", "POST"))
def poll_page(request: Request) -> Response:
    """POST ``action``: vote (the chosen ``option`` values) or close."""
    profile = acting(request)
    resource, poll = services.read_poll(request.dbsession, profile, request.matchdict["uuid"])
    context = group_context(request, resource.group, profile)
    context.update(resource=resource, poll=poll, errors={}, message="")
    context["day_label"] = lambda day: format_date(day, "full", locale=request.locale_name)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.close(request.dbsession, profile, resource.uuid)
                flash(request, _("The poll is closed."))
            else:
                services.vote(request.dbsession, profile, resource.uuid, request.POST.getall("option"))
                flash(request, _("Your vote is saved; you can change it until the poll is closed."))
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            context.update(results=services.results(request.dbsession, poll), mine=set())
            return render(request, "polls/poll.jinja2", context, error.status)
        return HTTPFound(request.route_url("polls_poll", uuid=resource.uuid))
    context.update(
        results=services.results(request.dbsession, poll),
        mine=services.choices_of(request.dbsession, poll, profile),
    )
    return render(request, "polls/poll.jinja2", context)
