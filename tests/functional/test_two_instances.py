"""Two instances side by side on one machine, told apart only by MOBILIZON_* variables."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from mobilizon.testing import ROOT, free_port


def instance_env(tmp_path, name):
    port = free_port()
    env = dict(os.environ)
    env.pop("MOBILIZON_TEST_DATABASE_URL", None)
    env.update(
        MOBILIZON_BASE_URL=f"http://127.0.0.1:{port}",
        MOBILIZON_LISTEN=f"127.0.0.1:{port}",
        MOBILIZON_DATA_DIR=str(tmp_path / name),
        MOBILIZON_INSTANCE_NAME=f"Instance {name}",
        MOBILIZON_DATABASE_URL="",
        MOBILIZON_HUEY_URL="",
        MOBILIZON_CONFIG=str(ROOT / "development.ini"),
    )
    return env, port


def command(*args):
    return [sys.executable, "-m", "mobilizon.cli", *args]


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback test server)
        return json.load(response)


def wait_until_up(port, process, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"instance exited early with {process.returncode}")
        try:
            return get_json(f"http://127.0.0.1:{port}/nodeinfo/2.1")
        except OSError:
            time.sleep(0.3)
    raise AssertionError("instance did not start")


def test_two_instances_keep_separate_data(tmp_path):
    instances = {}
    try:
        for name in ("a", "b"):
            env, port = instance_env(tmp_path, name)
            subprocess.run(command("db", "upgrade"), env=env, cwd=tmp_path, check=True, capture_output=True)
            if name == "a":
                subprocess.run(
                    command(
                        "users",
                        "create",
                        "alice@example.org",
                        "--password",
                        "a long passphrase 42",
                        "--confirmed",
                        "--username",
                        "alice",
                    ),
                    env=env,
                    cwd=tmp_path,
                    check=True,
                    capture_output=True,
                )
            process = subprocess.Popen(
                command("run"), env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            instances[name] = (env, port, process)
        for name, (_env, port, process) in instances.items():
            nodeinfo = wait_until_up(port, process)
            assert nodeinfo["metadata"]["nodeName"] == f"Instance {name}"
            assert nodeinfo["usage"]["users"]["total"] == (1 if name == "a" else 0)
        for name in ("a", "b"):
            data = tmp_path / name
            assert (data / "mobilizon.sqlite").exists()
            assert (data / "queue.sqlite").exists()
    finally:
        for _env, _port, process in instances.values():
            process.send_signal(signal.SIGTERM)
        for _env, _port, process in instances.values():
            assert process.wait(timeout=20) == 0


def test_invalid_setting_stops_start_up_with_one_line(tmp_path):
    env, _port = instance_env(tmp_path, "bad")
    env["MOBILIZON_LISTEN"] = "127.0.0.1:notaport"
    result = subprocess.run(
        command("serve"), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("mobilizon: invalid setting mobilizon.listen")
