"""Mail: every message is built in the recipient's language and sent by a background job.

Development writes each message as an ``.eml`` file under the data folder's ``mail/`` and
serves them at ``/_dev/mail``; production sends them over SMTP.
"""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    from mobilizon.mail import services, tasks  # noqa: F401 (declares the mail job)

    config.registry["mailer"] = services.make_mailer(config.get_settings())
    if config.get_settings()["mobilizon.dev_pages"]:
        config.add_route("dev_mail_list", "/_dev/mail")
        config.add_route("dev_mail_show", "/_dev/mail/{name}")
        config.scan(".views")
