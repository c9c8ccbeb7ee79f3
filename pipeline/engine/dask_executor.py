"""Run tasks on a Dask cluster (`filmpipe build --executor dask [--scheduler ADDRESS]`).

Each task is submitted under its cache key (`filmpipe-<sha256>`), so the scheduler knows a
task by what it makes, not by which film asked for it; its dependencies' futures go with it,
so the cluster sees the graph. The action runs in a worker process, reading inputs from the
project folders and writing its output folder inside the cache directory: both must be on a
path every worker sees (a shared file system; see docs/scale.md). The runner, here, renames
finished folders into the cache, so two workers racing on one key leave one good copy.

A worker that dies mid-task is replaced and the task is retried elsewhere (Dask's
`allowed-failures`); the retry empties the output folder first, so nothing half-written
survives. Without an address, a LocalCluster of `workers` single-threaded processes is
started for the run and closed after it (closing it ends its processes and their ffmpeg
children).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from distributed import Client, Future, LocalCluster
from distributed import wait as dask_wait

from pipeline.engine.executors import no_progress, run_in_worker
from pipeline.engine.model import Action, TaskRun
from pipeline.errors import EnvironmentProblem


class DaskExecutor:
    live_progress = False

    def __init__(self, address: str | None, workers: int) -> None:
        self._cluster: LocalCluster | None = None
        self._stopped = False
        try:
            if address:
                self._client = Client(address, timeout="20s")
            else:
                warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
                self._cluster = LocalCluster(
                    n_workers=max(1, workers),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=50,  # logging.CRITICAL: a worker lost under load is retried; keep the terminal for filmpipe
                )
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as err:
            raise EnvironmentProblem(
                f"could not reach the Dask scheduler at {address}: {err}",
                "check the address (tcp://host:8786) and that the scheduler is running, "
                "or build without --executor dask",
            ) from err
        info = self._client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or workers)

    def submit(self, key: str, action: Action, run: TaskRun, deps: Iterable[Any] = ()) -> Future:
        remote = TaskRun(
            task=run.task,
            out=run.out,
            dep_dirs=run.dep_dirs,
            dep_meta=run.dep_meta,
            context=run.context,
            progress=no_progress,
        )
        return self._client.submit(run_in_worker, action, remote, *deps, key=f"filmpipe-{key}", pure=False)

    def wait(self, handles: list[Any], timeout: float) -> set[Any]:
        if self._stopped:  # cancelled: nothing more will come back from them
            return set(handles)
        try:
            done, _ = dask_wait(handles, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return set()
        return set(done)

    def stop(self, handles: list[Any]) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            self._client.cancel(handles, force=True)
        except Exception:  # noqa: BLE001 - the client may already be gone; we are stopping anyway
            pass
        if self._cluster is not None:  # our own workers: end them and their ffmpeg children now
            self._client.close()
            self._cluster.close()
            self._cluster = None

    def close(self) -> None:
        try:
            if self._client.status not in ("closed", "closing"):
                self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None
