"""Federation plumbing: the guarded HTTP client, HTTP signatures and activity delivery.

``includeme`` keeps one ``GuardedClient`` on ``registry["http_client"]`` (every remote fetch
goes through it) and the transports plugins registered on ``registry["transports"]`` (the
delivery job picks one by the inbox's scheme).
"""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    from mobilizon.federation import delivery
    from mobilizon.federation.http import GuardedClient

    settings = config.get_settings()
    config.registry["http_client"] = GuardedClient.from_settings(settings)
    config.registry["transports"] = delivery.collect_transports(config.registry["plugins"], settings)
