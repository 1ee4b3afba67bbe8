"""The title ranker is trained with the line model, by `train.train_line_model`.

It learns from the line model's out-of-fold scores (`train.text_models.fit_dumps`), so
both come out of one run; `train/text_oof.py` reports the out-of-fold share of pages
whose title is found, per renderer. Kept as an entry point for the old command:

    .venv/bin/python -m train.train_title_model --renders /work/renders
"""

from __future__ import annotations

from train.train_line_model import main

if __name__ == "__main__":
    main()
