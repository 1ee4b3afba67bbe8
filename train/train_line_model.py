"""Train the text-dump models on the renderers' mix and write them into cleaner/text/.

Trains the line classifier (`line_model.npz`) and the title ranker (`title_model.npz`)
with `train.text_models.fit_dumps`, on every page of the training sets (wcxb-dev,
readability, chinese-wce) as several renderers dump it (`bench/render_dumps.py`): each
page through `--per-page` renderers drawn with a fixed seed. Prints the line model's
cross-validated word F1 (GroupKFold by site, pass 1 and pass 2, per renderer) from its
out-of-fold scores; `train/text_oof.py` gives the whole pipeline's out-of-fold figures.

Only training sets are read: never aeb, dragnet, l3s-gn1 or the seeds (evaluation only).

    .venv/bin/python -m train.train_line_model --renders /work/renders   # ~5 min
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

from cleaner.threads import use_one_blas_thread
from train.labels import fold
from train.mlp import SEED, LabelledFile
from train.text_models import (
    Dump,
    add_render_arguments,
    fit_dumps,
    load_dumps,
    rendered_pages,
)

OUT = Path(__file__).resolve().parents[1] / "cleaner" / "text"


def mixed_files(renders: Path, renderers: list[str], datasets: list[str], per_page: int,
                seed: int = SEED) -> list[LabelledFile]:
    """Each page of `datasets` through `per_page` of `renderers`, drawn with `seed`."""
    pages = rendered_pages(renders, renderers, datasets)
    draw = random.Random(seed)
    return [file for key in sorted(pages)
            for file in draw.sample(list(pages[key].values()),
                                    min(per_page, len(pages[key])))]


def page_f1(dump: Dump, keep: np.ndarray) -> float:
    truth = Counter(fold(dump.file.main).split())
    kept = " ".join(line.text for line, k in zip(dump.lines, keep, strict=True) if k)
    pred = Counter(fold(kept).split())
    if not truth or not pred:
        return float(not truth and not pred)
    overlap = sum((truth & pred).values())
    p, r = overlap / sum(pred.values()), overlap / sum(truth.values())
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_render_arguments(parser, per_page=3)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--scores", type=Path,
                        help="also save the out-of-fold line scores here (.npz, for "
                             "train.train_title_model)")
    args = parser.parse_args()
    use_one_blas_thread()  # small matrices: BLAS threads only contend (6x slower here)
    start = time.time()
    files = mixed_files(args.renders, args.renderers.split(","), args.datasets.split(","),
                        args.per_page)
    dumps = load_dumps(files)
    print(f"{len(dumps)} dumps loaded in {time.time() - start:.0f}s", flush=True)
    oof1, oof2 = fit_dumps(dumps, args.out)
    if args.scores:
        np.savez_compressed(args.scores, paths=np.array([str(d.file.path) for d in dumps]),
                            oof1=np.concatenate(oof1), oof2=np.concatenate(oof2),
                            sizes=np.array([len(d.lines) for d in dumps]))
    renderer_of = [dump.file.path.parents[2].name for dump in dumps]
    for threshold in (0.3, 0.4, 0.5):
        for renderer in sorted(set(renderer_of)):
            mine = [i for i, r in enumerate(renderer_of) if r == renderer]
            f1_1 = np.mean([page_f1(dumps[i], oof1[i] >= threshold) for i in mine])
            f1_2 = np.mean([page_f1(dumps[i], oof2[i] >= threshold) for i in mine])
            print(f"threshold {threshold} {renderer:<12} CV word F1 pass1 {f1_1:.4f} "
                  f"pass2 {f1_2:.4f} ({len(mine)} dumps)")
    print(f"wrote {args.out} in {time.time() - start:.0f}s")


if __name__ == "__main__":
    main()
