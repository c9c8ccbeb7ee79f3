"""One WebVTT file per language from a cue file of the language table: the writer behind both
`vtt/<lang>` (subtitles/<lang>.vtt) and `descriptions/<lang>` (descriptions/<lang>.vtt).

A `TrackKind` says which file of the language it reads, where it publishes and under which
manifest kind; the planning and the writing are the same for every kind. The cue file is
read again here (not taken from validation) so the task's only input is that file: a changed
translation re-makes exactly its own WebVTT tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.engine.model import Action, Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.project import LanguageConfig
from pipeline.render.common import safe_component
from pipeline.subtitles import webvtt
from pipeline.subtitles.reader import load_cues

MIME = "text/vtt"


@dataclass(frozen=True)
class TrackKind:
    """A kind of WebVTT track: which cue file of a language it reads and how it is published."""

    kind: str  # Artifact.kind, e.g. "subtitles"
    task_prefix: str  # the task id is f"{task_prefix}/{lang}"
    publish_to: str  # dist/ folder, e.g. "subtitles/"
    source: str  # the LanguageConfig field naming the cue file ("subtitles", "descriptions")
    title: str  # what the task writes, for the live display: "WebVTT", "text descriptions"
    recipe: int = 1

    def task_id(self, lang: str) -> str:
        return f"{self.task_prefix}/{lang}"

    def cue_file(self, lang: LanguageConfig) -> Path | None:
        path: Path | None = getattr(lang, self.source)
        return path


def file_name(lang: str) -> str:
    return f"{lang}.vtt"


def plan_tasks(context: PlanContext, track: TrackKind, action: Action) -> list[Task]:
    """One task per language that has the track's cue file; `action` calls `write` with `track`."""
    tasks = []
    for lang in context.project.languages:
        cue_file = track.cue_file(lang)
        if cue_file is None:
            continue
        code = safe_component(lang.code, "language code")
        tasks.append(
            Task(
                id=track.task_id(code),
                title=f"Write {lang.profile.name} {track.title}",
                action=action,
                inputs=(cue_file,),
                settings={"recipe": track.recipe, "language": code, "rtl": lang.profile.is_rtl},
                publish_to=track.publish_to,
                weight=0.2,
            )
        )
    return tasks


def write(run: TaskRun, track: TrackKind) -> TaskOutput:
    """Read the language's cue file for `track` and write it as WebVTT (right-to-left marked when RTL)."""
    code = run.task.settings["language"]
    rtl = bool(run.task.settings["rtl"])
    project = run.context.project
    lang = project.language(code)
    cue_file = track.cue_file(lang)
    assert cue_file is not None  # planned only for languages that have it
    doc = load_cues(replace(lang, subtitles=cue_file), project)
    name = file_name(code)
    (run.out / name).write_text(webvtt.write(doc.cues, code, rtl=rtl), encoding="utf-8", newline="\n")
    cues = webvtt.count_cues(doc.cues, code)
    run.progress(1.0)
    artifact = Artifact(
        kind=track.kind, path=track.publish_to + name, mime_type=MIME, language=code, extra={"cues": cues}
    )
    return TaskOutput(artifacts=(artifact,), meta={"file": name, "cues": cues})
