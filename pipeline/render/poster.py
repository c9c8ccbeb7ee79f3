"""Posters: one representative frame of the film as JPEG and WebP at every rung's size.

The frame is chosen deterministically (30% into the film, on a frame boundary) so rebuilds
produce the same picture; one decode of that frame feeds every size and format.
"""

from __future__ import annotations

from pipeline import ffmpeg
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.render import graph
from pipeline.render.common import fmt_number, master_duration, master_fps, rung_width

TASK_ID = "poster"
RECIPE = 1
POSITION = 0.3
FORMATS = (("jpg", "image/jpeg"), ("webp", "image/webp"))


def poster_time(context: PlanContext) -> float:
    fps = master_fps(context.master)
    duration = master_duration(context.master)
    frame = int(duration * POSITION * float(fps))
    return float(frame / fps)


def file_name(height: int, ext: str) -> str:
    return f"poster-{height}.{ext}"


def plan_tasks(context: PlanContext) -> list[Task]:
    sizes = [[rung_width(context.master, h), h] for h in context.ladder]
    return [
        Task(
            id=TASK_ID,
            title="Make posters",
            action=make_posters,
            inputs=(context.master.path,),
            settings={"recipe": RECIPE, "time": round(poster_time(context), 6), "sizes": sizes},
            publish_to="posters/",
            weight=2.0,
        )
    ]


def poster_argv(master: str, time: float, sizes: list[list[int]]) -> list[str]:
    """ffmpeg arguments: one decoded frame, `split` into every size and format (composed with ffmpeg-python)."""
    frames = graph.source(master, ss=fmt_number(time))["v:0"].filter_multi_output("split", len(sizes) * len(FORMATS))
    outputs = []
    i = 0
    for width, height in sizes:
        for ext, _ in FORMATS:
            pix = "yuvj420p" if ext == "jpg" else "yuv420p"
            picture = (
                frames[i].filter("scale", width, height, flags="lanczos").filter("setsar", 1).filter("format", pix)
            )
            codec = ["-c:v", "mjpeg", "-q:v", "3"] if ext == "jpg" else ["-c:v", "libwebp", "-quality", "82"]
            opts = graph.options(["-frames:v", "1", *codec, "-f", "image2", "-update", "1"])
            outputs.append(graph.output(picture, file_name(height, ext), opts))
            i += 1
    return graph.compile_args(*outputs)


def make_posters(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    ffmpeg.run(
        poster_argv(str(run.context.master.path), float(s["time"]), s["sizes"]), what="making the posters", cwd=run.out
    )
    artifacts = []
    for width, height in s["sizes"]:
        for ext, mime in FORMATS:
            artifacts.append(
                Artifact(
                    kind="poster", path=f"posters/{file_name(height, ext)}", mime_type=mime, width=width, height=height
                )
            )
    run.progress(1.0)
    return TaskOutput(artifacts=tuple(artifacts), meta={"time": s["time"]})
