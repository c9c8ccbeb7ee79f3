"""WebVTT per language (`vtt/<lang>`), published as subtitles/<lang>.vtt.

Planned and written by the shared WebVTT track writer (pipeline/render/vtt_track.py), which
also writes the text descriptions.
"""

from __future__ import annotations

from pipeline.engine.model import PlanContext, Task, TaskOutput, TaskRun
from pipeline.render import vtt_track

TRACK = vtt_track.TrackKind(
    kind="subtitles", task_prefix="vtt", publish_to="subtitles/", source="subtitles", title="WebVTT"
)


def task_id(lang: str) -> str:
    return TRACK.task_id(lang)


def plan_tasks(context: PlanContext) -> list[Task]:
    return vtt_track.plan_tasks(context, TRACK, write_vtt)


def write_vtt(run: TaskRun) -> TaskOutput:
    return vtt_track.write(run, TRACK)
