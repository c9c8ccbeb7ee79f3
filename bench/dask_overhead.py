"""Where the Dask executor's extra time goes, on a small film (seconds per run, not minutes).

Builds one small film (6 languages, `--seconds` long) from a cold cache, in this process,
with the thread pool and with `--executor dask` (a LocalCluster), alternately, the way the
CLI does, and splits each run into: validating and planning (the executor starts meanwhile),
waiting for the executor, the task graph (first submit to last result), publishing, waiting
for the executor to close. For Dask it also reads the cluster's task stream and reports,
per task, the latency from the runner's submit to the worker starting it, and from the
worker finishing it to the runner taking its result, plus the time the workers sat idle.

    .venv/bin/python bench/dask_overhead.py [--rounds 2] [--seconds 4] [--draft]

Prints a table and a JSON summary; writes nothing in the checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dask_bench import make_fleet  # noqa: E402

from pipeline.engine import job  # noqa: E402
from pipeline.engine.executors import StartingExecutor  # noqa: E402
from pipeline.engine.runner import Event  # noqa: E402
from pipeline.project import load_project  # noqa: E402
from pipeline.validate.run import validate_project  # noqa: E402


def one_run(kind: str, project_root: Path, cache: Path, workers: int, draft: bool) -> dict:
    """One cold build, the way `filmpipe build` does it: the executor starts in the background
    while the film is validated and planned; a Dask LocalCluster closes while publishing."""
    t0 = time.monotonic()
    starting = StartingExecutor(kind, workers)
    project = load_project(project_root)
    report = validate_project(project, None)
    plan = job.prepare(project, draft=draft, cache_dir=cache)
    t_plan = time.monotonic()
    pool = starting.get()
    t_ready = time.monotonic()
    events: list[tuple[float, float, str, str]] = []  # monotonic, wall, kind, task id

    def on_event(event: Event) -> None:
        events.append((time.monotonic(), time.time(), event.kind, event.task.id))

    records: list[dict] = []
    children_cpu: list[float] = []
    own_cpu: list[float] = []
    main_cpu_before = _own_cpu_s()
    environ: dict[str, dict] = {}
    cpu_before = _children_cpu_s()
    client = getattr(pool, "_client", None)
    if client is not None:  # read the cluster's task stream before the cluster closes
        from distributed import get_task_stream

        stream = get_task_stream(client)
        stream.__enter__()
        wind_down = pool.drained

        def drained() -> None:
            stream.__exit__(None, None, None)
            records.extend(stream.data)
            children_cpu.extend(client.run(_children_cpu_s).values())
            own_cpu.extend(client.run(_own_cpu_s).values())
            environ.update(client.run(_thread_env))
            wind_down()

        pool.drained = drained  # type: ignore[method-assign]
    job.execute(plan, project_root / "dist", report, on_event=on_event, executor=pool)
    t_exec = time.monotonic()
    if client is None:
        children_cpu.append(_children_cpu_s() - cpu_before)
    starting.close()
    t_close = time.monotonic()
    starts = [e for e in events if e[2] == "start"]
    finishes = [e for e in events if e[2] == "finish"]
    graph_s = (finishes[-1][0] - starts[0][0]) if starts else 0.0
    result = {
        "kind": kind,
        "tasks": len(starts),
        "progress_events": sum(1 for e in events if e[2] == "progress"),
        "validate_and_plan_s": round(t_plan - t0, 2),
        "waited_for_executor_s": round(t_ready - t_plan, 2),
        "graph_s": round(graph_s, 2),
        "publish_s": round(t_exec - finishes[-1][0], 2) if finishes else 0.0,
        "waited_for_close_s": round(t_close - t_exec, 2),
        "total_s": round(t_close - t0, 2),
        "ffmpeg_cpu_s": round(sum(children_cpu), 2),  # user + sys of the tasks' child processes
        "python_cpu_s": round(sum(own_cpu) + _own_cpu_s() - main_cpu_before, 2),  # filmpipe's own (and workers')
        "worker_env": sorted({json.dumps(e) for e in environ.values()}),
    }
    if records:
        submitted = {tid: wall for _, wall, _, tid in starts}
        taken = {tid: wall for _, wall, _, tid in finishes}
        by_task: dict[str, tuple[float, float]] = {}
        compute_s = 0.0
        for rec in records:
            for ss in rec.get("startstops", ()):
                if ss["action"] == "compute":
                    by_task[rec["key"]] = (ss["start"], ss["stop"])
                    compute_s += ss["stop"] - ss["start"]
        key_of = {t.id: f"filmpipe-{plan.keys[t.id].key}" for t in plan.tasks}
        to_start, to_take = [], []
        for tid, wall in submitted.items():
            span = by_task.get(key_of[tid])
            if span is None or tid not in taken:
                continue
            to_start.append(span[0] - wall)
            to_take.append(taken[tid] - span[1])
        result["submit_to_worker_start_ms"] = _summary(to_start)
        result["worker_stop_to_result_ms"] = _summary(to_take)
        result["task_s"] = round(compute_s, 2)
        result["per_task_s"] = {
            tid: round(by_task[key_of[tid]][1] - by_task[key_of[tid]][0], 2)
            for tid in submitted
            if key_of[tid] in by_task
        }
    else:
        ended = {f[3]: f[0] for f in finishes}
        result["task_s"] = round(sum(ended[s[3]] - s[0] for s in starts if s[3] in ended), 2)
        result["per_task_s"] = {s[3]: round(ended[s[3]] - s[0], 2) for s in starts if s[3] in ended}
    result["workers_idle_s"] = round(workers * graph_s - result["task_s"], 2)
    return result


def _children_cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _thread_env() -> dict:
    return {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MALLOC_TRIM_THRESHOLD_")}


def _summary(values_s: list[float]) -> dict:
    if not values_s:
        return {}
    ms = sorted(v * 1000 for v in values_s)
    return {
        "median": round(statistics.median(ms), 1),
        "max": round(ms[-1], 1),
        "sum": round(sum(ms), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--draft", action="store_true")
    parser.add_argument("--kinds", default="thread,dask")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory(prefix="filmpipe-dask-overhead-") as tmp:
        root = Path(tmp)
        make_fleet(root, 1, args.seconds)
        project = root / "films" / "film-00"
        for r in range(args.rounds):
            for kind in args.kinds.split(","):
                if (project / "dist").exists():
                    shutil.rmtree(project / "dist")
                load = os.getloadavg()[0]
                res = one_run(kind, project, root / f"cache-{kind}-{r}", args.workers, args.draft)
                res["load_before"] = round(load, 2)
                res["load_after"] = round(os.getloadavg()[0], 2)
                runs.append(res)
                print(json.dumps(res), flush=True)
    for kind in args.kinds.split(","):
        mine = [r for r in runs if r["kind"] == kind]
        print(
            f"{kind:>6}: total median {statistics.median(r['total_s'] for r in mine):.2f} s, "
            f"graph {statistics.median(r['graph_s'] for r in mine):.2f} s, "
            f"tasks {statistics.median(r['task_s'] for r in mine):.2f} s, "
            f"waited for the executor {statistics.median(r['waited_for_executor_s'] for r in mine):.2f} s, "
            f"for its close {statistics.median(r['waited_for_close_s'] for r in mine):.2f} s"
        )


if __name__ == "__main__":
    main()
