"""``mobilizon users create EMAIL``: an account with its first profile, from the command line.

Administrators use it for the first administrator of a new instance and for people who cannot
sign up themselves (closed registrations). The same rules as sign-up apply to the email and
password; registration modes do not.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import Any

import transaction

from mobilizon.accounts import services
from mobilizon.db import tm_session
from mobilizon.errors import ServiceError
from mobilizon.identities.models import Actor
from mobilizon.identities.services import RESERVED_USERNAMES, check_username, create_profile
from mobilizon.tasks import JobContext

EXIT_FAILED = 1


def fail(message: Any) -> int:
    """One line on stderr and a failure exit code, like every other command."""
    text = message.interpolate() if hasattr(message, "interpolate") else str(message)
    print(f"mobilizon: {text}", file=sys.stderr)
    return EXIT_FAILED


def ask_password() -> str | None:
    """Ask twice without echo; None when the two answers differ."""
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    return first if first == second else None


def username_from_email(dbsession: Any, email: str) -> str:
    """A free username made from the address's local part: ``rose.b+x@...`` gives ``rose_b_x``."""
    base = re.sub(r"[^a-z0-9_]+", "_", email.split("@")[0].lower()).strip("_")[:30] or "user"
    if base in RESERVED_USERNAMES:
        base = f"{base}_1"
    candidate, number = base, 1
    while dbsession.query(Actor.id).filter(Actor.preferred_username.ilike(candidate)).first() is not None:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def create_user(config: Any, args: argparse.Namespace) -> int:
    """Create the account described by ``args``; 0 on success, 1 with a message otherwise."""
    config.commit()  # routes and renderers are needed for the confirmation mail
    registry = config.registry
    settings = registry.settings
    role = "administrator" if args.admin else "moderator" if args.moderator else "user"
    try:
        email = services.normalize_email(args.email)
    except ServiceError as error:
        return fail(error.message)
    password = args.password if args.password is not None else ask_password()
    if password is None:
        return fail("the two passwords differ")
    manager = transaction.TransactionManager(explicit=True)
    dbsession = tm_session(registry["dbsession_factory"], manager)
    try:
        with manager:
            user = services.create_account(
                dbsession, settings, email=email, password=password, role=role, confirmed=args.confirmed
            )
            username = (
                check_username(dbsession, args.username, "username")
                if args.username
                else username_from_email(dbsession, email)
            )
            create_profile(dbsession, settings, user, username)
            if not args.confirmed:
                services.send_confirmation(JobContext(registry, manager, dbsession), user)
    except ServiceError as error:
        return fail(error.message)
    finally:
        dbsession.close()
        registry["db_engine"].dispose()
    print(f"created {role} {email} with the profile @{username}")
    if not args.confirmed:
        print(f"a confirmation link was mailed to {email}")
    return 0
