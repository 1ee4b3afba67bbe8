"""Every text-mode model, trained on given labelled dumps: what both the shipped models
and the out-of-fold runs (`train/oof.py`, `train/text_oof.py`) are made with.

    fit_text_models(files, out_dir)

trains the line model (two passes, `cleaner/text/line_model.npz`) and the title ranker
(`cleaner/text/title_model.npz`) on `files` (`train.mlp.LabelledFile`s of text dumps,
e.g. from `labelled_files(Path("/work/renders/innertext/wcxb-dev"), "text/*.txt")`) and
writes both into `out_dir` under their shipped names, each with its feature schema, so
`clean(..., options=CleanOptions(model_dir=str(out_dir)))` runs on them.

The title ranker learns from the line model's out-of-fold scores (what it will see on
unseen pages), not from scores of a model that has seen the page.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner.text import classify, title
from cleaner.text.extract import read_dump
from cleaner.text.features import context_features, line_features
from cleaner.text.metadata import article_start
from cleaner.text.revise import judge
from cleaner.text.segment import Line, segment
from cleaner.text.title import title_candidates, title_features
from cleaner.vocab.modelfile import save_arrays
from train.labels import body_labels, title_matches
from train.mlp import (
    LabelledFile,
    arrays_of,
    labelled_files,
    page_weights,
    train_two_passes,
)
from train.trees import fit_ranker

# Units per MLP. On the 5-renderer mix 64 units scored lower in CV than 32 (innertext
# 0.804 vs 0.809, render 0.795 vs 0.797), as 64 x 20 epochs did on one renderer.
LINE_HIDDEN = 32
LINE_EPOCHS = 12


RENDERERS = ("render", "innertext", "inscriptis", "resiliparse", "markdown")
DATASETS = ("wcxb-dev", "readability", "chinese-wce")  # the sets we may train on


def add_render_arguments(parser: argparse.ArgumentParser, per_page: int) -> None:
    """The options that pick rendered training dumps (`bench/render_dumps.py`'s folders)."""
    parser.add_argument("--renders", type=Path, required=True,
                        help="folder of <renderer>/<dataset>/ dumps")
    parser.add_argument("--renderers", default=",".join(RENDERERS))
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--per-page", type=int, default=per_page,
                        help="renderers each training page is read through")


def rendered_pages(
    renders: Path, renderers: Sequence[str], datasets: Sequence[str]
) -> dict[tuple[str, str], dict[str, LabelledFile]]:
    """(dataset, page id) -> {renderer: its dump of the page}, renderers in the given order."""
    pages: dict[tuple[str, str], dict[str, LabelledFile]] = defaultdict(dict)
    for renderer in renderers:
        for dataset in datasets:
            for file in labelled_files(renders / renderer / dataset, "text/*.txt"):
                pages[dataset, file.id][renderer] = file
    return pages


@dataclass(frozen=True)
class Dump:
    """A labelled dump, segmented and described once."""

    file: LabelledFile
    lines: tuple[Line, ...]
    own: np.ndarray
    labels: np.ndarray

    @property
    def title(self) -> str:
        return str(self.file.truth.get("ground_truth", {}).get("title") or "")


def load_dumps(files: Sequence[LabelledFile]) -> list[Dump]:
    """Segment, describe and label every non-empty dump."""
    dumps = []
    for file in files:
        lines = segment(read_dump(file.path.read_text(encoding="utf-8")).text)
        if lines:
            texts = [line.text for line in lines]
            dumps.append(Dump(file, lines, line_features(lines),
                              np.array(body_labels(texts, file.main))))
    return dumps


def fit_text_models(files: Sequence[LabelledFile], out_dir: Path) -> None:
    """Train the line model and the title ranker on `files`; write them into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fit_dumps(load_dumps(files), out_dir)


def fit_dumps(dumps: list[Dump], out_dir: Path) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """`fit_text_models` on loaded dumps; returns the line model's out-of-fold pass-1 and
    pass-2 scores per dump (the cross-validated figures are read from them)."""
    oof1, oof2, first, second = train_two_passes(
        [d.own for d in dumps], np.concatenate([d.labels for d in dumps]),
        page_weights([np.expm1(d.own[:, 1]) for d in dumps]),
        [d.file.domain for d in dumps],
        lambda index, scores: context_features(dumps[index].own, scores),
        hidden=LINE_HIDDEN, epochs=LINE_EPOCHS)
    save_arrays(out_dir / classify.MODEL_FILE, arrays_of(first, second), classify.SCHEMA)
    xs, ys = [], []
    for dump, first_pass, scores in zip(dumps, oof1, oof2, strict=True):
        rows = title_rows(dump, first_pass, scores)
        if rows is not None:
            xs.append(rows[0])
            ys.append(rows[1])
    save_arrays(out_dir / title.MODEL_FILE, fit_ranker(xs, ys).to_arrays("title"), title.SCHEMA)
    return oof1, oof2


def title_rows(
    dump: Dump, first_pass: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The title ranker's rows and labels for one dump (None: no title or no candidate)."""
    if not dump.title:
        return None
    revision = judge(dump.lines, first_pass, scores)
    start = article_start(dump.lines, revision.kinds)
    candidates = title_candidates(dump.lines, start)
    if not candidates:
        return None
    x = title_features(dump.lines, dump.own, revision.scores, start, candidates)
    y = np.array([title_matches(dump.title, dump.lines[i].text) for i in candidates], dtype=int)
    return x, y

