"""A Celery broker and workers on this machine, for the matrix's Celery job: used by `escalator broker`,
`escalator celery-workers`, the tests and the benchmark. On several machines the same commands run there,
each worker with the site's settings (broker URL, exchange_dir on shared storage, DAGSTER_HOME on the
shared Postgres instance; see docs/DEPLOYMENT.md)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from orchestration.celery_executor import MATRIX_QUEUE, QUEUE

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ClusterError(RuntimeError):
    """The broker or a worker did not come up: the message says which and where its log is."""


def redis_server() -> str | None:
    return shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if os.access(p, os.X_OK)), None
    )


def broker_address(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or 6379


def broker_answers(url: str) -> bool:
    """Whether the Redis broker at `url` answers PING (other brokers: assumed to, the workers will say)."""
    if not url.startswith(("redis://", "rediss://")):
        return True
    return _answers(*broker_address(url))


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_broker(port: int, workdir: Path, timeout: float = 20) -> subprocess.Popen:
    """redis-server on 127.0.0.1:port, nothing persisted (a broker restart loses queued chunks, and the
    run that queued them fails naming the broker)."""
    server = redis_server()
    if server is None:
        raise ClusterError("redis-server is not installed: `make broker` installs Debian's package (as root)")
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"redis-{port}.log"
    proc = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--logfile", str(log), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    while not _answers("127.0.0.1", port):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise ClusterError(f"redis-server on 127.0.0.1:{port} did not start (log: {log})")
        time.sleep(0.05)
    return proc


def worker_command(name: str, queue: str = MATRIX_QUEUE) -> list[str]:
    """One worker process running one step at a time (the solo pool: killing the process kills the step,
    and the chunk it held goes back to the queue). Gossip, mingle and heartbeats are off: the workers need
    nothing from each other, and they start faster."""
    return [
        sys.executable, "-m", "celery", "-A", "orchestration.celery_app", "worker",
        "--pool=solo", "--concurrency=1", "--prefetch-multiplier=1", "-Q", queue, "-n", f"{name}@%h",
        "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip


def start_worker(
    name: str, log_dir: Path, env: dict | None = None, queue: str = MATRIX_QUEUE
) -> tuple[subprocess.Popen, Path]:
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"worker-{name}.log"
    proc = subprocess.Popen(
        worker_command(name, queue),
        cwd=PROJECT_ROOT,
        env={**(env or os.environ), "PYTHONUNBUFFERED": "1"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a Ctrl-C in the terminal reaches the cluster script, which stops it
    )
    return proc, log


def wait_ready(workers: list[tuple[subprocess.Popen, Path]], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    for proc, log in workers:
        while b" ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise ClusterError(f"Celery worker did not start (log {log}):\n{tail}")
            time.sleep(0.1)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def local_cluster(
    workers: int, log_dir: Path, port: int | None = None, env: dict | None = None, warehouse: bool = True
):
    """A broker (when `port` is given), the warehouse worker (every step but the chunks, one at a time: the
    single DuckDB writer; exactly one in a cluster) and `workers` chunk workers; yields (broker,
    [(worker, log)], warehouse first)."""
    broker = start_broker(port, log_dir) if port else None
    started: list[tuple[subprocess.Popen, Path]] = []
    try:
        started = [start_worker("warehouse", log_dir, env, QUEUE)] if warehouse else []
        started += [start_worker(f"w{i + 1}", log_dir, env) for i in range(workers)]
        wait_ready(started)
        yield broker, started
    finally:
        for proc, _ in started:
            stop(proc)
        if broker is not None:
            stop(broker)
