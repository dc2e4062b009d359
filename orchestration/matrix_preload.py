"""Imported once by the multiprocess executor's forkserver (`preload_modules`, orchestration/refresh.py): the
code location and its matrix job are built here, so each step's process forks with them already built
instead of rebuilding them from the module (~4 s a step, measured: most of a chunk step's cost on EMCCA)."""

from orchestration.definitions import travel_time_matrix_job

travel_time_matrix_job()
