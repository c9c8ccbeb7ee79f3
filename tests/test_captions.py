"""Open captions: the ASS script (unit tests), the direction of right-to-left lines and the
burned-in text of every script (renders read back as pixels), the glyph check, QC frames.

Renders use tiny frames and tiny media; the frames are also left in the test artifacts
folder (FILMPIPE_TEST_ARTIFACTS, default /tmp/filmpipe-test-artifacts) to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import CUES, LANGS, TIMES
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageChops

from pipeline import ffmpeg
from pipeline.engine.model import TaskRun
from pipeline.engine.plan import make_context
from pipeline.errors import ValidationFailed
from pipeline.fonts import font_chain
from pipeline.languages import profile_for
from pipeline.project import load_project
from pipeline.render import captions
from pipeline.subtitles import ass
from pipeline.subtitles.model import Cue

BACKGROUND = "0x808080"


def cue(text: str, start: float = 0.0, end: float = 2.0, index: int = 1) -> Cue:
    return Cue(index=index, start=start, end=end, lines=tuple(text.split("\n")), line=index)


def chain_for(lang: str):
    chain = font_chain(profile_for(lang).font_family)
    if not chain or chain[0].family != profile_for(lang).font_family:
        pytest.skip(f"font {profile_for(lang).font_family} not installed")
    return chain


def dialogue_texts(script: str) -> list[str]:
    return [line.split(",", 9)[9] for line in script.splitlines() if line.startswith("Dialogue:")]


# ---------------------------------------------------------------- the ASS script


def test_script_info_and_style() -> None:
    text = ass.script([cue("Hi")], profile_for("en"), 1280, 720, chain_for("en"))
    assert "PlayResX: 1280\nPlayResY: 720" in text
    assert "ScaledBorderAndShadow: yes" in text
    assert re.search(r"^WrapStyle: \d$", text, re.M)
    style = next(l for l in text.splitlines() if l.startswith("Style:")).split(",")
    assert style[1] == "Noto Sans"
    assert style[-1] == "1"  # Encoding 1 for left-to-right scripts


@pytest.mark.parametrize(
    "lang, font",
    [("bn", "Noto Sans Bengali"), ("gu", "Noto Sans Gujarati"), ("ur", "Noto Nastaliq Urdu"), ("pl", "Noto Sans")],
)
def test_font_named_per_script(lang: str, font: str) -> None:
    text = ass.script([cue("x")], profile_for(lang), 1280, 720, chain_for(lang))
    assert next(l for l in text.splitlines() if l.startswith("Style:")).split(",")[1] == font


def test_sizes_scale_with_height_and_nastaliq_is_larger() -> None:
    en720 = ass.caption_style(profile_for("en"), 1280, 720, chain_for("en"))
    en360 = ass.caption_style(profile_for("en"), 640, 360, chain_for("en"))
    ur720 = ass.caption_style(profile_for("ur"), 1280, 720, chain_for("ur"))
    assert abs(en720.size - 2 * en360.size) <= 1
    assert abs(en720.margin_bottom - 2 * en360.margin_bottom) <= 1
    assert en720.outline > en360.outline
    # Nastaliq: a larger visual em and more space between lines, beyond its taller metrics
    ur_em = ur720.size / ass.font_extent(chain_for("ur")[0])
    en_em = en720.size / ass.font_extent(chain_for("en")[0])
    assert ur_em > 1.2 * en_em
    assert ur720.line_advance / ur_em > en720.line_advance / en_em
    # the Latin fallback inside Urdu is drawn at the Latin size
    assert abs(ur720.fallback_size - en720.size) <= 1


@pytest.mark.parametrize("lang", LANGS)
def test_inside_title_safe_area(lang: str) -> None:
    w, h = 1280, 720
    style = ass.caption_style(profile_for(lang), w, h, chain_for(lang))
    assert style.margin_side >= 0.05 * w
    assert style.margin_bottom >= 0.05 * h
    script = ass.script([cue("one\ntwo")], profile_for(lang), w, h, chain_for(lang))
    ys = [int(m) for m in re.findall(r"\\pos\(\d+,(\d+)\)", script)]
    assert len(ys) == 2 and ys[0] < ys[1] <= h - 0.05 * h  # first line above the second
    # the top line's box (font extent high) still starts below the top 5 %
    assert ys[0] - style.size > 0.05 * h


def test_times_in_centiseconds_and_empty_cues_dropped() -> None:
    script = ass.script(
        [cue("a", 61.234, 62.5), cue(" ", 63, 64), cue("b", 65, 65)], profile_for("en"), 320, 180, chain_for("en")
    )
    events = [l for l in script.splitlines() if l.startswith("Dialogue:")]
    assert len(events) == 1
    assert events[0].startswith("Dialogue: 0,0:01:01.23,0:01:02.50,Caption,")
    assert ass.ass_time(3600 * 2 + 0.004) == "2:00:00.00"


def test_escapes_braces_and_backslashes() -> None:
    texts = dialogue_texts(ass.script([cue(r"C:\New {x} \h")], profile_for("en"), 320, 180, chain_for("en")))
    body = texts[0].split("}", 1)[1]  # after the position block
    assert "\\{x\\}" in body
    assert "\\N" not in body and "\\h" not in body  # a word joiner sits between backslash and letter
    assert body.replace(ass.WORD_JOINER, "").replace("\\{", "{").replace("\\}", "}") == r"C:\New {x} \h"


def test_markup_to_overrides_and_no_italics_for_indic_or_arabic() -> None:
    en = dialogue_texts(
        ass.script(
            [cue("<i>a</i> <b>b</b> <u>c</u> <font color=red>d</font>")], profile_for("en"), 320, 180, chain_for("en")
        )
    )[0]
    assert en.endswith(r"{\i1}a{\i0} {\b1}b{\b0} {\u1}c{\u0} d")
    bn = dialogue_texts(ass.script([cue("<i>নমস্কার</i>")], profile_for("bn"), 320, 180, chain_for("bn")))[0]
    assert r"\i1" not in bn and "নমস্কার" in bn


def test_romanian_comma_below_and_nfc() -> None:
    import unicodedata

    text = dialogue_texts(
        ass.script([cue(unicodedata.normalize("NFD", "Poliţia îşi"))], profile_for("ro"), 320, 180, chain_for("ro"))
    )[0]
    assert "Poliția își" in text


def test_rtl_lines_are_embedded_and_latin_switches_font() -> None:
    style_line, *_ = [
        l
        for l in ass.script([cue("x")], profile_for("ur"), 320, 180, chain_for("ur")).splitlines()
        if l.startswith("Style:")
    ]
    assert style_line.endswith(",-1")  # whole-line bidi (see ass.py)
    text = dialogue_texts(
        ass.script([cue("yourcounty.police.uk پر جائیں")], profile_for("ur"), 1280, 720, chain_for("ur"))
    )[0]
    body = text.split("}", 1)[1]
    assert body.startswith(ass.RLE) and body.endswith(ass.PDF)
    assert re.search(r"\{\\fnNoto Sans\\fs\d+\}yourcounty\.police\.uk \{\\fnNoto Nastaliq Urdu\\fs\d+\}پر جائیں", body)


# ---------------------------------------------------------------- rendering, read back as pixels


def render(tmp_path: Path, lang: str, lines: list[str], size=(640, 360), name: str = "frame") -> Image.Image:
    """Burn one cue onto a flat grey frame with the real ASS writer and the `ass` filter; grey image."""
    w, h = size
    work = tmp_path / f"{name}-work"
    work.mkdir()
    chain = chain_for(lang)
    (work / "c.ass").write_text(ass.script([cue("\n".join(lines))], profile_for(lang), w, h, chain), encoding="utf-8")
    captions._link_fonts(work / "fonts", chain)
    ffmpeg.run(
        [
            "-f",
            "lavfi",
            "-i",
            f"color=c={BACKGROUND}:size={w}x{h}:duration=1:rate=25",
            "-vf",
            "ass=filename=c.ass:shaping=complex:fontsdir=fonts",
            "-frames:v",
            "1",
            "-update",
            "1",
            f"{name}.png",
        ],
        cwd=work,
    )
    return Image.open(work / f"{name}.png").convert("L")


def changed_box(a: Image.Image, b: Image.Image, threshold: int = 60) -> tuple[int, int, int, int] | None:
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > threshold else 0)
    return diff.getbbox()


def text_box(img: Image.Image) -> tuple[int, int, int, int] | None:
    """Where anything but the flat background is."""
    return changed_box(img, Image.new("L", img.size, 0x80), threshold=20)


def test_rtl_punctuation_ends_on_the_left(tmp_path: Path) -> None:
    # Arabic comma and ASCII comma have the same advance in Noto Nastaliq Urdu, so the lines
    # are laid out identically except for that one glyph: where they differ is where it went.
    a = render(tmp_path, "ur", ["اپنی ٹیم سے ملیں،"], name="a")
    b = render(tmp_path, "ur", ["اپنی ٹیم سے ملیں,"], name="b")
    line, diff = text_box(a), changed_box(a, b)
    assert line and diff
    assert diff[2] < line[0] + (line[2] - line[0]) * 0.3, (line, diff)


def test_rtl_leading_latin_sits_on_the_right(tmp_path: Path) -> None:
    # "abc" and "bca" have the same width: the pixels that differ are the web address's place.
    a = render(tmp_path, "ur", ["abc.uk پر جائیں"], name="a")
    b = render(tmp_path, "ur", ["bca.uk پر جائیں"], name="b")
    line, diff = text_box(a), changed_box(a, b)
    assert line and diff
    assert diff[0] > line[0] + (line[2] - line[0]) * 0.4, (line, diff)


def test_second_line_below_first(tmp_path: Path) -> None:
    both = render(tmp_path, "ur", ["سلام", "پڑوسیو"], name="both")
    top_only = render(tmp_path, "ur", ["سلام", "-"], name="top")
    first, whole = text_box(top_only), text_box(both)
    diff = changed_box(both, top_only)
    assert first and whole and diff
    assert diff[1] > whole[1] + 5  # the changed (second) line is lower than the text's top


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
    assert [a.path for a in out.artifacts] == ["qc/ur-180-cue1.png", "qc/ur-180-cue2.png"]
    assert all(a.kind == "qc-frame" and a.language == "ur" for a in out.artifacts)
    assert out.artifacts[1].extra["text"] == CUES["ur"][1]
    for a in out.artifacts:
        assert Image.open(tmp_path / "qc" / a.path.split("/", 1)[1]).size == (320, 180)
    assert 1.6 < out.artifacts[1].extra["time"] < 2.9


def test_qc_cue_choice() -> None:
    cues = [cue("a", 0, 1, 1), cue("a much longer line", 1, 2, 2), cue("b", 2, 3, 3), cue("c", 3, 4, 4)]
    assert [c.index for c in captions.qc_cues(cues, "en")] == [1, 2, 4]
    assert [c.index for c in captions.qc_cues(cues[:1], "en")] == [1]
    assert captions.frame_time(cue("x", 1.0, 2.0), __import__("fractions").Fraction(25)) == pytest.approx(1.48)


@given(st.lists(st.sampled_from(list("ab {}\\Nnh<>i/") + ["<i>", "</i>", "{\\an8}", "\\N"]), max_size=30).map("".join))
def test_no_subtitle_text_becomes_an_override_or_a_break(text: str) -> None:
    """Whatever a cue says, its ASS text opens no override block and breaks no line of its own."""
    line = ass.escape_text(text)
    assert re.search(r"(?<!\\)[{}]", line) is None
    assert not re.search(r"\\[Nnh]", line)
    restored = line.replace("\\{", "{").replace("\\}", "}").replace(ass.WORD_JOINER, "")
    assert restored == text
