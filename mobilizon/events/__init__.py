"""Events: the page a stranger lands on from a shared link, and the short form an organiser fills.

Events, participations (with a profile or an email only), comments, calendars (iCalendar per
event and per account, Atom for the instance) and the JSON API for all of it.
"""

from __future__ import annotations

from pyramid.config import Configurator

from mobilizon.api import API_PREFIX

UUID = "{uuid:[0-9a-fA-F-]+}"
TOKEN = "{token:[A-Za-z0-9_-]+}"  # noqa: S105 (a route pattern, not a secret)


def _counters(config: Configurator) -> None:
    from mobilizon.events.comments import count_local_comments
    from mobilizon.events.services import count_local_published

    config.add_usage_counter("localPosts", count_local_published)
    config.add_usage_counter("localComments", count_local_comments)


# anonymous joins send mail to any address typed in: a per-client, per-address and per-event cap
ANONYMOUS_JOIN_LIMITS = {"ip": "10/hour;30/day", "email": "5/hour;10/day", "event": "200/hour"}


def _anonymous_join_limiter(config: Configurator) -> None:
    """Its own limiter over the platform's counters store (``mobilizon.ratelimit.storage``);
    each limit is a setting, ``mobilizon.ratelimit.anonymous_join.<ip|email|event>``.
    """
    from limits import parse_many

    from mobilizon.ratelimit import STORAGE_SETTING, RateLimiter
    from mobilizon.settings import SettingsError

    settings = config.get_settings()
    limits = {}
    for scope, default in ANONYMOUS_JOIN_LIMITS.items():
        name = f"mobilizon.ratelimit.anonymous_join.{scope}"
        text = str(settings.get(name, default)).strip()
        try:
            limits[f"anonymous_join.{scope}"] = list(parse_many(text)) if text not in ("", "0") else []
        except ValueError:
            raise SettingsError(name, f"{text!r} is not a rate limit such as 10/hour") from None
    storage = str(settings.get(STORAGE_SETTING) or "memory://").strip()
    config.registry["events.ratelimiter"] = RateLimiter(storage, limits)


def includeme(config: Configurator) -> None:
    from mobilizon import lifecycle as _lifecycle  # noqa: F401 (declares the lifecycle job)

    # fixed paths before /events/{uuid}
    config.add_route("event_new", "/events/create")
    config.add_route("my_events", "/events/me")
    config.add_route("event_ics", f"/events/{UUID}.ics")
    config.add_route("event", f"/events/{UUID}")
    config.add_route("event_edit", f"/events/{UUID}/edit")
    config.add_route("event_action", f"/events/{UUID}/{{action:publish|cancel|delete}}")
    config.add_route("event_share_mastodon", f"/events/{UUID}/share/mastodon")
    config.add_route("event_join", f"/events/{UUID}/join")
    config.add_route("event_leave", f"/events/{UUID}/leave")
    config.add_route("event_participants", f"/events/{UUID}/participants")
    config.add_route("event_participants_csv", f"/events/{UUID}/participants.csv")
    config.add_route("event_participant", f"/events/{UUID}/participants/{{id:\\d+}}")
    config.add_route("event_comments", f"/events/{UUID}/comments")
    config.add_route("event_comments_mode", f"/events/{UUID}/comments/mode")
    config.add_route("comment", f"/comments/{UUID}")
    config.add_route("comment_edit", f"/comments/{UUID}/edit")
    config.add_route("comment_action", f"/comments/{UUID}/{{action:delete|approve}}")
    config.add_route("participation_confirm", f"/participations/confirm/{TOKEN}")
    config.add_route("participation_cancel", f"/participations/cancel/{TOKEN}")
    config.add_route("events_atom", "/feeds/events.atom")
    config.add_route("feed_settings", "/feeds")
    config.add_route("feed_ics", f"/feeds/{TOKEN}.ics")

    config.add_route("api_events", f"{API_PREFIX}/events")
    config.add_route("api_event", f"{API_PREFIX}/events/{UUID}")
    config.add_route("api_event_picture", f"{API_PREFIX}/events/{UUID}/picture")
    config.add_route("api_event_participations", f"{API_PREFIX}/events/{UUID}/participations")
    config.add_route("api_my_participations", f"{API_PREFIX}/events/{UUID}/participations/mine")
    config.add_route("api_participation", f"{API_PREFIX}/participations/{{id:\\d+}}")
    config.add_route("api_participation_confirm", f"{API_PREFIX}/participations/confirm")
    config.add_route("api_event_comments", f"{API_PREFIX}/events/{UUID}/comments")
    config.add_route("api_comment", f"{API_PREFIX}/comments/{UUID}")

    _anonymous_join_limiter(config)
    config.scan(".api")
    config.scan(".views")
    config.scan(".participant_views")
    config.scan(".feed_views")
    _counters(config)
