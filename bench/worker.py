"""The Celery worker that the delivery measurement and the worker tests start."""

import sys
from pathlib import Path


def worker_command(*, loglevel: str, concurrency: int = 1, hostname: str = "") -> list[str]:
    """One Celery worker with its embedded beat: with a concurrency of 1 the solo pool, whose
    one process runs the tasks, otherwise that many prefork processes. The celery executable is
    started itself, not through `uv run`, so that its pid is the worker's."""
    pool = "solo" if concurrency == 1 else "prefork"
    return [
        str(Path(sys.executable).with_name("celery")),
        "--app=config",
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--beat",
        *([f"--hostname={hostname}"] if hostname else []),
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
