"""The social pack per language (dist/social/<lang>/): cuts, caption file, post text, covers.

Tasks per language, when `[social] shapes` is not empty:

- `social/<lang>`: ONE ffmpeg process decodes the master once, `split`s the picture, and
  encodes every cut: the 16:9 captioned video (landscape) and each shape of `[social] shapes`
  (vertical 9:16, square 1:1), each with the language's normalised audio by stream copy. The
  graph is composed with ffmpeg-python (pipeline/render/graph.py) and run by pipeline/ffmpeg.py. Encoded for upload
  (every platform re-encodes): x264 High, CRF 19, preset veryfast, the master's frame rate,
  AAC 48 kHz (the language's audio track), `+faststart`.
- `social-text/<lang>`: the SRT caption file (`<film-id>.<ll_CC>.srt`, pysrt) and post.txt;
- `social-covers/<lang>`: one JPEG cover per cut, the translated title drawn over a frame
  (`[social] cover_time`, default the poster's frame), as the cut lays it out;
- `qc/social/<lang>`: a frame of each cut for the QC report.

Captions and titles are drawn by the one caption renderer (pipeline/captions) as transparent
images, cropped to what is drawn, and composited by ffmpeg: the title as a still image, the
captions as an image stream (the concat demuxer: each cue's image for exactly the cue's
duration, a transparent image between cues), one `overlay` per cut. Nothing from the inputs
reaches the filter graph or the concat list: the images have fixed names in a private
temporary folder, which is ffmpeg's working directory.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline import ffmpeg
from pipeline.captions.render import CaptionImage, CaptionStyle, MissingGlyphs, caption_fonts
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.errors import ValidationFailed
from pipeline.locales import catalog_path, translator
from pipeline.project import LanguageConfig, Project
from pipeline.render import audio, captions, graph, ladder, poster
from pipeline.render.common import (
    fmt_number,
    master_duration,
    master_fps,
    mp4_tags,
    png_frame,
    probe_video,
    safe_component,
)
from pipeline.social import fit as social_fit
from pipeline.social import layout as geometry
from pipeline.social import post as posts
from pipeline.social import srt
from pipeline.social.layout import LANDSCAPE, ShapeLayout, TextDoesNotFit, draw_in_band
from pipeline.subtitles.model import Cue
from pipeline.subtitles.reader import load_cues

RECIPE = 1  # bump when the look, layout or encode changes: every social file is then re-made
PUBLISH = "social/{lang}/"
KIND = "social"  # Artifact.kind; the social kind (vertical, cover, …) is in extra["socialKind"]
QC_KIND = "qc-frame"
CRF = 19
PRESET = "veryfast"
DRAFT_CRF = 23
DRAFT_PRESET = "ultrafast"
LANDSCAPE_HEIGHT = geometry.LANDSCAPE_HEIGHT
BLUR_DOWNSCALE = 8  # the blurred background is made at 1/8 size: the blur costs nothing
BLUR_DARKEN = 0.45  # luma kept (the picture stays the brightest thing)
BLUR_SATURATION = 0.6  # colour kept
COVER_QUALITY = 2  # mjpeg -q:v: 2 is near the best
QC_SCALE = 2  # QC frames at half size


def video_task_id(lang: str) -> str:
    return f"social/{lang}"


def text_task_id(lang: str) -> str:
    return f"social-text/{lang}"


def cover_task_id(lang: str) -> str:
    return f"social-covers/{lang}"


def qc_task_id(lang: str) -> str:
    return f"qc/social/{lang}"


def video_name(film_id: str, lang: str, shape: str) -> str:
    return f"{film_id}-{lang}-{shape}.mp4"


def cover_name(film_id: str, lang: str, shape: str) -> str:
    return f"{film_id}-{lang}-{shape}-cover.jpg"


def qc_name(lang: str, shape: str) -> str:
    return f"{lang}-social-{shape}.png"


def master_aspect(context: PlanContext) -> Fraction:
    """The master's display aspect (width / height), from the rung-width rule every output uses."""
    return geometry.display_aspect(context.master)


def landscape_height(context: PlanContext) -> int:
    """The 16:9 cut's height: the burned-in caption video's ([output] open_captions, 720 by default),
    never above the master's."""
    return geometry.landscape_height(context.open_captions, context.master)


def shapes(context: PlanContext) -> tuple[str, ...]:
    """The cuts of the pack: 16:9 first, then film.toml's shapes; none when the pack is off."""
    wanted = context.project.social.shapes
    return (LANDSCAPE, *wanted) if wanted else ()


def layouts(context: PlanContext) -> dict[str, ShapeLayout]:
    """Every cut's layout, by the function validation checks the cues against (SOCIAL_CUE_FITS)."""
    return geometry.layouts_for(shapes(context), context.master, context.open_captions)


def x264_social(fps: Fraction, draft: bool) -> list[str]:
    """Upload encode settings: high quality at a fast preset (the platforms re-encode anyway)."""
    keyint = ladder.keyint(fps)
    return [
        "-c:v",
        "libx264",
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        "-preset",
        DRAFT_PRESET if draft else PRESET,
        "-crf",
        str(DRAFT_CRF if draft else CRF),
        "-g",
        str(keyint),
        *ladder.BT709_TAGS,
    ]


def caption_style(project: Project) -> CaptionStyle:
    """film.toml's [captions] look: the social cuts' captions and titles look like the website's."""
    return project.captions


def _style_settings(style: CaptionStyle) -> list[Any]:
    return [style.style, style.size, style.text_colour, style.outline_colour, style.box_colour, style.box_opacity]


def _texts_inputs(project: Project, lang: LanguageConfig) -> tuple[Path, ...]:
    po = catalog_path(project, lang.code)
    return (po,) if po.is_file() else ()


def _layout_settings(layout: ShapeLayout) -> list[Any]:
    return [layout.shape, layout.width, layout.height, list(vars(layout.picture).values())]


def plan_tasks(context: PlanContext) -> list[Task]:
    cuts = shapes(context)
    if not cuts:
        return []
    project = context.project
    film_id = safe_component(project.film.id, "film id")
    fps = master_fps(context.master)
    duration = master_duration(context.master)
    plans = layouts(context)
    style = caption_style(project)
    cover_time = project.social.cover_time if project.social.cover_time is not None else poster.poster_time(context)
    cover_time = min(max(0.0, cover_time), max(0.0, duration - float(1 / fps)))
    tasks: list[Task] = []
    for lang in project.languages:
        code = safe_component(lang.code, "language code")
        chain = caption_fonts(lang.profile)
        title = translator(project, code)(project.film.title)
        common = {
            "recipe": RECIPE,
            "renderer": captions.renderer_identity(),
            "language": code,
            "film": film_id,
            "fonts": [[f.family, f.style] for f in chain],
            "style": _style_settings(style),
            "background": project.social.background,
            "layouts": [_layout_settings(plans[s]) for s in cuts],
            "matrix": ladder.input_matrix(context),
            "fps": str(fps),
            "title": title,
        }
        pixels = sum(plans[s].width * plans[s].height for s in cuts)
        tasks.append(
            Task(
                id=video_task_id(code),
                title=f"Make the {lang.profile.name} social cuts ({', '.join(cuts)})",
                action=make_cuts,
                inputs=(context.master.path, lang.subtitles, *_texts_inputs(project, lang), *(f.path for f in chain)),
                settings={**common, "x264": x264_social(fps, context.draft), "iso639_2": lang.profile.iso639_2},
                deps=(audio.task_id(code),),
                publish_to=PUBLISH.format(lang=code),
                weight=duration * (pixels / 1e6 + 1.0) * (0.4 if context.draft else 0.8),
            )
        )
        tasks.append(
            Task(
                id=text_task_id(code),
                title=f"Write the {lang.profile.name} caption file and post text",
                action=write_texts,
                inputs=(lang.subtitles, *_texts_inputs(project, lang)),
                settings={
                    "recipe": RECIPE,
                    "language": code,
                    "film": film_id,
                    "locale": lang.locale,
                    "rtl": lang.profile.is_rtl,
                    "link": project.film.link,
                    "callToAction": project.film.call_to_action,
                    "filmTitle": project.film.title,
                    "description": project.film.description,
                },
                publish_to=PUBLISH.format(lang=code),
                weight=0.3,
            )
        )
        tasks.append(
            Task(
                id=cover_task_id(code),
                title=f"Make the {lang.profile.name} covers",
                action=make_covers,
                inputs=(context.master.path, *_texts_inputs(project, lang), *(f.path for f in chain)),
                settings={**common, "time": round(cover_time, 6)},
                publish_to=PUBLISH.format(lang=code),
                weight=2.0,
            )
        )
        tasks.append(
            Task(
                id=qc_task_id(code),
                title=f"Grab {lang.profile.name} social frames for the QC report",
                action=grab_qc_frames,
                inputs=(lang.subtitles,),
                settings={"recipe": RECIPE, "language": code, "film": film_id, "shapes": list(cuts)},
                deps=(video_task_id(code),),
                publish_to="qc/",
                weight=1.0,
            )
        )
    return tasks


# ---------------------------------------------------------------- drawing the text images


@dataclass(frozen=True)
class Still:
    """A drawn text, cropped to its ink: the file name in the work folder and where it goes."""

    name: str
    x: int
    y: int


@dataclass(frozen=True)
class CaptionTrack:
    """Every cue of one cut as an image stream: the concat list's name and where it goes."""

    name: str
    x: int
    y: int


def _glyph_error(err: MissingGlyphs, what: str, profile_name: str) -> ValidationFailed:
    return ValidationFailed(
        f"SUB_GLYPHS: {what}: the {profile_name} fonts cannot draw {', '.join(repr(c) for c in err.chars[:5])}",
        "replace those characters with ones of the language's script, or remove them; run 'filmpipe validate'",
    )


SHORTEN_TITLE = "shorten the title's translation in the language's catalog"


def _draw_fitting(
    text: str,
    lang: LanguageConfig,
    layout: ShapeLayout,
    placing: tuple[geometry.Box, str, CaptionStyle, float],
    *,
    what: str,
    subject: str,
    where: str,
    fix: str,
) -> CaptionImage:
    """`text` drawn in a band (band, anchor, style, scale) of the cut; a missing glyph or text that
    does not fit even at geometry.MIN_SIZE stops the build with one sentence naming `what` and the fix."""
    band, anchor, style, scale = placing
    try:
        return draw_in_band(text, lang.profile, layout, band, anchor, style, scale)
    except MissingGlyphs as err:
        raise _glyph_error(err, what, lang.profile.name) from None
    except TextDoesNotFit:
        raise ValidationFailed(f"{subject} does not fit {where}, even drawn at {geometry.SMALLEST}", fix) from None


def draw_title(
    text: str, lang: LanguageConfig, layout: ShapeLayout, style: CaptionStyle, work: Path, name: str
) -> Still | None:
    """The title in the cut's title band (bold), cropped and saved; None when the cut has no band."""
    if layout.shape == LANDSCAPE:
        return None
    return _draw_title_at(text, lang, layout, style, work, name)


def _draw_title_at(
    text: str, lang: LanguageConfig, layout: ShapeLayout, style: CaptionStyle, work: Path, name: str
) -> Still | None:
    places = geometry.title_places(layout, style)
    if not places:
        return None
    place = places[0]
    drawn = _draw_fitting(
        geometry.title_text(text),
        lang,
        layout,
        (place.band, place.anchor, place.style, place.scale),
        what="the film's title",
        subject=f"the {lang.profile.name} title",
        where=place.where,
        fix=SHORTEN_TITLE,
    )
    return _save_cropped(drawn, layout, work, name)


def _save_cropped(drawn: CaptionImage, layout: ShapeLayout, work: Path, name: str) -> Still | None:
    if drawn.ink is None:
        return None
    left, top, right, bottom = captions.even_box(drawn.ink, layout.width, layout.height)
    drawn.image.crop((left, top, right, bottom)).save(work / name)
    return Still(name, left, top)


def cue_text_for_band(cue: Cue, language: str) -> str:
    """A cue's text for the vertical and square bands: its lines joined, so the renderer wraps them."""
    return social_fit.band_text(cue, language, geometry.VERTICAL)


def draw_captions(
    cues: tuple[Cue, ...],
    lang: LanguageConfig,
    layout: ShapeLayout,
    style: CaptionStyle,
    work: Path,
    prefix: str,
    duration: float,
) -> CaptionTrack | None:
    """Every cue drawn for one cut, cropped to the union of what is drawn, and a concat list timing them
    (the captions task's list: each cue's image for its time, a blank image between cues)."""
    drawn: list[tuple[Cue, CaptionImage]] = []
    for cue, text in social_fit.drawn_cues(cues, lang.code, layout.shape):
        image = _draw_fitting(  # validation reports a cue that does not fit first (SOCIAL_CUE_FITS)
            text,
            lang,
            layout,
            (layout.captions, "bottom", style, 1.0),
            what=f"cue {cue.index}",
            subject=f"SOCIAL_CUE_FITS: {lang.profile.name} cue {cue.index}",
            where=f"the caption band of the {layout.shape} social cut",
            fix="split the cue or shorten it; run 'filmpipe validate'",
        )
        if image.ink is not None:
            drawn.append((cue, image))
    if not drawn:
        return None
    inks = [image.ink for _, image in drawn if image.ink is not None]
    left, top, right, bottom = captions.even_box(captions.union(inks), layout.width, layout.height)
    folder = work / prefix  # one folder per cut: the concat list names its images relative to itself
    folder.mkdir()
    Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0)).save(folder / captions.BLANK_NAME)
    timeline = []
    for k, (cue, image) in enumerate(drawn, 1):
        name = captions.cue_image_name(k)
        image.image.crop((left, top, right, bottom)).save(folder / name)
        timeline.append((cue.start, cue.end, name))
    listing = f"{prefix}/{captions.CONCAT_NAME}"
    (work / listing).write_text(captions.concat_list(timeline, duration), encoding="utf-8")
    return CaptionTrack(listing, left, top)


# ---------------------------------------------------------------- the filter graph


def _cut_stream(
    picture: Any,
    background: Any | None,
    layout: ShapeLayout,
    settings: dict[str, Any],
    title: Still | None,
    track: CaptionTrack | None,
    inputs: dict[str, Any],
) -> Any:
    """One cut: the picture scaled to the canvas width on its background band, then title and captions."""
    matrix = settings["matrix"]
    pic = layout.picture
    stream = graph.to_bt709(picture, pic.width, pic.height, matrix)
    if layout.shape != LANDSCAPE:
        if background is None:  # a colour band: pad the picture
            colour = "0x" + settings["background"].lstrip("#")
            stream = stream.filter("pad", layout.width, layout.height, pic.x, pic.y, color=colour)
        else:  # the film itself, blurred and darkened, behind the picture
            small_w = max(2, layout.width // BLUR_DOWNSCALE // 2 * 2)
            small_h = max(2, layout.height // BLUR_DOWNSCALE // 2 * 2)
            back = (
                background.filter("scale", small_w, small_h, force_original_aspect_ratio="increase")
                .filter("crop", small_w, small_h)
                .filter("boxblur", 6, 2)
                .filter(
                    "lutyuv",
                    y=f"16+(val-16)*{BLUR_DARKEN}",
                    u=f"128+(val-128)*{BLUR_SATURATION}",
                    v=f"128+(val-128)*{BLUR_SATURATION}",
                )
                .filter("scale", layout.width, layout.height, flags="bilinear")
                .filter("setsar", 1)
            )
            stream = back.overlay(stream, x=pic.x, y=pic.y)
    # as the captions task lays its cue stream over the picture
    return graph.lay_over(stream, [(inputs[d.name], d.x, d.y) for d in (title, track) if d is not None])


def graph_args(
    master: Path,
    audio_file: Path | None,
    cuts: Sequence[tuple[ShapeLayout, Still | None, CaptionTrack | None, str]],
    settings: dict[str, Any],
    *,
    at: float | None = None,
    output_args: dict[str, str | None],
) -> list[str]:
    """ffmpeg arguments for every cut from one decode of the master (ffmpeg-python, compiled).

    `cuts` holds per cut its layout, title still, caption track and output name; `at` makes
    one frame per cut from that time (covers) instead of whole videos.
    """
    fps = Fraction(settings["fps"])
    source = graph.source(str(master), ss=fmt_number(at)) if at is not None else graph.source(str(master))
    sound = graph.source(str(audio_file)) if audio_file is not None else None
    inputs: dict[str, Any] = {}
    for _, title, track, _ in cuts:
        if title is not None:
            inputs[title.name] = graph.source(title.name)
        if track is not None:
            inputs[track.name] = graph.source(track.name, f="concat")
    blur = settings["background"] == "blur"
    branches = sum(2 if blur and layout.shape != LANDSCAPE else 1 for layout, *_ in cuts)
    video = graph.at_frame_rate(source["v:0"], fps)
    split = video.filter_multi_output("split", branches) if branches > 1 else None
    taken = 0

    def branch() -> Any:
        nonlocal taken
        taken += 1
        return split[taken - 1] if split is not None else video

    outputs = []
    for layout, title, track, name in cuts:
        picture = branch()
        background = branch() if blur and layout.shape != LANDSCAPE else None
        stream = _cut_stream(picture, background, layout, settings, title, track, inputs)
        streams = [stream] + ([sound["a:0"]] if sound is not None else [])
        outputs.append(graph.output(streams, name, output_args))
    return graph.compile_args(*outputs)


def _video_output_args(settings: dict[str, Any], duration: float) -> dict[str, str | None]:
    return graph.options(
        [
            *settings["x264"],
            "-c:a",
            "copy",
            "-t",
            fmt_number(duration),
            *mp4_tags(settings["iso639_2"], default_audio=False),
        ]
    )


def _prepare_texts(
    run: TaskRun, work: Path, with_captions: bool
) -> list[tuple[ShapeLayout, Still | None, CaptionTrack | None]]:
    s = run.task.settings
    context = run.context
    project = context.project
    lang = project.language(s["language"])
    style = caption_style(project)
    cues = load_cues(lang, project).cues if with_captions else ()
    duration = master_duration(context.master)
    prepared = []
    for layout in layouts(context).values():
        title = draw_title(s["title"], lang, layout, style, work, f"title-{layout.shape}.png")
        track = (
            draw_captions(cues, lang, layout, style, work, f"cues-{layout.shape}", duration) if with_captions else None
        )
        prepared.append((layout, title, track))
    return prepared


def make_cuts(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    context = run.context
    project = context.project
    code, film_id = s["language"], s["film"]
    lang = project.language(code)
    duration = master_duration(context.master)
    audio_id = audio.task_id(code)
    audio_file = run.dep_dirs[audio_id] / run.dep_meta[audio_id].get("file", audio.OUTPUT)
    work = Path(tempfile.mkdtemp(prefix="filmpipe-social-"))
    try:
        prepared = _prepare_texts(run, work, with_captions=True)
        run.progress(0.05)
        cuts = [
            (layout, title, caps, str(run.out / video_name(film_id, code, layout.shape)))
            for layout, title, caps in prepared
        ]
        ffmpeg.run(
            graph_args(context.master.path, audio_file, cuts, s, output_args=_video_output_args(s, duration)),
            what=f"making the {lang.profile.name} social cuts",
            on_progress=lambda seconds: run.progress(0.05 + 0.9 * min(1.0, seconds / duration if duration else 0)),
            cwd=work,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    artifacts = []
    for layout, _, _ in prepared:
        name = video_name(film_id, code, layout.shape)
        made = probe_video(run.out / name, duration)
        artifacts.append(
            Artifact(
                kind=KIND,
                path=PUBLISH.format(lang=code) + name,
                mime_type="video/mp4",
                language=code,
                width=made.width,
                height=made.height,
                codecs=made.codecs,
                duration_seconds=round(made.seconds, 3),
                extra={"socialKind": layout.shape, "fonts": list(lang_fonts(lang))},
            )
        )
    run.progress(1.0)
    return TaskOutput(artifacts=tuple(artifacts), meta={"files": {a.extra["socialKind"]: a.path for a in artifacts}})


def lang_fonts(lang: LanguageConfig) -> tuple[str, ...]:
    return tuple(f.family for f in caption_fonts(lang.profile))


def make_covers(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    context = run.context
    project = context.project
    code, film_id = s["language"], s["film"]
    lang = project.language(code)
    work = Path(tempfile.mkdtemp(prefix="filmpipe-covers-"))
    try:
        prepared = _prepare_texts(run, work, with_captions=False)
        prepared = [
            (
                layout,
                title if layout.shape != LANDSCAPE else _landscape_title(s["title"], lang, layout, project, work),
                caps,
            )
            for layout, title, caps in prepared
        ]
        cuts = [
            (layout, title, None, str(run.out / cover_name(film_id, code, layout.shape)))
            for layout, title, _ in prepared
        ]
        output_args = graph.options(
            ["-frames:v", "1", "-c:v", "mjpeg", "-q:v", str(COVER_QUALITY), "-pix_fmt", "yuvj420p"]
            + ["-f", "image2", "-update", "1"]
        )
        ffmpeg.run(
            graph_args(context.master.path, None, cuts, s, at=float(s["time"]), output_args=output_args),
            what=f"making the {lang.profile.name} covers",
            cwd=work,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    artifacts = []
    for layout, _, _ in prepared:
        name = cover_name(film_id, code, layout.shape)
        with Image.open(run.out / name) as im:
            width, height = im.size
        artifacts.append(
            Artifact(
                kind=KIND,
                path=PUBLISH.format(lang=code) + name,
                mime_type="image/jpeg",
                language=code,
                width=width,
                height=height,
                extra={"socialKind": "cover", "shape": layout.shape, "time": s["time"]},
            )
        )
    run.progress(1.0)
    return TaskOutput(artifacts=tuple(artifacts))


def _landscape_title(
    text: str, lang: LanguageConfig, layout: ShapeLayout, project: Project, work: Path
) -> Still | None:
    """A 16:9 cover (YouTube thumbnail) has no band: the title goes on a box over the lower third."""
    return _draw_title_at(text, lang, layout, caption_style(project), work, "title-cover-landscape.png")


def write_texts(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    project = run.context.project
    code, film_id = s["language"], s["film"]
    lang = project.language(code)
    doc = load_cues(lang, project)
    srt_name = srt.file_name(film_id, s["locale"])
    cues = srt.write(doc.cues, code, run.out / srt_name, rtl=bool(s["rtl"]))
    last_end = max((c.end for c in doc.cues if c.end > c.start), default=0.0)
    post = posts.compose(project, code)
    (run.out / posts.POST_NAME).write_text(post.text, encoding="utf-8", newline="\n")
    prefix = PUBLISH.format(lang=code)
    run.progress(1.0)
    return TaskOutput(
        artifacts=(
            Artifact(
                kind=KIND,
                path=prefix + srt_name,
                mime_type=srt.MIME,
                language=code,
                duration_seconds=round(last_end, 3),
                extra={"socialKind": "captions-file", "cues": cues, "locale": s["locale"]},
            ),
            Artifact(
                kind=KIND,
                path=prefix + posts.POST_NAME,
                mime_type="text/plain",
                language=code,
                extra={"socialKind": "post-text", "lengths": posts.lengths(post)},
            ),
        )
    )


def grab_qc_frames(run: TaskRun) -> TaskOutput:
    """A frame of each cut at the middle of the cue with the most text (else mid-film), half size."""
    s = run.task.settings
    code, film_id = s["language"], s["film"]
    project = run.context.project
    doc = load_cues(project.language(code), project)
    shown = [c for c in doc.cues if c.end > c.start and c.text.strip()]
    fps = master_fps(run.context.master)
    if shown:
        cue = max(shown, key=lambda c: (len(c.text), -c.index))
        t = float(int((cue.start + cue.end) / 2 * fps) / fps)
    else:
        t = master_duration(run.context.master) / 2
    folder = run.dep_dirs[video_task_id(code)]
    args: list[str] = []
    for shape in s["shapes"]:
        args += ["-ss", fmt_number(t), "-i", str(folder / video_name(film_id, code, shape))]
    artifacts = []
    for i, shape in enumerate(s["shapes"]):
        name = qc_name(code, shape)
        args += [
            "-map",
            f"{i}:v:0",
            "-vf",
            f"scale=iw/{QC_SCALE}:ih/{QC_SCALE}:flags=bicubic",
            *png_frame(run.out / name),
        ]
        artifacts.append(
            Artifact(
                kind=QC_KIND,
                path="qc/" + name,
                mime_type="image/png",
                language=code,
                extra={"shape": shape, "time": round(t, 3), "social": True},
            )
        )
    ffmpeg.run(args, what=f"grabbing the {code} social frames")
    run.progress(1.0)
    return TaskOutput(artifacts=tuple(artifacts))
