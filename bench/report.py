"""Write docs/quality.md: our scores on the four benchmark datasets, per page type,
next to the published baselines. One command, every figure from `cleaner bench` and
the shared scorer:

    python bench/report.py --shared ../shared [--out docs/quality.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

DATASETS = ("aeb", "wcxb-dev", "text-aeb", "text-wcxb-dev")

# Measured by the project on this machine class (issue "Extraction quality"), kept as
# quoted reference rows: aeb shingle F1, wcxb-dev word F1, wcxb-dev title / author / date.
BASELINES = [
    ("trafilatura 2.3.1 (default / include_comments=False)", "0.953 / 0.960",
     "0.818 / 0.823", "0.597 / 0.679 / 0.830"),
    ("rs-trafilatura 0.2.2 (trafipy; no metadata)", "0.956", "0.847", "-"),
    ("readability-lxml 0.9", "0.954", "0.703", "0.337 / 0.311 / -"),
    ("newspaper4k 0.9.6", "0.943", "0.700", "0.682 / 0.555 / 0.692"),
    ("best published on aeb (rs-trafilatura + fallbacks; a commercial API)", "0.970",
     "0.859", ""),
]
# The cleaning library's acceptance floors (issue #2): (dataset, metric) -> floor.
TARGETS = {("aeb", "shingle_f1"): 0.958, ("wcxb-dev", "word_f1"): 0.80,
           ("wcxb-dev", "title"): 0.85, ("wcxb-dev", "date"): 0.75,
           ("text-aeb", "word_f1"): 0.88, ("text-wcxb-dev", "word_f1"): 0.76}
NOTES = [
    "Where we stop short of a floor or of the best published figures, and what was tried "
    "(details in the issue notes):",
    "- aeb shingle F1: trafilatura's fast cascade + resiliparse, escalation to the full "
    "cascade, promotion detectors (share, newsletter, donation, related, bio) inside the "
    "article; other detector kinds misfire on prose (-0.004). The learned DOM block model "
    "alone scores 0.884 here (it keeps teasers and comments on news pages), so it stays off "
    "pages that declare an article or carry a date.",
    "- wcxb-dev word F1 and per type: the learned DOM model (domain-CV 0.836 alone; used on "
    "undated non-article pages when sure) lifted documentation, listing, service and "
    "collection; they remain 0.01-0.03 under rs-trafilatura, as do product and forum.",
    "- Title: 97.9% of pages have a candidate (an <h1>, a <title> segment, og/JSON-LD) that "
    "matches; choosing it is the problem: where <h1> and the site-stripped <title> disagree "
    "the annotators took either about evenly. Rules, rankers over all candidates (logistic "
    "0.812, boosting 0.819, MLP <= 0.808, domain-CV) and the URL slug as tie-breaker (kept: "
    "CV 0.826) stop short of 0.85. Again with the rules' pick as a feature, h1 placement "
    "and visibility in the page: 0.831 averaged over 8 domain partitions, within noise of "
    "the rules; not shipped.",
    "- Author: JSON-LD persons before organisations, @id references, microdata names of the "
    "opening post, dates and interface words refused, 'Written by' label bylines (0.783 -> "
    "0.825). Text bylines ('By ...') count on story pages only (declared article or "
    "dated): on the others they named 55 authors, none right (authors given on pages "
    "without one: 206 -> 151, match unchanged). Left: truths with credentials ('Name, "
    "Shipping Expert'), authors only in analytics scripts, personal blogs whose site name "
    "is the author.",
    "- Date: declared dates first. Where the declared and the visible date differ (119 "
    "pages) the truth is the declared one on 67, the visible one on 46; no rule tried "
    "(visible-if-newer, visible-near-headline, declared-if-also-visible) gains more than 2 "
    "pages. Forums lose a day to time zones (UTC attribute vs local display). htmldate's "
    "guess, once the last resort, is no longer published: right on 14 of the 178 pages it "
    "decided, it cost 0.018 of match here but gave a date to 152 pages that have none "
    "(share of given dates that are right: 0.600 -> 0.699).",
    "- Text dumps: the line model trains on text-wcxb-dev only (domain-CV 0.799 there; the "
    "figure above is on its training pages); text-aeb's gap is teaser headlines and related "
    "lists that read like prose once the markup is gone. Second-pass features for story tails "
    "(runs of headline-like lines, near copies, template lines; branch text-context-features) "
    "reach 0.896 on text-aeb but make a blog open thread's comments its story (the quality "
    "gate's subsets drop): not merged.",
]
RS_TRAFILATURA_BY_TYPE = {"article": 0.934, "documentation": 0.938, "service": 0.825,
                          "forum": 0.760, "collection": 0.672, "listing": 0.669,
                          "product": 0.636}


def run(shared: Path, dataset: str, workdir: Path) -> tuple[dict[str, Any], str]:
    """(score.py's JSON summary, the bench's pages/s line) for one dataset."""
    pred = workdir / f"{dataset}.jsonl"
    bench = subprocess.run(
        [sys.executable, "-m", "cleaner", "bench", str(shared / "data" / dataset),
         "--out", str(pred)], check=True, capture_output=True, text=True)
    scored = subprocess.run(
        [sys.executable, str(shared / "bench" / "score.py"), "--dataset",
         str(shared / "data" / dataset), "--pred", str(pred), "--json"],
        check=True, capture_output=True, text=True)
    return json.loads(scored.stdout), bench.stdout.strip().splitlines()[-1]


def f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def render(results: dict[str, tuple[dict[str, Any], str]]) -> str:
    aeb, wcxb = results["aeb"][0]["overall"], results["wcxb-dev"][0]["overall"]
    lines = [
        "# Extraction quality", "",
        "Produced by `python bench/report.py --shared ../shared` (every figure from "
        "`cleaner bench` and `shared/bench/score.py`).", "",
        "| | aeb shingle F1 | wcxb-dev word F1 | wcxb-dev title / author / date |",
        "|---|---|---|---|",
        *(f"| {name} | {a} | {w} | {m} |" for name, a, w, m in BASELINES),
        f"| **pagecleaner (this repo)** | **{f(aeb['shingle_f1'])}** | "
        f"**{f(wcxb['word_f1'])}** | **{f(wcxb['title'])} / {f(wcxb['author'])} / "
        f"{f(wcxb['date'])}** |", "",
        "## Text dumps (no markup)", "",
        "| dataset | word F1 | shingle F1 | title / author / date | best text-only baseline |",
        "|---|---|---|---|---|",
    ]
    for name, baseline in (("text-aeb", "0.841"), ("text-wcxb-dev", "0.733")):
        o = results[name][0]["overall"]
        lines.append(f"| {name} | {f(o['word_f1'])} | {f(o['shingle_f1'])} | "
                     f"{f(o['title'])} / {f(o['author'])} / {f(o['date'])} | {baseline} |")
    lines += ["", "## wcxb-dev by page type (word F1)", "",
              "| page type | pages | HTML | text dump | rs-trafilatura (HTML) | HTML >= it |",
              "|---|---|---|---|---|---|"]
    html_types = results["wcxb-dev"][0]["by_type"]
    text_types = results["text-wcxb-dev"][0]["by_type"]
    for ptype, s in sorted(html_types.items()):
        text_f1 = text_types.get(ptype, {}).get("word_f1")
        theirs = RS_TRAFILATURA_BY_TYPE.get(ptype)
        met = "-" if theirs is None else "yes" if s["word_f1"] >= theirs else "no"
        lines.append(f"| {ptype} | {s['pages']} | {f(s['word_f1'])} | {f(text_f1)} | "
                     f"{f(theirs)} | {met} |")
    lines += ["", "## Against the acceptance floors (issue #2)", "",
              "| dataset | metric | ours | floor | met |", "|---|---|---|---|---|"]
    for (name, metric), target in TARGETS.items():
        ours = results[name][0]["overall"][metric]
        lines.append(f"| {name} | {metric} | {f(ours)} | {target:.3f} | "
                     f"{'yes' if ours is not None and ours >= target else 'no'} |")
    lines += ["", *NOTES]
    lines += ["", "## Speed of these runs", ""]
    lines += [f"- {name}: {speed}" for name, (_, speed) in results.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", type=Path, required=True, help="the shared/ folder")
    ap.add_argument("--out", type=Path, default=Path("docs/quality.md"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: run(args.shared, name, Path(tmp)) for name in DATASETS}
    args.out.write_text(render(results), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
