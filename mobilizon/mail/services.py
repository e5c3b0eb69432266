"""Building and sending mail. ``queue_mail`` is what features call."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol
from uuid import uuid4

from pyramid.registry import Registry
from pyramid.renderers import render
from pyramid.request import Request
from pyramid.threadlocal import RequestContext


class Mailer(Protocol):
    def send(self, message: bytes, recipients: list[str]) -> None: ...


@dataclass
class FileMailer:
    """Writes each message to ``folder`` as ``<timestamp>-<id>.eml``: the embedded default."""

    folder: Path

    def send(self, message: bytes, recipients: list[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid4().hex[:8]}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(message)
        temporary.replace(path)


@dataclass
class SMTPMailer:
    host: str
    port: int
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 30

    def send(self, message: bytes, recipients: list[str]) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.sendmail(None, recipients, message)  # type: ignore[arg-type]


class MemoryMailer:
    """Keeps messages in a list: the Null twin for unit tests."""

    def __init__(self) -> None:
        self.outbox: list[tuple[bytes, list[str]]] = []

    def send(self, message: bytes, recipients: list[str]) -> None:
        self.outbox.append((message, recipients))


def make_mailer(settings: Mapping[str, Any]) -> Mailer:
    if settings["mobilizon.mail.backend"] == "smtp":
        return SMTPMailer(
            host=str(settings.get("mobilizon.mail.host", "localhost")),
            port=int(settings.get("mobilizon.mail.port", 587)),
            username=str(settings.get("mobilizon.mail.username", "")),
            password=str(settings.get("mobilizon.mail.password", "")),
            starttls=str(settings.get("mobilizon.mail.starttls", "true")).lower() in ("1", "true", "yes"),
        )
    return FileMailer(Path(settings["mobilizon.data_dir"]) / "mail")


def mail_request(registry: Registry, locale: str) -> Request:
    """A request-like object to render mail templates in ``locale`` outside of any request."""
    request = Request.blank("/", base_url=registry.settings["mobilizon.base_url"])
    request.registry = registry
    request.locale_name = locale  # reified attribute: set before the localizer is built
    request.user = None
    return request


def build_message(
    registry: Registry, *, to: str, template: str, locale: str, values: Mapping[str, Any]
) -> EmailMessage:
    """Render ``mail/<template>.subject|.txt|.html.jinja2`` into a multipart message."""
    request = mail_request(registry, locale)
    context = {"instance_name": registry.settings["mobilizon.instance_name"], **values}
    # the templates' gettext reads the *current* request: make it this one, in the recipient's locale
    with RequestContext(request):
        subject = render(f"mail/{template}.subject.jinja2", context, request=request).strip()
        text = render(f"mail/{template}.txt.jinja2", context, request=request)
        html = render(f"mail/{template}.html.jinja2", context, request=request)
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = registry.settings["mobilizon.mail.sender"]
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(
        domain=registry.settings["mobilizon.base_url"].split("//")[1].split(":")[0]
    )
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # after the parts exist: making the message multipart moves Content-* headers into its parts
    message["Content-Language"] = locale
    return message


def queue_mail(request: Any, *, to: str, template: str, locale: str, values: Mapping[str, Any]) -> None:
    """Build now (so errors show in the request), send after the transaction commits."""
    message = build_message(request.registry, to=to, template=template, locale=locale, values=values)
    request.jobs.enqueue("mail.send", message.as_bytes(policy=SMTP), [to])
