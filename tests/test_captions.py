"""Open captions, the task: cues drawn once, composited by ffmpeg at the right times and place,
the glyph check, QC frames. (The drawing itself: test_captions_render.py; its shapes against
Chromium: test_captions_shapes.py.)

Renders use tiny media; the frames are also left in the test artifacts folder
(FILMPIPE_TEST_ARTIFACTS, default /tmp/filmpipe-test-artifacts) to look at.
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import CUES, LANGS, TIMES
from PIL import Image, ImageChops

from pipeline import ffmpeg
from pipeline.captions.render import CaptionBox
from pipeline.captions.style import CaptionStyle
from pipeline.engine.model import TaskRun
from pipeline.engine.plan import make_context
from pipeline.errors import ValidationFailed
from pipeline.fonts import font_chain
from pipeline.languages import profile_for
from pipeline.project import load_project
from pipeline.render import captions
from pipeline.subtitles.model import Cue

BACKGROUND = "0x808080"


def cue(text: str, start: float = 0.0, end: float = 2.0, index: int = 1) -> Cue:
    return Cue(index=index, start=start, end=end, lines=tuple(text.split("\n")), line=index)


def chain_for(lang: str):
    chain = font_chain(profile_for(lang).font_family)
    if not chain or chain[0].family != profile_for(lang).font_family:
        pytest.skip(f"font {profile_for(lang).font_family} not installed")
    return chain


# ---------------------------------------------------------------- the task, on tiny media


@pytest.fixture
def tiny_context(make_project):
    root = make_project()
    return make_context(load_project(root), draft=True)


def task_run(task, context, out: Path, deps: dict[str, Path], meta: dict[str, dict]) -> TaskRun:
    out.mkdir(parents=True, exist_ok=True)
    return TaskRun(task=task, out=out, dep_dirs=deps, dep_meta=meta, context=context, progress=lambda f: None)


def fake_audio_dep(tmp_path: Path, tiny_media: Path, lang: str) -> tuple[dict[str, Path], dict[str, dict]]:
    folder = tmp_path / f"audio-{lang}"
    folder.mkdir(exist_ok=True)
    src = tiny_media / ("master.mp4" if lang == "en" else f"{lang}.m4a")
    ffmpeg.run(["-i", str(src), "-map", "0:a:0", "-c", "copy", str(folder / "audio.m4a")])
    return {f"audio/{lang}": folder}, {f"audio/{lang}": {"file": "audio.m4a"}}


def grab(path: Path, t: float, out: Path) -> Image.Image:
    ffmpeg.run(["-ss", f"{t:.3f}", "-i", str(path), "-frames:v", "1", "-update", "1", str(out)])
    return Image.open(out).convert("L")


def test_plan_tasks(tiny_context) -> None:
    tasks = captions.plan_tasks(tiny_context)
    ids = [t.id for t in tasks]
    assert "captions/ur/180" in ids and "qc/captions/ur/180" in ids
    burn = next(t for t in tasks if t.id == "captions/bn/180")
    assert burn.deps == ("audio/bn",)
    assert burn.publish_to == "video/bn/"
    assert any(p.name.startswith("NotoSansBengali") for p in burn.inputs)
    assert tiny_context.project.language("bn").subtitles in burn.inputs


@pytest.mark.parametrize("lang", LANGS)
def test_burned_in_text_is_where_the_caption_should_be(lang, tiny_context, tiny_media, tmp_path, artifacts_dir) -> None:
    task = next(t for t in captions.plan_tasks(tiny_context) if t.id == f"captions/{lang}/180")
    deps, meta = fake_audio_dep(tmp_path, tiny_media, lang)
    output = task.action(task_run(task, tiny_context, tmp_path / "out", deps, meta))
    (artifact,) = output.artifacts
    assert artifact.kind == "open-captions" and artifact.path == f"video/{lang}/{lang}-180-captioned.mp4"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"{lang}-180-captioned.mp4"
    ]  # nothing else published
    facts = ffmpeg.probe(tmp_path / "out" / f"{lang}-180-captioned.mp4")
    audio = next(s for s in facts["streams"] if s["codec_type"] == "audio")
    assert audio["tags"]["language"] == profile_for(lang).iso639_2
    assert artifact.codecs.startswith("avc1.") and artifact.codecs.endswith(",mp4a.40.2")
    assert abs(float(facts["format"]["duration"]) - 3.0) < 0.05

    mid = (TIMES[0][0] + TIMES[0][1]) / 2
    with_text = grab(tmp_path / "out" / f"{lang}-180-captioned.mp4", mid, tmp_path / "with.png")
    without = grab(tiny_media / "master.mp4", mid, tmp_path / "without.png")
    shutil.copy(tmp_path / "with.png", artifacts_dir / f"captions-{lang}-180.png")
    diff = ImageChops.difference(with_text, without).point(lambda v: 255 if v > 70 else 0)
    w, h = diff.size
    band = diff.crop((0, int(h * 0.6), w, h)).histogram()[255]
    above = diff.crop((0, 0, w, int(h * 0.45))).histogram()[255]
    assert band > 60, f"too few text pixels in the caption area ({band})"
    assert above < band / 10, f"changes outside the caption area ({above} vs {band})"
    box = diff.getbbox()
    assert box and box[0] >= w * 0.05 and box[2] <= w * 0.95 and box[3] <= h * 0.95  # title-safe


def test_missing_glyph_stops_before_rendering(make_project, tiny_media, tmp_path) -> None:
    srt = "1\n00:00:00,200 --> 00:00:01,400\nনমস্কার 𓀀\n"
    context = make_context(load_project(make_project(languages=("en", "bn"), subtitles={"bn": srt})), draft=True)
    task = next(t for t in captions.plan_tasks(context) if t.id == "captions/bn/180")
    deps, meta = fake_audio_dep(tmp_path, tiny_media, "bn")
    with pytest.raises(ValidationFailed) as err:
        task.action(task_run(task, context, tmp_path / "out", deps, meta))
    assert "U+13000" in err.value.message and "cue 1" in err.value.message
    assert "SUB_GLYPHS" in err.value.message
    assert not any((tmp_path / "out").iterdir())


def test_qc_frames(tiny_context, tiny_media, tmp_path) -> None:
    tasks = {t.id: t for t in captions.plan_tasks(tiny_context)}
    burn, qc = tasks["captions/ur/180"], tasks["qc/captions/ur/180"]
    deps, meta = fake_audio_dep(tmp_path, tiny_media, "ur")
    burned = burn.action(task_run(burn, tiny_context, tmp_path / "burn", deps, meta))
    out = qc.action(task_run(qc, tiny_context, tmp_path / "qc", {burn.id: tmp_path / "burn"}, {burn.id: burned.meta}))
    assert [a.path for a in out.artifacts] == [
        "qc/ur-180-cue1.png",
        "qc/ur-180-cue1-drawn.png",
        "qc/ur-180-cue2.png",
        "qc/ur-180-cue2-drawn.png",
    ]
    assert all(a.kind == "qc-frame" and a.language == "ur" for a in out.artifacts)
    frame, drawing = out.artifacts[2], out.artifacts[3]
    assert frame.extra["text"] == CUES["ur"][1] and frame.extra["drawing"] == drawing.path
    assert drawing.extra["role"] == "drawing" and drawing.extra["frame"] == frame.path
    for a in out.artifacts:
        assert Image.open(tmp_path / "qc" / a.path.split("/", 1)[1]).size == (320, 180)
    assert 1.6 < frame.extra["time"] < 2.9
    assert sorted(p.name for p in (tmp_path / "qc").iterdir()) == sorted(a.path[3:] for a in out.artifacts)


def test_qc_cue_choice() -> None:
    cues = [cue("a", 0, 1, 1), cue("a much longer line", 1, 2, 2), cue("b", 2, 3, 3), cue("c", 3, 4, 4)]
    assert [c.index for c in captions.qc_cues(cues, "en")] == [1, 2, 4]
    assert [c.index for c in captions.qc_cues(cues[:1], "en")] == [1]
    assert captions.frame_time(cue("x", 1.0, 2.0), __import__("fractions").Fraction(25)) == pytest.approx(1.48)


# ---------------------------------------------------------------- compositing


def test_concat_list_times_are_absolute_and_end_blank() -> None:
    text = captions.concat_list([(0.6, 5.0, "cue0001.png"), (5.2, 9.8, "cue0002.png")], 12.0)
    assert text.splitlines() == [
        "ffconcat version 1.0",
        "file blank.png",
        "duration 0.600000",
        "file cue0001.png",
        "duration 4.400000",
        "file blank.png",
        "duration 0.200000",
        "file cue0002.png",
        "duration 4.600000",
        "file blank.png",
        "duration 2.200000",
    ]
    # thousands of cues: still no drift, since every duration is a difference of absolute times
    many = [(k * 0.7 + 0.1, k * 0.7 + 0.6, f"cue{k + 1:04d}.png") for k in range(2000)]
    durations = [float(l.split()[1]) for l in captions.concat_list(many, 2000 * 0.7).splitlines() if "duration" in l]
    assert abs(sum(durations[:-1]) - many[-1][1]) < 1e-6


def test_filter_graph_holds_only_numbers_and_fixed_names(tmp_path: Path) -> None:
    """Composed with ffmpeg-python: paths are argv items, never graph text; the concat list is input by name."""
    argv = captions.burn_argv(
        tmp_path / "we'ird [name];.mp4", tmp_path / "a.m4a", tmp_path / "o.mp4", _settings(), 10, 20
    )
    graph = argv[argv.index("-filter_complex") + 1]
    assert "overlay=" in graph and "x=10" in graph and "y=20" in graph and "eof_action=repeat" in graph
    assert "we'ird" not in graph and str(tmp_path) not in graph
    assert str(tmp_path / "we'ird [name];.mp4") in argv
    listed = argv.index(captions.CONCAT_NAME)
    assert argv[listed - 3 : listed] == ["-f", "concat", "-i"]
    assert argv.count("-i") == 3 and argv[-1] == str(tmp_path / "o.mp4")


def _settings() -> dict:
    return {"fps": "25", "width": 320, "height": 180, "matrix": "bt709", "x264": [], "iso639_2": "eng"}


def test_cue_shows_from_its_first_frame_to_its_last(tmp_path: Path, tiny_media: Path) -> None:
    """Drawn cues composited over the master by the real argv: on at start, off at end, at the drawn place."""
    work = tmp_path / "work"
    work.mkdir()
    cues = [cue("Hello", 0.4, 1.2, 1), cue("Meet your team", 1.6, 2.4, 2)]
    box = CaptionBox(320, 180)
    (x, y), timeline = captions.draw_cues(cues, profile_for("en"), box, CaptionStyle(), chain_for("en"), work)
    assert [t[:2] for t in timeline] == [(0.4, 1.2), (1.6, 2.4)]
    assert x % 2 == 0 and y % 2 == 0 and y > 90
    (work / captions.CONCAT_NAME).write_text(captions.concat_list(timeline, 3.0), encoding="utf-8")
    audio = tiny_media / "master.mp4"
    out = tmp_path / "out.mp4"
    settings = {**_settings(), "x264": ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]}
    argv = captions.burn_argv(tiny_media / "master.mp4", audio, out, settings, x, y)
    ffmpeg.run(argv, cwd=work)
    plain = tiny_media / "master.mp4"

    def differs(t: float) -> int:
        a = grab(out, t, tmp_path / "a.png")
        b = grab(plain, t, tmp_path / "b.png")
        return ImageChops.difference(a, b).point(lambda v: 255 if v > 60 else 0).histogram()[255]

    assert differs(0.36) == 0 and differs(0.40) > 50 and differs(1.16) > 50 and differs(1.20) == 0
    assert differs(1.56) == 0 and differs(1.60) > 50 and differs(2.36) > 50 and differs(2.40) == 0
