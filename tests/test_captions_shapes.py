"""Proof that burned-in captions have the right shapes: every script against Chromium's drawing.

For each script, real cues (Urdu words whose dots and joins libass gets wrong, Bengali and
Gujarati pre-base vowel signs and conjuncts, Romanian ș ț, Polish ą ę) are drawn by the
caption renderer, composited into a 720p video by the real ffmpeg call of the build
(`captions.burn_argv`, the build's x264 settings), and a frame of each cue is grabbed. The
same text in the same font files is drawn by Chromium (Playwright, @font-face from the font
file, the same font size), as an independent reference. The outline is drawn in the
background's grey, so that only the letters' own shapes are compared.

Similarity (pipeline/captions/compare.py, which the build's own check uses): the ink (white text: pixels at least half covered) of both is cropped to its
bounding box; at the same height the widths must agree within 5 %; the reference is then
scaled onto the frame's ink box, and the score is the F1 of ink pixels that have ink of the
other drawing within one pixel (tolerates anti-aliasing and sub-pixel
placement; a lost dot, a moved dot, a broken join or a vowel sign on the wrong side of its
consonant is ink without a partner).

Threshold THRESHOLD = 0.95, calibrated on this machine (scores are rerun and written to the
test artifacts folder, FILMPIPE_TEST_ARTIFACTS, as shapes-<lang>.json beside side-by-side
pictures): the build's frames score 0.991-1.000 on every cue here, with widths within 4 % of
Chromium's; broken renderers score below the threshold on every cue listed as must-fail:
Pillow's BASIC layout (no shaping; Latin text decomposed, so no mark placement) 0.12-0.83,
Debian's libass 0.17.1 on HarfBuzz 6.0 0.30-0.76 on the Urdu words it mis-draws (it draws
ساتھ right, 0.995, and the line with the web address at 0.92).
"""

from __future__ import annotations

import base64
import html
import importlib.util
import io
import json
import sys
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from browser import launch_browser
from PIL import Image, ImageDraw, ImageFont

from pipeline import ffmpeg
from pipeline.captions.compare import similarity, width_ratio
from pipeline.captions.render import CaptionBox, caption_fonts, render_cue
from pipeline.captions.style import LATIN_LOOK, CaptionStyle
from pipeline.fonts import FontFile
from pipeline.languages import profile_for
from pipeline.render import captions, ladder
from pipeline.subtitles.model import Cue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

THRESHOLD = 0.95
WIDTH_TOLERANCE = 0.05  # the ink's width at the same height, against Chromium's
W, H = 1280, 720
FPS = 25
SLOT = 0.4  # seconds per cue in the test video; frames are grabbed at each slot's middle
GREY = 128
# The build's outline style with the outline in the background's grey: the letters' edges then
# blend into grey as Chromium's do (a black outline would eat half-covered edge pixels).
STYLE = CaptionStyle(outline_colour="#808080")

CASES: dict[str, tuple[str, ...]] = {
    "ur": (
        "پی",
        "کرتی",
        "گلیوں",
        "ساتھ",
        "حاضر",
        "پی سی ایس او",
        "مدد کرتی ہے",
        "کونسل",
        "خدمت میں حاضر",
        "yourcounty.police.uk پر جائیں",
    ),
    "bn": ("কিন্তু", "প্রতিবেশী", "ক্ষেত্রে", "নিরাপত্তা", "আপনার দলকে জানুন।"),
    "gu": ("પ્રતિનિધિ", "ક્ષેત્ર", "સ્થાનિક", "કિંમત", "તમારી ટીમને મળો."),
    "ro": ("Știți că poliția", "țară", "ș ț"),
    "pl": ("Zażółć gęślą", "ą ę", "Cześć, sąsiedzi!"),
}
# Cues a broken renderer must fail: every cue that needs shaping (Pillow BASIC), and the
# Urdu words that Debian's libass mis-draws (the issue's own examples).
BASIC_MUST_FAIL: dict[str, tuple[str, ...]] = {
    "ur": CASES["ur"],
    "bn": ("কিন্তু", "প্রতিবেশী", "ক্ষেত্রে", "নিরাপত্তা"),
    "gu": ("પ્રતિનિધિ", "ક્ષેત્ર", "સ્થાનિક", "કિંમત"),
    "ro": ("țară", "ș ț"),
    "pl": ("Zażółć gęślą", "ą ę"),
}
LIBASS_MUST_FAIL = ("پی", "کرتی", "گلیوں", "حاضر", "پی سی ایس او", "مدد کرتی ہے")


# ---------------------------------------------------------------- measuring


def ink(image: Image.Image, margin: int = 63) -> Image.Image:
    """Binary ink (255) of white text on the grey background (half-covered pixels and more), cropped to its box."""
    grey = image.convert("L").point(lambda v: 255 if v > GREY + margin else 0)
    box = grey.getbbox()
    assert box is not None, "no text drawn"
    return grey.crop(box)


# ---------------------------------------------------------------- the independent drawing: Chromium


def _face_css(index: int, font: FontFile) -> str:
    data = base64.b64encode(font.path.read_bytes()).decode("ascii")
    return f"@font-face {{ font-family: F{index}; src: url(data:font/ttf;base64,{data}); }}"


def chromium_drawing(page, text: str, lang: str, em: float, latin_em: float) -> Image.Image:  # type: ignore[no-untyped-def]
    """The text in the language's font (runs the font lacks in Noto Sans, at the Latin size), by Chromium."""
    profile = profile_for(lang)
    chain = caption_fonts(profile)
    body = html.escape(text)
    if len(chain) > 1:  # Latin runs inside a non-Latin cue: Noto Sans at the Latin size, as the renderer intends
        body = "".join(
            f'<span style="font-family:F1;font-size:{latin_em:.2f}px">{html.escape(ch)}</span>'
            if ch.isascii() and ch.isalnum() or ch in "./"
            else html.escape(ch)
            for ch in text
        )
    doc = (
        "<!doctype html><html><head><meta charset=utf-8><style>"
        + "".join(_face_css(i, f) for i, f in enumerate(chain))
        + f"body {{ margin: 0; background: rgb({GREY},{GREY},{GREY}); }}"
        + f"#t {{ display: inline-block; padding: 80px; font-family: {', '.join(f'F{i}' for i in range(len(chain)))};"
        + f" font-size: {em:.2f}px; line-height: 3; color: #fff; white-space: pre; }}"
        + f'</style></head><body><div id="t" lang="{lang}" dir="{profile.direction}">{body}</div></body></html>'
    )
    page.set_content(doc)
    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
    return Image.open(io.BytesIO(page.locator("#t").screenshot())).convert("RGB")


# ---------------------------------------------------------------- the build's drawing, burned in


@pytest.fixture(scope="module")
def grey_master(tiny_master: Callable[..., Path]) -> Path:
    return tiny_master(W, H, FPS, SLOT * max(len(v) for v in CASES.values()), colour="0x808080")


def slot_cues(texts: tuple[str, ...]) -> list[Cue]:
    return [
        Cue(index=k + 1, start=round(k * SLOT, 3), end=round((k + 1) * SLOT, 3), lines=(t,), line=k + 1)
        for k, t in enumerate(texts)
    ]


def burned_frames(lang: str, master: Path, work: Path) -> list[Image.Image]:
    """The language's cues drawn and composited by the build's own functions and ffmpeg call; one frame each."""
    work.mkdir()
    profile = profile_for(lang)
    cues = slot_cues(CASES[lang])
    (x, y), timeline = captions.draw_cues(cues, profile, CaptionBox(W, H), STYLE, caption_fonts(profile), work)
    seconds = SLOT * len(cues)
    (work / captions.CONCAT_NAME).write_text(captions.concat_list(timeline, seconds), encoding="utf-8")
    settings = {
        "fps": str(FPS),
        "width": W,
        "height": H,
        "matrix": "bt709",
        "x264": ladder.x264_args(H, Fraction(FPS), False),
        "iso639_2": profile.iso639_2,
    }
    ffmpeg.run(captions.burn_argv(master, master, work / "burned.mp4", settings, x, y), cwd=work)
    per_slot = round(SLOT * FPS)
    ffmpeg.run(
        [
            "-i",
            str(work / "burned.mp4"),
            "-vf",
            f"select='eq(mod(n\\,{per_slot})\\,{per_slot // 2})'",
            "-fps_mode",
            "passthrough",
            "-frames:v",
            str(len(cues)),
            str(work / "frame%03d.png"),
        ]
    )
    return [Image.open(work / f"frame{k + 1:03d}.png").convert("RGB") for k in range(len(cues))]


# ---------------------------------------------------------------- broken renderers, for calibration


def basic_drawing(text: str, lang: str, em: float) -> Image.Image:
    """Pillow without shaping (BASIC layout), text decomposed: what a renderer without HarfBuzz draws."""
    font = ImageFont.truetype(
        str(caption_fonts(profile_for(lang))[0].path), round(em), layout_engine=ImageFont.Layout.BASIC
    )
    image = Image.new("RGB", (W * 2, H), (GREY, GREY, GREY))
    ImageDraw.Draw(image).text((40, H // 3), unicodedata.normalize("NFD", text), font=font, fill="white")
    return image


def libass_drawing(text: str, lang: str, work: Path) -> Image.Image:
    """The old path: bench/libass_baseline.py's ASS script through ffmpeg's `ass` filter (libass on this machine)."""
    spec = importlib.util.spec_from_file_location(
        "libass_baseline", Path(__file__).parents[1] / "bench/libass_baseline.py"
    )
    assert spec and spec.loader
    baseline = sys.modules.get("libass_baseline") or importlib.util.module_from_spec(spec)
    if "libass_baseline" not in sys.modules:
        sys.modules["libass_baseline"] = baseline  # dataclasses look their module up while it loads
        spec.loader.exec_module(baseline)
    work.mkdir(exist_ok=True)
    chain = caption_fonts(profile_for(lang))
    cue = Cue(index=1, start=0.0, end=1.0, lines=(text,), line=1)
    (work / "c.ass").write_text(baseline.script([cue], profile_for(lang), W, H, chain), encoding="utf-8")
    fonts = work / "fonts"
    fonts.mkdir(exist_ok=True)
    for i, font in enumerate(chain):
        if not (fonts / f"{i}.ttf").exists():
            (fonts / f"{i}.ttf").symlink_to(font.path)
    ffmpeg.run(
        [
            "-f",
            "lavfi",
            "-i",
            f"color=c=0x808080:size={W}x{H}:duration=0.2:rate={FPS}",
            "-vf",
            "ass=filename=c.ass:shaping=complex:fontsdir=fonts",
            "-frames:v",
            "1",
            "-update",
            "1",
            "libass.png",
        ],
        cwd=work,
    )
    return Image.open(work / "libass.png").convert("RGB")


# ---------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def page():  # type: ignore[no-untyped-def]
    with launch_browser() as browser:
        p = browser.new_page()  # type: ignore[attr-defined]
        yield p
        p.close()


def _side_by_side(ours: Image.Image, ref: Image.Image, out: Path) -> None:
    pad = 10
    image = Image.new("L", (ours.width + ref.width + 3 * pad, max(ours.height, ref.height) + 2 * pad), 60)
    image.paste(ours, (pad, pad))
    image.paste(ref, (ours.width + 2 * pad, pad))
    image.save(out)


@pytest.mark.parametrize("lang", list(CASES))
def test_burned_in_shapes_match_chromium(
    lang: str, grey_master: Path, page, tmp_path: Path, artifacts_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    profile = profile_for(lang)
    frames = burned_frames(lang, grey_master, tmp_path / "burn")
    scores: dict[str, dict[str, float]] = {}
    for k, (text, frame) in enumerate(zip(CASES[lang], frames, strict=True)):
        drawn = render_cue(text, profile, CaptionBox(W, H), STYLE)
        latin_em = LATIN_LOOK.em * H
        reference = ink(chromium_drawing(page, text, lang, drawn.em, latin_em))
        ours = ink(frame)
        row = {"burned_in": similarity(ours, reference), "width_ratio": width_ratio(ours, reference)}
        row["pillow_basic"] = similarity(ink(basic_drawing(text, lang, drawn.em)), reference)
        if lang == "ur":
            row["libass"] = similarity(ink(libass_drawing(text, lang, tmp_path / "libass")), reference)
        scores[text] = {key: round(v, 3) for key, v in row.items()}
        _side_by_side(ours, reference, artifacts_dir / f"shapes-{lang}-{k + 1}.png")
    (artifacts_dir / f"shapes-{lang}.json").write_text(json.dumps(scores, ensure_ascii=False, indent=1), "utf-8")
    print(lang, json.dumps(scores, ensure_ascii=False))
    low = {t: s["burned_in"] for t, s in scores.items() if s["burned_in"] < THRESHOLD}
    assert not low, f"burned-in {lang} captions differ from Chromium's drawing: {low}"
    wide = {t: s["width_ratio"] for t, s in scores.items() if abs(s["width_ratio"] - 1) > WIDTH_TOLERANCE}
    assert not wide, f"burned-in {lang} captions are wider or narrower than Chromium's drawing: {wide}"
    passing_basic = {
        t: scores[t]["pillow_basic"] for t in BASIC_MUST_FAIL[lang] if scores[t]["pillow_basic"] >= THRESHOLD
    }
    assert not passing_basic, f"the similarity cannot tell an unshaped drawing from a right one: {passing_basic}"
    if lang == "ur":
        passing_libass = {t: scores[t]["libass"] for t in LIBASS_MUST_FAIL if scores[t]["libass"] >= THRESHOLD}
        assert not passing_libass, f"libass drew these Urdu words as Chromium does: {passing_libass}"
