"""Plan a build: from the project and the probed master, the render tasks in dependency order.

Each render module contributes its tasks through a factory `(PlanContext) -> list[Task]`;
adding a kind of output is one line in FACTORIES.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.engine.model import PlanContext, Task
from pipeline.errors import FfmpegError, ValidationFailed
from pipeline.probe import probe_media
from pipeline.project import Project
from pipeline.render import (
    audio,
    captions,
    descriptions,
    hls,
    ladder,
    poster,
    progressive,
    shape_check,
    social,
    subtitles,
)
from pipeline.rungs import fit_heights, rendered_rungs

Factory = Callable[[PlanContext], list[Task]]

# Every kind of output, in the order its tasks are listed. Append yours here.
FACTORIES: list[Factory] = [
    ladder.plan_tasks,
    audio.plan_tasks,
    progressive.plan_tasks,
    poster.plan_tasks,
    subtitles.plan_tasks,
    descriptions.plan_tasks,
    captions.plan_tasks,
    hls.plan_tasks,
    social.plan_tasks,
    shape_check.plan_tasks,
]


def make_context(project: Project, draft: bool = False) -> PlanContext:
    """Probe the master and settle the rungs: those above its height dropped; --draft keeps two."""
    try:
        master = probe_media(project.film.master)
    except FfmpegError as err:
        raise ValidationFailed(
            f"the master {project.relative(project.film.master)} cannot be read",
            "run 'filmpipe validate' to see why",
        ) from err
    if master.video is None or not master.video.height:
        raise ValidationFailed(
            f"the master {project.relative(project.film.master)} has no video stream",
            "point [film] master at the film's video file",
        )
    rungs = rendered_rungs(project.output.ladder, master.video.height, draft)
    return PlanContext(
        project=project,
        master=master,
        ladder=rungs,
        progressive=fit_heights(project.output.progressive, rungs),
        open_captions=fit_heights(project.output.open_captions, rungs),
        draft=draft,
    )


def plan_build(context: PlanContext) -> list[Task]:
    """Every factory's tasks, checked (unique ids, known deps, no cycles) and in dependency order."""
    tasks: list[Task] = []
    for factory in FACTORIES:
        tasks.extend(factory(context))
    return order(tasks)


def order(tasks: list[Task]) -> list[Task]:
    """Dependency order, otherwise keeping the factories' order (a stable topological sort)."""
    by_id: dict[str, Task] = {}
    for task in tasks:
        if task.id in by_id:
            raise ValueError(f"two tasks share the id {task.id!r}")
        by_id[task.id] = task
    for task in tasks:
        for dep in task.deps:
            if dep not in by_id:
                raise ValueError(f"task {task.id!r} depends on unknown task {dep!r}")
    ordered: list[Task] = []
    placed: set[str] = set()
    remaining = list(tasks)
    while remaining:
        for task in remaining:
            if all(d in placed for d in task.deps):
                ordered.append(task)
                placed.add(task.id)
                remaining.remove(task)
                break
        else:
            raise ValueError(f"tasks depend on each other in a cycle: {[t.id for t in remaining]}")
    return ordered
