"""Retrain the title ranker alone, from the line model's saved out-of-fold scores.

`train.train_line_model` trains both text models in one run (the ranker learns from the
line model's out-of-fold scores); with `--scores FILE` it also saves those scores, and
this script then refits the ranker on them in seconds (after a change to the title
features), prints its cross-validated share of pages whose title it finds per renderer
(GroupKFold by site, on the line model's out-of-fold scores: what unseen pages look
like), and writes cleaner/text/title_model.npz:

    .venv/bin/python -m train.train_line_model --renders /work/renders --scores s.npz
    .venv/bin/python -m train.train_title_model --scores s.npz
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from cleaner.text import title
from cleaner.threads import use_one_blas_thread
from cleaner.vocab.modelfile import save_arrays
from train.mlp import FOLDS, labelled_files, split
from train.text_models import load_dumps, title_rows
from train.trees import fit_ranker

OUT = Path(__file__).resolve().parents[1] / "cleaner" / "text" / title.MODEL_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scores", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    use_one_blas_thread()
    saved = np.load(args.scores)
    paths = [Path(p) for p in saved["paths"]]
    by_folder = defaultdict(list)
    for path in paths:
        by_folder[path.parents[1]].append(path.name)
    files = {file.path: file for folder, names in by_folder.items()
             for file in labelled_files(folder, "text/*.txt") if file.path.name in names}
    dumps = load_dumps([files[path] for path in paths])
    oof1, oof2 = split(saved["oof1"], saved["sizes"]), split(saved["oof2"], saved["sizes"])
    rows = [title_rows(d, s1, s2) for d, s1, s2 in zip(dumps, oof1, oof2, strict=True)]
    kept = [i for i, r in enumerate(rows) if r is not None]
    groups = [dumps[i].file.domain for i in kept]
    found = np.zeros(len(dumps), dtype=bool)
    for train_idx, test_idx in GroupKFold(n_splits=FOLDS).split(kept, groups=groups):
        ranker = fit_ranker([rows[kept[i]][0] for i in train_idx],
                            [rows[kept[i]][1] for i in train_idx])
        for i in test_idx:
            x, y = rows[kept[i]]
            p = ranker(x)
            found[kept[i]] = p.max() >= title.MIN_TITLE_SCORE and bool(y[int(np.argmax(p))])
    renderer_of = [d.file.path.parents[2].name for d in dumps]
    for renderer in sorted(set(renderer_of)):
        titled = [i for i, d in enumerate(dumps) if d.title and renderer_of[i] == renderer]
        print(f"{renderer:<12} CV title found on {found[titled].mean():.3f} of "
              f"{len(titled)} pages with a title")
    ranker = fit_ranker([rows[i][0] for i in kept], [rows[i][1] for i in kept])
    save_arrays(args.out, ranker.to_arrays("title"), title.SCHEMA)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
