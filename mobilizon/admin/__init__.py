"""Administration pages: the users list for now (search, confirm, disable, roles)."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.add_route("admin_users", "/admin/users")
    config.add_route("admin_user_action", "/admin/users/{id:\\d+}/{action:confirm|disable|enable|role}")
    config.scan(".views")
