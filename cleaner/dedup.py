"""Near-duplicate detection: a MinHash signature of the cleaned body, and the index logic
that turns signatures into `duplicate_of` links.

The signature is computed from the body's words as `score.py` counts them (lower-cased,
one token per character in unspaced scripts), so a page cleaned as HTML and its text dump
give nearly the same signature. Band keys (LSH) find candidates; the estimated Jaccard
similarity of the word shingles decides.

The library keeps an in-memory index (`MemoryIndex`, for `cleaner clean --dedup`); the
service keeps the same buckets in Redis (workers/). Both run `find_duplicate`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from cleaner.vocab.script import TOKEN

if TYPE_CHECKING:  # models imports this module's constants for its field descriptions
    from cleaner.models import CleanedDocument

NUM_PERM = 128
BANDS = 32  # BANDS * ROWS == NUM_PERM; 32 x 4 finds pairs of similarity 0.5 with p ~ 0.87
ROWS = NUM_PERM // BANDS
SHINGLE = 3  # words per shingle
DEFAULT_THRESHOLD = 0.5

_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20261206)  # fixed: signatures must agree across processes and releases
_A = _rng.integers(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """MinHash values of a body's word shingles (uint32[NUM_PERM])."""

    values: np.ndarray

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two bodies' shingle sets."""
        return float(np.mean(self.values == other.values))

    def band_keys(self) -> list[str]:
        """One key per LSH band: equal keys in some band make two documents candidates."""
        bands = self.values.reshape(BANDS, ROWS)
        return [f"{i:02d}{hashlib.blake2b(band.tobytes(), digest_size=8).hexdigest()}"
                for i, band in enumerate(bands)]

    def encode(self) -> str:
        """Compact text form, as documents carry it (base64 of little-endian uint32)."""
        return base64.b64encode(self.values.astype("<u4").tobytes()).decode("ascii")

    @classmethod
    def decode(cls, text: str) -> Signature:
        values = np.frombuffer(base64.b64decode(text), dtype="<u4")
        if values.size != NUM_PERM:
            raise ValueError(f"a signature holds {NUM_PERM} values, not {values.size}")
        return cls(values.astype(np.uint32))


def signature(text: str) -> Signature:
    """MinHash of the body's SHINGLE-word shingles (fewer words: one shingle of all)."""
    words = TOKEN.findall(text.lower())
    if not words:
        return Signature(_EMPTY.copy())
    n = max(1, len(words) - SHINGLE + 1)
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(n)}
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little")
         for s in shingles),
        dtype=np.uint64, count=len(shingles))
    permuted = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return Signature((permuted.min(axis=0) & np.uint64(0xFFFFFFFF)).astype(np.uint32))


@dataclass(frozen=True, slots=True)
class Match:
    """The earlier document a new one nearly repeats."""

    duplicate_of: str
    similarity: float


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
    if match is None:
        return document
    return document.model_copy(
        update={"duplicate_of": match.duplicate_of, "similarity": round(match.similarity, 4)})


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
