"""Jobs are queued only when the request's transaction commits, and a worker runs them."""

import os
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from webtest import TestApp

from mobilizon import configure
from mobilizon.instance.models import InstanceSetting
from mobilizon.tasks import job
from mobilizon.testing import ROOT, base_settings


def message(to: str) -> bytes:
    mail = EmailMessage()
    mail["Subject"] = "Queued after commit"
    mail["From"] = "noreply@localhost"
    mail["To"] = to
    mail.set_content("hello")
    return mail.as_bytes()


def app_with_test_routes(settings: dict) -> TestApp:
    config = configure(settings)

    def queue_and_commit(request):
        request.jobs.enqueue("mail.send", message("ok@example.org"), ["ok@example.org"])
        return {"queued": True}

    def queue_and_fail(request):
        request.jobs.enqueue("mail.send", message("fail@example.org"), ["fail@example.org"])
        raise RuntimeError("the request fails after queueing")

    config.add_route("queue_ok", "/_test/queue-ok")
    config.add_route("queue_fail", "/_test/queue-fail")
    config.add_view(queue_and_commit, route_name="queue_ok", renderer="json")
    config.add_view(queue_and_fail, route_name="queue_fail", renderer="json")
    return TestApp(config.make_wsgi_app())


def redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_immediate_jobs_run_after_commit_and_never_after_rollback(migrated, tmp_path):
    app = app_with_test_routes(base_settings(migrated.url, tmp_path))
    app.get("/_test/queue-ok")
    app.get("/_test/queue-fail", status=500)
    sent = [path.read_text() for path in (tmp_path / "mail").glob("*.eml")]
    assert len(sent) == 1
    assert "ok@example.org" in sent[0]


QUEUES = ["sqlite", pytest.param("redis", marks=pytest.mark.skipif(not redis_available(), reason="no Redis"))]


@pytest.mark.parametrize("queue", QUEUES)
def test_worker_runs_what_committed_requests_queued(migrated, tmp_path, queue):
    overrides = {"mobilizon.jobs.immediate": "false"}
    if queue == "redis":
        overrides["mobilizon.huey_url"] = f"redis://127.0.0.1:6379/{os.getpid() % 14 + 1}"
    settings = base_settings(migrated.url, tmp_path, **overrides)
    app = app_with_test_routes(settings)
    huey = app.app.registry["huey"]
    huey.flush()
    app.get("/_test/queue-fail", status=500)
    assert huey.pending_count() == 0
    app.get("/_test/queue-ok")
    assert huey.pending_count() == 1

    ini = tmp_path / "worker.ini"
    lines = ["[app:main]", "use = egg:mobilizon-py"]
    lines += [f"{key} = {value}" for key, value in settings.items() if key.startswith("mobilizon.")]
    ini.write_text("\n".join(lines).replace("%", "%%") + "\n")
    worker = subprocess.Popen(
        [sys.executable, "-m", "mobilizon.cli", "--config", str(ini), "worker", "--workers", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        mail_dir = Path(tmp_path) / "mail"
        while time.monotonic() < deadline and not list(mail_dir.glob("*.eml")):
            time.sleep(0.2)
        sent = list(mail_dir.glob("*.eml"))
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    errors = worker.stderr.read().decode()[-2000:]
    worker.stderr.close()
    assert len(sent) == 1, errors
    assert "ok@example.org" in sent[0].read_text()
    assert huey.pending_count() == 0


@job("tests.remember")
def remember(ctx, key: str, value: str) -> None:
    ctx.dbsession.add(InstanceSetting(key=key, value=value))


def test_a_job_writes_in_its_own_committed_transaction(migrated, tmp_path):
    from sqlalchemy import select

    config = configure(base_settings(migrated.url, tmp_path))

    def queue(request):
        request.jobs.enqueue("tests.remember", "tests.job_wrote", "yes")
        return {}

    config.add_route("queue_remember", "/_test/remember")
    config.add_view(queue, route_name="queue_remember", renderer="json")
    app = TestApp(config.make_wsgi_app())
    app.get("/_test/remember")
    session = app.app.registry["dbsession_factory"]()
    try:
        row = session.scalar(select(InstanceSetting).where(InstanceSetting.key == "tests.job_wrote"))
        assert row is not None and row.value == "yes"
        session.delete(row)
        session.commit()
    finally:
        session.close()
