"""Run planned tasks: reuse cached ones, run the rest on a thread pool in dependency order.

The runner never prints. It reports what happens as Events to one callback, always called
from the calling (main) thread, so a display needs no locking. Worker threads mostly wait on
ffmpeg children; on a failure or Ctrl-C every child is stopped (`ffmpeg.stop_all`), the
unfinished tasks' work folders are deleted and the exception is re-raised: nothing half-made
reaches the cache.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from pipeline import ffmpeg
from pipeline.engine.cache import Cache, CacheEntry, Status, TaskKey
from pipeline.engine.model import PlanContext, Task, TaskOutput, TaskRun
from pipeline.errors import FilmpipeError


@dataclass(frozen=True)
class Event:
    """Something that happened to a task. kind: reuse, start, progress, finish, fail."""

    kind: str
    task: Task
    fraction: float = 0.0  # this task's fraction done
    overall: float = 0.0  # the whole run's fraction done (by weight)
    eta_seconds: float | None = None  # estimated time left for the whole run
    seconds: float = 0.0  # how long the task took (finish) or has run (progress)
    reason: str = ""  # why it runs (start) or that it is up to date (reuse)


EventCallback = Callable[[Event], None]


@dataclass(frozen=True)
class TaskResult:
    folder: Path  # the finished output folder (inside the cache)
    output: TaskOutput
    reused: bool
    seconds: float


class InputChanged(FilmpipeError):
    """An input file was modified while a task read it."""

    exit_code = 3


class _Stopped(Exception):
    """Raised inside a task's progress callback once the run is being stopped."""


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_tasks(
    tasks: list[Task],
    context: PlanContext,
    cache: Cache,
    keys: dict[str, TaskKey],
    statuses: dict[str, Status],
    *,
    jobs: int | None = None,
    on_event: EventCallback | None = None,
) -> dict[str, TaskResult]:
    """Run every task that needs it (statuses[id].runs) and return every task's result."""
    emit = on_event or (lambda event: None)
    by_id = {t.id: t for t in tasks}
    results: dict[str, TaskResult] = {}
    to_run = [t for t in tasks if statuses[t.id].runs]
    total_weight = sum(max(t.weight, 1e-6) for t in to_run) or 1.0
    fractions: dict[str, float] = {t.id: 0.0 for t in to_run}
    started_at: dict[str, float] = {}
    run_start = time.monotonic()

    def overall() -> tuple[float, float | None]:
        done = sum(max(by_id[i].weight, 1e-6) * f for i, f in fractions.items()) / total_weight
        elapsed = time.monotonic() - run_start
        eta = elapsed * (1 - done) / done if done > 0.02 and elapsed > 1 else None
        return done, eta

    for task in tasks:
        if not statuses[task.id].runs:
            entry = cache.load(keys[task.id].key)
            cache.record(task.id, keys[task.id])
            results[task.id] = TaskResult(entry.folder, entry.output, reused=True, seconds=0.0)
            emit(Event("reuse", task, fraction=1.0, reason=statuses[task.id].reason))

    events: queue.Queue[tuple[str, float]] = queue.Queue()
    stopping = threading.Event()
    pending = list(to_run)
    running: dict[Future, tuple[Task, Path]] = {}
    workers = max(1, jobs or default_jobs())

    def progress_for(task_id: str) -> Callable[[float], None]:
        def progress(fraction: float) -> None:
            if stopping.is_set():
                raise _Stopped()
            events.put((task_id, min(max(float(fraction), 0.0), 1.0)))

        return progress

    def drain() -> None:
        latest: dict[str, float] = {}
        while True:
            try:
                task_id, fraction = events.get_nowait()
            except queue.Empty:
                break
            latest[task_id] = fraction
        for task_id, fraction in latest.items():
            if task_id in started_at and task_id not in results:
                fractions[task_id] = fraction
                done, eta = overall()
                emit(
                    Event(
                        "progress",
                        by_id[task_id],
                        fraction=fraction,
                        overall=done,
                        eta_seconds=eta,
                        seconds=time.monotonic() - started_at[task_id],
                    )
                )

    def ready(task: Task) -> bool:
        return all(d in results for d in task.deps)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="filmpipe-task")
    try:
        while pending or running:
            while len(running) < workers:
                task = next((t for t in pending if ready(t)), None)
                if task is None:
                    break
                pending.remove(task)
                work = cache.begin(task.id)
                run = TaskRun(
                    task=task,
                    out=work / "out",
                    dep_dirs={d: results[d].folder for d in task.deps},
                    dep_meta={d: results[d].output.meta for d in task.deps},
                    context=context,
                    progress=progress_for(task.id),
                )
                started_at[task.id] = time.monotonic()
                done, eta = overall()
                emit(Event("start", task, overall=done, eta_seconds=eta, reason=statuses[task.id].reason))
                running[pool.submit(task.action, run)] = (task, work)
            if not running:
                missing = {d for t in pending for d in t.deps if d not in by_id}
                raise RuntimeError(f"tasks wait on unknown or failed dependencies: {sorted(missing) or pending}")
            finished, _ = wait(list(running), timeout=0.2, return_when=FIRST_COMPLETED)
            drain()
            for future in finished:
                task, work = running.pop(future)
                error = future.exception()
                if error is not None:
                    cache.discard(work)
                    emit(Event("fail", task, seconds=time.monotonic() - started_at[task.id], reason=str(error)))
                    raise error
                changed = cache.changed_since_keyed(task.inputs)
                if changed:  # what was read may be half old, half new: never cache it
                    cache.discard(work)
                    raise InputChanged(
                        f"{', '.join(changed)} changed while the build was reading it (task {task.id})",
                        "build again once the file is no longer being written",
                    )
                entry: CacheEntry = cache.commit(task.id, keys[task.id], work, future.result())
                seconds = time.monotonic() - started_at[task.id]
                results[task.id] = TaskResult(entry.folder, entry.output, reused=False, seconds=seconds)
                fractions[task.id] = 1.0
                done, eta = overall()
                emit(Event("finish", task, fraction=1.0, overall=done, eta_seconds=eta, seconds=seconds))
    except BaseException:
        _stop(stopping, running, cache)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _stop(stopping: threading.Event, running: dict[Future, tuple[Task, Path]], cache: Cache) -> None:
    """Stop every child process, wait for the workers to give up, delete their work folders."""
    stopping.set()
    deadline = time.monotonic() + 30
    while running and time.monotonic() < deadline:
        ffmpeg.stop_all()
        finished, _ = wait(list(running), timeout=0.2)
        for future in finished:
            _, work = running.pop(future)
            cache.discard(work)
    ffmpeg.stop_all()
    for _, work in running.values():
        cache.discard(work)
