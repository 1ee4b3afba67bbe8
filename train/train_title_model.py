"""Train the title ranker on WCXB-dev and write cleaner/text/title_model.npz.

Runs the shipped line model over each page, takes the title candidates
(`cleaner.text.title.title_candidates`) and fits a small MLP that tells the
line matching the ground-truth title from the others. Prints the cross-validated
(GroupKFold by domain) share of pages whose title is found.
Run it after train.train_line_model, since candidates depend on the line model:

    .venv/bin/python -m train.train_title_model --data ../shared/data/text-wcxb-dev
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

from cleaner.text.classify import classify
from cleaner.text.features import line_features
from cleaner.text.metadata import article_start
from cleaner.text.revise import revise
from cleaner.text.segment import segment
from cleaner.text.title import MIN_TITLE_SCORE, title_candidates, title_features
from train.labels import title_matches

OUT = Path(__file__).resolve().parents[1] / "cleaner" / "text" / "title_model.npz"
HIDDEN = 16  # a small MLP ranks candidates better than a linear model (CV 0.41 vs 0.37)
SEED = 13


def page_rows(path: Path, title: str) -> tuple[np.ndarray, np.ndarray]:
    lines = segment(path.read_text(encoding="utf-8"))
    own = line_features(lines)
    revision = revise(lines, own, classify(own))
    start = article_start(lines, revision.kinds)
    candidates = title_candidates(lines, start)
    x = title_features(lines, own, revision.scores, start, candidates)
    y = np.array([title_matches(title, lines[i].text) for i in candidates], dtype=int)
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    meta = json.loads((args.data / "metadata.json").read_text())["files"]
    xs, ys, groups, pages = [], [], [], []
    for path in sorted((args.data / "text").glob("*.txt")):
        truth = json.loads((args.data / "ground-truth" / f"{path.stem}.json").read_text())
        title = truth["ground_truth"].get("title") or ""
        x, y = page_rows(path, title)
        if not title or not len(y):
            continue
        xs.append(x)
        ys.append(y)
        groups.append(meta.get(path.stem, {}).get("domain", path.stem))
        pages.append(path.stem)
    print(f"{len(pages)} pages, {sum(int(y.any()) for y in ys)} with the title among candidates")
    found = []
    for train_idx, test_idx in GroupKFold(n_splits=4).split(xs, groups=groups):
        model = fit([xs[i] for i in train_idx], [ys[i] for i in train_idx])
        found += [picked(model, xs[i], ys[i]) for i in test_idx]
    print(f"CV title found on {np.mean(found):.3f} of pages with a title")
    model, mean, scale = fit(xs, ys)
    arrays = {"title_mean": mean, "title_scale": scale}
    for layer, (coef, bias) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        arrays[f"title_w{layer}"] = coef.astype(np.float32)
        arrays[f"title_b{layer}"] = bias.astype(np.float32)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out}")


def fit(xs: list[np.ndarray], ys: list[np.ndarray]) -> tuple[MLPClassifier, np.ndarray,
                                                               np.ndarray]:
    x, y = np.vstack(xs), np.concatenate(ys)
    mean, scale = x.mean(axis=0).astype(np.float32), (x.std(axis=0) + 1e-6).astype(np.float32)
    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), alpha=1e-3, max_iter=300,
                          random_state=SEED).fit((x - mean) / scale, y)
    return model, mean, scale


def picked(parts: tuple[MLPClassifier, np.ndarray, np.ndarray], x: np.ndarray,
           y: np.ndarray) -> bool:
    model, mean, scale = parts
    p = model.predict_proba((x - mean) / scale)[:, 1]
    best = int(np.argmax(p))
    return bool(p[best] >= MIN_TITLE_SCORE and y[best])


if __name__ == "__main__":
    main()
