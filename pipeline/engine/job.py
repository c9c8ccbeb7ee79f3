"""The whole build, stage by stage: plan, cache check, run, publish, under the output lock.

`prepare` plans and computes keys and reasons (all a dry run needs); `execute` takes the
lock, runs what is out of date and publishes. Nothing here prints: events go to a callback.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline import __version__, ffmpeg
from pipeline.engine import publish as publishing
from pipeline.engine import stored
from pipeline.engine.cache import CACHE_DIR, DAMAGED, Cache, Status, TaskKey, build_id
from pipeline.engine.executors import Executor
from pipeline.engine.lock import BuildLock
from pipeline.engine.model import BuildInfo, PlanContext, Task
from pipeline.engine.plan import make_context, plan_build
from pipeline.engine.runner import Event, Node, TaskResult, run_graph
from pipeline.errors import ConfigError, EnvironmentProblem
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


def cache_root(project: Project, cache_dir: Path | None = None) -> Path:
    """The project's own `.filmpipe-cache`, or a shared `--cache-dir` (one for many films)."""
    return (cache_dir if cache_dir is not None else project.root / CACHE_DIR).absolute()


def prepare(project: Project, *, draft: bool = False, force: bool = False, cache_dir: Path | None = None) -> Plan:
    context = make_context(project, draft)
    tasks = plan_build(context)
    cache = Cache(cache_root(project, cache_dir), project.root, f"{tool_version()}; ffmpeg {ffmpeg_version()}")
    cache.check_usable()
    try:
        keys = cache.keys(tasks)
    except OSError as err:
        raise EnvironmentProblem(
            f"cannot read or write {err.filename or cache.root}: {err.strerror or err}",
            "check the permissions of that file and of the project folder",
        ) from None
    return Plan(context=context, tasks=tasks, keys=keys, statuses=cache.statuses(tasks, keys, force), cache=cache)


def _published_file(cache: Cache) -> Path:
    return cache.root / "published.json"


def _is_inventory(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(name, str) and isinstance(facts, list) and len(facts) == 3 and all(stored.is_count(n) for n in facts)
        for name, facts in value.items()
    )


def _published(cache: Cache) -> dict[str, dict]:
    """What the cache remembers of each output folder it published: build id and files.

    {absolute out path: {"build": id, "files": inventory, "pending": inventory}}, where an
    inventory is publish.inventory() (size, mtime, inode per file) and "pending" is the
    staging folder's, written just before its swap. Entries of any other shape (damaged, or
    from an older filmpipe) are left out, as if never published.
    """
    data = stored.read_json(_published_file(cache))
    if not isinstance(data, dict):
        return {}
    return {
        path: record
        for path, record in data.items()
        if isinstance(record, dict)
        and isinstance(record.get("build"), str)
        and all(_is_inventory(record.get(k, {})) for k in ("files", "pending"))
    }


def _remember_published(cache: Cache, out_dir: Path, record: dict) -> None:
    data = _published(cache)
    data[os.fspath(out_dir.resolve())] = record
    cache.root.mkdir(parents=True, exist_ok=True)
    stored.write_json(_published_file(cache), data)


def _record(cache: Cache, out_dir: Path) -> dict | None:
    return _published(cache).get(os.fspath(out_dir.resolve()))


def _known_files(record: dict | None) -> dict[str, list[int]] | None:
    """Every file the last publish (or one interrupted at its swap) put in the output folder."""
    if record is None:
        return None
    return {**record.get("pending", {}), **record.get("files", {})}


def execute(
    plan: Plan,
    out_dir: Path,
    report: Report,
    *,
    jobs: int | None = None,
    on_event: Callable[[Event], None] | None = None,
    executor: Executor | None = None,
) -> Outcome:
    """Run and publish under the output folder's lock; the output folder changes only at the swap."""
    return execute_many([(plan, out_dir, report)], jobs=jobs, on_event=on_event, executor=executor)[0]


def execute_many(
    films: list[tuple[Plan, Path, Report]],
    *,
    jobs: int | None = None,
    on_event: Callable[[Event], None] | None = None,
    on_published: Callable[[Outcome], None] | None = None,
    executor: Executor | None = None,
) -> list[Outcome]:
    """Build several films as one graph; each film is published as soon as its own tasks are done.

    Tasks with the same cache key (the same master and settings in two films) run once. Each
    film keeps its own lock, staging folder and atomic swap, exactly as a single build.
    """
    started = time.monotonic()
    # An output folder that is a symbolic link (dist -> /var/www/film) is published where it
    # points: the swap renames folders, and renaming the link would leave the target stale.
    films = [(plan, out.resolve() if out.is_symlink() else out, report) for plan, out, report in films]
    outs = [out for _, out, _ in films]
    if len({os.fspath(o.resolve()) for o in outs}) != len(outs):
        raise ConfigError(
            "two films of this run would publish into the same output folder",
            "give each film its own folder (the default is dist/ beside each film.toml)",
        )
    for plan, out_dir, _ in films:
        publishing.check_out_dir(out_dir, plan.context.project.root, _known_files(_record(plan.cache, out_dir)))
    notes: dict[int, list[str]] = {i: [] for i in range(len(films))}
    outcomes: dict[int, Outcome] = {}
    with ExitStack() as stack:
        for i, (plan, out_dir, _) in enumerate(films):
            lock = stack.enter_context(BuildLock(out_dir))
            stack.enter_context(plan.cache.in_use())
            if lock.stale:
                notes[i].append(
                    f"cleared a lock left by process {lock.stale.get('pid', '?')} that is no longer running"
                )
            repaired = publishing.recover(out_dir, _known_files(_record(plan.cache, out_dir)))
            if repaired:
                notes[i].append(repaired)
            plan.cache.clean_tmp()
            for task in plan.to_run:
                reason = plan.statuses[task.id].reason
                if reason.startswith(DAMAGED):
                    notes[i].append(f"task {task.id}: {reason}")
        several = len(films) > 1
        nodes: list[Node] = []
        film_of: dict[str, int] = {}
        remaining: dict[int, set[str]] = {}
        for i, (plan, _, _) in enumerate(films):
            prefix = f"{i}:{plan.context.project.film.id}/" if several else ""
            film_name = plan.context.project.film.id if several else ""
            for task in plan.tasks:
                uid = prefix + task.id
                nodes.append(
                    Node(
                        uid=uid,
                        task=task,
                        context=plan.context,
                        cache=plan.cache,
                        key=plan.keys[task.id],
                        status=plan.statuses[task.id],
                        deps={d: prefix + d for d in task.deps},
                        film=film_name,
                    )
                )
                film_of[uid] = i
            remaining[i] = {prefix + t.id for t in plan.tasks}
        film_results: dict[int, dict[str, TaskResult]] = {i: {} for i in range(len(films))}

        def finish_film(i: int) -> None:
            plan, out_dir, report = films[i]
            outcomes[i] = _publish_film(plan, out_dir, report, film_results[i], notes[i], started)
            if on_published is not None:
                on_published(outcomes[i])

        def on_result(node: Node, result: TaskResult) -> None:
            i = film_of[node.uid]
            film_results[i][node.task.id] = result
            remaining[i].discard(node.uid)
            if not remaining[i]:
                finish_film(i)

        run_graph(nodes, jobs=jobs, on_event=on_event, on_result=on_result, executor=executor)
        for i in range(len(films)):  # a film with no tasks at all
            if i not in outcomes:
                finish_film(i)
    return [outcomes[i] for i in range(len(films))]


def _publish_film(
    plan: Plan, out_dir: Path, report: Report, results: dict[str, TaskResult], notes: list[str], started: float
) -> Outcome:
    bid = build_id(plan.keys)
    record = _record(plan.cache, out_dir)
    current = (
        record is not None
        and record["build"] == bid
        and not plan.to_run
        and publishing.is_current(out_dir, record.get("files"))
    )
    build = BuildInfo(
        id=bid,
        tool=tool_version(),
        ffmpeg=ffmpeg_version(),
        created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    if not current:

        def remember_pending(staging: Path) -> None:
            files = (record or {}).get("files", {})
            _remember_published(
                plan.cache, out_dir, {"build": bid, "files": files, "pending": publishing.inventory(staging)}
            )

        publishing.publish(out_dir, plan.tasks, results, plan.context, build, report, remember_pending)
        _remember_published(plan.cache, out_dir, {"build": bid, "files": publishing.inventory(out_dir)})
        plan.cache.prune()
    return Outcome(
        out_dir=out_dir,
        build=build,
        results=results,
        published=not current,
        seconds=time.monotonic() - started,
        notes=notes,
    )
