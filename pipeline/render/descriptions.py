"""Text descriptions per language (`descriptions/<lang>`), published as descriptions/<lang>.vtt.

What only the picture shows, timed into pauses of the narration: a `<track kind="descriptions">`
for players and screen readers (WCAG 2.2 1.2.3 / 1.2.5 with the described mix), and part of the
transcript. Planned and written by the same WebVTT track writer as the subtitles
(pipeline/render/vtt_track.py), for the languages that have a descriptions file.
"""

from __future__ import annotations

from pipeline.engine.model import PlanContext, Task, TaskOutput, TaskRun
from pipeline.render import vtt_track

TRACK = vtt_track.TrackKind(
    kind="descriptions",
    task_prefix="descriptions",
    publish_to="descriptions/",
    source="descriptions",
    title="text descriptions",
)


def task_id(lang: str) -> str:
    return TRACK.task_id(lang)


def plan_tasks(context: PlanContext) -> list[Task]:
    return vtt_track.plan_tasks(context, TRACK, write_descriptions)


def write_descriptions(run: TaskRun) -> TaskOutput:
    return vtt_track.write(run, TRACK)
