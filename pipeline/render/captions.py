"""Open captions: per language and height, the subtitles burned into the picture (social media).

One encode per language and height. Each cue is drawn once, before ffmpeg starts, by the one
caption renderer (`pipeline.captions.render`: HarfBuzz shaping through Pillow's raqm layout,
a named font per script, bidi order, title-safe margins) as a transparent PNG, all cropped to
the one band of the frame that any cue draws in. ffmpeg reads those PNGs as one sparse picture
stream through its concat demuxer (a list of files with durations: a blank image between
cues) and overlays that stream once onto the scaled master: the picture changes only when a
cue starts or ends, so the cost is one blend of a small band per frame. libass (the `ass`
filter) is no longer used: Debian's libass on HarfBuzz 6 mis-draws Nastaliq (lost and
misplaced dots, broken strokes), and the tests compare every script with Chromium's drawing.

Nothing from the inputs reaches the filter graph or the concat list: the images are written
under fixed names (`cue0001.png`, `blank.png`, `captions.ffconcat`) into a private temporary
folder that is ffmpeg's working directory; the graph holds only numbers.

Before drawing, every character of the cues is checked against the fonts (SUB_GLYPHS): a
missing glyph stops the build with the characters and the cue named, instead of leaving an
empty box in a published video.

A second, cheap task per video grabs QC frames (a PNG at the midpoint of a few cues) into qc/
for the report, with the cue as the renderer drew it alone beside it, so people can read the
burned-in text before publishing.
"""

from __future__ import annotations

import math
import tempfile
import unicodedata
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path

from PIL import Image, features

from pipeline import ffmpeg
from pipeline.captions import render as caption_render
from pipeline.captions.render import CaptionBox, CaptionImage, caption_fonts, render_cue, visible_lines
from pipeline.captions.style import CaptionStyle, contrast
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.errors import ValidationFailed
from pipeline.fonts import FontFile, missing_in_chain
from pipeline.languages import LanguageProfile
from pipeline.render import audio, graph, ladder
from pipeline.render.common import (
    film_title,
    fmt_number,
    master_duration,
    master_fps,
    mp4_tags,
    png_frame,
    probe_video,
    rung_width,
    safe_component,
    seconds_progress,
)
from pipeline.subtitles import text as cuetext
from pipeline.subtitles.model import Cue
from pipeline.subtitles.reader import load_cues

RECIPE = 2  # 2: drawn by pipeline.captions and overlaid (1 was libass)
KIND = "open-captions"
QC_KIND = "qc-frame"
QC_PREFIX = "qc/"
CONCAT_NAME = "captions.ffconcat"
BLANK_NAME = "blank.png"
QC_FRAMES = 3  # per video: the first cue, the longest, the last


def task_id(lang: str, height: int) -> str:
    return f"captions/{lang}/{height}"


def qc_task_id(lang: str, height: int) -> str:
    return f"qc/captions/{lang}/{height}"


def file_name(lang: str, height: int) -> str:
    return f"{lang}-{height}-captioned.mp4"


def qc_file_name(lang: str, height: int, cue: int) -> str:
    return f"{lang}-{height}-cue{cue}.png"


def qc_drawing_name(lang: str, height: int, cue: int) -> str:
    return f"{lang}-{height}-cue{cue}-drawn.png"


def cue_image_name(k: int) -> str:
    return f"cue{k:04d}.png"


def burn_in_fonts(profile: LanguageProfile) -> list[FontFile]:
    """The language's caption font and its named fallback; EnvironmentProblem when the first is missing."""
    return caption_fonts(profile)


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"'{ch}' (U+{ord(ch):04X}{' ' + name if name else ''})"


def check_glyphs(
    cues: tuple[Cue, ...] | list[Cue], profile: LanguageProfile, chain: list[FontFile], shown: str
) -> None:
    """Raise ValidationFailed (SUB_GLYPHS) naming the characters no font of the chain can draw."""
    missing: dict[str, int] = {}
    for cue in cues:
        for ch in missing_in_chain(chain, cuetext.plain(cuetext.clean(cue.text, profile.code))):
            missing.setdefault(ch, cue.index)
    if not missing:
        return
    first_char, first_cue = next(iter(missing.items()))
    names = ", ".join(_describe(ch) for ch in list(missing)[:5]) + (" and more" if len(missing) > 5 else "")
    raise ValidationFailed(
        f"SUB_GLYPHS: {shown} cue {first_cue}: the caption font {chain[0].family} "
        f"(and {', '.join(f.family for f in chain[1:]) or 'no fallback'}) cannot draw {names}",
        f"replace {_describe(first_char)} in cue {first_cue} with a character of the {profile.name} script, "
        "or remove it; run 'filmpipe validate' to see every cue",
    )


def renderer_identity() -> dict[str, object]:
    """What the drawing depends on besides fonts and settings: a new shaper re-makes the videos."""
    return {
        "renderer": caption_render.RECIPE,
        "raqm": features.version("raqm"),
        "harfbuzz": features.version("harfbuzz"),
        "fribidi": features.version("fribidi"),
    }


def plan_tasks(context: PlanContext) -> list[Task]:
    duration = master_duration(context.master)
    fps = master_fps(context.master)
    tasks: list[Task] = []
    if not context.open_captions:
        return tasks
    style = context.project.captions
    for lang in context.project.languages:
        code = safe_component(lang.code, "language code")
        chain = burn_in_fonts(lang.profile)
        for height in context.open_captions:
            width = rung_width(context.master, height)
            settings = {
                "recipe": RECIPE,
                "language": code,
                "height": height,
                "width": width,
                "fps": str(fps),
                "iso639_2": lang.profile.iso639_2,
                "title": film_title(context, lang.code),
                "fonts": [[f.family, f.style] for f in chain],
                "x264": ladder.x264_args(height, fps, context.draft),
                "matrix": ladder.input_matrix(context),
                "style": asdict(style),
                "drawing": renderer_identity(),
            }
            tasks.append(
                Task(
                    id=task_id(code, height),
                    title=f"Burn {lang.profile.name} captions into {height}p video",
                    action=burn_captions,
                    inputs=(context.master.path, lang.subtitles, *(f.path for f in chain)),
                    settings=settings,
                    deps=(audio.task_id(code),),
                    publish_to=f"video/{code}/",
                    weight=duration * (width * height / 1e6 + 1.0) * (1.0 if context.draft else 2.5),
                )
            )
            tasks.append(
                Task(
                    id=qc_task_id(code, height),
                    title=f"Grab {lang.profile.name} caption frames for the QC report",
                    action=grab_qc_frames,
                    inputs=(lang.subtitles, *(f.path for f in chain)),
                    settings={
                        "recipe": RECIPE,
                        "language": code,
                        "height": height,
                        "width": width,
                        "frames": QC_FRAMES,
                        "style": asdict(style),
                        "drawing": renderer_identity(),
                    },
                    deps=(task_id(code, height),),
                    publish_to=QC_PREFIX,
                    weight=1.0,
                )
            )
    return tasks


# ------------------------------------------------------------------ drawing the cues, compositing them


def even_box(ink: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """The band (left, top, right, bottom) on even pixels, so chroma lines up in yuv420p."""
    left, top, right, bottom = ink
    left, top = left - left % 2, top - top % 2
    right, bottom = min(width, right + right % 2), min(height, bottom + bottom % 2)
    return left, top, max(right, left + 2), max(bottom, top + 2)


def union(inks: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    """The smallest box holding every ink box (left, top, right, bottom): the band all cues share."""
    return min(i[0] for i in inks), min(i[1] for i in inks), max(i[2] for i in inks), max(i[3] for i in inks)


def draw_cues(
    cues: tuple[Cue, ...] | list[Cue],
    profile: LanguageProfile,
    box: CaptionBox,
    style: CaptionStyle,
    chain: list[FontFile],
    folder: Path,
) -> tuple[tuple[int, int], list[tuple[float, float, str]]]:
    """Draw every shown cue once into `folder` (fixed names), cropped to the band any of them uses.

    Returns the band's top-left corner and the (start, end, file name) of each drawn cue, in time order.
    """
    drawn: list[tuple[Cue, CaptionImage]] = []
    for cue in sorted(cues, key=lambda c: (c.start, c.index)):
        if cue.end <= cue.start:
            continue
        image = render_cue(cue.text, profile, box, style, chain)
        if image.ink is not None:
            drawn.append((cue, image))
    inks = [d.ink for _, d in drawn if d.ink]
    band = even_box(union(inks), box.width, box.height) if inks else (0, 0, 2, 2)
    size = (band[2] - band[0], band[3] - band[1])
    Image.new("RGBA", size, (0, 0, 0, 0)).save(folder / BLANK_NAME)
    timeline: list[tuple[float, float, str]] = []
    previous_end = 0.0
    for k, (cue, image) in enumerate(drawn, 1):
        name = cue_image_name(k)
        image.image.crop(band).save(folder / name, optimize=False, compress_level=1)
        start = max(cue.start, previous_end)  # overlapping cues (refused by validation) never reorder time
        if cue.end > start:
            timeline.append((start, cue.end, name))
            previous_end = cue.end
    return (band[0], band[1]), timeline


def concat_list(timeline: list[tuple[float, float, str]], duration: float) -> str:
    """An ffconcat list: each cue's image for its time, the blank image between cues and after the last.

    Durations are differences of absolute times rounded to microseconds, so no error accumulates.
    """

    def us(t: float) -> int:
        return max(0, round(t * 1_000_000))

    lines = ["ffconcat version 1.0"]
    now = 0
    for start, end, name in timeline:
        if us(start) > now:
            lines += [f"file {BLANK_NAME}", f"duration {(us(start) - now) / 1e6:.6f}"]
            now = us(start)
        lines += [f"file {name}", f"duration {(us(end) - now) / 1e6:.6f}"]
        now = us(end)
    lines += [f"file {BLANK_NAME}", f"duration {max(us(duration) - now, 1_000_000) / 1e6:.6f}"]
    return "\n".join(lines) + "\n"


def composite(
    master: graph.Stream, captions: graph.Stream, fps: Fraction, width: int, height: int, matrix: str, x: int, y: int
) -> graph.Stream:
    """Scale the master to the rung, then lay the caption stream over it at (x, y).

    Composed with ffmpeg-python (pipeline/render/graph.py): labels and escaping are its job;
    the graph holds only numbers and fixed names anyway.
    """
    base = graph.to_bt709(graph.at_frame_rate(master["v:0"], fps), width, height, matrix)
    return graph.lay_over(base, [(captions["v:0"], x, y)])


def burn_argv(master: Path, audio_file: Path, out: Path, settings: dict, x: int, y: int) -> list[str]:
    """ffmpeg arguments: the master, its language's audio and the drawn cues (a concat list) in, one MP4 out."""
    fps = Fraction(settings["fps"])
    video = composite(
        graph.source(str(master)),
        graph.source(CONCAT_NAME, f="concat"),
        fps,
        int(settings["width"]),
        int(settings["height"]),
        settings["matrix"],
        x,
        y,
    )
    sound = graph.source(str(audio_file))["a:0"]
    opts = graph.options(
        [
            *settings["x264"],
            "-c:a",
            "copy",
            *mp4_tags(settings["iso639_2"], settings.get("title") or ""),
        ]
    )
    return graph.compile_args(graph.output([video, sound], str(out), opts))


def burn_captions(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    code, height, width = s["language"], int(s["height"]), int(s["width"])
    context = run.context
    project = context.project
    lang = project.language(code)
    doc = load_cues(lang, project)
    chain = burn_in_fonts(lang.profile)
    check_glyphs(doc.cues, lang.profile, chain, project.relative(lang.subtitles))
    audio_id = audio.task_id(code)
    audio_file = run.dep_dirs[audio_id] / run.dep_meta[audio_id].get("file", audio.OUTPUT)
    name = file_name(code, height)
    duration = master_duration(context.master)
    style = project.captions
    with tempfile.TemporaryDirectory(prefix="filmpipe-captions-") as tmp:
        work = Path(tmp)
        (x, y), timeline = draw_cues(doc.cues, lang.profile, CaptionBox(width, height), style, chain, work)
        run.progress(0.05)
        (work / CONCAT_NAME).write_text(concat_list(timeline, duration), encoding="utf-8")
        ffmpeg.run(
            burn_argv(context.master.path, audio_file, run.out / name, s, x, y),
            what=f"burning {lang.profile.name} captions into the {height}p video",
            on_progress=seconds_progress(run.progress, duration, 0.05, 0.97),
            cwd=work,
        )
    made = probe_video(run.out / name, duration)
    run.progress(1.0)
    check = contrast(style)
    artifact = Artifact(
        kind=KIND,
        path=f"video/{code}/{name}",
        mime_type="video/mp4",
        language=code,
        width=made.width,
        height=made.height,
        codecs=made.codecs,
        bitrate_kbps=made.bitrate_kbps,
        duration_seconds=round(made.seconds, 3),
        extra={
            "font": chain[0].family,
            "cues": len(doc.cues),
            "style": style.style,
            "contrast": check.ratio,
            "contrastAgainst": check.against,
            "shaper": f"HarfBuzz {features.version('harfbuzz')} (raqm {features.version('raqm')})",
        },
    )
    return TaskOutput(artifacts=(artifact,), meta={"file": name})


def qc_cues(cues: tuple[Cue, ...] | list[Cue], language: str, count: int = QC_FRAMES) -> list[Cue]:
    """The cues worth looking at: the first, the one with the most text, the last (in film order)."""
    shown = [c for c in cues if c.end > c.start and visible_lines(c.text, language)]
    if not shown:
        return []
    longest = max(shown, key=lambda c: (cuetext.graphemes(cuetext.plain(c.text)), -c.index))
    chosen = {shown[0].index: shown[0], longest.index: longest, shown[-1].index: shown[-1]}
    return sorted(chosen.values(), key=lambda c: c.start)[:count]


def frame_time(cue: Cue, fps: Fraction) -> float:
    """The start of the frame shown at the cue's midpoint (so the grab is that exact frame)."""
    mid = (cue.start + cue.end) / 2
    return float(Fraction(math.floor(mid * fps), 1) / fps) if fps else mid


def drawing_on_grey(image: Image.Image) -> Image.Image:
    """The renderer's own drawing of a cue, alone on mid grey: what the burned-in frame should show."""
    grey = Image.new("RGBA", image.size, (128, 128, 128, 255))
    return Image.alpha_composite(grey, image).convert("RGB")


def grab_qc_frames(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    code, height = s["language"], int(s["height"])
    project = run.context.project
    lang = project.language(code)
    doc = load_cues(lang, project)
    video = run.dep_dirs[task_id(code, height)] / run.dep_meta[task_id(code, height)]["file"]
    fps = master_fps(run.context.master)
    width = int(s.get("width") or rung_width(run.context.master, height))
    chain = burn_in_fonts(lang.profile)
    artifacts = []
    chosen = qc_cues(doc.cues, code, int(s["frames"]))
    for i, cue in enumerate(chosen):
        name = qc_file_name(code, height, cue.index)
        t = frame_time(cue, fps)
        ffmpeg.run(
            [
                "-ss",
                fmt_number(t),
                "-i",
                str(video),
                "-map",
                "0:v:0",
                *png_frame(run.out / name),
            ],
            what=f"grabbing a {code} caption frame at {t:.2f} s",
        )
        drawn_name = qc_drawing_name(code, height, cue.index)
        drawn = render_cue(cue.text, lang.profile, CaptionBox(width, height), project.captions, chain)
        drawing_on_grey(drawn.image).save(run.out / drawn_name)
        text = cuetext.plain(cuetext.clean(cue.text, code))
        artifacts.append(
            Artifact(
                kind=QC_KIND,
                path=QC_PREFIX + name,
                mime_type="image/png",
                language=code,
                height=height,
                extra={"cue": cue.index, "time": round(t, 3), "text": text, "drawing": QC_PREFIX + drawn_name},
            )
        )
        artifacts.append(
            Artifact(
                kind=QC_KIND,
                path=QC_PREFIX + drawn_name,
                mime_type="image/png",
                language=code,
                height=height,
                extra={"cue": cue.index, "text": text, "role": "drawing", "frame": QC_PREFIX + name},
            )
        )
        run.progress((i + 1) / max(1, len(chosen)))
    return TaskOutput(
        artifacts=tuple(artifacts), meta={"frames": [a.path for a in artifacts if a.extra.get("role") != "drawing"]}
    )
