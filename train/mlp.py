"""What the two block classifiers (text-dump lines, HTML DOM blocks) train alike.

Both are two small MLPs stacked like jusText's classify -> revise: pass 1 on each
block's own features, pass 2 on those plus the neighbours' pass-1 scores, trained
on out-of-fold pass-1 scores (GroupKFold by domain) so it learns from scores like
those it will see on unseen pages. Weights go out as a plain .npz of float arrays
(loaded with allow_pickle=False by `cleaner.text.classify` / `cleaner.html.dom_classify`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

SEED = 13
FOLDS = 4

Fitted = tuple[MLPClassifier, np.ndarray, np.ndarray]  # model, feature mean, feature scale


@dataclass(frozen=True)
class LabelledFile:
    """A page file of a wcxb-style dataset with its ground truth."""

    path: Path
    id: str
    domain: str  # the CV group (`page_domain`)
    main: str  # the annotated body text
    truth: dict[str, Any]  # the whole ground-truth record


def labelled_files(data: Path, pattern: str) -> Iterator[LabelledFile]:
    """The files of `data` matching `pattern` (e.g. "html/*.html.gz"), with their truth."""
    meta = json.loads((data / "metadata.json").read_text())["files"]
    for path in sorted(data.glob(pattern)):
        page_id = path.name.split(".")[0]
        record = json.loads((data / "ground-truth" / f"{page_id}.json").read_text())
        main = record["ground_truth"].get("main_content") or ""
        domain = page_domain(page_id, meta.get(page_id, {}), record)
        yield LabelledFile(path, page_id, domain, main, record)


def page_domain(page_id: str, info: dict[str, str], truth: dict[str, object]) -> str:
    """A page's CV group: its domain from metadata.json, which lacks ~140 wcxb-dev pages,
    else its URL's host (grouping those by page id would let a domain span folds), else
    the page itself."""
    host = urlsplit(str(truth.get("url") or "")).hostname or ""
    return info.get("domain") or host.removeprefix("www.") or f"page-{page_id}"


def page_weights(word_counts: Sequence[np.ndarray]) -> np.ndarray:
    """Word-weighted (word F1 counts words), with each page's total weight equalised."""
    out = []
    for words in word_counts:
        w = np.sqrt(words) + 1.0
        out.append(w / w.sum() * 100.0)
    return np.concatenate(out)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, *, hidden: int, epochs: int) -> Fitted:
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    model = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, batch_size=512,
                          max_iter=epochs, random_state=SEED, learning_rate_init=2e-3)
    model.fit((x - mean) / scale, y, sample_weight=w)
    return model, mean, scale


def predict(fitted: Fitted, x: np.ndarray) -> np.ndarray:
    model, mean, scale = fitted
    return model.predict_proba((x - mean) / scale)[:, 1].astype(np.float32)


def split(values: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    """Per-page slices of a concatenated array."""
    return np.split(values, np.cumsum(sizes)[:-1])


def train_two_passes(
    own: Sequence[np.ndarray], y: np.ndarray, w: np.ndarray, domains: Sequence[str],
    context: Callable[[int, np.ndarray], np.ndarray], *, hidden: int, epochs: int,
) -> tuple[list[np.ndarray], list[np.ndarray], Fitted, Fitted]:
    """Out-of-fold pass-1 and pass-2 scores per page (the honest figures), then both
    passes fitted on every page. `context(page_index, pass1_scores)` builds pass 2's
    features for one page."""
    sizes = [len(features) for features in own]
    x1 = np.vstack(own)
    groups = np.concatenate([[domain] * size for domain, size in zip(domains, sizes,
                                                                     strict=True)])
    folds = list(GroupKFold(n_splits=FOLDS).split(x1, y, groups))
    size = {"hidden": hidden, "epochs": epochs}
    oof1 = np.zeros(len(y), dtype=np.float32)
    for train_idx, test_idx in folds:
        oof1[test_idx] = predict(fit(x1[train_idx], y[train_idx], w[train_idx], **size),
                                 x1[test_idx])
    x2 = np.vstack([context(index, scores) for index, scores in enumerate(split(oof1, sizes))])
    oof2 = np.zeros(len(y), dtype=np.float32)
    for train_idx, test_idx in folds:
        oof2[test_idx] = predict(fit(x2[train_idx], y[train_idx], w[train_idx], **size),
                                 x2[test_idx])
    first, second = fit(x1, y, w, **size), fit(x2, y, w, **size)
    return split(oof1, sizes), split(oof2, sizes), first, second


def save(out: Path, *passes: Fitted) -> None:
    np.savez_compressed(out, **arrays_of(*passes))


def arrays_of(*passes: Fitted, prefixes: Sequence[str] = ()) -> dict[str, np.ndarray]:
    """The float arrays of fitted MLPs, named `p1_...`, `p2_...` (or by `prefixes`), as
    `cleaner.vocab.modelfile.mlp_from_arrays` reads them."""
    arrays: dict[str, np.ndarray] = {}
    for number, (model, mean, scale) in enumerate(passes, start=1):
        prefix = prefixes[number - 1] if prefixes else f"p{number}"
        arrays[f"{prefix}_mean"] = mean.astype(np.float32)
        arrays[f"{prefix}_scale"] = scale.astype(np.float32)
        for layer, (coef, bias) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
            arrays[f"{prefix}_w{layer}"] = coef.astype(np.float32)
            arrays[f"{prefix}_b{layer}"] = bias.astype(np.float32)
    return arrays
