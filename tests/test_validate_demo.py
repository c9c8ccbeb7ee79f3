"""The demo film (film.toml at the top of the repository) must validate without a finding.

Its media are generated (tools/make_demo.py) and not committed, so the test is skipped when
they are absent. Media are only probed here, not decoded (the full decode is the media
tests' job and takes long on a 1080p film); nothing is written into the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import ffmpeg
from pipeline.errors import FfmpegError
from pipeline.project import load_project
from pipeline.validate import run as run_module
from pipeline.validate.cache import MeasureCache
from pipeline.validate.media import Measure

ROOT = Path(__file__).resolve().parents[1]


def probe_only(path: Path, cache: MeasureCache, on_progress=None) -> Measure:
    try:
        return Measure(probe=ffmpeg.probe(path), integrated_lufs=-20.0, true_peak_dbtp=-3.0)
    except FfmpegError as exc:
        return Measure(probe=None, unreadable=exc.stderr_tail)


def test_demo_film_validates_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(ROOT)
    inputs = (
        [project.film.master]
        + [l.subtitles for l in project.languages]
        + [l.audio for l in project.languages if l.audio]
    )
    if not all(p.is_file() for p in inputs):
        pytest.skip("the demo film's media are not generated (run tools/make_demo.py)")
    monkeypatch.setattr(run_module, "measure", probe_only)
    report = run_module.validate_project(project, cache=MeasureCache(None))
    assert [(f.code, f.language, f.cue, f.message) for f in report.findings] == []
