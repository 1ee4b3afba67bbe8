"""The fleet's near-duplicate index, in the service's Redis: every cleaned document is looked up
before it is published, then added, so a later near-copy names it in `duplicate_of`.

The library computes the signature (`cleaner.dedup`, the document's `minhash`) and picks the
match (`best_match`); this module keeps the LSH buckets and signatures in Redis, in keys of our
own (docs/service.md "Near-duplicates" lists them with their memory per document):

    <prefix>:lsh:<band key>    sorted set: job id -> unix s it was added; at most BAND_CAP ids
    <prefix>:sig:<job id>      string: the signature's 512 bytes, then "<similarity> <original>"
                               if the job is a near-copy (the decision, for a redelivery)
    <prefix>:dups:<original>   sorted set: near-copy id -> similarity
    <prefix>:clusters          sorted set: original id -> unix s of its latest near-copy

Every key lives `dedup_window_s` after its last write, and band members older than the window
are removed on the next write to their band and never read, so memory per document is bounded.

Two round trips per new document, one Lua script each: read (the job's own record, else the
candidates' signatures) and write. Idempotent by job id: a job found with the same signature
(a redelivery whose first run wrote, then died before publishing) gets its first decision
back and writes nothing, so it never names itself nor a document indexed after it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import redis

from cleaner.dedup import DEFAULT_THRESHOLD, NUM_PERM, Match, Signature, best_match
from workers.messages import CleanedMessage
from workers.publisher import _as_unavailable
from workers.settings import WorkerSettings

log = logging.getLogger(__name__)
SIG_BYTES = NUM_PERM * 4
# A band's sorted set takes no more ids once it holds this many: the first ones stay (later
# copies find them), and a page every site repeats cannot grow one key without end.
BAND_CAP = 16
MAX_CANDIDATES = 32  # signatures read per lookup, the ids sharing the most bands first

# KEYS[1] the job's record; KEYS[2..] its band keys. ARGV[1] its signature ('' for none),
# ARGV[2] the oldest time still in the window, ARGV[3] the prefix of records,
# ARGV[4] MAX_CANDIDATES, ARGV[5] SIG_BYTES.
# Returns {1, decision} for a job recorded with this signature, else {0, id, sig, ...}.
_READ_LUA = """
local own = redis.call('GET', KEYS[1])
local size = tonumber(ARGV[5])
if own and ARGV[1] ~= '' and string.sub(own, 1, size) == ARGV[1] then
  return {1, string.sub(own, size + 1)}
end
local hits, order = {}, {}
for i = 2, #KEYS do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[i], ARGV[2], '+inf')) do
    if not hits[id] then hits[id] = 0; order[#order + 1] = id end
    hits[id] = hits[id] + 1
  end
end
local rank = {}
for n, id in ipairs(order) do rank[id] = n end
table.sort(order, function(a, b)
  if hits[a] ~= hits[b] then return hits[a] > hits[b] end
  return rank[a] < rank[b]
end)
local out = {0}
for n = 1, math.min(#order, tonumber(ARGV[4])) do
  local sig = redis.call('GETRANGE', ARGV[3] .. order[n], 0, size - 1)
  if #sig == size then out[#out + 1] = order[n]; out[#out + 1] = sig end
end
return out
"""

# KEYS[1] the job's record, KEYS[2] the original's cluster, KEYS[3] the clusters index,
# KEYS[4..] its band keys. ARGV: record, job id, now, window, BAND_CAP, similarity
# ('': not a near-copy; KEYS[2] is then unused), the prefix of cluster keys.
_WRITE_LUA = """
local now, window, cap = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local expired = '(' .. (now - window)
redis.call('SET', KEYS[1], ARGV[1], 'EX', window)
for i = 4, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', expired)
  if redis.call('ZCARD', KEYS[i]) < cap then redis.call('ZADD', KEYS[i], 'NX', now, ARGV[2]) end
  redis.call('EXPIRE', KEYS[i], window)
end
if ARGV[6] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[2])
  redis.call('EXPIRE', KEYS[2], window)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', expired)
  redis.call('ZADD', KEYS[3], now, string.sub(KEYS[2], #ARGV[7] + 1))
  redis.call('EXPIRE', KEYS[3], window)
end
return 1
"""


def to_bytes(sig: Signature) -> bytes:
    """The record's form: the raw little-endian values (512 bytes; base64 would be 684)."""
    return sig.values.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> Signature:
    if len(raw) != SIG_BYTES:
        raise ValueError(f"a stored signature holds {SIG_BYTES} bytes, not {len(raw)}")
    return Signature(np.frombuffer(raw, dtype="<u4").astype(np.uint32))


def _decision(text: bytes) -> Match | None:
    """A record's tail: b'' (not a near-copy) or b'<similarity> <original>'."""
    if not text:
        return None
    similarity, original = text.decode().split(" ", 1)
    return Match(original, float(similarity))


class RedisIndex:
    """A `SignatureStore` in Redis, shared by the fleet (see the module's docstring)."""

    def __init__(self, client: redis.Redis, settings: WorkerSettings) -> None:
        self.client = client
        self._keys = settings.keys
        self.window_s = settings.dedup_window_s
        self.threshold = settings.dedup_threshold or DEFAULT_THRESHOLD
        self._read = client.register_script(_READ_LUA)
        self._write = client.register_script(_WRITE_LUA)

    def link(self, job_id: str, sig: Signature) -> Match | None:
        """The earlier document `job_id` nearly repeats, or None; the job is indexed either way.

        Raises RedisUnavailable if Redis fails: the caller's job is requeued, not published
        with a guess."""
        band_keys = sig.band_keys()
        with _as_unavailable():
            reply = self._lookup(job_id, sig, band_keys)
            if reply[0] == 1:  # indexed already with this page: its first decision stands
                return _decision(reply[1])
            match = best_match(job_id, sig, _pairs(reply[1:]), self.threshold)
            self.add(job_id, sig, band_keys, match)
        return match

    def candidates(self, band_keys: list[str]) -> Iterable[tuple[str, Signature]]:
        """The documents sharing a band with these keys, most shared bands first."""
        with _as_unavailable():
            return _pairs(self._lookup("", None, band_keys)[1:])

    def add(self, doc_id: str, sig: Signature, band_keys: list[str],
            match: Match | None = None) -> None:
        keys = self._keys
        record = to_bytes(sig)
        similarity = ""
        if match is not None:
            record += f"{match.similarity!r} {match.duplicate_of}".encode()
            similarity = repr(match.similarity)
        cluster = keys.cluster(match.duplicate_of if match else doc_id)
        script_keys = [keys.signature(doc_id), cluster, keys.clusters,
                       *(keys.lsh(band) for band in band_keys)]
        with _as_unavailable():
            self._write(keys=script_keys, args=[
                record, doc_id, int(time.time()), self.window_s, BAND_CAP, similarity,
                keys.cluster("")])

    def _lookup(self, job_id: str, sig: Signature | None, band_keys: list[str]) -> list[Any]:
        keys = self._keys
        own = to_bytes(sig) if sig is not None else b""
        script_keys = [keys.signature(job_id), *(keys.lsh(band) for band in band_keys)]
        oldest = int(time.time()) - self.window_s
        reply = self._read(keys=script_keys,
                           args=[own, oldest, keys.signature(""), MAX_CANDIDATES, SIG_BYTES])
        return list(reply)


def _pairs(flat: list[bytes]) -> list[tuple[str, Signature]]:
    return [(flat[n].decode(), from_bytes(flat[n + 1])) for n in range(0, len(flat), 2)]


def with_duplicate(message: CleanedMessage, index: RedisIndex) -> CleanedMessage:
    """The message whose document carries `duplicate_of` and `similarity` (null for an
    original). A document without a readable `minhash` (written by another version) keeps
    nulls, with a warning: it is published, never held back."""
    document = dict(message.document)
    try:
        sig = Signature.decode(str(document["minhash"]))
    except (KeyError, ValueError) as error:
        log.warning("job %s: no near-duplicate lookup, unreadable minhash (%s)", message.id,
                    type(error).__name__)
        match = None
    else:
        match = index.link(message.id, sig)
    document["duplicate_of"] = match.duplicate_of if match else None
    document["similarity"] = round(match.similarity, 4) if match else None
    return message.model_copy(update={"document": document})


@dataclass(frozen=True, slots=True)
class Copy:
    """A near-copy in a cluster: its id, its similarity to `of` (the document it named)."""

    id: str
    similarity: float
    of: str


def clusters(client: redis.Redis, settings: WorkerSettings) -> dict[str, list[Copy]]:
    """Originals -> their near-copies, newest cluster first. A copy of a copy joins the first
    document's cluster (its `of` says which it named). Read-only."""
    keys = settings.keys
    oldest = int(time.time()) - settings.dedup_window_s
    originals = [m.decode() for m in client.zrevrangebyscore(keys.clusters, "+inf", oldest)]
    with client.pipeline(transaction=False) as pipe:
        for original in originals:
            pipe.zrange(keys.cluster(original), 0, -1, withscores=True)
        replies = pipe.execute()
    named = {original: [Copy(m.decode(), float(s), original) for m, s in reply]
             for original, reply in zip(originals, replies, strict=True) if reply}
    parent = {copy.id: copy.of for copies in named.values() for copy in copies}
    grouped: dict[str, list[Copy]] = {}
    for original, copies in named.items():
        root, seen = original, {original}
        while parent.get(root, original) not in seen:  # a copy of a copy: up the chain
            root = parent[root]
            seen.add(root)
        grouped.setdefault(root, []).extend(copies)
    return grouped


__all__ = ["BAND_CAP", "MAX_CANDIDATES", "Copy", "RedisIndex", "clusters", "with_duplicate"]
