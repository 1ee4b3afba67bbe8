"""The service end to end: a real Redis, a real `celery worker` (the compose command).

The seeds and the fixture pages go in through the Python client and through
the plain-Redis inbox (redis-py XADD, and the `redis-cli` binary, as another
language would); bad jobs go in beside them. Every job id must come out
exactly once, as a document or as a failed entry with its reason, and
`cleaner results get` must return each one.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
import redis

from cleaner import RejectReason
from cleaner.bench import dataset_files, page_id, read_page
from cleaner.cli import main as cleaner_main
from tests.workers.conftest import (
    FIXTURE_PAGES,
    SEEDS,
    point_cli_at,
    start_worker,
    wait_for_outcomes,
)
from workers.embedded import EmbeddedRedis, redis_cli_binary
from workers.messages import CleanedMessage, FailedMessage, FailReason, Job
from workers.process import WorkerProcess
from workers.producer import CleanerClient
from workers.results import ResultStore, Stats
from workers.settings import WorkerSettings

pytestmark = pytest.mark.integration

JOB_CAP = 256 * 1024


@dataclass
class Fleet:
    settings: WorkerSettings
    client: CleanerClient
    store: ResultStore
    redis: redis.Redis
    worker: WorkerProcess


@pytest.fixture(scope="module")
def fleet(redis_server: EmbeddedRedis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    settings = WorkerSettings(
        redis_url=f"{redis_server.url}", key_prefix="e2e", queue="e2e", concurrency=2,
        max_job_bytes=JOB_CAP, inbox_block_ms=200, inbox_claim_idle_ms=5000,
    )
    worker = start_worker(settings, tmp_path_factory.mktemp("worker"))
    client = CleanerClient(settings)
    yield Fleet(settings, client, ResultStore(client.redis, settings), client.redis, worker)
    client.close()
    assert worker.stop() == 0, worker.log_path.read_text()[-3000:]


@pytest.fixture
def fresh(fleet: Fleet) -> Fleet:
    """Forget the previous test's jobs (only our prefix: kombu's own keys stay)."""
    for key in fleet.redis.scan_iter(match=f"{fleet.settings.key_prefix}:*"):
        fleet.redis.delete(key)
    return fleet


@pytest.fixture
def cli_env(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    point_cli_at(fleet.settings, monkeypatch)


def _inbox_add(fleet: Fleet, fields: dict[str, str]) -> str:
    entry_id = fleet.redis.xadd(fleet.settings.keys.inbox, fields)  # type: ignore[arg-type]
    return cast(bytes, entry_id).decode()


def _plain_job(path: Path) -> str:
    """A job as any language would write it: a JSON object, no helper library."""
    return json.dumps({"id": f"inbox-{page_id(path)}", "content": read_page(path).raw.decode(),
                       "content_type": "text/html", "source": "plain-redis",
                       "meta": {"file": path.name}})


def _outcome_ids(fleet: Fleet) -> Counter[str]:
    keys = fleet.settings.keys
    entries = fleet.redis.xrange(keys.results) + fleet.redis.xrange(keys.failed)
    return Counter(fields[b"id"].decode() for _entry_id, fields in entries)


def test_every_job_comes_out_exactly_once(fresh: Fleet, cli_env: None,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    fleet = fresh
    seeds, pages = dataset_files(SEEDS), dataset_files(FIXTURE_PAGES)
    assert len(pages) >= 50
    via_client, via_inbox = seeds + pages[:30], pages[30:]
    good = fleet.client.submit_many(
        Job.from_content(read_page(p).raw, source="e2e", meta={"file": p.name}) for p in via_client
    )
    good += [json.loads(_plain_job(p))["id"] for p in via_inbox[:-1]]
    for path in via_inbox[:-1]:
        _inbox_add(fleet, {"job": _plain_job(path)})
    cli = [redis_cli_binary(), "-u", str(fleet.settings.redis_url), "XADD",
           fleet.settings.keys.inbox, "*", "job", _plain_job(via_inbox[-1])]
    subprocess.run(cli, check=True, capture_output=True)
    good.append(f"inbox-{page_id(via_inbox[-1])}")

    binary = Job.from_content(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, id="binary")
    no_job_entry = _inbox_add(fleet, {"note": "an entry without a job field"})
    _inbox_add(fleet, {"id": "bad-json", "job": '{"id": "bad-json", "content": '})
    _inbox_add(fleet, {"job": json.dumps({"id": "no-content", "url": "https://e.com/a"})})
    _inbox_add(fleet, {"job": json.dumps({"id": "oversized", "content": "x" * (JOB_CAP + 1)})})
    fleet.client.submit_raw(json.dumps({"id": "unknown-field", "content": "x", "colour": 1}))
    fleet.client.submit(binary)
    bad = {
        f"inbox-{no_job_entry}": FailReason.INVALID_JOB, "bad-json": FailReason.INVALID_JOB,
        "no-content": FailReason.INVALID_JOB, "oversized": FailReason.TOO_LARGE,
        "unknown-field": FailReason.INVALID_JOB, "binary": FailReason.BINARY,
    }

    ids = good + list(bad)
    outcomes = wait_for_outcomes(fleet.store, ids)
    assert set(outcomes) == set(ids), f"no outcome for {set(ids) - set(outcomes)}"
    assert _outcome_ids(fleet) == Counter(ids)  # exactly once, and nothing else

    for job_id, reason in bad.items():
        outcome = outcomes[job_id]
        assert isinstance(outcome, FailedMessage), job_id
        assert outcome.reason is reason, (job_id, outcome.detail)
    page_reasons = {r.value for r in RejectReason}
    for job_id in good:
        outcome = outcomes[job_id]
        assert isinstance(outcome, CleanedMessage) or outcome.reason.value in page_reasons
    assert all(isinstance(outcomes[job_id], CleanedMessage) for job_id in good[: len(seeds)])
    seed_ids = set(good[: len(seeds)])  # no two seeds are near-copies of each other
    assert not {cast(CleanedMessage, outcomes[job_id]).document["duplicate_of"]
                for job_id in seed_ids} & seed_ids

    for job_id in ids:
        assert cleaner_main(["results", "get", job_id]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["id"] == job_id
        assert printed["status"] == ("failed" if job_id in bad else outcomes[job_id].status)

    stats = fleet.store.stats()
    assert (stats.in_flight, stats.queued, stats.inbox) == (0, 0, 0)
    assert stats.cleaned + stats.failed == len(ids) == stats.submitted
    assert fleet.redis.hlen(fleet.settings.keys.deliveries) == 0


def test_the_same_job_submitted_three_ways_leaves_one_document(fresh: Fleet) -> None:
    fleet = fresh
    page = read_page(dataset_files(SEEDS)[0]).raw
    job = Job.from_content(page, url="https://example.com/same")
    fleet.client.submit(job)
    fleet.client.submit(job)
    _inbox_add(fleet, {"job": job.to_json()})
    outcomes = wait_for_outcomes(fleet.store, [str(job.id)])
    assert isinstance(outcomes[str(job.id)], CleanedMessage)
    assert _outcome_ids(fleet) == Counter({str(job.id): 1})
    stats = wait_until_idle(fleet)
    assert (stats.cleaned, stats.duplicate, stats.submitted) == (1, 0, 1)  # known: not sent


def test_retry_failed_resubmits_and_still_leaves_one_entry(
    fresh: Fleet, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = fresh
    job_id = fleet.client.submit_raw(json.dumps({"id": "retry-me", "content": " "}))
    wait_for_outcomes(fleet.store, [job_id])
    assert cleaner_main(["results", "failed"]) == 0
    listed = capsys.readouterr().out
    assert "retry-me  -  empty" in listed, listed
    assert cleaner_main(["results", "retry-failed", "--reason", "empty"]) == 0
    retried = capsys.readouterr().out
    assert "resubmitted 1" in retried, retried
    outcome = wait_for_outcomes(fleet.store, [job_id])[job_id]
    assert isinstance(outcome, FailedMessage)
    assert _outcome_ids(fleet) == Counter({"retry-me": 1})
    assert cleaner_main(["results", "stats"]) == 0
    stats = capsys.readouterr().out
    assert "failed      1" in stats, stats  # one job, retried once


def wait_until_idle(fleet: Fleet, timeout_s: float = 30) -> Stats:
    deadline = time.monotonic() + timeout_s
    while True:
        stats = fleet.store.stats()
        finished = stats.cleaned + stats.failed + stats.duplicate
        if finished >= stats.submitted or time.monotonic() > deadline:
            return stats
        time.sleep(0.1)


def _printed_ids(out: str) -> list[str]:
    """The ids `enqueue` prints, one `id<TAB>input` line each."""
    return [line.split("\t")[0] for line in out.splitlines() if "\t" in line]


def test_cleaner_enqueue_takes_pages_and_job_lines(
    fresh: Fleet, cli_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fleet = fresh
    assert cleaner_main(["enqueue", str(SEEDS)]) == 0
    seed_ids = _printed_ids(capsys.readouterr().out)
    lines = tmp_path / "jobs.jsonl"
    lines.write_text(json.dumps({"id": "line-1", "content": "x", "meta": {"n": 1}}) + "\n"
                     + "{broken\n\n")
    assert cleaner_main(["enqueue", "--jsonl", str(lines)]) == 0
    line_ids = _printed_ids(capsys.readouterr().out)
    assert len(seed_ids) == 5
    assert line_ids[0] == "line-1"
    assert line_ids[1].startswith("raw-")
    outcomes = wait_for_outcomes(fleet.store, seed_ids + line_ids)
    assert all(isinstance(outcomes[job_id], CleanedMessage) for job_id in seed_ids)
    broken = outcomes[line_ids[1]]
    assert isinstance(broken, FailedMessage)
    assert broken.reason is FailReason.INVALID_JOB
    followed = fleet.store.follow(after="0-0")
    published = fleet.redis.xlen(fleet.settings.keys.results)
    assert set(seed_ids) <= {next(followed)[1].id for _ in range(published)}


def test_a_near_copy_through_the_inbox_names_the_first_job(
    fresh: Fleet, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = fresh
    page = read_page(dataset_files(FIXTURE_PAGES)[0]).raw.decode()
    republished = page.replace("</p>", " (AFP)</p>", 1)  # the wire story, credited elsewhere
    ids = ["wire-first", "wire-copy"]
    for job_id, html in zip(ids, (page, republished), strict=True):  # one after the other
        _inbox_add(fleet, {"job": json.dumps({"id": job_id, "content": html,
                                              "content_type": "text/html"})})
        wait_for_outcomes(fleet.store, [job_id])
    first, copy = (fleet.store.get(job_id) for job_id in ids)
    assert isinstance(first, CleanedMessage) and isinstance(copy, CleanedMessage)
    assert "duplicate_of" in first.document and first.document["duplicate_of"] is None
    assert copy.document["duplicate_of"] == "wire-first"
    assert cast(float, copy.document["similarity"]) >= 0.9
    assert cleaner_main(["results", "duplicates"]) == 0
    assert "wire-first" in (listed := capsys.readouterr().out) and "wire-copy" in listed
