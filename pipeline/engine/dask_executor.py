"""Run tasks on a Dask cluster (`filmpipe build --executor dask [--scheduler ADDRESS]`).

Each task is submitted under its cache key (`filmpipe-<sha256>`), so the scheduler knows a
task by what it makes, not by which film asked for it (two runs sharing a cluster that ask for
the same key get one computation). The runner submits a task only once its dependencies are
finished and renamed into the cache, and the task reads them from there (`TaskRun.dep_dirs`,
`dep_meta`): their Dask futures are not passed along, because Dask would then place the task
on the worker holding those (tiny) results, busy or not, and recompute them if that worker
died. The action runs in a worker process, reading inputs from the project folders and
writing its output folder inside the cache directory: both must be on a path every worker
sees (a shared file system; see docs/scale.md). The runner, here, renames finished folders
into the cache, so two workers racing on one key leave one good copy.

A worker that dies mid-task is replaced and the task is retried elsewhere (Dask's
`allowed-failures`); the retry empties the output folder first, so nothing half-written
survives. Without an address, a LocalCluster of `workers` single-threaded processes is
started for the run and closed after it (closing it ends its processes and their ffmpeg
children).

Where the time goes, and what is done about it (bench/dask_overhead.py measures each part):

- Starting a LocalCluster and importing the pipeline in each worker takes seconds: the CLI
  starts the executor in the background while it validates and plans (`executors.Starting`),
  and a worker plugin imports the render modules as each worker starts, not on its first task.
- A finished task's result is fetched by a done-callback the moment Dask reports it, and the
  runner waits on a local future, so nothing polls the scheduler.
- Progress: a task's progress callback in the worker sends at most PROGRESS_EVERY messages a
  second through Dask's event log (`Worker.log_event`); the client subscribes to the run's
  topic and hands them to the runner, which turns them into the same `progress` events as
  the thread pool's.
- Closing the LocalCluster (ending worker processes) starts as soon as the runner has taken
  the last result, so it overlaps publishing instead of following it.
"""

from __future__ import annotations

import threading
import time
import uuid
import warnings
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import Future as LocalFuture
from concurrent.futures import wait as local_wait
from dataclasses import replace
from typing import Any

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin, get_worker

from pipeline.engine.executors import run_in_worker
from pipeline.engine.model import Action, TaskRun
from pipeline.errors import EnvironmentProblem

# Dask's defaults suit workers that compute in Python and hold data; ours each wait on one
# ffmpeg child. Measured on 2 cores (bench/dask_overhead.py), an idle LocalCluster of two
# workers used 12 % of a core with the defaults and under 2 % with these: a cost paid for the
# whole build, on the cores ffmpeg needs.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    # no OMP_NUM_THREADS=1 or malloc trim threshold (for numeric libraries) in the workers'
    # environment: their ffmpeg children (which link libgomp) get this process's, as with the thread pool
    "distributed.nanny.pre-spawn-environ": {},
    "distributed.admin.tick.interval": "1s",  # the event-loop watchdog ticks every 20 ms by default
    "distributed.worker.profile.enabled": False,  # the dashboard's profiler samples every 10 ms
    # the runner never submits more tasks than there are workers, and each to any idle one
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.admin.system-monitor.interval": "5s",  # the dashboard's CPU/memory plots
}
PROGRESS_EVERY = 0.25  # seconds between two progress messages of one task, at least


class ImportPipeline(WorkerPlugin):
    """Imports every render module when a worker starts (or is restarted after dying), so a
    task's first run on a worker does not wait for the imports."""

    name = "filmpipe-import-pipeline"

    def setup(self, worker: Any) -> None:
        import pipeline.engine.executors  # noqa: F401
        import pipeline.engine.plan  # noqa: F401  (imports every render module)


class WorkerProgress:
    """A task's progress callback inside a worker: sends (key, fraction) to the run's topic,
    at most once per PROGRESS_EVERY seconds and only when the fraction grew."""

    def __init__(self, topic: str, key: str) -> None:
        self.topic = topic
        self.key = key
        self._sent_at = float("-inf")
        self._sent = -1.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if fraction <= self._sent or now - self._sent_at < PROGRESS_EVERY:
            return
        try:
            worker = get_worker()
        except ValueError:  # not in a worker (a task run by hand): nobody to tell
            return
        self._sent_at, self._sent = now, fraction
        worker.log_event(self.topic, {"key": self.key, "fraction": float(fraction)})


class DaskExecutor:
    in_process = False

    def __init__(self, address: str | None, workers: int, *, close_when_drained: bool = False) -> None:
        self._cluster: LocalCluster | None = None
        self._stopped = False
        self._close_when_drained = close_when_drained
        self._closing: threading.Thread | None = None
        self._shutting = threading.Lock()
        self._remote: dict[LocalFuture, Future] = {}
        self._progress: dict[str, Callable[[float], None]] = {}
        self._topic = f"filmpipe-progress-{uuid.uuid4().hex}"
        try:
            if address:
                self._client = Client(address, timeout="20s")
            else:
                warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
                with dask.config.set(LOCAL_CLUSTER_CONFIG):  # read by the scheduler and nannies as they start
                    self._cluster = LocalCluster(
                        n_workers=max(1, workers),
                        threads_per_worker=1,
                        processes=True,
                        memory_limit=0,  # no memory monitor: a worker holds no data, its ffmpeg child the frames
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
        self._client.subscribe_topic(self._topic, self._on_progress)
        try:
            self._client.register_plugin(ImportPipeline(), name=ImportPipeline.name)
        except Exception as err:  # noqa: BLE001 - e.g. ModuleNotFoundError raised in a remote worker
            self.close()
            raise EnvironmentProblem(
                f"the Dask workers cannot import filmpipe: {err}",
                "install the same filmpipe version with its dask extra in the workers' environment "
                "(pip install 'filmpipe[dask]'), or build without --executor dask",
            ) from err
        info = self._client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or workers)

    def _on_progress(self, event: tuple[float, dict[str, Any]]) -> None:
        """Runs in the client's event loop: hand a worker's progress message to the runner."""
        _, msg = event
        callback = self._progress.get(msg.get("key", ""))
        if callback is not None:
            try:
                callback(float(msg["fraction"]))
            except Exception:  # noqa: BLE001 - the run is stopping (the runner's callback says so)
                pass

    def submit(self, key: str, action: Action, run: TaskRun) -> LocalFuture:
        dask_key = f"filmpipe-{key}"
        self._progress[dask_key] = run.progress
        remote_run = replace(run, progress=WorkerProgress(self._topic, dask_key))
        future = self._client.submit(run_in_worker, action, remote_run, key=dask_key, pure=False)
        local: LocalFuture = LocalFuture()
        local.set_running_or_notify_cancel()
        self._remote[local] = future
        future.add_done_callback(lambda done: self._settle(local, done))
        return local

    def _settle(self, local: LocalFuture, future: Future) -> None:
        """Runs in Dask's callback thread once the task is done: fetch its result here, so the
        runner finds it ready, then let Dask forget the task (its output is in the cache now;
        a result kept in a worker's memory would be computed again if that worker died)."""
        try:
            local.set_result(future.result())
        except BaseException as err:  # noqa: BLE001 - the task's own error, a cancellation, a lost client
            if not local.done():
                local.set_exception(err)
        self._remote.pop(local, None)
        self._progress.pop(str(future.key), None)

    def wait(self, handles: list[Any], timeout: float) -> set[Any]:
        if self._stopped:  # cancelled: nothing more will come back from them
            return set(handles)
        done, _ = local_wait(handles, timeout=timeout, return_when=FIRST_COMPLETED)
        return set(done)

    def drained(self) -> None:
        """The run has taken its last result: start closing our LocalCluster while it publishes."""
        if self._close_when_drained and self._closing is None and self._cluster is not None:
            self._closing = threading.Thread(target=self._shut_down, name="filmpipe-dask-close", daemon=True)
            self._closing.start()

    def stop(self, handles: list[Any]) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            remote = [self._remote[h] for h in handles if h in self._remote]
            self._client.cancel(remote, force=True)
        except Exception:  # noqa: BLE001 - the client may already be gone; we are stopping anyway
            pass
        if self._cluster is not None:  # our own workers: end them and their ffmpeg children now
            self._shut_down()

    def _shut_down(self) -> None:
        with self._shutting:
            try:
                if self._client.status not in ("closed", "closing"):
                    self._client.close()
            finally:
                cluster, self._cluster = self._cluster, None
                if cluster is not None:
                    cluster.close()

    def close(self) -> None:
        if self._closing is not None:
            self._closing.join()
        self._shut_down()
