"""Identities: the profiles (Person actors) of an account, each a separate public face."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    """Identities add their routes here as the feature grows."""
