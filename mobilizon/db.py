"""Database wiring: one engine per app, one session per request joined to its transaction.

The session is registered with zope.sqlalchemy on the request's transaction manager, so
pyramid_tm commits or rolls back the whole request, and jobs queued during the request run
only once that commit has happened (see ``mobilizon.tasks``).
"""

from __future__ import annotations

from typing import Any

import transaction
import zope.sqlalchemy
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from mobilizon.models import meta  # noqa: F401 (imports every model so mappers are complete)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Build the engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    configure_mappers()
    return sessionmaker(bind=engine, expire_on_commit=False)


def tm_session(factory: sessionmaker[Session], manager: transaction.TransactionManager) -> Session:
    """A session whose commit and rollback follow ``manager``'s transaction."""
    session = factory()
    zope.sqlalchemy.register(session, transaction_manager=manager)
    return session


def includeme(config: Any) -> None:
    settings = config.get_settings()
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    settings.setdefault("retry.attempts", 3)
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    engine = settings.get("mobilizon.engine") or make_engine(settings["mobilizon.database_url"])
    factory = make_session_factory(engine)
    config.registry["dbsession_factory"] = factory
    config.registry["db_engine"] = engine

    def dbsession(request: Any) -> Session:
        session = request.environ.get("app.dbsession")
        if session is None:
            session = tm_session(factory, request.tm)
            request.environ["app.dbsession"] = session
        return session

    config.add_request_method(dbsession, reify=True)
