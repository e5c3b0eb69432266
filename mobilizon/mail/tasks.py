"""The mail job: hands a built message to the configured mailer, retried when SMTP fails."""

from __future__ import annotations

from mobilizon.tasks import JobContext, job


@job("mail.send", retries=5, retry_delay=60, retry_backoff=2)
def send_mail(ctx: JobContext, message: bytes, recipients: list[str]) -> None:
    ctx.registry["mailer"].send(message, recipients)
