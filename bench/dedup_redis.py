"""What the service's near-duplicate index costs Redis per job, on a real server, one figure a line.

    .venv/bin/python bench/dedup_redis.py                    # memory at 2,000 and 20,000 docs
    .venv/bin/python bench/dedup_redis.py --docs 2000 20000 100000 200000

One embedded redis-server (the config `cleaner run` and the tests use) in a temp
dir and `workers.dedup.RedisIndex`, the index the workers run, without workers:
the figures are the index's alone. Signatures are synthetic (random MinHash
values: every document is new, so every band field is a new one, the index's
worst case for memory), as many as `--docs` says, in one period of the window.

- bytes per document: `used_memory` after the documents minus before, divided
  by their count, at each count of `--docs` (the band hashes' own cost is spread
  over more documents as the index grows);
- then `--jobs` more new documents and as many near-copies of indexed ones (a
  tenth of their values changed): requests sent per job (each script call is
  one; the lookup is waited for, the write is not), bytes sent per job, Redis's
  own time per job (INFO commandstats, the scripts' microseconds), and the time
  `link` takes in this process.

bench/duplicates.py measures what the signatures find (recall, false pairs);
this script, what keeping them in Redis costs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import redis

if __package__ in (None, ""):  # run as a script: the repository's packages first
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cleaner.dedup import NUM_PERM, Signature
from workers.dedup import RedisIndex
from workers.embedded import EmbeddedRedis
from workers.settings import WorkerSettings


class CountingConnection(redis.Connection):
    """Counts the requests and bytes this process sends to Redis."""

    requests = 0
    sent_bytes = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        parts = command if isinstance(command, list) else [command]
        CountingConnection.requests += 1
        CountingConnection.sent_bytes += sum(len(part) for part in parts)
        super().send_packed_command(command, check_health)


def random_signature(rng: np.random.Generator) -> Signature:
    return Signature(rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint32))


def near_copy(sig: Signature, rng: np.random.Generator) -> Signature:
    changed = rng.random(NUM_PERM) < 0.1
    values = np.where(changed, random_signature(rng).values, sig.values).astype(np.uint32)
    return Signature(values)


def script_usec(client: redis.Redis) -> float:
    stats = client.info("commandstats")
    return float(sum(stats.get(name, {}).get("usec", 0)
                     for name in ("cmdstat_evalsha", "cmdstat_eval")))


@contextmanager
def counted_index() -> Iterator[tuple[redis.Redis, RedisIndex]]:
    """A RedisIndex on a fresh embedded Redis, its requests counted (CountingConnection)."""
    with tempfile.TemporaryDirectory() as tmp, \
            EmbeddedRedis.start(Path(tmp), maxmemory="4gb") as server:
        pool = redis.ConnectionPool(port=server.port, connection_class=CountingConnection)
        client = redis.Redis(connection_pool=pool)
        yield client, RedisIndex(client, WorkerSettings(redis_url=server.url))
        client.close()


def run(docs: list[int], jobs: int) -> list[str]:
    lines: list[str] = []
    with counted_index() as (client, index):
        rng = np.random.default_rng(17)
        indexed: list[Signature] = []
        before = int(client.info("memory")["used_memory"])
        for count in sorted(docs):
            while len(indexed) < count:
                indexed.append(random_signature(rng))
                index.link(f"raw-{len(indexed):024x}", indexed[-1])
            index.flush()
            used = int(client.info("memory")["used_memory"]) - before
            lines.append(f"bytes per document at {count} documents {used / count:.0f}")
        samples = [indexed[int(n)] for n in rng.integers(0, len(indexed), jobs)]
        for kind, make in (("new", lambda n: random_signature(rng)),
                           ("near-copy", lambda n: near_copy(samples[n], rng))):
            lines += _cost(client, index, kind, make, jobs)
    return lines


def on_documents(signatures: list[Signature]) -> list[str]:
    """Index real documents' signatures, in order, as the workers would: requests and bytes
    sent per job, Redis memory per document, Redis's and the worker's time per job."""
    with counted_index() as (client, index):
        before = int(client.info("memory")["used_memory"])
        lines = _cost(client, index, "job", signatures.__getitem__, len(signatures))
        used = int(client.info("memory")["used_memory"]) - before
    return [*lines, f"job: Redis memory per document {used / len(signatures):.0f} bytes "
            f"(at {len(signatures)} documents)"]


def _cost(client: redis.Redis, index: RedisIndex, kind: str,
          make: Callable[[int], Signature], jobs: int) -> list[str]:
    signatures = [make(n) for n in range(jobs)]
    usec = script_usec(client)
    CountingConnection.requests = CountingConnection.sent_bytes = 0
    found = 0
    started = time.perf_counter()
    for n, sig in enumerate(signatures):
        found += index.link(f"{kind}-{n}", sig) is not None
    index.flush()
    elapsed = time.perf_counter() - started
    redis_usec = script_usec(client) - usec
    return [f"{kind}: requests per job {CountingConnection.requests / jobs:.2f} (1 waited for)",
            f"{kind}: bytes sent per job {CountingConnection.sent_bytes / jobs:.0f}",
            f"{kind}: redis ms per job {redis_usec / jobs / 1000:.3f}",
            f"{kind}: link ms per job {1000 * elapsed / jobs:.3f}",
            f"{kind}: found a match {found} of {jobs}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[2000, 20000],
                        help="index sizes at which memory is measured")
    parser.add_argument("--jobs", type=int, default=1000, help="jobs timed of each kind")
    args = parser.parse_args(argv)
    for line in run(args.docs, args.jobs):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
