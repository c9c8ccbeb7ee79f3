"""Open captions: per language and height, the subtitles burned into the picture (social media).

One encode per language and height: the master is decoded, scaled to the rung's size, the
captions are drawn by libass (`ass` filter, `shaping=complex`, i.e. HarfBuzz, so Bengali and
Gujarati vowel signs and conjuncts and Urdu joining come out right) in the font named for the
language's script, encoded with the ladder's x264 settings, and muxed with the language's
normalised audio by stream copy.

Nothing from the inputs reaches the filter graph: the ASS script is written under a fixed
name into a private temporary folder, next to a `fonts/` folder holding links to the font
files, and ffmpeg runs with that folder as its working directory, so the graph only names
`captions.ass` and `fonts`. (The task folder itself holds only what is published.)

Before rendering, every character of the cues is checked against the fonts (SUB_GLYPHS):
a missing glyph stops the build with the characters and the cue named, instead of leaving an
empty box in a published video.

A second, cheap task per video grabs QC frames (a PNG at the midpoint of a few cues) into
qc/ for the report, so people can read the burned-in text before publishing.
"""

from __future__ import annotations

import math
import os
import tempfile
import unicodedata
from dataclasses import astuple
from fractions import Fraction
from pathlib import Path

from pipeline import codecs, ffmpeg
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.errors import EnvironmentProblem, ValidationFailed
from pipeline.fonts import FontFile, font_chain, missing_in_chain
from pipeline.languages import FONT_PACKAGE, LanguageProfile
from pipeline.render import audio, ladder
from pipeline.render.common import (
    fmt_number,
    master_duration,
    master_fps,
    rung_width,
    safe_component,
    seconds_progress,
)
from pipeline.subtitles import ass
from pipeline.subtitles import text as cuetext
from pipeline.subtitles.model import Cue
from pipeline.subtitles.reader import load_cues

RECIPE = 1
KIND = "open-captions"
QC_KIND = "qc-frame"
QC_PREFIX = "qc/"
ASS_NAME = "captions.ass"
FONTS_DIR = "fonts"
QC_FRAMES = 3  # per video: the first cue, the longest, the last


def task_id(lang: str, height: int) -> str:
    return f"captions/{lang}/{height}"


def qc_task_id(lang: str, height: int) -> str:
    return f"qc/captions/{lang}/{height}"


def file_name(lang: str, height: int) -> str:
    return f"{lang}-{height}-captioned.mp4"


def qc_file_name(lang: str, height: int, cue: int) -> str:
    return f"{lang}-{height}-cue{cue}.png"


def burn_in_fonts(profile: LanguageProfile) -> list[FontFile]:
    """The language's caption font and its named fallback; EnvironmentProblem when the first is missing."""
    chain = font_chain(profile.font_family, profile.fallback_fonts)  # as validation checks it (symbols too)
    if not chain or chain[0].family != profile.font_family:
        raise EnvironmentProblem(
            f"the font '{profile.font_family}' that burns {profile.name} captions is not installed",
            f"install it with: apt-get install {FONT_PACKAGE} (then run 'filmpipe doctor')",
        )
    return chain


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


def plan_tasks(context: PlanContext) -> list[Task]:
    duration = master_duration(context.master)
    fps = master_fps(context.master)
    tasks: list[Task] = []
    if not context.open_captions:
        return tasks
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
                "fonts": [[f.family, f.style] for f in chain],
                "x264": ladder.x264_args(height, fps, context.draft),
                "matrix": ladder.input_matrix(context),
                "look": [
                    ass.RECIPE,
                    ass.MARGIN_SIDE,
                    ass.MARGIN_BOTTOM,
                    ass.OUTLINE_EM,
                    ass.SHADOW_EM,
                    list(astuple(ass.look_for(lang.profile))),
                ],
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
                    inputs=(lang.subtitles,),
                    settings={"recipe": RECIPE, "language": code, "height": height, "frames": QC_FRAMES},
                    deps=(task_id(code, height),),
                    publish_to=QC_PREFIX,
                    weight=1.0,
                )
            )
    return tasks


def filter_graph(fps: Fraction, width: int, height: int, matrix: str) -> str:
    """Scale to the rung, then draw the captions at that size. Names only fixed, safe file names."""
    return (
        f"[0:v:0]fps={fps.numerator}/{fps.denominator},"
        f"scale={width}:{height}:flags=lanczos:in_color_matrix={matrix}:out_color_matrix=bt709:out_range=tv,"
        f"setsar=1,format=yuv420p,"
        f"ass=filename={ASS_NAME}:shaping=complex:fontsdir={FONTS_DIR}[v]"
    )


def burn_argv(master: Path, audio_file: Path, out: Path, settings: dict) -> list[str]:
    fps = Fraction(settings["fps"])
    return [
        "-i",
        str(master),
        "-i",
        str(audio_file),
        "-filter_complex",
        filter_graph(fps, int(settings["width"]), int(settings["height"]), settings["matrix"]),
        "-map",
        "[v]",
        "-map",
        "1:a:0",
        *settings["x264"],
        "-c:a",
        "copy",
        "-map_metadata",
        "-1",
        "-metadata:s:v:0",
        "language=und",
        "-metadata:s:a:0",
        f"language={settings['iso639_2']}",
        "-disposition:a:0",
        "default",
        "-movflags",
        "+faststart",
        str(out),
    ]


def _link_fonts(folder: Path, chain: list[FontFile]) -> None:
    folder.mkdir()
    for i, font in enumerate(chain):
        target = folder / f"{i}{font.path.suffix.lower() or '.ttf'}"
        try:
            os.symlink(font.path, target)
        except OSError:
            target.write_bytes(font.path.read_bytes())


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
    with tempfile.TemporaryDirectory(prefix="filmpipe-ass-") as tmp:
        work = Path(tmp)
        (work / ASS_NAME).write_text(ass.script(doc.cues, lang.profile, width, height, chain), encoding="utf-8")
        _link_fonts(work / FONTS_DIR, chain)
        ffmpeg.run(
            burn_argv(context.master.path, audio_file, run.out / name, s),
            what=f"burning {lang.profile.name} captions into the {height}p video",
            on_progress=seconds_progress(run.progress, duration, 0.0, 0.97),
            cwd=work,
        )
    facts = ffmpeg.probe(run.out / name)
    streams = facts.get("streams", [])
    video = next(x for x in streams if x.get("codec_type") == "video")
    sound = next(x for x in streams if x.get("codec_type") == "audio")
    seconds = float(facts["format"].get("duration") or duration)
    size = (run.out / name).stat().st_size
    run.progress(1.0)
    artifact = Artifact(
        kind=KIND,
        path=f"video/{code}/{name}",
        mime_type="video/mp4",
        language=code,
        width=int(video["width"]),
        height=int(video["height"]),
        codecs=codecs.join(codecs.from_stream(video), codecs.from_stream(sound)),
        bitrate_kbps=round(size * 8 / seconds / 1000) if seconds else None,
        duration_seconds=round(seconds, 3),
        extra={"font": chain[0].family, "cues": len(doc.cues)},
    )
    return TaskOutput(artifacts=(artifact,), meta={"file": name})


def qc_cues(cues: tuple[Cue, ...] | list[Cue], language: str, count: int = QC_FRAMES) -> list[Cue]:
    """The cues worth looking at: the first, the one with the most text, the last (in film order)."""
    shown = [c for c in cues if c.end > c.start and ass.cue_lines(c, language)]
    if not shown:
        return []
    longest = max(shown, key=lambda c: (cuetext.graphemes(cuetext.plain(c.text)), -c.index))
    chosen = {shown[0].index: shown[0], longest.index: longest, shown[-1].index: shown[-1]}
    return sorted(chosen.values(), key=lambda c: c.start)[:count]


def frame_time(cue: Cue, fps: Fraction) -> float:
    """The start of the frame shown at the cue's midpoint (so the grab is that exact frame)."""
    mid = (cue.start + cue.end) / 2
    return float(Fraction(math.floor(mid * fps), 1) / fps) if fps else mid


def grab_qc_frames(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    code, height = s["language"], int(s["height"])
    project = run.context.project
    doc = load_cues(project.language(code), project)
    video = run.dep_dirs[task_id(code, height)] / run.dep_meta[task_id(code, height)]["file"]
    fps = master_fps(run.context.master)
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
                "-frames:v",
                "1",
                "-update",
                "1",
                "-f",
                "image2",
                "-c:v",
                "png",
                str(run.out / name),
            ],
            what=f"grabbing a {code} caption frame at {t:.2f} s",
        )
        artifacts.append(
            Artifact(
                kind=QC_KIND,
                path=QC_PREFIX + name,
                mime_type="image/png",
                language=code,
                height=height,
                extra={"cue": cue.index, "time": round(t, 3), "text": cuetext.plain(cuetext.clean(cue.text, code))},
            )
        )
        run.progress((i + 1) / max(1, len(chosen)))
    return TaskOutput(artifacts=tuple(artifacts), meta={"frames": [a.path for a in artifacts]})
