"""Near-duplicate detection (cleaner/dedup.py) measured on the shared benchmarks.

    python bench/duplicates.py ../shared/data [--limit N] [--sweep] [--compare-datasketch]

Every page of aeb, wcxb-dev and dragnet is cleaned in three forms: its HTML, its text dump
(`text-<set>/text/<id>.txt`) and a Markdown render of its HTML (html2text, as
bench/markdown_dumps.py makes it: a different template for the same article). The forms of
one page are true pairs (html-text, html-markdown, text-markdown); documents of two
different pages are distinct pairs. Pairs whose either side is rejected (no body, so no
signature) are left out and counted.

Printed, one figure a line:

- `recall`: true pairs the index links (similarity >= threshold and a shared LSH band,
  which is what `find_duplicate` needs), also per pair kind, and by similarity alone;
- `false-pair rate`: distinct pairs the index would link / all distinct pairs, from
  all-pairs similarity on the signature matrix (numpy, every pair compared, not only the
  LSH buckets' candidates), and the same by similarity alone;
- `LSH candidate recall`: of the true pairs at or above the threshold, those sharing a band;
- the same recall and false-pair rate with Jaccard in place of containment;
- `ms per document`: `signature()` on the cleaned bodies, beside `clean()`'s own time per
  document (measured when the bodies were cleaned, signature included);
- `Redis job: ...`: these documents' signatures indexed, in order, by the index the workers
  run (`workers.dedup.RedisIndex`) on an embedded Redis (`bench/dedup_redis.on_documents`):
  requests and bytes sent per job, Redis's and the worker's time per job, and Redis
  memory per document at that index size (`--no-redis` skips it; bench/dedup_redis.py
  measures larger indexes).

`--sweep` prints threshold -> recall, false-pair rate; `--compare-datasketch` times
datasketch's MinHash on the same shingles (if installed; not a dependency). Cleaned bodies
are cached in --cache (default /work/cache/dedup) per set and form, so a re-run only hashes
(~40 s); `--limit N` takes the first N pages of each set for quick iterations.

Measured (full run, 3,050 pages, 9,098 documents, 9,081 true and 41,373,172 distinct pairs;
the constants were tuned on these same pages, so the figures are in-sample):

    threshold 0.3 (default): recall 0.972 (html-text 0.971, html-markdown 0.960,
    text-markdown 0.986), false-pair rate 0.000050; by similarity alone 0.978 / 0.000059

    containment  0.30 0.972/0.000050  0.40 0.969/0.000040  0.50 0.964/0.000032
                 0.60 0.956/0.000025  0.70 0.944/0.000018  0.80 0.915/0.000013
    Jaccard      0.30 0.931/0.000022  0.50 0.860/0.000010  0.70 0.739/0.000005

    LSH (128 values, containment >= 0.3, candidates needed):  32 x 4 recall 0.903,
    42 x 3 0.944, 64 x 2 0.970; candidates among distinct pairs 0.000019, 0.000032, 0.000101
    (each candidate is one signature read); 256 values in 128 x 2: 0.974 for twice the bytes
    shingles of 2 words: 8,000 candidates per million distinct pairs (3 words: 100)

    speed: signature() 0.61-1.17 ms per document on this loaded 2-core machine, 0.7-1.4% of
    clean(); datasketch's MinHash on the same shingles 1.9-2.7x as long, the first numpy
    version (blake2b per shingle, modulo a prime) 1.9x

About 2% of true pairs cannot be found by any text similarity: one of the two extractions
kept the wrong part of the page (a sidebar, a comment thread, a menu): exact containment
below 0.3 for 1.9% of them, below 0.1 for 1.2%.
The false pairs are mostly real copies among the cleaned bodies of different pages: pages of
one blog whose extraction kept the same template text (dragnet R874-R880, R225-R227).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import markdown_dumps
from dedup_redis import on_documents

from cleaner.api import clean, warm_up
from cleaner.bench import dataset_files, page_id, read_page
from cleaner.dedup import (
    BANDS,
    DEFAULT_THRESHOLD,
    NUM_PERM,
    ROWS,
    SHINGLE,
    Signature,
    containment,
    signature,
)
from cleaner.models import CleanedDocument
from cleaner.options import DEFAULT_OPTIONS
from cleaner.threads import use_one_blas_thread
from cleaner.vocab.script import TOKEN

SETS = ("aeb", "wcxb-dev", "dragnet")
FORMS = ("html", "text", "markdown")
PAIR_KINDS = (("html", "text"), ("html", "markdown"), ("text", "markdown"))
OPTIONS = replace(DEFAULT_OPTIONS, include_removed=False)
SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)
ROW_CHUNK = 48  # rows of the signature matrix compared at once (memory: chunk x n x NUM_PERM)


@dataclass(frozen=True, slots=True)
class Body:
    """One cleaned form of one page (text None: rejected)."""

    page: str  # "<set>/<id>"
    form: str
    text: str | None
    seconds: float  # clean()'s time for it


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    ap.add_argument("--cache", type=Path, default=Path("/work/cache/dedup"))
    ap.add_argument("--jobs", type=int, default=2, help="cleaning processes (default 2)")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--no-redis", action="store_true",
                    help="skip indexing the documents in an embedded Redis")
    ap.add_argument("--sweep", action="store_true", help="also print threshold -> figures")
    ap.add_argument("--compare-datasketch", action="store_true",
                    help="also time datasketch's MinHash on the same shingles (if installed)")
    args = ap.parse_args(argv)
    bodies = [body for name in SETS
              for body in cached_bodies(args.data, name, args.limit, args.cache, args.jobs)]
    kept = [b for b in bodies if b.text is not None]
    started = time.perf_counter()
    computed = [signature(b.text or "") for b in kept]
    signature_ms = (time.perf_counter() - started) * 1000 / len(kept)
    report(args, bodies, kept, computed, signature_ms)
    if args.compare_datasketch:
        compare_datasketch([b.text or "" for b in kept])
    return 0


def compare_datasketch(texts: list[str]) -> None:
    """signature() against datasketch.MinHash (same shingles, NUM_PERM), interleaved."""
    from datasketch import MinHash  # noqa: PLC0415 - optional: not a dependency

    def with_datasketch(text: str) -> None:
        words = TOKEN.findall(text.lower())
        shingles = {" ".join(words[i:i + SHINGLE])
                    for i in range(max(1, len(words) - SHINGLE + 1))}
        MinHash(num_perm=NUM_PERM).update_batch([s.encode() for s in shingles])

    seconds = {"signature()": 0.0, "datasketch": 0.0}
    for _round in range(2):  # interleaved: the machine's load falls on both alike
        for name, run in (("signature()", signature), ("datasketch", with_datasketch)):
            started = time.perf_counter()
            for text in texts:
                run(text)
            seconds[name] += time.perf_counter() - started
    ours, theirs = seconds["signature()"], seconds["datasketch"]
    print(f"ms per document signature() {500 * ours / len(texts):.2f}, datasketch "
          f"{500 * theirs / len(texts):.2f} (datasketch takes {theirs / ours:.2f}x)")


@dataclass(frozen=True, slots=True)
class Pairs:
    """Pairs of documents (indices into the kept bodies) with what the index would see."""

    first: np.ndarray
    second: np.ndarray
    jaccard: np.ndarray  # estimated
    similarity: np.ndarray  # estimated containment, what find_duplicate compares
    band: np.ndarray  # share an LSH band: candidates of each other

    def linked(self, threshold: float, *, jaccard: bool = False) -> np.ndarray:
        similar = (self.jaccard if jaccard else self.similarity) >= threshold
        linked: np.ndarray = similar & self.band
        return linked


def report(args: argparse.Namespace, bodies: list[Body], kept: list[Body],
           computed: list[Signature], signature_ms: float) -> None:
    t = args.threshold
    sigs = np.stack([s.values for s in computed])
    bands = np.array([s.band_keys() for s in computed])  # the library's LSH keys, once
    sizes = np.array([s.size for s in computed])
    pages = np.array([b.page for b in kept])
    first, second, kinds = true_pairs(pages, np.array([b.form for b in kept]))
    true = pair_figures(sigs, bands, sizes, first, second)
    close_first, close_second = close_distinct_pairs(sigs, sizes, pages, min(*SWEEP, t))
    close = pair_figures(sigs, bands, sizes, close_first, close_second)
    distinct = distinct_pair_count(pages)
    print(f"pages {len({b.page for b in bodies})} ({', '.join(SETS)}), documents {len(kept)} "
          f"of {len(bodies)} cleaned forms ({len(bodies) - len(kept)} rejected: no pairs)")
    print(f"constants NUM_PERM {NUM_PERM} BANDS {BANDS} ROWS {ROWS} SHINGLE {SHINGLE} "
          f"threshold {t}")
    print(f"true pairs {len(first)}, distinct pairs {distinct}")
    found = true.linked(t)
    print(f"recall {found.mean():.4f}")
    for kind in ("-".join(k) for k in PAIR_KINDS):
        print(f"recall {kind} {found[kinds == kind].mean():.4f} ({(kinds == kind).sum()} pairs)")
    over = true.similarity >= t
    print(f"recall by similarity alone {over.mean():.4f}")
    print(f"LSH candidate recall {true.band[over].mean():.4f} (of the true pairs at or above "
          "the threshold, those sharing a band)")
    flagged = close.linked(t)
    print(f"false-pair rate {flagged.sum() / distinct:.6f} ({flagged.sum()} pairs linked)")
    alone = close.similarity >= t
    print(f"false-pair rate by similarity alone {alone.sum() / distinct:.6f} ({alone.sum()})")
    print(f"with Jaccard instead of containment: recall {true.linked(t, jaccard=True).mean():.4f}"
          f", false-pair rate {close.linked(t, jaccard=True).sum() / distinct:.6f}")
    clean_ms = 1000 * sum(b.seconds for b in bodies) / len(bodies)
    print(f"ms per document {signature_ms:.2f} (signature(); clean() takes {clean_ms:.1f} "
          f"with it, {100 * signature_ms / clean_ms:.1f}%)")
    if not args.no_redis:  # the service's index, on a real Redis, fed these documents
        for line in on_documents(computed):
            print(f"Redis {line}")
    if args.sweep:
        sweep(true, close, distinct)
    worst(kept, true, close, t)


def pair_figures(sigs: np.ndarray, bands: np.ndarray, sizes: np.ndarray, first: np.ndarray,
                 second: np.ndarray) -> Pairs:
    """`bands`: each document's band keys (equal keys: a shared LSH bucket)."""
    jaccard = (sigs[first] == sigs[second]).mean(axis=1)
    similarity = np.asarray(containment(jaccard, sizes[first], sizes[second]))
    return Pairs(first, second, jaccard, similarity, (bands[first] == bands[second]).any(axis=1))


def sweep(true: Pairs, close: Pairs, distinct: int) -> None:
    print("threshold  recall  false-pair rate (pairs)  | Jaccard: recall  false-pair rate")
    for t in SWEEP:
        false, false_j = close.linked(t).sum(), close.linked(t, jaccard=True).sum()
        print(f"  {t:.2f}     {true.linked(t).mean():.4f}  {false / distinct:.6f} ({false})"
              f"  | {true.linked(t, jaccard=True).mean():.4f}  {false_j / distinct:.6f}")


def worst(kept: list[Body], true: Pairs, close: Pairs, threshold: float, shown: int = 8) -> None:
    """The pairs behind the misses and the false pairs, to read (stderr)."""
    for n in np.argsort(true.similarity)[:shown]:
        a, b = kept[true.first[n]], kept[true.second[n]]
        print(f"missed {a.page} {a.form}/{b.form} {true.similarity[n]:.3f} "
              f"words {len((a.text or '').split())}/{len((b.text or '').split())}",
              file=sys.stderr)
    linked = close.linked(threshold)
    for n in np.argsort(-close.similarity)[:shown]:
        if not linked[n]:
            continue
        a, b = kept[close.first[n]], kept[close.second[n]]
        print(f"false {a.page} {a.form} ~ {b.page} {b.form} {close.similarity[n]:.3f}: "
              f"{(a.text or '')[:60]!r} / {(b.text or '')[:60]!r}", file=sys.stderr)


# ------------------------------------------------------------------ pairs


def true_pairs(pages: np.ndarray, forms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    index = {(p, f): n for n, (p, f) in enumerate(zip(pages, forms, strict=True))}
    first, second, kinds = [], [], []
    for page in dict.fromkeys(pages):
        for a, b in PAIR_KINDS:
            if (page, a) in index and (page, b) in index:
                first.append(index[page, a])
                second.append(index[page, b])
                kinds.append(f"{a}-{b}")
    return np.array(first, dtype=int), np.array(second, dtype=int), np.array(kinds)


def distinct_pair_count(pages: np.ndarray) -> int:
    _, counts = np.unique(pages, return_counts=True)
    n = len(pages)
    return n * (n - 1) // 2 - int((counts * (counts - 1) // 2).sum())


def close_distinct_pairs(sigs: np.ndarray, sizes: np.ndarray, pages: np.ndarray,
                         floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of documents of different pages with similarity >= floor (all pairs,
    compared on the signature matrix; Jaccard <= containment, so these hold every pair
    whose Jaccard is >= floor too)."""
    _, page_ids = np.unique(pages, return_inverse=True)
    found_i, found_j = [], []
    for start in range(0, len(sigs), ROW_CHUNK):
        block = sigs[start:start + ROW_CHUNK]
        equal = np.zeros((len(block), len(sigs)), dtype=np.uint16)
        for k in range(NUM_PERM):  # one column at a time: chunk x n, not chunk x n x perms
            equal += block[:, k, None] == sigs[None, :, k]
        rows = np.arange(start, start + len(block))[:, None]
        upper = (np.arange(len(sigs))[None, :] > rows)
        different = page_ids[rows] != page_ids[None, :]
        similar = containment(equal / NUM_PERM, sizes[rows], sizes[None, :])
        i, j = np.nonzero((similar >= floor) & upper & different)
        found_i.append(i + start)
        found_j.append(j)
    return np.concatenate(found_i), np.concatenate(found_j)


# ------------------------------------------------------------------ cleaning, cached


def cached_bodies(data: Path, name: str, limit: int | None, cache: Path,
                  jobs: int) -> list[Body]:
    """The three forms of the set's first `limit` pages, cleaned once and cached."""
    ids = [page_id(path) for path in dataset_files(data / name)][:limit]
    bodies = []
    for form in FORMS:
        file = cache / name / f"{form}.jsonl"
        known = load_cache(file)
        missing = [i for i in ids if i not in known]
        if missing:
            print(f"cleaning {len(missing)} {name} pages as {form} ...", file=sys.stderr)
            file.parent.mkdir(parents=True, exist_ok=True)
            with file.open("a", encoding="utf-8") as out:
                for doc_id, text, seconds in clean_forms(data, name, form, missing, jobs):
                    known[doc_id] = (text, seconds)
                    out.write(json.dumps({"id": doc_id, "text": text, "seconds": seconds},
                                         ensure_ascii=False) + "\n")
        bodies += [Body(f"{name}/{i}", form, *known[i]) for i in ids]
    return bodies


def load_cache(file: Path) -> dict[str, tuple[str | None, float]]:
    if not file.exists():
        return {}
    # split on \n only: a body may hold U+2028, which splitlines() also breaks on
    lines = (json.loads(line) for line in file.read_text("utf-8").split("\n") if line)
    return {r["id"]: (r["text"], r["seconds"]) for r in lines}


def clean_forms(data: Path, name: str, form: str, ids: list[str],
                jobs: int) -> Iterator[tuple[str, str | None, float]]:
    tasks = [(data, name, form, i) for i in ids]
    warm_up(OPTIONS)
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork"),
                             initializer=use_one_blas_thread) as pool:
        yield from pool.map(clean_one, tasks, chunksize=8)


def clean_one(task: tuple[Path, str, str, str]) -> tuple[str, str | None, float]:
    data, name, form, doc_id = task
    if form == "text":
        raw = (data / f"text-{name}" / "text" / f"{doc_id}.txt").read_bytes()
    else:
        raw = read_page(data / name / "html" / f"{doc_id}.html.gz").raw
        if form == "markdown":
            raw = markdown_dumps.render(raw.decode("utf-8", "replace")).encode()
    options = replace(OPTIONS, mode="html" if form == "html" else "text")
    started = time.perf_counter()
    result = clean(raw, options=options)
    seconds = time.perf_counter() - started
    return doc_id, result.text if isinstance(result, CleanedDocument) else None, seconds


if __name__ == "__main__":
    sys.exit(main())
