"""Where a task's action runs: the executor seam between the runner and the machine(s).

The runner decides *what* runs and *when* (dependencies, the cache, events); an executor
only runs one ready task's action and hands back its TaskOutput. Two executors:

- `ThreadExecutor` (the default): a thread pool in this process. Progress flows back live;
  Ctrl-C and failures stop every ffmpeg child at once (`ffmpeg.stop_all`).
- `DaskExecutor` (`--executor dask`, in `dask_executor.py`): each task is submitted to a Dask
  cluster under its cache key, with its dependencies' futures, and runs in a worker process
  that reads inputs and writes its output folder through the shared cache directory.
  Dask is imported only there, so the default path never needs it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

from pipeline import ffmpeg
from pipeline.engine.model import Action, TaskOutput, TaskRun
from pipeline.errors import ConfigError, EnvironmentProblem

EXECUTORS = ("thread", "dask")
SCHEDULER_ENV = "FILMPIPE_SCHEDULER"
DASK_INSTALL = "pip install 'filmpipe[dask]'"


class Executor(Protocol):
    """Runs task actions; handles are opaque futures with `.exception()` and `.result()`."""

    workers: int
    in_process: bool  # True: tasks run in this process, so stopping can wait for them to give up

    def submit(self, key: str, action: Action, run: TaskRun) -> Any:
        """Run one ready task (its dependencies are finished and in the cache) under its cache key."""

    def wait(self, handles: list[Any], timeout: float) -> set[Any]: ...

    def drained(self) -> None:
        """The run has taken every task's result; nothing more will be submitted."""

    def stop(self, handles: list[Any]) -> None: ...

    def close(self) -> None: ...


class ThreadExecutor:
    """Today's thread pool: `workers` tasks at once in this process."""

    in_process = True

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="filmpipe-task")

    def submit(self, key: str, action: Action, run: TaskRun) -> Future:
        return self._pool.submit(action, run)

    def wait(self, handles: list[Any], timeout: float) -> set[Any]:
        done, _ = wait(handles, timeout=timeout, return_when=FIRST_COMPLETED)
        return set(done)

    def drained(self) -> None:
        pass

    def stop(self, handles: list[Any]) -> None:
        ffmpeg.stop_all()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def run_in_worker(action: Callable[[TaskRun], TaskOutput], run: TaskRun) -> TaskOutput:
    """A task's action as a worker process runs it.

    The output folder is emptied first: a worker that died mid-task may have left part of it,
    and the retry must start clean.
    """
    if run.out.exists():
        shutil.rmtree(run.out)
    run.out.mkdir(parents=True)
    return action(run)


def make_executor(
    kind: str, workers: int, scheduler: str | None = None, *, close_when_drained: bool = False
) -> Executor:
    """The executor named on the command line; ConfigError/EnvironmentProblem with the fix.

    `close_when_drained`: the executor serves one run, and may start shutting down (a Dask
    LocalCluster's processes) as soon as that run has taken its last result.
    """
    if kind == "thread":
        if scheduler:
            raise ConfigError(
                "--scheduler only applies to --executor dask",
                "add --executor dask, or drop --scheduler to build on this machine",
            )
        return ThreadExecutor(workers)
    if kind == "dask":
        try:
            from pipeline.engine.dask_executor import DaskExecutor
        except ImportError:
            raise _no_dask() from None
        return DaskExecutor(
            scheduler or os.environ.get(SCHEDULER_ENV) or None, workers, close_when_drained=close_when_drained
        )
    raise ConfigError(f"unknown executor '{kind}'", f"use one of: {', '.join(EXECUTORS)}")


def _no_dask() -> EnvironmentProblem:
    return EnvironmentProblem("--executor dask needs Dask, which is not installed", f"install it with: {DASK_INSTALL}")


class StartingExecutor:
    """An executor started in a background thread, e.g. a Dask LocalCluster (seconds: worker
    processes, their imports) while the build validates and plans. `get()` waits for it and
    raises what starting it raised; `close()` closes it, started or not (after an error, a
    dry run, Ctrl-C). The thread pool starts at once, with no thread."""

    def __init__(self, kind: str, workers: int, scheduler: str | None = None) -> None:
        self._executor: Executor | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if kind == "thread":
            self._executor = make_executor(kind, workers, scheduler)
            return
        if kind == "dask" and importlib.util.find_spec("distributed") is None:  # say so now, not after planning
            raise _no_dask()

        def start() -> None:
            try:
                self._executor = make_executor(kind, workers, scheduler, close_when_drained=True)
            except BaseException as err:  # noqa: BLE001 - handed to get() in the main thread
                self._error = err

        self._thread = threading.Thread(target=start, name="filmpipe-executor-start", daemon=True)
        self._thread.start()

    def get(self) -> Executor:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._executor is not None
        return self._executor

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.close()
