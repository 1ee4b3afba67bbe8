"""`python -m workers.health [--max-age S]`: the worker container's healthcheck.

Healthy = the heartbeat file (CLEANER_HEARTBEAT_FILE) was touched in the last
S seconds. The worker's inbox thread touches it after every round trip to
Redis, so this proves the worker still talks to Redis, costs no Celery import
and no broker round trip, and a busy pool does not make it fail (unlike
`celery inspect ping`, research notes §5).
"""

from __future__ import annotations

import argparse
import sys
import time

from workers.settings import WorkerSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.health")
    parser.add_argument("--max-age", type=float, default=30.0, help="seconds (default 30)")
    args = parser.parse_args(argv)
    heartbeat = WorkerSettings.from_env().heartbeat_file
    if heartbeat is None:
        print("unhealthy: CLEANER_HEARTBEAT_FILE is not set", file=sys.stderr)
        return 1
    try:
        age = time.time() - heartbeat.stat().st_mtime
    except FileNotFoundError:
        print(f"unhealthy: no heartbeat yet ({heartbeat})", file=sys.stderr)
        return 1
    if age > args.max_age:
        print(f"unhealthy: last heartbeat {age:.0f} s ago", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
