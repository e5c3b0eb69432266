"""The rate limiter: buckets per action and scope, Retry-After, settings."""

import pytest
from limits import parse_many

from mobilizon.errors import RateLimited
from mobilizon.ratelimit import DEFAULT_LIMITS, RateLimiter, client_key, limiter_from_settings
from mobilizon.settings import SettingsError


def limiter(**limits):
    return RateLimiter(
        "memory://", {name.replace("_", "."): list(parse_many(v)) for name, v in limits.items()}
    )


def test_hit_refuses_past_the_limit_with_the_wait():
    rate = limiter(login_account="2/minute")
    rate.hit("login", account="rose@example.org")
    rate.hit("login", account="ROSE@example.org")  # keys are case-insensitive
    with pytest.raises(RateLimited) as caught:
        rate.hit("login", account="rose@example.org")
    assert 1 <= caught.value.retry_after <= 60
    assert caught.value.status == 429
    rate.hit("login", account="other@example.org")  # another bucket


def test_check_does_not_count():
    rate = limiter(login_ip="1/minute")
    for _ in range(5):
        rate.check("login", ip="192.0.2.1")
    rate.hit("login", ip="192.0.2.1")
    with pytest.raises(RateLimited):
        rate.check("login", ip="192.0.2.1")


def test_missing_keys_and_unlimited_scopes_are_skipped():
    rate = limiter(signup_ip="1/hour")
    for _ in range(3):
        rate.hit("signup", ip=None, account="rose@example.org")


def test_reset_forgets_everything():
    rate = limiter(reset_account="1/hour")
    rate.hit("reset", account="a@example.org")
    rate.reset()
    rate.hit("reset", account="a@example.org")


@pytest.mark.parametrize(
    ("address", "key"),
    [
        (None, None),
        ("", None),
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("not-an-ip", "not-an-ip"),
    ],
)
def test_client_keys(address, key):
    assert client_key(address) == key


def test_settings():
    limiter = limiter_from_settings({"mobilizon.ratelimit.login.ip": "0"})
    assert limiter.limits["login.ip"] == []
    assert [str(item) for item in limiter.limits["login.account"]] == [
        str(item) for item in parse_many(DEFAULT_LIMITS["login.account"])
    ]
    with pytest.raises(SettingsError, match="mobilizon.ratelimit.signup.ip"):
        limiter_from_settings({"mobilizon.ratelimit.signup.ip": "many per day"})
