"""Out-of-fold predictions of the whole pipeline on the sets the shipped models train on.

    .venv/bin/python -m train.oof ../shared/data/wcxb-dev --out oof-wcxb-dev.jsonl
    .venv/bin/python -m train.oof ../shared/data/{wcxb-dev,readability,chinese-wce} --out-dir oof/

The pages of the given sets are split into folds grouped by site (a site is in one
fold, whichever set it comes from). For each fold every learned part is refitted
without that fold's sites, on every training set found beside the first DATASET
(wcxb-dev, readability, chinese-wce): the HTML block model, and for text-dump sets
the text-mode models (`train.text_models`). The fitted files go to a temporary
folder and the fold's pages are cleaned through `clean()` with
`CleanOptions(model_dir=...)`, as `cleaner bench` cleans them. The output has
`cleaner bench`'s shape, for shared/bench/score.py: on a training set these are the
only figures we report.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sklearn.model_selection import GroupKFold

from cleaner.api import clean
from cleaner.bench import Page, iter_pages, prediction
from cleaner.options import CleanOptions
from train import train_dom_model
from train.mlp import labelled_files

TRAINING_SETS = ("wcxb-dev", "readability", "chinese-wce")
FOLDS = 4

FitParts = Callable[[set[str], Path], None]  # (sites left out, model folder) -> None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("datasets", type=Path, nargs="+")
    output = parser.add_mutually_exclusive_group(required=True)
    output.add_argument("--out", type=Path, help="the predictions file (one dataset)")
    output.add_argument("--out-dir", type=Path, help="one DATASET_NAME.jsonl per dataset")
    parser.add_argument("--folds", type=int, default=FOLDS)
    args = parser.parse_args()
    datasets = [path.resolve() for path in args.datasets]
    if args.out and len(datasets) > 1:
        parser.error("--out takes one dataset; use --out-dir for several")
    text_mode = {path.name.startswith("text-") for path in datasets}
    if len(text_mode) > 1:
        parser.error("give HTML sets or text-dump sets, not both")
    outputs = ({datasets[0].name: args.out} if args.out else
               {path.name: args.out_dir / f"{path.name}.jsonl" for path in datasets})
    if args.out_dir:
        args.out_dir.mkdir(parents=True, exist_ok=True)
    fitter = _text_fitter if text_mode.pop() else _html_fitter
    run_folds(datasets, fitter(datasets[0].parent), outputs, args.folds)


def run_folds(datasets: list[Path], fit_parts: FitParts, outputs: dict[str, Path],
              folds: int) -> None:
    pages = [(path.name, site, page) for path in datasets
             for site, page in _pages_with_sites(path)]
    splits = GroupKFold(n_splits=folds).split(pages, groups=[site for _, site, _ in pages])
    files = {name: path.open("w", encoding="utf-8") for name, path in outputs.items()}
    try:
        for number, (_, test) in enumerate(splits, start=1):
            held_out = [pages[i] for i in test]
            with tempfile.TemporaryDirectory() as model_dir:
                fit_parts({site for _, site, _ in held_out}, Path(model_dir))
                _clean_fold(held_out, model_dir, files)
            print(f"fold {number}/{folds}: {len(held_out)} pages", flush=True)
    finally:
        for handle in files.values():
            handle.close()


def _pages_with_sites(dataset: Path) -> list[tuple[str, Page]]:
    pattern = "text/*.txt" if dataset.name.startswith("text-") else "html/*.html.gz"
    sites = {f.id: f.domain for f in labelled_files(dataset, pattern)}
    return [(sites[page.id], page) for page in iter_pages(dataset)]


def _clean_fold(held_out: list[tuple[str, str, Page]], model_dir: str,
                files: dict[str, TextIO]) -> None:
    for name, _, page in held_out:
        mode = "text" if name.startswith("text-") else "html"
        result = clean(page.raw, options=CleanOptions(mode=mode, model_dir=model_dir))
        files[name].write(json.dumps(prediction(page.id, result), ensure_ascii=False) + "\n")


def _html_fitter(data_root: Path) -> FitParts:
    """Refits the HTML block model without the given sites."""
    pages = train_dom_model.load_pages([data_root / name for name in TRAINING_SETS
                                        if (data_root / name).is_dir()])

    def fit(left_out: set[str], model_dir: Path) -> None:
        kept = [page for page in pages if page.domain not in left_out]
        train_dom_model.save_model(model_dir / train_dom_model.MODEL_FILE,
                                   train_dom_model.fit_model(kept))
    return fit


def _text_fitter(data_root: Path) -> FitParts:
    """Refits the text-mode models without the given sites, on the text-* renders of the
    training sets beside the dataset."""
    from train import text_models  # noqa: PLC0415 - the text side's trainer

    files = [file for name in TRAINING_SETS if (data_root / f"text-{name}").is_dir()
             for file in labelled_files(data_root / f"text-{name}", "text/*.txt")]

    def fit(left_out: set[str], model_dir: Path) -> None:
        text_models.fit_text_models([f for f in files if f.domain not in left_out], model_dir)
    return fit


if __name__ == "__main__":
    main()
