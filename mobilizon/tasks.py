"""Background jobs on huey: mail, federation delivery, remote fetches, geocoding, images.

A job is a plain function ``fn(ctx, *args)`` declared with ``@job("name")``. Each app builds its
own huey instance from settings (SqliteHuey under the data folder by default, RedisHuey when
``mobilizon.huey_url`` is a redis:// URL) and wraps every declared job in it. Requests never
queue directly: ``request.jobs.enqueue(...)`` waits for the request's transaction to commit, so
a rolled-back request queues nothing and a worker never reads rows that are not there yet.
Each job runs in its own transaction with its own database session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import transaction
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from pyramid.config import Configurator
from pyramid.registry import Registry
from sqlalchemy.orm import Session

from mobilizon.db import tm_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: Callable[..., Any]
    options: dict[str, Any] = field(default_factory=dict)


_DECLARED: dict[str, JobSpec] = {}


def job(name: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``fn(ctx, *args)`` as a background job; options go to ``huey.task``."""

    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        if name in _DECLARED and _DECLARED[name].function is not function:
            raise ValueError(f"two jobs are named {name!r}")
        _DECLARED[name] = JobSpec(name, function, options)
        return function

    return declare


@dataclass
class JobContext:
    """What a running job gets: the app's registry and a session in the job's own transaction."""

    registry: Registry
    tm: transaction.TransactionManager
    dbsession: Session

    @property
    def settings(self) -> dict[str, Any]:
        return self.registry.settings

    def enqueue(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Queue another job once this job's transaction commits."""
        self.registry["jobs"].enqueue(self.tm, name, *args, **kwargs)


def build_huey(settings: dict[str, Any]) -> Huey:
    name = "mobilizon"
    if settings.get("mobilizon.jobs.immediate"):
        return MemoryHuey(name, immediate=True)
    url = settings.get("mobilizon.huey_url")
    if url:
        return RedisHuey(name, url=url)
    data_dir = Path(settings["mobilizon.data_dir"])
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(data_dir / "queue.sqlite"))


class Jobs:
    """The app's jobs bound to its huey instance."""

    def __init__(self, registry: Registry, huey: Huey) -> None:
        self.registry = registry
        self.huey = huey
        self.tasks: dict[str, Any] = {}
        self.refresh()

    def refresh(self) -> None:
        """Wrap every job declared so far (modules imported after start-up declare theirs late)."""
        for spec in list(_DECLARED.values()):
            if spec.name not in self.tasks:
                self.tasks[spec.name] = self.huey.task(name=spec.name, **spec.options)(self._runner(spec))

    def _runner(self, spec: JobSpec) -> Callable[..., Any]:
        registry = self.registry

        def run(*args: Any, **kwargs: Any) -> Any:
            manager = transaction.TransactionManager(explicit=True)
            session = None
            try:
                with manager:
                    session = tm_session(registry["dbsession_factory"], manager)
                    return spec.function(JobContext(registry, manager, session), *args, **kwargs)
            finally:
                # only after the transaction has committed or aborted
                if session is not None:
                    session.close()

        run.__name__ = spec.function.__name__
        run.__qualname__ = spec.name
        return run

    def enqueue(self, manager: transaction.TransactionManager, name: str, *args: Any, **kwargs: Any) -> None:
        """Queue ``name`` once the current transaction of ``manager`` commits; never on abort."""
        self.refresh()
        if name not in self.tasks:
            raise KeyError(f"no job named {name!r}")

        def after_commit(committed: bool) -> None:
            if committed:
                self.enqueue_now(name, *args, **kwargs)

        manager.get().addAfterCommitHook(after_commit)

    def enqueue_now(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Queue right away, outside any transaction (CLI commands, schedulers)."""
        self.refresh()
        return self.tasks[name](*args, **kwargs)


class RequestJobs:
    """``request.jobs``: queue jobs that wait for the request's transaction."""

    def __init__(self, request: Any) -> None:
        self._request = request

    def enqueue(self, name: str, *args: Any, **kwargs: Any) -> None:
        self._request.registry["jobs"].enqueue(self._request.tm, name, *args, **kwargs)


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    config.registry["huey"] = huey = build_huey(settings)
    config.registry["jobs"] = jobs = Jobs(config.registry, huey)
    # once every package and plugin is included, wrap the jobs they declared (the worker needs
    # them all registered with huey before it reads the queue)
    config.action(None, jobs.refresh, order=10_000)
    config.add_request_method(RequestJobs, "jobs", reify=True)
