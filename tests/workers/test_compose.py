"""docker-compose.yml and the Dockerfile, checked as data (no Docker engine runs here).

The worker command in the compose file is `WORKER_COMMAND`, the command the
end-to-end tests, `cleaner run` and the fleet benchmark start as subprocesses.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from tests.workers.conftest import REPO
from workers.process import WORKER_COMMAND
from workers.settings import WorkerSettings


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return data


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)(s|m)", duration)
    assert match, duration
    return int(match[1]) * (60 if match[2] == "m" else 1)


def test_the_worker_runs_the_command_the_tests_run(compose: dict[str, Any]) -> None:
    assert compose["services"]["worker"]["command"] == list(WORKER_COMMAND)


def test_redis_is_pinned_persistent_and_never_evicts(compose: dict[str, Any]) -> None:
    redis_service = compose["services"]["redis"]
    name, _, tag = redis_service["image"].partition(":")
    assert name == "redis"
    assert re.match(r"\d+\.\d+\.\d+", tag), "pin an exact version"
    command = " ".join(redis_service["command"])
    for setting in ("--appendonly yes", "--appendfsync everysec",
                    "--maxmemory-policy noeviction", "--hash-max-ziplist-entries 512"):
        assert setting in command
    assert redis_service["healthcheck"]["test"]
    assert any(volume.endswith(":/data") for volume in redis_service["volumes"])
    assert "redis-data" in compose["volumes"]


def test_worker_stops_gracefully_after_its_longest_task(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    env = worker["environment"]
    settings = WorkerSettings(redis_url=env["CLEANER_REDIS_URL"],
                              time_limit=int(env["CLEANER_TIME_LIMIT"]),
                              soft_time_limit=int(env["CLEANER_SOFT_TIME_LIMIT"]),
                              visibility_timeout=int(env["CLEANER_VISIBILITY_TIMEOUT"]))
    assert _seconds(worker["stop_grace_period"]) > settings.time_limit
    assert "CLEANER_CONCURRENCY" in env
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert worker["healthcheck"]["test"][:4] == ["CMD", "python", "-m", "workers.health"]
    assert env["CLEANER_HEARTBEAT_FILE"]
    assert worker["build"] == "."


def test_monitoring_and_enqueue_are_opt_in(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["flower"]["profiles"] == ["monitoring"]
    assert re.search(r":\d+\.\d+\.\d+$", services["flower"]["image"])
    assert services["enqueue"]["command"][:2] == ["cleaner", "enqueue"]
    assert any(v.startswith("./seeds:") for v in services["enqueue"]["volumes"])


def test_the_image_is_non_root_and_runs_the_worker_in_exec_form() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile, flags=re.MULTILINE)
    assert json.loads(cmd) == list(WORKER_COMMAND)
    assert "slim" in dockerfile.split("FROM")[-1].splitlines()[0]


def test_redis_has_a_password_and_a_memory_limit_and_flower_has_auth(
    compose: dict[str, Any]
) -> None:
    """Finding 12 and 3: no open Redis, no open Flower, no Redis growing until OOM-killed."""
    services = compose["services"]
    command = services["redis"]["command"]
    assert command[command.index("--requirepass") + 1].startswith("${REDIS_PASSWORD:?")
    assert re.fullmatch(r"\$\{REDIS_MAXMEMORY:-\d+[mg]b\}",
                        command[command.index("--maxmemory") + 1])
    url = services["worker"]["environment"]["CLEANER_REDIS_URL"]
    assert url.startswith("redis://:${REDIS_PASSWORD:?") and url.endswith("@redis:6379/0")
    flower = services["flower"]["environment"]
    assert flower["CELERY_BROKER_URL"] == url  # one URL for every service
    assert flower["FLOWER_BASIC_AUTH"].startswith("${FLOWER_BASIC_AUTH:?")
    assert not any("--broker" in part for part in services["flower"]["command"])
    for name in ("redis", "worker"):
        assert services[name]["mem_limit"], name
