"""The travel-time matrix on Celery (dagster-celery): each step of the `travel_time_matrix_celery` job is a
Celery task that any worker listening on the broker may take. The orchestrating run and the workers build
the Celery app from the same settings (`celery:` in escalator.yaml), so they agree on broker and queue.

A worker that dies holding a chunk does not lose it: tasks are acknowledged only when they finish
(`task_acks_late`), so the broker hands an unfinished chunk to another worker once the visibility timeout
has passed. A broker that stops answering fails the run with an error naming it; the write step never
runs, so the last matrix stays.
"""

import time
import warnings

import dagster as dg
import redis.exceptions
from celery.exceptions import DuplicateTaskNameWarning
from dagster._core.execution.retries import RetryMode
from dagster_celery.core_execution_loop import core_celery_execution_loop
from dagster_celery.executor import CELERY_CONFIG, CeleryExecutor, _submit_task
from kombu.exceptions import OperationalError
from kombu.utils.url import maybe_sanitize_url

from orchestration.settings import CeleryConfig

# dagster-celery builds its task afresh for every step it submits, and Celery warns each time
warnings.filterwarnings("ignore", category=DuplicateTaskNameWarning)

# dagster-celery's default queue: every step but the chunks, taken by ONE worker so that the steps that
# open the warehouse run one at a time in one process (DuckDB allows one writer process)
QUEUE = "dagster"
MATRIX_QUEUE = "matrix"  # the travel-time chunks (no warehouse access): any number of workers
BROKER_ERRORS = (OperationalError, redis.exceptions.ConnectionError, ConnectionError)


def executor_config(c: CeleryConfig) -> dict:
    """The executor's config; `app_args` turns it into the Celery app both sides build."""
    return {
        "broker": c.broker,
        "backend": c.backend,
        "config_source": {
            "task_acks_late": True,  # acknowledged when done: a chunk on a killed worker is redelivered
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,  # a worker reserves only the chunk it is running
            "broker_connection_retry_on_startup": True,
            # a worker that loses the broker stops its step: the step goes back to the queue, not lost
            "worker_cancel_long_running_tasks_on_connection_loss": True,
            "broker_transport_options": {
                "visibility_timeout": c.visibility_timeout,
                # how often idle workers look for chunks a dead worker held (kombu's default: 10 x 10 s)
                "unacked_restore_interval": max(1, min(10, c.visibility_timeout // 4)),
                "unacked_restore_throttle": 1,
                # publishing to a dead broker: give up after ~1 s, not forever
                "max_retries": 3,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.5,
            },
            # the result backend (the run polls it every second): a few quick retries, not Celery's 20 x 1 s
            "result_backend_transport_options": {
                "retry_policy": {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
            },
        },
    }


class BrokerWatch:
    """Asks the broker and the result backend whether they still answer, at most every `every` seconds.
    dagster-celery's loop waits on its tasks' results, which a lost broker leaves pending for ever."""

    def __init__(self, app, every: float = 2.0):
        self.app, self.every, self.last = app, every, 0.0

    def check(self) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        with self.app.connection_for_write() as conn:  # kombu OperationalError when the broker is gone
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        ping = getattr(getattr(self.app.backend, "client", None), "ping", None)
        if ping is not None:  # the redis result backend
            ping()


class WatchedResult:
    """A step's Celery result whose `ready()` first checks that the broker still answers."""

    def __init__(self, result, watch: BrokerWatch):
        self.result, self.watch = result, watch

    def ready(self) -> bool:
        self.watch.check()
        return self.result.ready()

    def get(self):
        return self.result.get()

    def revoke(self):
        return self.result.revoke()


class BrokerNamingCeleryExecutor(CeleryExecutor):
    """dagster-celery's executor, with a lost broker or result backend failing the run, named."""

    def execute(self, plan_context, execution_plan):
        watches: dict[int, BrokerWatch] = {}

        def submit(app, *args):
            watch = watches.setdefault(id(app), BrokerWatch(app))
            return WatchedResult(_submit_task(app, *args), watch)

        try:
            yield from core_celery_execution_loop(plan_context, execution_plan, step_execution_fn=submit)
        except BROKER_ERRORS as exc:
            raise dg.Failure(
                f"Celery broker {maybe_sanitize_url(self.broker)} (results: {maybe_sanitize_url(self.backend)}) "
                f"stopped answering during the run: {exc}. Steps not yet finished were not written; the last "
                "travel-time matrix is kept. Start the broker (`make broker`) and run the job again."
            ) from exc


@dg.executor(name="celery", config_schema=CELERY_CONFIG, requirements=dg.multiple_process_executor_requirements())
def escalator_celery_executor(init_context) -> BrokerNamingCeleryExecutor:
    cfg = init_context.executor_config
    return BrokerNamingCeleryExecutor(
        broker=cfg.get("broker"),
        backend=cfg.get("backend"),
        config_source=cfg.get("config_source"),
        include=cfg.get("include"),
        retries=RetryMode.from_config(cfg["retries"]),
    )


def app_args(c: CeleryConfig) -> dict:
    """What the workers' Celery app is built from (orchestration/celery_app.py): the executor's own."""
    cfg = executor_config(c)
    return BrokerNamingCeleryExecutor(
        retries=RetryMode(RetryMode.DISABLED),
        broker=cfg["broker"],
        backend=cfg["backend"],
        config_source=cfg["config_source"],
    ).app_args()
