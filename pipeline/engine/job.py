"""The whole build, stage by stage: plan, cache check, run, publish, under the output lock.

`prepare` plans and computes keys and reasons (all a dry run needs); `execute` takes the
lock, runs what is out of date and publishes. Nothing here prints: events go to a callback.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline import __version__, ffmpeg
from pipeline.engine import publish as publishing
from pipeline.engine.cache import CACHE_DIR, Cache, Status, TaskKey, build_id
from pipeline.engine.lock import BuildLock
from pipeline.engine.model import BuildInfo, PlanContext, Task
from pipeline.engine.plan import make_context, plan_build
from pipeline.engine.runner import Event, TaskResult, run_tasks
from pipeline.findings import Report
from pipeline.project import Project


@dataclass
class Plan:
    context: PlanContext
    tasks: list[Task]
    keys: dict[str, TaskKey]
    statuses: dict[str, Status]
    cache: Cache

    @property
    def to_run(self) -> list[Task]:
        return [t for t in self.tasks if self.statuses[t.id].runs]


@dataclass
class Outcome:
    out_dir: Path
    build: BuildInfo
    results: dict[str, TaskResult]
    published: bool  # False: the output folder already held exactly this build
    seconds: float
    notes: list[str] = field(default_factory=list)  # e.g. "cleared a stale lock of process 123"


def tool_version() -> str:
    return f"filmpipe {__version__}"


@lru_cache(maxsize=1)
def ffmpeg_version() -> str:
    """ffmpeg's version from one `ffmpeg -version` (not the full capability scan: rebuilds stay fast)."""
    out, _ = ffmpeg.capture(["-version"], what="asking ffmpeg its version")
    match = re.search(r"ffmpeg version n?(\d+(?:\.\d+)*)", out.decode("utf-8", "replace"))
    return match.group(1) if match else "unknown"


def default_out_dir(project: Project) -> Path:
    return project.root / "dist"


def prepare(project: Project, *, draft: bool = False, force: bool = False) -> Plan:
    context = make_context(project, draft)
    tasks = plan_build(context)
    cache = Cache(project.root / CACHE_DIR, project.root, f"{tool_version()}; ffmpeg {ffmpeg_version()}")
    keys = cache.keys(tasks)
    return Plan(context=context, tasks=tasks, keys=keys, statuses=cache.statuses(tasks, keys, force), cache=cache)


def _published_file(cache: Cache) -> Path:
    return cache.root / "published.json"


def _published(cache: Cache) -> dict[str, str]:
    try:
        return json.loads(_published_file(cache).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _remember_published(cache: Cache, out_dir: Path, build: str) -> None:
    data = _published(cache)
    data[os.fspath(out_dir.resolve())] = build
    cache.root.mkdir(parents=True, exist_ok=True)
    tmp = _published_file(cache).with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, _published_file(cache))


def execute(
    plan: Plan,
    out_dir: Path,
    report: Report,
    *,
    jobs: int | None = None,
    on_event: Callable[[Event], None] | None = None,
) -> Outcome:
    """Run and publish under the output folder's lock; the output folder changes only at the swap."""
    started = time.monotonic()
    notes: list[str] = []
    ours = os.fspath(out_dir.resolve()) in _published(plan.cache)
    publishing.check_out_dir(out_dir, plan.context.project.root, ours)
    with BuildLock(out_dir) as lock, plan.cache.in_use():
        if lock.stale:
            notes.append(f"cleared a lock left by process {lock.stale.get('pid', '?')} that is no longer running")
        repaired = publishing.recover(out_dir)
        if repaired:
            notes.append(repaired)
        plan.cache.clean_tmp()
        results = run_tasks(
            plan.tasks, plan.context, plan.cache, plan.keys, plan.statuses, jobs=jobs, on_event=on_event
        )
        bid = build_id(plan.keys)
        files = publishing.layout(plan.tasks, results)
        current = (
            _published(plan.cache).get(os.fspath(out_dir.resolve())) == bid
            and not plan.to_run
            and publishing.is_current(out_dir, files)
        )
        build = BuildInfo(
            id=bid,
            tool=tool_version(),
            ffmpeg=ffmpeg_version(),
            created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        if not current:
            publishing.publish(out_dir, plan.tasks, results, plan.context, build, report)
            _remember_published(plan.cache, out_dir, bid)
            plan.cache.prune()
    return Outcome(
        out_dir=out_dir,
        build=build,
        results=results,
        published=not current,
        seconds=time.monotonic() - started,
        notes=notes,
    )
