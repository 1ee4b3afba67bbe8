"""The inbox drainer against a real Redis (no worker): entries become tasks, then leave."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import redis

from workers.health import main as health
from workers.inbox import InboxDrainer, inbox_job_id
from workers.messages import Job
from workers.producer import CleanerClient
from workers.settings import WorkerSettings

SETTINGS = WorkerSettings(redis_url="redis://unused")


def test_inbox_ids_prefer_the_entry_then_the_job_then_the_entry_id() -> None:
    job = Job.from_content(b"<p>x</p>", url="u")
    no_id = json.dumps({"content": "<p>x</p>", "url": "u"})
    assert inbox_job_id("1-0", {b"id": b"given", b"job": no_id.encode()}, SETTINGS) == "given"
    assert inbox_job_id("1-0", {b"job": no_id.encode()}, SETTINGS) == job.id
    assert inbox_job_id("1-0", {b"note": b"x"}, SETTINGS) == "inbox-1-0"
    assert inbox_job_id("1-0", {b"id": b"bad id!", b"job": b"{"}, SETTINGS).startswith("raw-")


@pytest.mark.integration
def test_drained_entries_become_tasks_and_leave_the_inbox(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    drainer = InboxDrainer(redis_db, CleanerClient(unit_settings, client=redis_db),
                           unit_settings, consumer="test-1")
    drainer.ensure_group()
    drainer.ensure_group()  # idempotent
    for n in range(3):
        redis_db.xadd(keys.inbox, {"job": json.dumps({"id": f"in-{n}", "content": "<p>x</p>"})})
    assert drainer.drain_once() == 3
    assert redis_db.xlen(keys.inbox) == 0
    assert redis_db.llen(unit_settings.queue) == 3
    assert sorted(m.decode() for m in redis_db.zrange(keys.pending, 0, -1)) == [
        "in-0", "in-1", "in-2"]


@pytest.mark.integration
def test_a_dead_drainers_entries_are_claimed_after_the_idle_time(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = unit_settings.model_copy(update={"inbox_claim_idle_ms": 1000})
    keys = settings.keys
    client = CleanerClient(settings, client=redis_db)
    survivor = InboxDrainer(redis_db, client, settings, consumer="survivor")
    survivor.ensure_group()
    redis_db.xadd(keys.inbox, {"id": "orphan", "job": "{}"})
    # a drainer reads the entry, then dies before forwarding it
    redis_db.xreadgroup(keys.inbox_group, "dead", {keys.inbox: ">"}, count=10)
    assert redis_db.llen(settings.queue) == 0
    time.sleep(1.1)
    assert survivor.drain_once() == 1
    assert redis_db.llen(settings.queue) == 1
    assert redis_db.xpending(keys.inbox, keys.inbox_group)["pending"] == 0


def test_health_is_the_age_of_the_heartbeat_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    beat = tmp_path / "alive"
    monkeypatch.setenv("CLEANER_HEARTBEAT_FILE", str(beat))
    assert health([]) == 1  # no heartbeat yet
    beat.touch()
    assert health(["--max-age", "30"]) == 0
    old = time.time() - 60
    os.utime(beat, (old, old))
    assert health(["--max-age", "30"]) == 1
