"""The inbox drainer against a real Redis (no worker): entries become tasks, then leave."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
import redis

from workers.health import main as health
from workers.inbox import InboxDrainer, InvalidEntry, inbox_job_id
from workers.messages import FailedMessage, FailReason
from workers.producer import CleanerClient
from workers.settings import WorkerSettings


def test_inbox_ids_are_the_entrys_valid_id_else_the_jobs() -> None:
    no_id = json.dumps({"content": "<p>x</p>", "url": "u"}).encode()
    assert inbox_job_id("1-0", {b"id": b"given", b"job": no_id}) == "given"
    assert inbox_job_id("1-0", {b"job": no_id}) is None  # the job's own or derived id
    assert inbox_job_id("1-0", {b"note": b"x"}) == "inbox-1-0"
    with pytest.raises(InvalidEntry, match="not a valid job id"):
        inbox_job_id("1-0", {b"id": b"bad id!", b"job": b"{"})


@pytest.mark.integration
def test_every_entry_gets_an_answer_and_none_stops_the_others(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    """Finding 4: an entry that broke a drainer (deep JSON) fails alone; the rest go on."""
    keys = unit_settings.keys
    client = CleanerClient(unit_settings, client=redis_db)
    drainer = InboxDrainer(redis_db, client, unit_settings, consumer="test-1")
    drainer.ensure_group()
    entries = [{"job": "[" * 200_000}, {"id": "bad id!", "job": "{}"},
               {"job": json.dumps({"id": "fine", "content": "<p>x</p>"})},
               {"id": "fine", "job": json.dumps({"content": "<p>another page</p>"})}]
    entry_ids = [redis_db.xadd(keys.inbox, fields).decode() for fields in entries]
    assert drainer.drain_once() == 4
    assert redis_db.xlen(keys.inbox) == 0
    deep_id = "raw-" + hashlib.sha256(b"[" * 200_000).hexdigest()[:24]
    # the deep entry is a job the worker fails (invalid_job); the bad id fails at once
    assert {m.decode() for m in redis_db.zrange(keys.pending, 0, -1)} == {deep_id, "fine"}
    refusal = client.get(f"inbox-{entry_ids[1]}")
    assert isinstance(refusal, FailedMessage) and refusal.reason is FailReason.INVALID_JOB
    # a known id with another page: the inbox cannot hear a conflict, the latest page wins
    assert b"another page" in redis_db.hget(keys.jobs, "fine")


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
