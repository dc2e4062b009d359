"""One refresh at a time per warehouse: DuckDB allows a single writer process, so a second `escalator
refresh` (a cron overlap, a person and the schedule) exits at once with a clear message instead of failing
half way through. The lock is an OS file lock (released by the kernel if the holder is killed), beside the
warehouse file; readers (the UI, BI tools on published Parquet or a read-only DuckDB) never take it."""

import fcntl
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path


class RefreshRunning(RuntimeError):
    pass


@contextmanager
def refresh_lock(warehouse: Path):
    path = Path(warehouse).with_suffix(".refresh.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise RefreshRunning(
                f"another refresh is running on {warehouse} ({holder}); try again when it ends"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {datetime.now():%H:%M:%S}")
        f.flush()
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
