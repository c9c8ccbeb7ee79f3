"""Where the Dask executor's extra time goes, on a small film (seconds per run, not minutes).

Builds one small film (6 languages, `--seconds` long) from a cold cache, in this process,
with the thread pool and with `--executor dask` (a LocalCluster), alternately, and splits
each run into: executor start, planning, the task graph (first submit to last result),
publishing, executor close. For Dask it also reads the cluster's task stream and reports,
per task, the latency from the runner's submit to the worker starting it, and from the
worker finishing it to the runner taking its result, plus the time the workers sat idle.

    .venv/bin/python bench/dask_overhead.py [--rounds 2] [--seconds 4] [--draft]

Prints a table and a JSON summary; writes nothing in the checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dask_bench import make_fleet  # noqa: E402

from pipeline.engine import job  # noqa: E402
from pipeline.engine.executors import make_executor  # noqa: E402
from pipeline.engine.runner import Event  # noqa: E402
from pipeline.findings import Report  # noqa: E402
from pipeline.project import load_project  # noqa: E402


def one_run(kind: str, project_root: Path, cache: Path, workers: int, draft: bool) -> dict:
    t0 = time.monotonic()
    pool = make_executor(kind, workers)
    t_pool = time.monotonic()
    project = load_project(project_root)
    plan = job.prepare(project, draft=draft, cache_dir=cache)
    t_plan = time.monotonic()
    events: list[tuple[float, float, str, str]] = []  # monotonic, wall, kind, task id

    def on_event(event: Event) -> None:
        events.append((time.monotonic(), time.time(), event.kind, event.task.id))

    client = getattr(pool, "_client", None)
    stream = None
    if client is not None:
        from distributed import get_task_stream

        stream = get_task_stream(client)
        stream.__enter__()
    job.execute(plan, project_root / "dist", Report(findings=()), on_event=on_event, executor=pool)
    t_exec = time.monotonic()
    records = []
    if stream is not None:
        stream.__exit__(None, None, None)
        records = stream.data
    t_close0 = time.monotonic()
    pool.close()
    t_close = time.monotonic()
    starts = [e for e in events if e[2] == "start"]
    finishes = [e for e in events if e[2] == "finish"]
    graph_s = (finishes[-1][0] - starts[0][0]) if starts else 0.0
    result = {
        "kind": kind,
        "tasks": len(starts),
        "executor_start_s": round(t_pool - t0, 2),
        "plan_s": round(t_plan - t_pool, 2),
        "graph_s": round(graph_s, 2),
        "run_and_publish_s": round(t_exec - t_plan, 2),
        "close_s": round(t_close - t_close0, 2),
        "total_s": round(t_close - t0, 2),
    }
    if records:
        submitted = {tid: wall for _, wall, k, tid in starts}
        taken = {tid: wall for _, wall, k, tid in finishes}
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
        result["worker_compute_s"] = round(compute_s, 2)
        result["worker_idle_s"] = round(pool.workers * graph_s - compute_s, 2)
    else:
        result["worker_compute_s"] = round(
            sum(f[0] - s[0] for s in starts for f in finishes if f[3] == s[3]),
            2,
        )
        result["worker_idle_s"] = round(workers * graph_s - result["worker_compute_s"], 2)
    return result


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
                for leftover in (project / "dist",):
                    if leftover.exists():
                        import shutil

                        shutil.rmtree(leftover)
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
            f"start {statistics.median(r['executor_start_s'] for r in mine):.2f} s, "
            f"close {statistics.median(r['close_s'] for r in mine):.2f} s"
        )


if __name__ == "__main__":
    main()
