"""Progressive MP4 per language and rung: the shared ladder video plus the language's audio.

Both streams are copied, never re-encoded: this is the "encode once, copy many times" step.
"""

from __future__ import annotations

from pipeline import ffmpeg
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.render import audio, ladder
from pipeline.render.common import film_title, master_duration, mp4_tags, probe_video, safe_component

RECIPE = 3  # title tag; mobile MP4s (<= MOBILE_MAX_HEIGHT) with the low-bitrate audio


# Progressive MP4s this small are for mobile data: they carry the 48 kbit/s audio.
MOBILE_MAX_HEIGHT = 360


def task_id(lang: str, height: int) -> str:
    return f"progressive/{lang}/{height}"


def file_name(lang: str, height: int, described: bool = False) -> str:
    return f"{lang}-{height}-described.mp4" if described else f"{lang}-{height}.mp4"


DESCRIBED_KIND = "audio-description"  # the language's video with its described mix (audio description)


def plan_tasks(context: PlanContext) -> list[Task]:
    duration = master_duration(context.master)
    tasks = []
    for lang in context.project.languages:
        code = safe_component(lang.code, "language code")
        for height in context.progressive:
            settings = {
                "recipe": RECIPE,
                "language": code,
                "height": height,
                "iso639_2": lang.profile.iso639_2,
                "title": film_title(context, lang.code),
            }
            variants = [("", "audio", {"mobile": height <= MOBILE_MAX_HEIGHT}, audio.task_id(code))]
            if lang.described_audio is not None:
                variants.append(("/described", "described audio", {"described": True}, audio.described_task_id(code)))
            for suffix, what, own, audio_id in variants:
                tasks.append(
                    Task(
                        id=task_id(code, height) + suffix,
                        title=f"Join {lang.profile.name} {what} to the {height}p video",
                        action=join_streams,
                        settings={**settings, **own},
                        deps=(ladder.TASK_ID, audio_id),
                        publish_to=f"video/{code}/",
                        weight=duration * 0.01,
                    )
                )
    return tasks


def join_argv(video: str, audio_file: str, iso639_2: str, out: str, title: str = "") -> list[str]:
    return [
        "-i",
        video,
        "-i",
        audio_file,
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-c",
        "copy",
        *mp4_tags(iso639_2, title),
        out,
    ]


def join_streams(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    lang, height = s["language"], int(s["height"])
    rung = ladder.rung(run.dep_meta[ladder.TASK_ID], height)
    described = bool(s.get("described"))
    audio_id = audio.described_task_id(lang) if described else audio.task_id(lang)
    video_path = run.dep_dirs[ladder.TASK_ID] / rung["file"]
    meta = run.dep_meta[audio_id]
    # the mobile MP4 takes the 48 kbit/s twin of the same mix (when the audio task made one)
    low: str | None = meta.get("lowFile")
    audio_path = run.dep_dirs[audio_id] / (low if s.get("mobile") and low else meta["file"])
    name = file_name(lang, height, described)
    ffmpeg.run(
        join_argv(str(video_path), str(audio_path), s["iso639_2"], name, s.get("title", "")),
        what=f"joining {lang} audio to the {height}p video",
        cwd=run.out,
    )
    made = probe_video(run.out / name, master_duration(run.context.master))
    run.progress(1.0)
    artifact = Artifact(
        kind=DESCRIBED_KIND if described else "progressive",
        path=f"video/{lang}/{name}",
        mime_type="video/mp4",
        language=lang,
        width=made.width,
        height=made.height,
        codecs=made.codecs,
        bitrate_kbps=made.bitrate_kbps,
        duration_seconds=round(made.seconds, 3),
    )
    return TaskOutput(artifacts=(artifact,), meta={"file": name})
