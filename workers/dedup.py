"""The fleet's near-duplicate index, in the service's Redis: every cleaned document is looked up
before it is published, then added, so a later near-copy names it in `duplicate_of`.

The library computes the signature (`cleaner.dedup`, the document's `minhash`) and picks the
match (`best_match`); this module keeps the LSH buckets and signatures in Redis, in keys of our
own (docs/service.md "Near-duplicates" lists them with their memory per document):

    <prefix>:lsh:<period>:<bucket>  hash: the band key's next FIELD_CHARS digits -> the first
                                    job id with it in the period; bucket = the band's number
                                    and 3 hex digits of its key (4,096 hashes per band and
                                    period, each small enough for Redis's compact encoding);
                                    lives until its period has left the window
    <prefix>:sig:<job id>           string: the signature (its `encode()` form without the
                                    base64: SIG_BYTES), then "<similarity>
                                    <original>" if the job is a near-copy (the decision, for a
                                    redelivery); lives `dedup_window_s`
    <prefix>:dups:<original>        sorted set: near-copy id -> similarity
    <prefix>:clusters               sorted set: original id -> unix s of its latest near-copy

Band entries are grouped into hashes rather than one key per band value: a key costs ~120
bytes in Redis before it holds anything, and a document has BANDS (64) bands. Time is cut into
PERIODS periods per window; a lookup reads the periods the window spans, a document found
only by band but whose signature has expired is no candidate, so the window is exact.

Two Lua scripts per new document, one round trip waited for: the read (the job's own record,
else the candidates' signatures); the write is sent, and its reply read while the worker
cleans the next page. Idempotent by job id: a job found with the same signature
(a redelivery whose first run wrote, then died before publishing) gets its first decision
back and writes nothing, so it never names itself nor a document indexed after it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import redis

from cleaner.dedup import DEFAULT_THRESHOLD, Match, Signature, best_match, duplicate_fields
from workers.messages import CleanedMessage
from workers.publisher import (
    RedisPublisher,
    RedisUnavailable,
    RoundTrip,
    ScriptCall,
    _as_unavailable,
)
from workers.settings import WorkerSettings

log = logging.getLogger(__name__)


# What a record holds first: the document's `minhash` without its base64 (a quarter smaller).
SIG_BYTES = Signature.BYTES
PERIODS = 4  # per window: band hashes outlive the window by at most a quarter of it
BUCKET_CHARS = 5  # of a band key ("07" + 16 hex digits): its band and 3 hex digits
# The next digits name it within its hash: 8 (32 bits) mistake one of a hash's at most
# ~512 fields for another once in 8 million bands looked up, and a clash only adds a
# candidate (the signatures decide). The 5 digits left out save 5 bytes a band, 320 a document.
FIELD_CHARS = 8
MAX_CANDIDATES = 32  # signatures read per lookup, the ids sharing the most bands first

# KEYS[1] the job's record. ARGV[1] its signature ('' for none), ARGV[2] SIG_BYTES,
# ARGV[3] the prefix of records, ARGV[4] MAX_CANDIDATES, ARGV[5] the prefix of band hashes,
# ARGV[6] the first period to read, ARGV[7] the last, ARGV[8] BUCKET_CHARS, ARGV[9] FIELD_CHARS,
# ARGV[10..] band keys.
# Returns {1, decision} for a job recorded with this signature, else {0, id, sig, ...}:
# the ids sharing the most bands first, then the earliest.
_READ_LUA = """
local own = redis.call('GET', KEYS[1])
local size, cut = tonumber(ARGV[2]), tonumber(ARGV[8])
local last = cut + tonumber(ARGV[9])
if own and ARGV[1] ~= '' and string.sub(own, 1, size) == ARGV[1] then
  return {1, string.sub(own, size + 1)}
end
local hits, order = {}, {}
for period = tonumber(ARGV[6]), tonumber(ARGV[7]) do
  local prefix = ARGV[5] .. period .. ':'
  for i = 10, #ARGV do
    local band = ARGV[i]
    local bucket, field = string.sub(band, 1, cut), string.sub(band, cut + 1, last)
    local id = redis.call('HGET', prefix .. bucket, field)
    if id then
      if not hits[id] then hits[id] = 0; order[#order + 1] = id end
      hits[id] = hits[id] + 1
    end
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

# KEYS[1] the job's record, KEYS[2] the original's cluster, KEYS[3] the clusters index.
# ARGV: record, job id, now, window, similarity ('': not a near-copy; KEYS[2] is then
# unused), the prefix of cluster keys, this period's prefix of band hashes, their expiry
# (unix s), BUCKET_CHARS, FIELD_CHARS, band keys... A band value a job of this period has
# keeps its job. Returns 1, or the error of a refused first write (a full Redis: the
# script writes nothing, and says so instead of failing).
_WRITE_LUA = """
local now, window, cut = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[9])
local last = cut + tonumber(ARGV[10])
local set = redis.pcall('SET', KEYS[1], ARGV[1], 'EX', window)
if type(set) == 'table' and set.err then return set.err end
for i = 11, #ARGV do
  local bucket = ARGV[7] .. string.sub(ARGV[i], 1, cut)
  redis.call('HSETNX', bucket, string.sub(ARGV[i], cut + 1, last), ARGV[2])
  redis.call('EXPIREAT', bucket, ARGV[8])
end
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
  redis.call('EXPIRE', KEYS[2], window)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - window))
  redis.call('ZADD', KEYS[3], now, string.sub(KEYS[2], #ARGV[6] + 1))
  redis.call('EXPIRE', KEYS[3], window)
end
return 1
"""


def _decision(text: bytes) -> Match | None:
    """A record's tail: b'' (not a near-copy) or b'<similarity> <original>'."""
    if not text:
        return None
    similarity, original = text.decode().split(" ", 1)
    return Match(original, float(similarity))


class RedisIndex:
    """A `SignatureStore` in Redis, shared by the fleet (see the module's docstring).

    Its scripts travel in the publisher's `RoundTrip`s (a connection held until the reply
    is read, scripts a Redis restart lost loaded again); a publisher of its own is made on
    `client` when none is given."""

    def __init__(self, client: redis.Redis, settings: WorkerSettings,
                 publisher: RedisPublisher | None = None) -> None:
        self._keys = settings.keys
        self.window_s = settings.dedup_window_s
        self.threshold = settings.dedup_threshold or DEFAULT_THRESHOLD
        self._period_s = max(1, self.window_s // PERIODS)
        self._publisher = publisher or RedisPublisher(client, settings)
        self._read = client.register_script(_READ_LUA)
        self._write = client.register_script(_WRITE_LUA)
        self._pending: tuple[str, RoundTrip] | None = None  # a job id, its write in flight
        self._loaded = False  # the write script is in Redis (see _load_once)

    def link(self, job_id: str, sig: Signature) -> Match | None:
        """The earlier document `job_id` nearly repeats, or None; the job is indexed too.

        One round trip is waited for, the lookup: RedisUnavailable if it fails (the
        caller's job is requeued, not published with a guess). The write is sent and its
        reply read at the next `link` or `flush`: the worker cleans meanwhile. A write
        Redis refuses (full: `maxmemory` refuses writes, not reads) leaves the job out of
        the index with a warning; its answer stands, as an accepted job must finish."""
        band_keys = sig.band_keys()
        self.flush()
        with _as_unavailable():
            reply = self._lookup(job_id, sig, band_keys)
        if reply[0] == 1:  # indexed already with this page: its first decision stands
            return _decision(reply[1])
        match = best_match(job_id, sig, _pairs(reply[1:]), self.threshold)
        try:
            self._pending = job_id, self._send_write(job_id, sig, band_keys, match)
        except RedisUnavailable as error:
            _not_indexed(job_id, str(error))
        return match

    def flush(self) -> None:
        """Read the reply of the last write `link` sent (a warning if it was refused)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            _check_written(*pending)

    def candidates(self, band_keys: list[str]) -> Iterable[tuple[str, Signature]]:
        """The documents sharing a band with these keys, most shared bands first."""
        self.flush()
        with _as_unavailable():
            reply = self._lookup("", None, band_keys)
        return _pairs(reply[1:])

    def add(self, doc_id: str, sig: Signature, band_keys: list[str]) -> None:
        self.flush()
        _check_written(doc_id, self._send_write(doc_id, sig, band_keys, None))

    def _send_write(self, doc_id: str, sig: Signature, band_keys: list[str],
                    match: Match | None) -> RoundTrip:
        self._load_once()
        return RoundTrip(self._publisher, [self._write_call(doc_id, sig, band_keys, match)], None)

    def _load_once(self) -> None:
        """Load the write script before the first write: sent without waiting, a write that
        finds no script would only be run again when its reply is read."""
        if not self._loaded:
            self._publisher.load_scripts([(self._write, [], [])])
            self._loaded = True

    def _write_call(self, doc_id: str, sig: Signature, band_keys: list[str],
                    match: Match | None) -> ScriptCall:
        """The write script with its KEYS and ARGV (see _WRITE_LUA)."""
        keys, now = self._keys, int(time.time())
        record = sig.to_bytes()
        similarity = ""
        if match is not None:
            record += f"{match.similarity!r} {match.duplicate_of}".encode()
            similarity = repr(match.similarity)
        period = now // self._period_s
        expires = (period + 1) * self._period_s + self.window_s  # its last entry's window
        script_keys = [keys.signature(doc_id),
                       keys.cluster(match.duplicate_of if match else doc_id), keys.clusters]
        return self._write, script_keys, [
            record, doc_id, now, self.window_s, similarity, keys.cluster(""),
            keys.lsh(f"{period}:"), expires, BUCKET_CHARS, FIELD_CHARS, *band_keys]

    def _lookup(self, job_id: str, sig: Signature | None, band_keys: list[str]) -> list[Any]:
        keys, now = self._keys, int(time.time())
        own = sig.to_bytes() if sig is not None else b""
        first, last = (now - self.window_s) // self._period_s, now // self._period_s
        reply = self._read(keys=[keys.signature(job_id)], args=[
            own, SIG_BYTES, keys.signature(""), MAX_CANDIDATES, keys.lsh(""), first, last,
            BUCKET_CHARS, FIELD_CHARS, *band_keys])
        return list(reply)


def _check_written(job_id: str, write: RoundTrip) -> None:
    """Read a job's index write's reply. A failure only warns: the job is published with
    its answer, and is missing from the index."""
    try:
        write.wait()
    except RedisUnavailable as error:
        _not_indexed(job_id, str(error))
        return
    reply = write.script_replies[0]
    if reply != 1:  # the script's own refusal (a full Redis), see _WRITE_LUA
        _not_indexed(job_id, reply.decode(errors="replace") if isinstance(reply, bytes)
                     else str(reply))


def _not_indexed(job_id: str, reason: str) -> None:
    log.warning("job %s: not added to the near-duplicate index: %s", job_id, reason)


def _pairs(flat: list[bytes]) -> list[tuple[str, Signature]]:
    return [(flat[n].decode(), Signature.from_bytes(flat[n + 1])) for n in range(0, len(flat), 2)]


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
    return message.model_copy(update={"document": document | duplicate_fields(match)})


@dataclass(frozen=True, slots=True)
class Copy:
    """A near-copy in a cluster: its id, its similarity to `of` (the document it named)."""

    id: str
    similarity: float
    of: str


def clusters(client: redis.Redis, settings: WorkerSettings, limit: int | None = None
             ) -> dict[str, list[Copy]]:
    """Originals -> their near-copies, newest cluster first (the `limit` newest). A copy of a
    copy joins the first document's cluster when both are read (its `of` says which it
    named). Read-only."""
    keys = settings.keys
    oldest = int(time.time()) - settings.dedup_window_s
    newest = cast(list[bytes], client.zrevrangebyscore(
        keys.clusters, "+inf", oldest, start=None if limit is None else 0, num=limit))
    originals = [m.decode() for m in newest]
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


__all__ = ["MAX_CANDIDATES", "PERIODS", "Copy", "RedisIndex", "clusters", "with_duplicate"]
