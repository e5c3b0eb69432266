"""Accounts: sign-up, confirmation, login, settings; an account owns one or more profiles."""

from pyramid.config import Configurator

from mobilizon.api import API_PREFIX


def includeme(config: Configurator) -> None:
    config.include("mobilizon.ratelimit")
    config.add_route("signup", "/register")
    config.add_route("login", "/login")
    config.add_route("logout", "/logout")
    config.add_route("confirm_email", "/account/confirm/{token}")
    config.add_route("resend_confirmation", "/account/resend-confirmation")
    config.add_route("password_reset", "/account/password-reset")
    config.add_route("password_reset_confirm", "/account/password-reset/{token}")
    config.add_route("account_settings", "/account/settings")
    config.add_route("account_email", "/account/email")
    config.add_route("account_email_confirm", "/account/email/{token}")
    config.add_route("account_password", "/account/password")
    config.add_route("account_sessions", "/account/sessions/end")
    config.add_route("account_token_revoke", "/account/tokens/{id}/revoke")
    config.add_route("account_delete", "/account/delete")
    config.add_route("account_export", "/account/export.json")
    config.add_route("account_export_ics", "/account/export.ics")

    config.add_route("api_users", f"{API_PREFIX}/users")
    config.add_route("api_users_confirm", f"{API_PREFIX}/users/confirm")
    config.add_route("api_users_resend_confirmation", f"{API_PREFIX}/users/resend-confirmation")
    config.add_route("api_password_reset", f"{API_PREFIX}/users/password-reset")
    config.add_route("api_password_reset_confirm", f"{API_PREFIX}/users/password-reset/confirm")
    config.add_route("api_auth_token", f"{API_PREFIX}/auth/token")
    config.add_route("api_me", f"{API_PREFIX}/me")
    config.scan(".views")
    config.scan(".account_views")
    config.scan(".api")
