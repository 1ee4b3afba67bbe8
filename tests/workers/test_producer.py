"""The producer client: ledger first, then tasks; no `cleaner` import; size cap up front."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
import redis

from workers.messages import Job, JobTooLarge
from workers.producer import CleanerClient
from workers.results import ResultStore
from workers.settings import WorkerSettings


def test_the_producer_does_not_import_the_cleaning_library() -> None:
    code = ("import sys, workers.producer, workers.results, workers.inbox; "
            "print([m for m in sys.modules if m == 'cleaner' or m.startswith('cleaner.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.integration
def test_submit_many_writes_the_ledger_and_one_task_per_job(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    client = CleanerClient(unit_settings, client=redis_db)
    jobs = [Job.from_content(f"<p>page {n}</p>".encode(), meta={"n": n}) for n in range(25)]
    ids = client.submit_many(jobs, batch_size=10)
    assert ids == [job.id for job in jobs]
    assert redis_db.zcard(unit_settings.keys.pending) == 25
    assert redis_db.llen(unit_settings.queue) == 25
    body = json.loads(redis_db.lindex(unit_settings.queue, 0))
    assert body["headers"]["task"] == "cleaner.clean_page"
    assert "page" not in body["headers"]["argsrepr"]  # content never shown in events/Flower
    assert "page" not in base64.b64decode(body["body"]).decode()  # the id only: a claim check
    assert redis_db.hlen(unit_settings.keys.jobs) == 25  # the jobs themselves
    stats = ResultStore(redis_db, unit_settings).stats()
    assert (stats.submitted, stats.in_flight, stats.queued) == (25, 25, 25)
    client.close()


@pytest.mark.integration
def test_an_oversized_job_is_refused_before_anything_is_sent(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = unit_settings.model_copy(update={"max_job_bytes": 2048})
    client = CleanerClient(settings, client=redis_db)
    with pytest.raises(JobTooLarge):
        client.submit_many([Job.from_content(b"<p>ok</p>"), Job(content="x" * 4096)])
    assert redis_db.llen(settings.queue) == 0
    client.close()
