"""The IO manager that carries the travel-time matrix's intermediate values (the network with its
timetable, the origin chunks, each chunk's result) between steps that may run in different processes or on
different machines (Celery workers, Kubernetes pods).

Values are pickled to `<base_dir>/<run id>/<step>/<output>[/<mapping key>]`, where base_dir is a folder
every worker mounts (NFS, a shared volume) or an fsspec URL (s3://bucket/prefix, gs://..., with that
filesystem's package installed on the workers). Dagster's default IO manager pickles under each process's
own DAGSTER_HOME, which another machine cannot read.
"""

import pickle
from typing import Any

import dagster as dg
from upath import UPath


class ExchangeIOManager(dg.UPathIOManager):
    extension = ".pkl"

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> Any:
        with path.open("rb") as f:
            return pickle.load(f)


class ExchangeIOManagerFactory(dg.ConfigurableIOManagerFactory):
    """Shared storage for values passed between the matrix's steps (settings: exchange_dir)."""

    base_dir: str

    def create_io_manager(self, context) -> ExchangeIOManager:
        return ExchangeIOManager(base_path=UPath(self.base_dir))
