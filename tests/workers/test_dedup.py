"""The near-duplicate index against a real Redis: decisions, round trips, TTLs, caps, restarts.

The worker paths (a copy through the inbox, a redelivery after SIGKILL) are in
test_end_to_end.py and test_reliability.py, beside the fleets they reuse.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bench.chaos import restart_redis
from bench.dedup_redis import CountingConnection
from cleaner.cli import main as cleaner_main
from cleaner.dedup import BANDS, DEFAULT_THRESHOLD, Match, signature
from tests.workers.conftest import REPO, point_cli_at
from workers.dedup import (
    BUCKET_CHARS,
    FIELD_CHARS,
    PERIODS,
    SIG_BYTES,
    Copy,
    RedisIndex,
    clusters,
)
from workers.embedded import EmbeddedRedis
from workers.publisher import RedisUnavailable
from workers.settings import WorkerSettings

pytestmark = pytest.mark.integration
WINDOW_S = 7 * 24 * 3600


@pytest.fixture
def counted(redis_db: redis.Redis) -> Iterator[redis.Redis]:
    kwargs = redis_db.connection_pool.connection_kwargs
    pool = redis.ConnectionPool(port=kwargs["port"], db=kwargs["db"],
                                connection_class=CountingConnection)
    client = redis.Redis(connection_pool=pool)
    yield client
    client.close()


def _settings(unit_settings: WorkerSettings, **update: Any) -> WorkerSettings:
    return unit_settings.model_copy(update={"dedup_window_s": WINDOW_S, **update})


def _story(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(20_000)}" for _ in range(words))


def _copy(text: str) -> str:
    """The same story, republished: one word changed, a line added."""
    first, rest = text.split(" ", 1)
    return f"{rest.replace(rest.split()[10], 'changed', 1)} {first} Reporting by a wire."


def _round_trips(action: Any) -> tuple[Any, int]:
    """What `action` returns, and the requests it sent (one per command, pipeline or script
    call)."""
    before = CountingConnection.requests
    result = action()
    return result, CountingConnection.requests - before


def test_a_copy_names_the_original_in_two_round_trips_with_every_key_under_the_window(
    counted: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = _settings(unit_settings)
    index = RedisIndex(counted, settings)
    original, copy = signature(_story(1)), signature(_copy(_story(1)))
    assert index.threshold == DEFAULT_THRESHOLD  # unset: the library's
    index.link("warmup", signature(_story(99)))  # loads both scripts (once per server)

    first, trips = _round_trips(lambda: index.link("original", original))
    assert (first, trips) == (None, 2)  # the read, waited for; the write, sent
    found, trips = _round_trips(lambda: index.link("copy", copy))  # reads the last write's reply
    assert trips == 2
    assert _round_trips(index.flush) == (None, 0)  # the copy's write: its reply only
    assert isinstance(found, Match) and found.duplicate_of == "original"
    assert found.similarity == copy.similarity(original) >= DEFAULT_THRESHOLD

    keys = settings.keys
    written = [keys.signature("copy"), keys.cluster("original"), keys.clusters]
    assert all(WINDOW_S - 5 < counted.ttl(key) <= WINDOW_S for key in written)
    period = WINDOW_S // PERIODS  # a band hash outlives its period by the window
    buckets = _buckets(counted, settings)
    assert 2 * BANDS < len(buckets) < 3 * BANDS  # 3 documents, the copy shares some bands
    assert all(WINDOW_S < counted.ttl(key) <= WINDOW_S + period for key in buckets)
    assert len(counted.get(keys.signature("original")) or b"") == SIG_BYTES  # no decision
    assert counted.zscore(keys.cluster("original"), "copy") == found.similarity
    assert clusters(counted, settings) == {"original": [
        Copy("copy", found.similarity, "original")]}


def test_a_redelivered_job_gets_its_first_decision_in_one_round_trip(
    counted: redis.Redis, unit_settings: WorkerSettings
) -> None:
    """Its first run wrote, then died before publishing; meanwhile a copy named it."""
    index = RedisIndex(counted, _settings(unit_settings))
    original = signature(_story(2))
    assert index.link("original", original) is None
    assert index.link("copy", signature(_copy(_story(2)))) is not None
    again, trips = _round_trips(lambda: index.link("original", original))
    assert (again, trips) == (None, 1)  # not itself, not the copy indexed after it
    copy_again = index.link("copy", signature(_copy(_story(2))))
    assert copy_again is not None and copy_again.duplicate_of == "original"


def test_a_new_page_under_a_known_id_is_decided_again_and_never_names_itself(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    index = RedisIndex(redis_db, _settings(unit_settings))
    assert index.link("page", signature(_story(3))) is None
    assert index.link("other", signature(_story(4))) is None
    replaced = index.link("page", signature(_copy(_story(4))))  # forced: another page
    assert replaced is not None and replaced.duplicate_of == "other"


def _buckets(client: redis.Redis, settings: WorkerSettings) -> list[bytes]:
    return list(client.scan_iter(match=settings.keys.lsh("*"), count=1000))


def test_a_band_value_keeps_its_first_job_and_copies_still_match(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    """A page every site repeats grows no key: each band value holds one id per period."""
    settings = _settings(unit_settings)
    index = RedisIndex(redis_db, settings)
    sig = signature(_story(5))
    decisions = [index.link(f"same-{n}", sig) for n in range(20)]
    index.flush()
    assert decisions[0] is None
    assert all(d is not None and d.duplicate_of == "same-0" for d in decisions[1:])
    buckets = _buckets(redis_db, settings)
    assert len(buckets) == BANDS
    assert {tuple(redis_db.hvals(key)) for key in buckets} == {(b"same-0",)}
    assert all(len(key.rsplit(b":", 1)[1]) == BUCKET_CHARS for key in buckets)
    assert {len(field) for key in buckets for field in redis_db.hkeys(key)} == {FIELD_CHARS}


def test_documents_older_than_the_window_are_no_candidates(
    redis_db: redis.Redis, unit_settings: WorkerSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = RedisIndex(redis_db, _settings(unit_settings))
    now = time.time()  # expiry times must lie ahead of the server's clock
    monkeypatch.setattr("workers.dedup.time.time", lambda: now)
    assert index.link("old", signature(_story(6))) is None
    later = now + WINDOW_S + WINDOW_S // PERIODS + 1  # its period has left the window
    monkeypatch.setattr("workers.dedup.time.time", lambda: later)
    assert index.link("new", signature(_copy(_story(6)))) is None
    assert list(index.candidates(signature(_story(6)).band_keys())) != []  # "new" is one


def test_clusters_put_a_copy_of_a_copy_under_the_first_document(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = _settings(unit_settings)
    index = RedisIndex(redis_db, settings)
    base, extra = _story(7, words=200), _story(8, words=60)
    index.link("first", signature(base))
    index.link("second", signature(f"{base} {extra}"))  # holds all of the first
    start = " ".join(base.split()[:50])  # the third holds a quarter of the first
    third = index.link("third", signature(f"{extra} {_story(9, words=60)} {start}"))
    assert third is not None and third.duplicate_of == "second"  # the most similar
    index.flush()
    listed = clusters(redis_db, settings)
    assert list(listed) == ["first"]
    chain = sorted((c.id, c.of) for c in listed["first"])
    assert chain == [("second", "first"), ("third", "second")]


def test_a_redis_error_is_redis_unavailable(unit_settings: WorkerSettings) -> None:
    dead = redis.Redis(port=1, socket_connect_timeout=1)
    with pytest.raises(RedisUnavailable):
        RedisIndex(dead, unit_settings).link("x", signature(_story(10)))


def test_a_full_redis_still_answers_and_the_job_is_left_out_of_the_index(
    tmp_path: Path, unit_settings: WorkerSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """At `maxmemory` Redis refuses writes, not reads: the lookup answers, the job publishes
    (the publish script frees its page first), and it is not indexed."""
    with EmbeddedRedis.start(tmp_path / "redis") as server:
        client = server.client()
        settings = _settings(unit_settings, redis_url=server.url)
        index = RedisIndex(client, settings)
        assert index.link("original", signature(_story(15))) is None
        client.config_set("maxmemory", 1)  # full
        found = index.link("copy", signature(_copy(_story(15))))
        assert found is not None and found.duplicate_of == "original"
        index.flush()
        assert not client.exists(settings.keys.signature("copy"))
        assert "job copy: not added to the near-duplicate index" in caplog.text
        assert "OOM command not allowed" in caplog.text
        client.close()


def test_the_index_survives_a_redis_restart(tmp_path: Path, unit_settings: WorkerSettings) -> None:
    """AOF (`appendonly yes`, as compose and the embedded server run): a new server on the same
    data dir has the index, TTLs included, and the next copy finds the original."""
    server = EmbeddedRedis.start(tmp_path / "redis")
    try:
        settings = _settings(unit_settings, redis_url=server.url)
        index = RedisIndex(server.client(), settings)
        assert index.link("before-restart", signature(_story(11))) is None
        index.flush()
        server = restart_redis(server, hard=True)  # SIGKILL: only the AOF remains
        client = server.client()
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("hash-max-ziplist-entries")["hash-max-ziplist-entries"] == "512"
        assert client.ttl(settings.keys.signature("before-restart")) > WINDOW_S - 60
        after = RedisIndex(client, settings).link("after-restart", signature(_copy(_story(11))))
        assert after is not None and after.duplicate_of == "before-restart"
        client.close()
    finally:
        server.stop()


def test_results_duplicates_prints_each_cluster_under_its_first_document(
    redis_db: redis.Redis, unit_settings: WorkerSettings, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = _settings(unit_settings)
    index = RedisIndex(redis_db, settings)
    for story in (13, 14):
        index.link(f"story-{story}", signature(_story(story)))
        index.link(f"story-{story}-amp", signature(_copy(_story(story))))
    index.flush()
    point_cli_at(settings, monkeypatch)
    assert cleaner_main(["results", "duplicates", "--json"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [p["original"] for p in printed] == ["story-14", "story-13"]  # newest first
    assert printed[0]["duplicates"][0]["id"] == "story-14-amp"
    assert cleaner_main(["results", "duplicates", "-n", "1"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("story-14  1 near-copies\n  story-14-amp  0.") and "13" not in listed


def test_the_docs_recipe_reads_the_decision_after_the_signature() -> None:
    """The signature's length is the library's; the redis-cli recipe must follow it."""
    doc = (REPO / "docs" / "service.md").read_text(encoding="utf-8")
    assert f"redis-cli GETRANGE cleaner:sig:<id> {SIG_BYTES} -1" in doc
