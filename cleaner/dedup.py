"""Near-duplicate detection: a MinHash signature of the cleaned body, and the index logic
that turns signatures into `duplicate_of` links.

The signature is computed from the body's words as `score.py` counts them (lower-cased,
one token per character in unspaced scripts), so a page cleaned as HTML and its text dump
give nearly the same signature. Band keys (LSH) find candidates; the estimated containment
of the word shingles decides: the share of the smaller body's shingles that the other
holds, from the Jaccard estimate and the two bodies' shingle counts (the signature's
`size`). Two extractions of one page often differ by a block one of them kept (comments, a
related list, a share bar): their Jaccard similarity drops with the size of that block,
their containment does not (bench/duplicates.py at 0.3: recall 0.972 against Jaccard's
0.931, false pairs 0.00005 against 0.00002 of all distinct pairs).

The library keeps an in-memory index (`MemoryIndex`, for `cleaner clean --dedup`); the
service keeps the same buckets in Redis (workers/). Both run `find_duplicate`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from cleaner.vocab.script import TOKEN

if TYPE_CHECKING:  # models imports this module's constants for its field descriptions
    from cleaner.models import CleanedDocument

# Measured by bench/duplicates.py over aeb, wcxb-dev and dragnet in three forms each (the
# trade-off curves are in its docstring): 3-word shingles (2 words: 80x the LSH candidates
# among distinct pages), 64 bands of 2 rows (32 x 4 loses a tenth of the true pairs before
# they are compared: an HTML page and its dump often share only a third of their shingles
# while one contains the other).
NUM_PERM = 128
BANDS = 64
ROWS = NUM_PERM // BANDS
SHINGLE = 3  # words per shingle
DEFAULT_THRESHOLD = 0.3  # estimated containment; see bench/duplicates.py --sweep
MIN_JACCARD = 0.05  # below it (6 of 128 values) agreement is chance: no containment estimate

# Fixed seeds: signatures must agree across processes and releases (never Python's salted
# hash()). A word is its crc32; a shingle mixes its words' hashes by position into 64 bits;
# permutation k is x -> (A[k] * x + B[k]) mod 2**64, ranked by its high 32 bits
# (multiply-shift hashing: all numpy, no per-shingle Python call, no modulo).
_rng = np.random.default_rng(20261206)
_A = _rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2)
_POSITION = _rng.integers(0, 1 << 63, size=SHINGLE, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
_CHUNK = 4096  # shingles permuted at once: NUM_PERM x _CHUNK x 8 bytes = 4 MB at most
_SIZE_LIMIT = 0xFFFFFFFF  # the size travels as one uint32


class SignatureError(ValueError):
    """A stored or transmitted signature that cannot be read."""


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """MinHash values of a body's word shingles (uint32[NUM_PERM]) and how many distinct
    shingles it has (`size`; 0 when unknown: similarity is then the Jaccard estimate)."""

    values: np.ndarray
    size: int = 0

    BYTES = NUM_PERM * 4 + 4  # to_bytes(): the values, then the size

    def similarity(self, other: Signature) -> float:
        """Estimated share of the smaller body's shingles that the other holds."""
        jaccard = float(np.mean(self.values == other.values))
        return float(containment(jaccard, self.size, other.size))

    def band_keys(self) -> list[str]:
        """One key per LSH band: equal keys in some band make two documents candidates."""
        bands = self.values.reshape(BANDS, ROWS)
        return [f"{i:02d}{hashlib.blake2b(band.tobytes(), digest_size=8).hexdigest()}"
                for i, band in enumerate(bands)]

    def to_bytes(self) -> bytes:
        """The values, then the size, as little-endian uint32 (BYTES bytes)."""
        size = min(self.size, _SIZE_LIMIT).to_bytes(4, "little")
        return self.values.astype("<u4").tobytes() + size

    @classmethod
    def from_bytes(cls, raw: bytes) -> Signature:
        """Read `to_bytes()`'s form; raises SignatureError for any other length."""
        if len(raw) != cls.BYTES:
            raise SignatureError(f"a signature holds {cls.BYTES} bytes, not {len(raw)}")
        values = np.frombuffer(raw[:-4], dtype="<u4").astype(np.uint32)
        return cls(values, int.from_bytes(raw[-4:], "little"))

    def encode(self) -> str:
        """Compact text form, as documents carry it: base64 of `to_bytes()`."""
        return base64.b64encode(self.to_bytes()).decode("ascii")

    @classmethod
    def decode(cls, text: str) -> Signature:
        """Read `encode()`'s form; raises SignatureError for anything else."""
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as error:  # ValueError: non-ASCII text
            raise SignatureError(f"a signature is base64 text: {error}") from None
        return cls.from_bytes(raw)


def containment(jaccard: float | np.ndarray, size: int | np.ndarray,
                other_size: int | np.ndarray) -> float | np.ndarray:
    """The share of the smaller set that the larger holds, from their Jaccard similarity
    and sizes: |A & B| = J (|A| + |B|) / (1 + J). Jaccard itself when a size is unknown (0)
    or when J is below MIN_JACCARD, where one chance agreement among NUM_PERM values would
    make a short body "contained" in a long one. Works on numpy arrays too
    (bench/duplicates.py compares all pairs at once)."""
    smaller = np.minimum(size, other_size)
    shared = jaccard * np.add(size, other_size) / (1 + np.asarray(jaccard))
    estimable = (smaller > 0) & (np.asarray(jaccard) >= MIN_JACCARD)
    return np.where(estimable, np.minimum(1.0, shared / np.maximum(smaller, 1)), jaccard)


def signature(text: str) -> Signature:
    """MinHash of the body's SHINGLE-word shingles (fewer words: one shingle of all)."""
    words = TOKEN.findall(text.lower())
    if not words:
        return Signature(_EMPTY.copy())
    hashes = np.fromiter((zlib.crc32(word.encode()) for word in words), dtype=np.uint64,
                         count=len(words))
    shingles = np.unique(_shingle_hashes(hashes))
    lowest = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, shingles.size, _CHUNK):  # a long body stays within a few MB
        part = shingles[None, start:start + _CHUNK]
        np.minimum(lowest, (_A[:, None] * part + _B[:, None]).min(axis=1), out=lowest)
    return Signature((lowest >> np.uint64(32)).astype(np.uint32), int(shingles.size))


def _shingle_hashes(words: np.ndarray) -> np.ndarray:
    """One well-mixed 64-bit hash per run of SHINGLE word hashes (arithmetic mod 2**64)."""
    count = max(1, words.size - SHINGLE + 1)
    mixed = np.zeros(count, dtype=np.uint64)
    for position in range(min(SHINGLE, words.size)):
        mixed += words[position:position + count] * _POSITION[position]
    # murmur3's 64-bit finaliser: every input bit reaches the high bits the ranking reads
    mixed ^= mixed >> np.uint64(33)
    mixed *= np.uint64(0xFF51AFD7ED558CCD)
    mixed ^= mixed >> np.uint64(33)
    mixed *= np.uint64(0xC4CEB9FE1A85EC53)
    mixed ^= mixed >> np.uint64(33)
    return mixed


@dataclass(frozen=True, slots=True)
class Match:
    """The earlier document a new one nearly repeats."""

    duplicate_of: str
    similarity: float


def duplicate_fields(match: Match | None) -> dict[str, str | float | None]:
    """A document's `duplicate_of` and `similarity` for a match (nulls for an original),
    as the library and the service both write them."""
    if match is None:
        return {"duplicate_of": None, "similarity": None}
    return {"duplicate_of": match.duplicate_of, "similarity": round(match.similarity, 4)}


class SignatureStore(Protocol):
    """Where an index keeps its buckets and signatures (memory here, Redis in workers/)."""

    def candidates(self, band_keys: list[str]) -> Iterable[tuple[str, Signature]]: ...

    def add(self, doc_id: str, sig: Signature, band_keys: list[str]) -> None: ...


def best_match(doc_id: str, sig: Signature, candidates: Iterable[tuple[str, Signature]],
               threshold: float) -> Match | None:
    """The most similar candidate at or above the threshold, never the document itself
    (a redelivered job finds its own signature). Ties go to the earliest-listed id."""
    best: Match | None = None
    for other_id, other in candidates:
        if other_id == doc_id:
            continue
        similarity = sig.similarity(other)
        if similarity >= threshold and (best is None or similarity > best.similarity):
            best = Match(other_id, similarity)
    return best


def find_duplicate(doc_id: str, sig: Signature, store: SignatureStore,
                   threshold: float = DEFAULT_THRESHOLD) -> Match | None:
    """Look the document up, then add it: later near-copies point at it."""
    keys = sig.band_keys()
    match = best_match(doc_id, sig, store.candidates(keys), threshold)
    store.add(doc_id, sig, keys)
    return match


def mark_duplicate(doc_id: str, document: CleanedDocument, store: SignatureStore,
                   threshold: float = DEFAULT_THRESHOLD) -> CleanedDocument:
    """The document with `duplicate_of` and `similarity` set when it nearly repeats an
    earlier one in the store (it is added either way); never dropped."""
    match = find_duplicate(doc_id, Signature.decode(document.minhash), store, threshold)
    return document if match is None else document.model_copy(update=duplicate_fields(match))


@dataclass
class MemoryIndex:
    """An in-process SignatureStore, for a local batch (`cleaner clean DIR --dedup`)."""

    buckets: dict[str, list[str]] = field(default_factory=dict)
    signatures: dict[str, Signature] = field(default_factory=dict)

    def candidates(self, band_keys: list[str]) -> Iterable[tuple[str, Signature]]:
        seen: set[str] = set()
        for key in band_keys:
            for doc_id in self.buckets.get(key, ()):
                if doc_id not in seen:
                    seen.add(doc_id)
                    yield doc_id, self.signatures[doc_id]

    def add(self, doc_id: str, sig: Signature, band_keys: list[str]) -> None:
        if doc_id in self.signatures:
            return
        self.signatures[doc_id] = sig
        for key in band_keys:
            self.buckets.setdefault(key, []).append(doc_id)
