"""The runner: parallel up to -j, dependencies first, failures stop every child process."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pipeline import ffmpeg
from pipeline.engine.cache import Cache
from pipeline.engine.model import Task, TaskOutput, TaskRun
from pipeline.engine.runner import run_tasks
from pipeline.errors import FfmpegError

_lock = threading.Lock()
_log: list[tuple[str, str, float]] = []
_active = {"now": 0, "max": 0}


def sleeper(run: TaskRun) -> TaskOutput:
    with _lock:
        _active["now"] += 1
        _active["max"] = max(_active["max"], _active["now"])
        _log.append(("start", run.task.id, time.monotonic()))
    time.sleep(run.task.settings.get("sleep", 0.3))
    run.progress(1.0)
    with _lock:
        _active["now"] -= 1
        _log.append(("end", run.task.id, time.monotonic()))
    return TaskOutput(meta={"id": run.task.id})


def long_ffmpeg(run: TaskRun) -> TaskOutput:
    """Encodes 10 minutes of test pattern: only ever ends by being stopped."""
    ffmpeg.run(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25:duration=600",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-f",
            "null",
            "-",
        ],
        what="a long encode",
        on_progress=lambda s: run.progress(s / 600),
    )
    return TaskOutput()


def failing_ffmpeg(run: TaskRun) -> TaskOutput:
    time.sleep(0.8)  # let the long encode get going
    ffmpeg.run(["-i", str(run.out / "does-not-exist.mp4"), "-f", "null", "-"], what="reading a missing file")
    return TaskOutput()


def interrupted(run: TaskRun) -> TaskOutput:
    time.sleep(0.8)
    raise KeyboardInterrupt


def cache_for(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache", tmp_path, "test")


def run_all(tmp_path: Path, tasks: list[Task], jobs: int, events=None):
    cache = cache_for(tmp_path)
    keys = cache.keys(tasks)
    return (
        run_tasks(
            tasks,
            None,
            cache,
            keys,
            cache.statuses(tasks, keys),
            jobs=jobs,
            on_event=events.append if events is not None else None,
        ),
        cache,
        keys,
    )


@pytest.fixture(autouse=True)
def reset():
    _log.clear()
    _active.update(now=0, max=0)


def test_independent_tasks_run_in_parallel_up_to_jobs(tmp_path):
    tasks = [Task(id=f"t{i}", title=f"t{i}", action=sleeper, settings={"i": i}) for i in range(4)]
    start = time.monotonic()
    run_all(tmp_path, tasks, jobs=2)
    elapsed = time.monotonic() - start
    assert _active["max"] == 2
    assert elapsed < 4 * 0.3  # two at a time: about 0.6 s, not 1.2 s


def test_dependencies_finish_before_dependents_start(tmp_path):
    tasks = [
        Task(id="a", title="a", action=sleeper, settings={"sleep": 0.4}),
        Task(id="b", title="b", action=sleeper, settings={"sleep": 0.05}),
        Task(id="c", title="c", action=sleeper, deps=("a", "b"), settings={"sleep": 0.05}),
    ]
    events = []
    results, _, _ = run_all(tmp_path, tasks, jobs=3, events=events)
    times = {(kind, task_id): t for kind, task_id, t in _log}
    assert times[("start", "c")] >= times[("end", "a")]
    assert times[("start", "c")] >= times[("end", "b")]
    assert results["c"].output.meta == {"id": "c"}
    kinds = [(e.kind, e.task.id) for e in events if e.kind in ("start", "finish")]
    assert kinds.index(("finish", "a")) < kinds.index(("start", "c"))
    finishes = [e for e in events if e.kind == "finish"]
    assert finishes[-1].overall == pytest.approx(1.0)


def test_a_failure_stops_the_other_running_ffmpeg_and_leaves_no_entries(tmp_path):
    tasks = [
        Task(id="long", title="long", action=long_ffmpeg),
        Task(id="bad", title="bad", action=failing_ffmpeg),
        Task(id="after", title="after", action=sleeper, deps=("bad",)),
    ]
    start = time.monotonic()
    with pytest.raises(FfmpegError, match="reading a missing file"):
        run_all(tmp_path, tasks, jobs=2)
    assert time.monotonic() - start < 10, "the long encode was not stopped"
    assert not ffmpeg._children, "a child process is still tracked"
    cache = cache_for(tmp_path)
    assert not cache.tasks_dir.exists() or not any(cache.tasks_dir.iterdir())
    assert not any(cache.tmp_dir.iterdir())
    assert not [entry for entry in _log if entry[1] == "after"]


def test_ctrl_c_stops_children_and_cleans_up(tmp_path):
    tasks = [Task(id="long", title="long", action=long_ffmpeg), Task(id="ctrl-c", title="c", action=interrupted)]
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_all(tmp_path, tasks, jobs=2)
    assert time.monotonic() - start < 10
    assert not ffmpeg._children
    assert not any(cache_for(tmp_path).tmp_dir.iterdir())
