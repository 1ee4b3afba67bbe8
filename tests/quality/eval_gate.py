"""Extraction-quality gate: score `cleaner.clean` on fixtures/quality/ against pinned floors.

    python -m tests.quality.eval_gate            print the figures next to baseline.json
    python -m tests.quality.eval_gate --update   raise floors to today's figures (never lowers)

fixtures/quality/<dataset>/ holds a fixed subset of the shared benchmarks in their own layout
(html/*.html.gz or text/*.txt, ground-truth.json), so `cleaner bench` and score.py read it too.
baseline.json pins, per dataset, a floor for every higher-is-better metric and a ceiling for
`without` (each SLACK on the safe side of the figure measured), plus a digest of the corpus.
`--update` only ever moves a bound the good way: lowering a floor means editing
baseline.json by hand, in a reviewed diff. When the corpus itself changed (new digest),
`--update` re-measures every bound from scratch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from cleaner import clean
from cleaner.bench import iter_pages, prediction
from tests.quality.metrics import PageScore, Truth, score_page, summarize

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "fixtures" / "quality"
BASELINE = Path(__file__).with_name("baseline.json")
DATASETS = ("aeb", "text-aeb", "wcxb-dev", "text-wcxb-dev")
FLOOR_METRICS = ("shingle_f1", "word_f1", "with", "title", "author", "date")
CEILING_METRICS = ("without",)
BY_TYPE_METRIC = "word_f1"  # also pinned per page type, where a dataset has several
DECIMALS = 3  # bounds are rounded (down for floors, up for ceilings) to this many places
# Bounds sit this far on the safe side of the measured figure, so trading one page for another
# does not fail CI while a real drop does. Per-type figures average 5-10 pages, where one page
# moving by 0.3 moves the mean by 0.03-0.06: more slack.
SLACK = 0.01
TYPE_SLACK = 0.06

Figures = dict[str, float]
NOTE = (
    "Bounds per dataset: floors, except `without`, a ceiling. Raise them with "
    "`python -m tests.quality.eval_gate --update`; lower one only by editing this file."
)


def corpus_digest(root: Path = CORPUS) -> str:
    """sha256 over every corpus file's relative path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()


def load_truth(dataset: Path) -> dict[str, Truth]:
    records = json.loads((dataset / "ground-truth.json").read_text("utf-8"))
    return {
        pid: Truth(
            body=rec.get("articleBody"),
            type=rec.get("type", "article"),
            title=rec.get("title"),
            author=rec.get("author"),
            date=rec.get("date"),
            with_=tuple(rec.get("with", ())),
            without=tuple(rec.get("without", ())),
        )
        for pid, rec in records.items()
    }


@cache
def measure(name: str) -> Figures:
    """Figures for one dataset: score.py's summary plus word F1 per page type."""
    dataset = CORPUS / name
    truth = load_truth(dataset)
    scores: list[PageScore] = []
    for page in iter_pages(dataset):
        scores.append(score_page(truth[page.id], prediction(page.id, clean(page.raw))))
    figures = _present(summarize(scores), (*FLOOR_METRICS, *CEILING_METRICS))
    types = sorted({s.type for s in scores})
    if len(types) > 1:
        for page_type in types:
            of_type = summarize([s for s in scores if s.type == page_type])
            figures.update(_present(of_type, (BY_TYPE_METRIC,), suffix=f"/{page_type}"))
    return figures


def _present(summary: dict[str, float | None], keys: tuple[str, ...], suffix: str = "") -> Figures:
    return {key + suffix: value for key in keys if (value := summary.get(key)) is not None}


def is_ceiling(metric: str) -> bool:
    return metric.split("/", maxsplit=1)[0] in CEILING_METRICS


def bound(metric: str, value: float) -> float:
    """The bound pinned for a measured figure: slack on the safe side, rounded, within [0, 1]."""
    scale: int = 10**DECIMALS
    slack = TYPE_SLACK if "/" in metric else SLACK
    if is_ceiling(metric):
        return min(1.0, math.ceil(round((value + slack) * scale, 6)) / scale)
    return max(0.0, math.floor(round((value - slack) * scale, 6)) / scale)


def shortfalls(measured: Figures, bounds: Figures) -> list[str]:
    """One line per metric on the wrong side of its pinned bound (or no longer measured)."""
    problems = []
    for metric, pinned in sorted(bounds.items()):
        value = measured.get(metric)
        if value is None:
            problems.append(f"{metric}: pinned at {pinned} but no longer measured")
        elif is_ceiling(metric) and value > pinned:
            problems.append(f"{metric}: {value:.4f} is above its ceiling {pinned}")
        elif not is_ceiling(metric) and value < pinned:
            problems.append(f"{metric}: {value:.4f} is below its floor {pinned}")
    return problems


def ratchet(old: Figures, measured: Figures) -> Figures:
    """New bounds: today's figures where better than the pinned ones, the pinned ones otherwise."""
    new = {}
    for metric, value in measured.items():
        fresh = bound(metric, value)
        if metric in old:
            pick = min if is_ceiling(metric) else max
            fresh = pick(old[metric], fresh)
        new[metric] = fresh
    return new


def load_baseline() -> dict[str, Any]:
    return dict(json.loads(BASELINE.read_text("utf-8")))


def updated_baseline(baseline: dict[str, Any], digest: str) -> dict[str, Any]:
    same_corpus = baseline.get("corpus_digest") == digest
    old_bounds = baseline.get("bounds", {}) if same_corpus else {}
    return {
        "note": NOTE,
        "corpus_digest": digest,
        "bounds": {name: ratchet(old_bounds.get(name, {}), measure(name)) for name in DATASETS},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="raise bounds in baseline.json")
    args = parser.parse_args(argv)
    baseline = load_baseline() if BASELINE.is_file() else {}
    digest = corpus_digest()
    if args.update:
        baseline = updated_baseline(baseline, digest)
        BASELINE.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {BASELINE.relative_to(REPO)}: review the diff")
    failed = baseline.get("corpus_digest") != digest
    if failed:
        print("corpus digest differs from baseline.json: run with --update and review")
    for name in DATASETS:
        measured = measure(name)
        print(f"{name:<14} " + "  ".join(f"{k} {v:.3f}" for k, v in measured.items()))
        for problem in shortfalls(measured, baseline.get("bounds", {}).get(name, {})):
            failed = True
            print(f"  FAIL {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
