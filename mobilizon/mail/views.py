"""Development-only mail viewer: lists the .eml files written by the file mailer.

Registered only when ``mobilizon.dev_pages`` is on (never in production), so a person testing
an instance on their machine can click confirmation links without a mail server.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.view import view_config

SAFE_NAME = re.compile(r"^[0-9A-Za-z-]+\.eml$")
LINK = re.compile(r"https?://[^\s<>\"']+")


def _folder(request: Request) -> Path:
    return Path(request.registry.settings["mobilizon.data_dir"]) / "mail"


def _read(path: Path) -> dict[str, Any]:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    text_part = message.get_body(preferencelist=("plain",))
    text = text_part.get_content() if text_part is not None else ""
    return {
        "name": path.name,
        "subject": message["Subject"],
        "to": message["To"],
        "date": message["Date"],
        "text": text,
        "links": LINK.findall(text),
    }


@view_config(route_name="dev_mail_list", renderer="dev/mail_list.jinja2")
def mail_list(request: Request) -> dict[str, Any]:
    folder = _folder(request)
    paths = sorted(folder.glob("*.eml"), reverse=True)[:200] if folder.is_dir() else []
    return {"messages": [_read(path) for path in paths]}


@view_config(route_name="dev_mail_show", renderer="dev/mail_show.jinja2")
def mail_show(request: Request) -> dict[str, Any]:
    name = request.matchdict["name"]
    path = _folder(request) / name
    if not SAFE_NAME.match(name) or not path.is_file():
        raise HTTPNotFound()
    return {"message": _read(path)}
