"""Out-of-fold predictions of text mode on the dumps of several renderers.

Folds are grouped by site (`train.mlp.page_domain`) over all datasets at once, so a
page's dumps from every renderer, and every page of its site, sit in one fold. For
each fold, every text model is retrained (`train.text_models.fit_text_models`) on the
other folds' dumps (each page through `--per-page` renderers, chosen by a seeded draw,
which keeps the mix and halves the cost), and the whole pipeline (`cleaner.clean` with
`CleanOptions(model_dir=...)`) cleans the held-out pages' dumps of every renderer:

    python -m train.text_oof --renders /work/renders --out /work/renders/oof
    python ../shared/bench/score.py --dataset /work/renders/innertext/wcxb-dev \\
        --pred /work/renders/oof/innertext/wcxb-dev.jsonl

`--renders` holds `<renderer>/<dataset>/` folders as `bench/render_dumps.py` writes them.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import TextIO

from sklearn.model_selection import GroupKFold

from cleaner.api import clean
from cleaner.bench import prediction
from cleaner.options import CleanOptions
from cleaner.threads import use_one_blas_thread
from train.mlp import SEED
from train.text_models import add_render_arguments, fit_text_models, rendered_pages

FOLDS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_render_arguments(parser, per_page=2)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=FOLDS)
    args = parser.parse_args()
    use_one_blas_thread()  # small matrices: BLAS threads only contend (6x slower here)
    renderers, datasets = args.renderers.split(","), args.datasets.split(",")
    pages = rendered_pages(args.renders, renderers, datasets)
    keys = sorted(pages)
    groups = [next(iter(pages[key].values())).domain for key in keys]
    folds = GroupKFold(n_splits=args.folds).split(keys, groups=groups)
    outputs = {(r, d): _open(args.out / r / f"{d}.jsonl") for r in renderers for d in datasets}
    for number, (train_idx, test_idx) in enumerate(folds):
        start = time.time()
        draw = random.Random(SEED + number)
        train_files = [
            file for index in train_idx
            for file in draw.sample(sorted(pages[keys[index]].values(), key=lambda f: str(f.path)),
                                    min(args.per_page, len(pages[keys[index]])))
        ]
        model_dir = args.out / "models" / f"fold-{number}"
        fit_text_models(train_files, model_dir)
        options = CleanOptions(mode="text", model_dir=str(model_dir))
        for index in test_idx:
            dataset, page_id = keys[index]
            for renderer, file in pages[keys[index]].items():
                result = clean(file.path.read_bytes(), options=options)
                line = json.dumps(prediction(page_id, result), ensure_ascii=False)
                outputs[renderer, dataset].write(line + "\n")
        print(f"fold {number}: {len(train_files)} training dumps, {len(test_idx)} held-out "
              f"pages, {time.time() - start:.0f}s", flush=True)
    for handle in outputs.values():
        handle.close()


def _open(path: Path) -> TextIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8")


if __name__ == "__main__":
    main()
