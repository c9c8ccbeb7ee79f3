"""Progressive MP4 per language and rung: the shared ladder video plus the language's audio.

Both streams are copied, never re-encoded: this is the "encode once, copy many times" step.
"""

from __future__ import annotations

from pipeline import codecs, ffmpeg
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.render import audio, ladder
from pipeline.render.common import film_title, master_duration, safe_component

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
            tasks.append(
                Task(
                    id=task_id(code, height),
                    title=f"Join {lang.profile.name} audio to the {height}p video",
                    action=join_streams,
                    settings={
                        "recipe": RECIPE,
                        "language": code,
                        "height": height,
                        "iso639_2": lang.profile.iso639_2,
                        "title": film_title(context, lang.code),
                        "mobile": height <= MOBILE_MAX_HEIGHT,
                    },
                    deps=(ladder.TASK_ID, audio.task_id(code)),
                    publish_to=f"video/{code}/",
                    weight=duration * 0.01,
                )
            )
            if lang.described_audio is not None:
                tasks.append(
                    Task(
                        id=task_id(code, height) + "/described",
                        title=f"Join {lang.profile.name} described audio to the {height}p video",
                        action=join_streams,
                        settings={
                            "recipe": RECIPE,
                            "language": code,
                            "height": height,
                            "iso639_2": lang.profile.iso639_2,
                            "title": film_title(context, lang.code),
                            "described": True,
                        },
                        deps=(ladder.TASK_ID, audio.described_task_id(code)),
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
        "-map_metadata",
        "-1",
        *(["-metadata", f"title={title}"] if title else []),
        "-metadata:s:v:0",
        "language=und",
        "-metadata:s:a:0",
        f"language={iso639_2}",
        "-disposition:a:0",
        "default",
        "-movflags",
        "+faststart",
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
    facts = ffmpeg.probe(run.out / name)
    streams = facts.get("streams", [])
    video = next(x for x in streams if x.get("codec_type") == "video")
    sound = next(x for x in streams if x.get("codec_type") == "audio")
    seconds = float(facts["format"].get("duration") or master_duration(run.context.master))
    size = (run.out / name).stat().st_size
    run.progress(1.0)
    artifact = Artifact(
        kind=DESCRIBED_KIND if described else "progressive",
        path=f"video/{lang}/{name}",
        mime_type="video/mp4",
        language=lang,
        width=int(video["width"]),
        height=int(video["height"]),
        codecs=codecs.join(codecs.from_stream(video), codecs.from_stream(sound)),
        bitrate_kbps=round(size * 8 / seconds / 1000) if seconds else None,
        duration_seconds=round(seconds, 3),
    )
    return TaskOutput(artifacts=(artifact,), meta={"file": name})
