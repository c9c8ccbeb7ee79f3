"""Burned-in captions read back by OCR (tesseract), where OCR can read the script.

Bengali, Gujarati, Polish and Romanian cues are drawn in the build's default look (white
letters, black outline) and composited into a 720p video by the build's own ffmpeg call; a
frame of each cue is cropped to the caption, scaled 2x, the white letters kept (the outline
and picture dropped), and tesseract reads each line with the language's trained data. The
text read must match the cue (similarity of characters, spaces ignored, at least
MIN_RATIO). Nastaliq is not readable by tesseract; Urdu is checked against Chromium's
drawing in test_captions_shapes.py.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from pipeline import ffmpeg
from pipeline.captions.render import CaptionBox, caption_fonts, render_cue
from pipeline.captions.style import CaptionStyle
from pipeline.languages import profile_for
from pipeline.render import captions, ladder
from pipeline.subtitles.model import Cue

pytestmark = pytest.mark.slow

W, H, FPS = 1280, 720, 25
MIN_RATIO = 0.9  # calibrated: 0.96-1.00 here; tesseract confuses Gujarati ો/ી at times
TESSERACT = {"bn": "ben", "gu": "guj", "pl": "pol", "ro": "ron"}
CUES: dict[str, tuple[str, str]] = {
    "bn": ("নমস্কার, প্রতিবেশী!\nআপনার দলকে জানুন।", "নিরাপত্তা কিন্তু সবার"),
    "gu": ("નમસ્તે, પડોશીઓ!\nતમારી ટીમને મળો.", "સ્થાનિક પ્રતિનિધિ"),
    "pl": ("Zażółć gęślą jaźń\nCześć, sąsiedzi!", "Poznaj swój zespół."),
    "ro": ("Știți că poliția\nvă ajută mereu", "Cunoaște-ți echipa."),
}


def tesseract_has(code: str) -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    return code in listed.split()


@pytest.fixture(scope="module")
def blue_master(tiny_master: Callable[..., Path]) -> Path:
    return tiny_master(W, H, FPS, 2, colour="0x3060a0")


def similarity(read: str, expected: str) -> float:
    a, b = "".join(read.split()), "".join(expected.split())
    return difflib.SequenceMatcher(None, a, b).ratio()


@pytest.mark.parametrize("lang", list(CUES))
def test_burned_in_text_reads_back(lang: str, blue_master: Path, tmp_path: Path, artifacts_dir: Path) -> None:
    if not tesseract_has(TESSERACT[lang]):
        pytest.skip(f"tesseract with '{TESSERACT[lang]}' is not installed (scripts/bootstrap.sh installs it)")
    profile = profile_for(lang)
    style = CaptionStyle()
    cues = [
        Cue(index=k + 1, start=k * 1.0, end=(k + 1) * 1.0, lines=tuple(t.split("\n")), line=1)
        for k, t in enumerate(CUES[lang])
    ]
    work = tmp_path / "work"
    work.mkdir()
    (x, y), timeline = captions.draw_cues(cues, profile, CaptionBox(W, H), style, caption_fonts(profile), work)
    (work / captions.CONCAT_NAME).write_text(captions.concat_list(timeline, 2.0), encoding="utf-8")
    settings = {
        "fps": str(FPS),
        "width": W,
        "height": H,
        "matrix": "bt709",
        "x264": ladder.x264_args(H, Fraction(FPS), False),
        "iso639_2": profile.iso639_2,
    }
    ffmpeg.run(captions.burn_argv(blue_master, blue_master, work / "burned.mp4", settings, x, y), cwd=work)
    for k, cue in enumerate(cues):
        frame_png = tmp_path / f"frame{k}.png"
        ffmpeg.run(
            [
                "-ss",
                f"{cue.start + 0.5:.2f}",
                "-i",
                str(work / "burned.mp4"),
                "-frames:v",
                "1",
                "-update",
                "1",
                str(frame_png),
            ]
        )
        drawn = render_cue(cue.text, profile, CaptionBox(W, H), style)
        assert drawn.ink is not None
        left, top, right, bottom = drawn.ink
        band = Image.open(frame_png).convert("L").crop((left - 10, top - 10, right + 10, bottom + 10))
        band = band.resize((band.width * 2, band.height * 2), Image.Resampling.LANCZOS)
        letters = band.point(lambda v: 0 if v > 200 else 255)  # white letters -> black on white
        letters_png = tmp_path / f"letters{k}.png"
        letters.save(letters_png)
        shutil.copy(letters_png, artifacts_dir / f"ocr-{lang}-{k + 1}.png")
        read = subprocess.run(
            ["tesseract", str(letters_png), "-", "-l", TESSERACT[lang], "--psm", "6"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        ratio = similarity(read, cue.text)
        print(lang, k + 1, f"{ratio:.3f}", repr(read))
        assert ratio >= MIN_RATIO, f"OCR read {read!r} for {cue.text!r} ({ratio:.2f})"
