"""WebVTT per language (`vtt/<lang>`), published as subtitles/<lang>.vtt.

The subtitle file is read again here (not taken from validation) so the task's only input is
that file: a changed translation re-makes exactly its own WebVTT, HLS and caption tasks.
"""

from __future__ import annotations

from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.render.common import safe_component
from pipeline.subtitles import webvtt
from pipeline.subtitles.reader import load_cues

RECIPE = 1
PUBLISH_TO = "subtitles/"
MIME = "text/vtt"


def task_id(lang: str) -> str:
    return f"vtt/{lang}"


def file_name(lang: str) -> str:
    return f"{lang}.vtt"


def plan_tasks(context: PlanContext) -> list[Task]:
    tasks = []
    for lang in context.project.languages:
        code = safe_component(lang.code, "language code")
        tasks.append(
            Task(
                id=task_id(code),
                title=f"Write {lang.profile.name} WebVTT",
                action=write_vtt,
                inputs=(lang.subtitles,),
                settings={"recipe": RECIPE, "language": code, "rtl": lang.profile.is_rtl},
                publish_to=PUBLISH_TO,
                weight=0.2,
            )
        )
    return tasks


def write_vtt(run: TaskRun) -> TaskOutput:
    code = run.task.settings["language"]
    rtl = bool(run.task.settings["rtl"])
    project = run.context.project
    doc = load_cues(project.language(code), project)
    text = webvtt.write(doc.cues, code, rtl=rtl)
    name = file_name(code)
    (run.out / name).write_text(text, encoding="utf-8", newline="\n")
    cues = webvtt.count_cues(doc.cues, code)
    run.progress(1.0)
    artifact = Artifact(
        kind="subtitles",
        path=PUBLISH_TO + name,
        mime_type=MIME,
        language=code,
        extra={"cues": cues},
    )
    return TaskOutput(artifacts=(artifact,), meta={"file": name, "cues": cues})
