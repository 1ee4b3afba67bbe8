"""Language of the body, as an ISO 639-1 code, detected with py3langid.

Detection runs on the body, not the page: menus and footers are often in
English on pages that are not.
"""

from __future__ import annotations

import functools

import numpy as np
import py3langid
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# A page's worth of prose decides as well as the whole article and keeps the cost
# flat on long pages. The cost is linear in the sample (py3langid walks it byte by
# byte, then gathers a model row per n-gram): 1500 characters give the same answer
# as 3000 on every page of text-wcxb-dev, text-aeb and the seeds; 1000 flip 3 of 1478.
SAMPLE_CHARS = 1500
# Under this many letters a guess is noise; fall back to what the page declared.
MIN_LETTERS = 20


def detect_language(body: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of `body`, or the page's declared language when the body is too short."""
    sample = body[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:  # map: no Python frame per character
        return _normalise(declared)
    code, _score = _identifier().classify(sample)
    # The model also answers ISO 639-3 codes ("bcl") and "zxx" (no linguistic content),
    # which are not what the field promises: those fall back like a too-short body.
    return str(code) if _is_iso639_1(str(code)) else _normalise(declared)


def _normalise(declared: str | None) -> str | None:
    if not declared:
        return None
    code = declared.strip().lower().replace("_", "-").split("-")[0]
    return code if _is_iso639_1(code) else None


def _is_iso639_1(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha()


# ------------------------------------------------- n-gram counting, vectorised


class _WindowedIdentifier(LanguageIdentifier):  # type: ignore[misc]  # untyped library
    """py3langid's own model and scoring, with its n-gram counting done by numpy.

    py3langid finds its byte n-grams with a DFA (an Aho-Corasick automaton) walked
    one byte at a time in a Python loop: most of the cost of detection. In such an
    automaton the state after byte i is the node of the longest suffix of the text
    that is an n-gram prefix, so it depends on the last `depth` bytes only (`depth`:
    the longest path from the start state). Walking every position's last `depth`
    bytes from the start state at once gives the same states in `depth` array steps.
    The counts come out in py3langid's order (first occurrence), so the scores are
    bit-identical; `tests/cleaner/stages/test_language.py` checks both against it.
    The model's rows are float16; numpy widens the rows a page gathers one value at a
    time, so they are widened through a 65,536-entry table instead (the same exact
    float32 values). With the counts kept as arrays, detection runs 18% fewer instructions.
    """

    __slots__ = ("_depth", "_next", "_outputs", "_row_bits", "_row_start", "_widened")

    @classmethod
    def load(cls) -> _WindowedIdentifier:
        identifier: _WindowedIdentifier = cls.from_model_file(MODEL_FILE)
        identifier._next = np.asarray(identifier.tk_nextmove)
        identifier._row_start = np.asarray(identifier._rowbase, dtype=np.intp)
        identifier._outputs = np.asarray(identifier.tk_output, dtype=np.intp)
        identifier._depth = _automaton_depth(identifier._next, identifier._row_start)
        if identifier.nb_ptc.dtype == np.float16:  # a view: no copy of the 28 MB table
            identifier._row_bits = identifier.nb_ptc.view(np.uint16)
            every_half = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
            identifier._widened = every_half.astype(np.float32)
        else:
            identifier._row_bits, identifier._widened = identifier.nb_ptc, None
        return identifier

    def _raw_score(self, text: bytes) -> np.ndarray:
        features, counts = self.ngram_counts(text)
        if not len(features):  # featureless: py3langid's own answer for that case
            return np.asarray(super()._raw_score(text))
        rows = self._row_bits[features]
        if self._widened is not None:
            rows = self._widened[rows]
        # py3langid's `_sparse_score`, on the same arrays it would build from a dict.
        return np.log1p(counts.astype(np.float32)) @ rows + self.nb_pc

    def ngram_counts(self, text: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(n-gram features, their counts) in first-seen order, exactly as py3langid's
        DFA walk counts them."""
        data = np.frombuffer(text, dtype=np.uint8).astype(np.intp)
        states = np.zeros(len(data), dtype=np.intp)
        # Position i reads bytes i-lag for lag = depth-1 .. 0; positions before the
        # text's start have nothing to read there and stay in the start state.
        for lag in range(min(self._depth, len(data)) - 1, -1, -1):
            tail = states[lag:]
            states[lag:] = self._next[self._row_start[tail] + data[: len(data) - lag]]
        features = self._outputs[states]
        features = features[features >= 0]
        found, first, counts = np.unique(features, return_index=True, return_counts=True)
        order = np.argsort(first)
        return found[order], counts[order]


def _automaton_depth(next_state: np.ndarray, row_start: np.ndarray) -> int:
    """Length of the longest shortest path from the start state, breadth first.

    States share transition rows (py3langid stores each distinct row once), so each
    row is expanded once: about as much work as reading the table through.
    """
    table = next_state.reshape(-1, 256)
    row_of = row_start >> 8
    seen = np.zeros(len(row_start), dtype=bool)
    expanded = np.zeros(len(table), dtype=bool)
    seen[0] = True
    frontier = np.array([0], dtype=np.intp)
    depth = 0
    while True:
        rows = np.unique(row_of[frontier])
        rows = rows[~expanded[rows]]
        expanded[rows] = True
        reached = np.zeros(len(row_start), dtype=bool)
        reached[table[rows].ravel()] = True
        frontier = np.flatnonzero(reached & ~seen)
        if not len(frontier):
            return depth
        seen[frontier] = True
        depth += 1


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The vectorised identifier, or py3langid's own if its internals are not the ones
    this was written against (py3langid 0.4): then detection is only slower."""
    try:
        return _WindowedIdentifier.load()
    except (AttributeError, TypeError, ValueError):
        return py3langid.langid._get_identifier()
