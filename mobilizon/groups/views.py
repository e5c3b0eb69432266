"""HTML pages of groups."""

from __future__ import annotations

from typing import Any

from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response


def group_page(request: Request, group: Any) -> Response:
    return render_to_response("groups/page.jinja2", {"group": group}, request=request)
