"""Accounts: sign-up, confirmation, login, settings; an account owns one or more profiles."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    """Accounts add their routes here as the feature grows."""
