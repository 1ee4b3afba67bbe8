"""The sweeper: resubmits jobs the broker lost, so every loss window ends in a retry.

Celery on Redis loses a message in known windows (research notes §1.2): a
worker killed between kombu's BRPOP and its write to `unacked`, a Redis that
restarts without the last writes, a queue flushed by hand. The ledger knows
better: every submitted job stays in `cleaner:pending` (score = its last sign
of life: submitted, started, resubmitted) with a copy of its message in
`cleaner:jobs` until its outcome is published. A job counts as lost when

1. it is silent: its last sign of life is older than `sweep_after_s`, which
   exceeds the hard time limit, so a job that started has finished by then;
2. no worker holds it: it is not in kombu's `unacked` hash (a dead worker's
   messages there come back through kombu's own visibility-timeout restore);
3. it is not waiting: it is older than the job at the head of the Celery
   queue. The queue is FIFO, so an older job has left it; a backlog longer
   than the deadline is not mistaken for loss.

A lost job is resubmitted (a new task message for the copy in the ledger;
`recovered` in `cleaner:stats`) and its score set to now, so it is
resubmitted at most once per deadline; a lost job with no copy is published
as failed `crashed`. Requeued and restored
messages can make a waiting job look lost: resubmitting it anyway costs one
more run, never a second result (publishing is idempotent by job id).

Every worker runs a sweeper thread; a `SET NX PX` lock lets one of them sweep
per `sweep_interval_s`. The same sweep warns, by name, of a consumer group that
holds a results stream past its cap (`lagging_groups`).
`python -m workers.sweeper [--once]` runs it alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import socket
import threading
import time
from dataclasses import dataclass
from functools import partial
from typing import cast

import redis
from celery import bootsteps
from kombu.exceptions import OperationalError

from workers.messages import (
    FailedMessage,
    FailReason,
    job_ids_of_kombu_message,
    job_ids_of_queued,
)
from workers.producer import CleanerClient
from workers.publisher import RedisPublisher, RedisUnavailable, connect
from workers.results import lagging_groups
from workers.settings import WorkerSettings
from workers.steps import thread_step

log = logging.getLogger(__name__)

UNACKED_KEY = "unacked"  # kombu's Redis transport default (transport option `unacked_key`)
SWEEP_BATCH = 500  # lost jobs handled per sweep, so one sweep stays short
HEAD_PEEK = 5  # queue messages read to date the queue's head

# Claim lost jobs atomically: a job that started or finished since it was
# selected is left alone. Returns [id, copy or "", ...] of the claimed ones.
_CLAIM_LUA = """
local claimed = {}
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) < tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[i])
    local copy = redis.call('HGET', KEYS[2], ARGV[i])
    if copy then redis.call('HINCRBY', KEYS[3], 'recovered', 1) else copy = '' end
    table.insert(claimed, ARGV[i])
    table.insert(claimed, copy)
  end
end
return claimed
"""


@dataclass(frozen=True, slots=True)
class SweepReport:
    resubmitted: list[str]
    failed: list[str]  # lost with no copy to resubmit

    @property
    def lost(self) -> int:
        return len(self.resubmitted) + len(self.failed)


class Sweeper:
    """Finds lost jobs in the ledger and resubmits them (module docstring)."""

    def __init__(self, client: redis.Redis, producer: CleanerClient, publisher: RedisPublisher,
                 settings: WorkerSettings) -> None:
        self._redis = client
        self._producer = producer
        self._publisher = publisher
        self._settings = settings
        self._keys = settings.keys
        self._owner = f"{socket.gethostname()}-{os.getpid()}"
        self._claim = client.register_script(_CLAIM_LUA)

    def sweep(self) -> SweepReport:
        """Sweep, unless another sweeper did within the interval."""
        if not self._take_turn():
            return SweepReport(resubmitted=[], failed=[])
        for warning in lagging_groups(self._redis, self._settings):
            log.warning("%s", warning)
        return self.sweep_now()

    def sweep_now(self) -> SweepReport:
        now = time.time()
        cutoff = min(now - self._settings.sweep_after_s, self._queue_horizon())
        if cutoff == -math.inf:
            return SweepReport(resubmitted=[], failed=[])
        silent = cast(list[bytes], self._redis.zrange(
            self._keys.pending, "-inf", f"({cutoff}", byscore=True, offset=0, num=SWEEP_BATCH))
        held = self._held_by_workers()
        lost = [job_id.decode() for job_id in silent if job_id.decode() not in held]
        return self._recover(lost, cutoff, now) if lost else SweepReport([], [])

    def _take_turn(self) -> bool:
        interval_ms = self._settings.sweep_interval_s * 1000
        return bool(self._redis.set(self._keys.sweeper_lock, self._owner, nx=True,
                                    px=interval_ms))

    def _queue_horizon(self) -> float:
        """Jobs silent since before this time have left the queue: +inf if it is empty.

        The head of the queue (kombu BRPOPs the list's right end) is its oldest
        message; with a finished job's stray copy there, the next few are read.
        -inf when none of them is in the ledger: nothing can be said this time.
        """
        head = cast(list[bytes], self._redis.lrange(self._settings.queue, -HEAD_PEEK, -1))
        if not head:
            return math.inf
        ids = [job_id for raw in reversed(head) for job_id in job_ids_of_queued(raw)]
        scores = self._redis.zmscore(self._keys.pending, ids) if ids else []
        known = [score for score in scores if score is not None]
        return min(known) if known else -math.inf

    def _held_by_workers(self) -> set[str]:
        """Ids of the messages workers hold unacked (running or about to run)."""
        held = set()
        for raw in cast(list[bytes], self._redis.hvals(UNACKED_KEY)):
            try:
                message = json.loads(raw)[0]  # [message, exchange, routing key]
            except (ValueError, TypeError, KeyError, IndexError):
                continue
            held.update(job_ids_of_kombu_message(message))
        return held

    def _recover(self, lost: list[str], cutoff: float, now: float) -> SweepReport:
        reply = self._claim(keys=[self._keys.pending, self._keys.jobs, self._keys.stats],
                            args=[repr(cutoff), repr(now), *lost])
        resubmitted, failed = [], []
        for job_id, copy in zip(reply[::2], reply[1::2], strict=True):
            if copy:
                resubmitted.append(job_id.decode())
            else:
                self._publisher.publish(FailedMessage(
                    id=job_id.decode(), reason=FailReason.CRASHED,
                    detail="lost by the broker, and no copy of the job to resubmit"))
                failed.append(job_id.decode())
        if resubmitted:
            self._producer.resend(resubmitted)
        if resubmitted or failed:
            log.warning("sweeper: resubmitted %d lost jobs, failed %d without a copy: %s",
                        len(resubmitted), len(failed), " ".join([*resubmitted, *failed][:20]))
        return SweepReport(resubmitted=resubmitted, failed=failed)


def make_sweeper(settings: WorkerSettings, client: redis.Redis | None = None) -> Sweeper:
    client = client or connect(str(settings.redis_url))
    return Sweeper(client, CleanerClient(settings, client=client),
                   RedisPublisher(client, settings), settings)


def run_sweeper(sweeper: Sweeper, settings: WorkerSettings, stop: threading.Event) -> None:
    """Sweep every interval until stopped; a failed sweep waits for the next round.

    The thread's loop is a boundary like a task's: whatever goes wrong in one
    sweep is logged and must not end the sweeping for the worker's lifetime.
    """
    while not stop.wait(settings.sweep_interval_s):
        try:
            sweeper.sweep()
        except (redis.RedisError, RedisUnavailable, OperationalError) as exc:  # Redis down
            log.warning("sweeper: Redis unavailable (%s), retrying", type(exc).__name__)
        except Exception:
            log.exception("sweeper: sweep failed, retrying")


def sweeper_step(settings: WorkerSettings) -> type[bootsteps.StartStopStep]:
    """The worker bootstep that runs the sweeper thread in the worker's main process."""
    return thread_step(
        "cleaner-sweeper", lambda: partial(run_sweeper, make_sweeper(settings), settings)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.sweeper")
    parser.add_argument("--once", action="store_true", help="sweep once now, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = WorkerSettings.from_env()
    sweeper = make_sweeper(settings)
    if args.once:
        report = sweeper.sweep_now()
        print(f"resubmitted {len(report.resubmitted)}, failed {len(report.failed)}")
        return 0
    run_sweeper(sweeper, settings, threading.Event())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
