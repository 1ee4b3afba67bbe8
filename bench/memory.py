"""Memory under a long run: one process cleans N pages, cycling the datasets given.

Prints RSS every --every pages, then the verdict: peak RSS against the cap and the
trend after warm-up (a least-squares slope over the samples past the first quarter,
in MB per 1,000 pages). Usage:

    python bench/memory.py ../shared/data/wcxb-dev ../shared/data/text-wcxb-dev \
        --pages 20000 --every 1000 --cap-mb 300
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import psutil

from cleaner import clean
from cleaner.bench import dataset_files, read_page
from cleaner.threads import use_one_blas_thread

MB = 1024 * 1024


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of RSS (MB) over pages, per 1,000 pages."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return 1000 * sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("datasets", type=Path, nargs="+")
    ap.add_argument("--pages", type=int, default=20_000)
    ap.add_argument("--every", type=int, default=1_000)
    ap.add_argument("--cap-mb", type=float, default=300.0)
    args = ap.parse_args(argv)
    use_one_blas_thread()  # as the CLI and the worker run: no idle BLAS pool in the figure
    files = [f for d in args.datasets for f in dataset_files(d)]
    proc = psutil.Process()
    samples: list[tuple[int, float]] = []
    for n, path in enumerate(itertools.islice(itertools.cycle(files), args.pages), 1):
        clean(read_page(path).raw)
        if n % args.every == 0:
            rss = proc.memory_info().rss / MB
            samples.append((n, rss))
            print(f"{n:>7} pages  RSS {rss:7.1f} MB", flush=True)
    settled = samples[len(samples) // 4 :]
    peak = max(rss for _, rss in samples)
    trend = slope(settled)
    print(f"peak RSS {peak:.1f} MB (cap {args.cap_mb:.0f} MB); "
          f"trend after warm-up {trend:+.2f} MB per 1,000 pages")
    return 0 if peak < args.cap_mb else 1


if __name__ == "__main__":
    sys.exit(main())
