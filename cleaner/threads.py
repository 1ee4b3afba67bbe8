"""One BLAS thread per process: what a page-at-a-time cleaner wants.

The line and DOM models multiply small matrices, one page at a time. OpenBLAS
starts a thread per core for each, and those threads only contend: measured
here, 40% more CPU per page, and on a worker fleet (a process per core) they
fight each other's pools. The CLI and the worker call this once; a library
user keeps whatever their application set.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def use_one_blas_thread() -> None:
    threadpool_limits(limits=1, user_api="blas")
