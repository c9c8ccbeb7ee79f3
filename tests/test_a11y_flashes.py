"""WCAG 2.3.1 flash check: generated flashing masters just above and just below the general and
red flash thresholds (flashes per second, and flashing area), through the real validation decode."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from test_validate_corpus import shared_cache, write_project  # noqa: F401 - fixture

from pipeline.project import load_project
from pipeline.validate.cache import MeasureCache
from pipeline.validate.flashes import FlashMeter
from pipeline.validate.run import validate_project

FPS = 24  # 4 flashes a second = a change every 3 frames; 3 a second = every 4 frames
FULL = "x=0:y=0:w=iw:h=ih"
LARGE = "x=40:y=20:w=240:h=140"  # over half the picture
SMALL = "x=150:y=80:w=20:h=12"  # 0.4% of the picture: under a quarter of any 10 degree field
GREY = "0x7f7f7f"  # about the relative luminance of pure red: red flashes without luminance flashes

CLIPS = {
    # name: (background, box, box colour, frames per half period)
    "white-4hz-full": ("black", FULL, "white", 3),
    "white-3hz-full": ("black", FULL, "white", 4),
    "white-4hz-large": ("black", LARGE, "white", 3),
    "white-4hz-small": ("black", SMALL, "white", 3),
    "red-4hz-full": (GREY, FULL, "0xff0000", 3),
    "red-3hz-full": (GREY, FULL, "0xff0000", 4),
}


@pytest.fixture(scope="session")
def flashing(tmp_path_factory: pytest.TempPathFactory, tiny_master: Callable[..., Path]) -> Path:
    """One 2-second 320x180 master per clip: a box switched on and off every N frames."""
    root = tmp_path_factory.mktemp("flashing")
    for name, (background, box, colour, half) in CLIPS.items():
        draw = f"drawbox={box}:color={colour}:t=fill:enable='lt(mod(n\\,{2 * half})\\,{half})'"
        os.link(tiny_master(fps=FPS, duration=2, colour=background, video_filter=draw), root / f"{name}.mp4")
    return root


def flash_findings(tmp_path: Path, master: Path, cache: MeasureCache) -> list:
    project = load_project(write_project(tmp_path / "film", master.parent, master=master, languages=("en",)))
    report = validate_project(project, cache=cache)
    return [f for f in report.findings if f.code == "MASTER_FLASHES"]


@pytest.mark.parametrize(
    ("clip", "threshold"),
    [("white-4hz-full", "general"), ("white-4hz-large", "general"), ("red-4hz-full", "red")],
)
def test_flashing_above_the_threshold_is_an_error_with_its_times(
    clip: str, threshold: str, flashing: Path, tmp_path: Path, shared_cache: MeasureCache, tiny_media: Path
) -> None:
    found = flash_findings(tmp_path, flashing / f"{clip}.mp4", shared_cache)
    assert len(found) == 1, [f.message for f in found]
    finding = found[0]
    assert finding.severity == "error"
    assert f"{threshold} flash threshold" in finding.message
    assert "00:00:00" in finding.message and "00:00:01" in finding.message  # names the span
    assert finding.time is not None and finding.time < 0.5
    assert finding.file == "assets/master.mp4" and "three times" in finding.hint


@pytest.mark.parametrize("clip", ["white-3hz-full", "white-4hz-small", "red-3hz-full"])
def test_flashing_below_the_threshold_passes(
    clip: str, flashing: Path, tmp_path: Path, shared_cache: MeasureCache
) -> None:
    assert flash_findings(tmp_path, flashing / f"{clip}.mp4", shared_cache) == []


def test_red_flashes_at_constant_luminance_are_not_general_flashes(
    flashing: Path, tmp_path: Path, shared_cache: MeasureCache
) -> None:
    found = flash_findings(tmp_path, flashing / "red-4hz-full.mp4", shared_cache)
    assert [("red" in f.message, "general flash" in f.message) for f in found] == [(True, False)]


def frames_yuv444(values: list[float], width: int = 80, height: int = 44) -> list[bytes]:
    """Grey frames (limited-range luma for each value 0..1, neutral chroma), yuv444p bytes."""
    out = []
    for v in values:
        y = np.full((height, width), round(16 + 219 * v), np.uint8)
        c = np.full((height, width), 128, np.uint8)
        out.append(np.stack([y, c, c]).tobytes())
    return out


def test_a_slow_fade_and_a_few_cuts_are_not_flashes() -> None:
    meter = FlashMeter(80, 44, 25)
    fade = [i / 50 for i in range(50)] + [1 - i / 50 for i in range(50)]
    cuts = [0.0] * 20 + [1.0] * 20 + [0.0] * 20
    for frame in frames_yuv444(fade + cuts):
        meter.feed(frame)
    assert meter.spans() == []


def test_seven_transitions_in_a_second_fail_and_six_pass() -> None:
    def spans(changes: int) -> list:
        meter = FlashMeter(80, 44, 25)
        values = [float(min(i // 3, changes) % 2) for i in range(50)]  # a change every 3 frames, `changes` times
        for frame in frames_yuv444(values):
            meter.feed(frame)
        return meter.spans()

    assert spans(6) == []  # three flashes
    assert [s.kind for s in spans(7)] == ["general"]  # more than three
