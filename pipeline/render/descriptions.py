"""Text descriptions per language (`descriptions/<lang>`), published as descriptions/<lang>.vtt.

What only the picture shows, timed into pauses of the narration: a `<track kind="descriptions">`
for players and screen readers (WCAG 2.2 1.2.3 / 1.2.5 with the described mix), and part of the
transcript. Written by the same WebVTT writer as the subtitles.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.render.common import safe_component
from pipeline.subtitles import webvtt
from pipeline.subtitles.reader import load_cues

RECIPE = 1
PUBLISH_TO = "descriptions/"
MIME = "text/vtt"
KIND = "descriptions"


def task_id(lang: str) -> str:
    return f"descriptions/{lang}"


def plan_tasks(context: PlanContext) -> list[Task]:
    tasks = []
    for lang in context.project.languages:
        if lang.descriptions is None:
            continue
        code = safe_component(lang.code, "language code")
        tasks.append(
            Task(
                id=task_id(code),
                title=f"Write {lang.profile.name} text descriptions",
                action=write_descriptions,
                inputs=(lang.descriptions,),
                settings={"recipe": RECIPE, "language": code, "rtl": lang.profile.is_rtl},
                publish_to=PUBLISH_TO,
                weight=0.2,
            )
        )
    return tasks


def write_descriptions(run: TaskRun) -> TaskOutput:
    code = run.task.settings["language"]
    project = run.context.project
    lang = project.language(code)
    assert lang.descriptions is not None
    doc = load_cues(replace(lang, subtitles=lang.descriptions), project)
    name = f"{code}.vtt"
    (run.out / name).write_text(
        webvtt.write(doc.cues, code, rtl=bool(run.task.settings["rtl"])), encoding="utf-8", newline="\n"
    )
    cues = webvtt.count_cues(doc.cues, code)
    run.progress(1.0)
    artifact = Artifact(kind=KIND, path=PUBLISH_TO + name, mime_type=MIME, language=code, extra={"cues": cues})
    return TaskOutput(artifacts=(artifact,), meta={"file": name, "cues": cues})
