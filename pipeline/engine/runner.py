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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.engine.cache import Cache, Status, TaskKey
from pipeline.engine.executors import Executor, ThreadExecutor
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
    film: str = ""  # the film's id when a run builds several films


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


@dataclass(frozen=True)
class Node:
    """One task of one film in a run's graph.

    `uid` is unique in the run ("<film>/<task id>" when several films share it); `deps` are
    the uids this node waits for, by the task's own dependency ids. Nodes of several films
    with the same cache key run once: the runner gives the later ones the first one's result.
    """

    uid: str
    task: Task
    context: PlanContext
    cache: Cache
    key: TaskKey
    status: Status
    deps: dict[str, str]  # the task's dependency id -> that dependency's node uid
    film: str = ""


ResultCallback = Callable[[Node, TaskResult], None]


def run_tasks(
    tasks: list[Task],
    context: PlanContext,
    cache: Cache,
    keys: dict[str, TaskKey],
    statuses: dict[str, Status],
    *,
    jobs: int | None = None,
    on_event: EventCallback | None = None,
    executor: Executor | None = None,
) -> dict[str, TaskResult]:
    """Run every task that needs it (statuses[id].runs) and return every task's result."""
    nodes = [Node(t.id, t, context, cache, keys[t.id], statuses[t.id], {d: d for d in t.deps}) for t in tasks]
    return run_graph(nodes, jobs=jobs, on_event=on_event, executor=executor)


def run_graph(
    nodes: list[Node],
    *,
    jobs: int | None = None,
    on_event: EventCallback | None = None,
    on_result: ResultCallback | None = None,
    executor: Executor | None = None,
) -> dict[str, TaskResult]:
    """Run a graph of nodes (one film's tasks, or several films'); every node's result by uid.

    `on_result` is called in this thread as each node's result is known (reused or run),
    e.g. to publish a film as soon as its own nodes are done.
    """
    emit = on_event or (lambda event: None)
    done_cb = on_result or (lambda node, result: None)
    by_uid = {n.uid: n for n in nodes}
    results: dict[str, TaskResult] = {}
    first_of_key: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}  # uid that runs -> later uids with the same key
    to_run: list[Node] = []
    for node in nodes:
        if not node.status.runs:
            continue
        original = first_of_key.setdefault(node.key.key, node.uid)
        if original == node.uid:
            to_run.append(node)
        else:
            aliases.setdefault(original, []).append(node.uid)
    total_weight = sum(max(n.task.weight, 1e-6) for n in to_run) or 1.0
    fractions: dict[str, float] = {n.uid: 0.0 for n in to_run}
    started_at: dict[str, float] = {}
    run_start = time.monotonic()

    def overall() -> tuple[float, float | None]:
        done = sum(max(by_uid[i].task.weight, 1e-6) * f for i, f in fractions.items()) / total_weight
        elapsed = time.monotonic() - run_start
        eta = elapsed * (1 - done) / done if done > 0.02 and elapsed > 1 else None
        return done, eta

    def settle(node: Node, result: TaskResult) -> None:
        results[node.uid] = result
        done_cb(node, result)
        for alias in aliases.get(node.uid, []):
            twin = by_uid[alias]
            twin.cache.record(twin.task.id, twin.key)
            results[alias] = TaskResult(result.folder, result.output, reused=True, seconds=0.0)
            emit(
                Event(
                    "reuse",
                    twin.task,
                    fraction=1.0,
                    reason=f"made by this run for {node.film or node.uid}",
                    film=twin.film,
                )
            )
            done_cb(twin, results[alias])

    for cached in nodes:
        if not cached.status.runs:
            found = cached.cache.load(cached.key.key)
            cached.cache.record(cached.task.id, cached.key)
            emit(Event("reuse", cached.task, fraction=1.0, reason=cached.status.reason, film=cached.film))
            settle(cached, TaskResult(found.folder, found.output, reused=True, seconds=0.0))

    events: queue.Queue[tuple[str, float]] = queue.Queue()
    stopping = threading.Event()
    pending = list(to_run)
    running: dict[Any, tuple[Node, Path]] = {}
    own_executor = executor is None
    pool: Executor = executor if executor is not None else ThreadExecutor(max(1, jobs or default_jobs()))
    workers = pool.workers

    def progress_for(uid: str) -> Callable[[float], None]:
        def progress(fraction: float) -> None:
            if stopping.is_set():
                raise _Stopped()
            events.put((uid, min(max(float(fraction), 0.0), 1.0)))

        return progress

    def drain() -> None:
        latest: dict[str, float] = {}
        while True:
            try:
                uid, fraction = events.get_nowait()
            except queue.Empty:
                break
            latest[uid] = fraction
        for uid, fraction in latest.items():
            if uid in started_at and uid not in results:
                fractions[uid] = fraction
                done, eta = overall()
                emit(
                    Event(
                        "progress",
                        by_uid[uid].task,
                        fraction=fraction,
                        overall=done,
                        eta_seconds=eta,
                        seconds=time.monotonic() - started_at[uid],
                        film=by_uid[uid].film,
                    )
                )

    def ready(node: Node) -> bool:
        return all(uid in results for uid in node.deps.values())

    try:
        while pending or running:
            while len(running) < workers:
                next_node = next((n for n in pending if ready(n)), None)
                if next_node is None:
                    break
                node = next_node
                pending.remove(node)
                work = node.cache.begin(node.task.id)
                run = TaskRun(
                    task=node.task,
                    out=work / "out",
                    dep_dirs={d: results[uid].folder for d, uid in node.deps.items()},
                    dep_meta={d: results[uid].output.meta for d, uid in node.deps.items()},
                    context=node.context,
                    progress=progress_for(node.uid),
                )
                started_at[node.uid] = time.monotonic()
                done, eta = overall()
                emit(
                    Event("start", node.task, overall=done, eta_seconds=eta, reason=node.status.reason, film=node.film)
                )
                handle = pool.submit(node.key.key, node.task.action, run)
                running[handle] = (node, work)
            if not running:
                missing = {uid for n in pending for uid in n.deps.values() if uid not in by_uid}
                raise RuntimeError(
                    f"tasks wait on unknown or failed dependencies: {sorted(missing) or [n.uid for n in pending]}"
                )
            finished = pool.wait(list(running), timeout=0.2)
            drain()
            for handle in finished:
                node, work = running.pop(handle)
                task = node.task
                error = handle.exception()
                if error is not None:
                    node.cache.discard(work)
                    emit(
                        Event(
                            "fail",
                            task,
                            seconds=time.monotonic() - started_at[node.uid],
                            reason=str(error),
                            film=node.film,
                        )
                    )
                    raise error
                changed = node.cache.changed_since_keyed(task.inputs)
                if changed:  # what was read may be half old, half new: never cache it
                    node.cache.discard(work)
                    raise InputChanged(
                        f"{', '.join(changed)} changed while the build was reading it (task {task.id})",
                        "build again once the file is no longer being written",
                    )
                entry = node.cache.commit(task.id, node.key, work, handle.result())
                if not pending and not running:  # the last result: the executor may wind down while we publish
                    pool.drained()
                seconds = time.monotonic() - started_at[node.uid]
                fractions[node.uid] = 1.0
                done, eta = overall()
                emit(
                    Event("finish", task, fraction=1.0, overall=done, eta_seconds=eta, seconds=seconds, film=node.film)
                )
                settle(node, TaskResult(entry.folder, entry.output, reused=False, seconds=seconds))
    except BaseException:
        _stop(stopping, running, pool)
        raise
    finally:
        if own_executor:
            pool.close()
    return results


def _stop(stopping: threading.Event, running: dict[Any, tuple[Node, Path]], pool: Executor) -> None:
    """Stop every running task, wait for the workers to give up, delete their work folders."""
    stopping.set()
    handles = list(running)
    deadline = time.monotonic() + 30
    while running and time.monotonic() < deadline:
        pool.stop(handles)
        finished = pool.wait(list(running), timeout=0.2)
        for handle in finished:
            node, work = running.pop(handle)
            node.cache.discard(work)
        if not pool.in_process:  # remote workers cannot be waited for here: leave their folders
            break
    pool.stop(handles)
    for node, work in running.values():
        node.cache.discard(work)
