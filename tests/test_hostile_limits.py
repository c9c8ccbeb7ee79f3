"""Limits that stay linear: validation of many cues per language finishes in seconds.

The hostile case: N source cues against N - 10 Polish cues (counts differ, so every cue is
matched to the source cue nearest in time). The scan this replaced took about 30 s at 10,000
cues and would take about 5 minutes at the 30,000 used here (hours at 100,000); the bisection
matcher takes well under a second, and the whole validation some seconds. The guard is
generous: a hang guard, not a timing assertion (`bench/limits_bench.py` measures 100,000 cues
per language against baselines run side by side).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import srt_time
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.project import load_project
from pipeline.validate.cache import MeasureCache
from pipeline.validate.file_rules import NearestStart
from pipeline.validate.run import validate_project

CUES = int(os.environ.get("FILMPIPE_HOSTILE_CUES", 30_000))
MISSING = 10  # the translation lost ten cues
HANG_GUARD_SECONDS = 150  # the quadratic scan needs about 300 s here; the linear code about 15 s


def big_srt(count: int, text: str, skip: frozenset[int] = frozenset()) -> str:
    out = []
    n = 0
    for i in range(count):
        if i in skip:
            continue
        n += 1
        start = i * 1.2  # past the tiny master's 3 s: SUB_OUT_OF_RANGE for most, every rule still runs
        out.append(f"{n}\n{srt_time(start)} --> {srt_time(start + 1.0)}\n{text} {i}\n")
    return "\n".join(out)


@contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging CI) when the block runs longer than `seconds`."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang, or an algorithm worse than n log n")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_30000_cues_against_29990_validate_in_seconds(tmp_path: Path, tiny_media: Path) -> None:
    from test_validate_corpus import write_project

    skip = frozenset(range(500, CUES, CUES // MISSING))
    assert len(skip) == MISSING
    project_dir = write_project(
        tmp_path / "film",
        tiny_media,
        languages=("en", "pl"),
        subs={
            "en": ("en.srt", big_srt(CUES, "Hello")),
            "pl": ("pl.srt", big_srt(CUES, "Cześć", skip)),
        },
        locales=False,
    )
    project = load_project(project_dir)
    started = time.monotonic()
    with hang_guard(HANG_GUARD_SECONDS):
        report = validate_project(project, cache=MeasureCache(tmp_path / "cache"))
    elapsed = time.monotonic() - started
    assert elapsed < HANG_GUARD_SECONDS, f"validation of {CUES:,} cues took {elapsed:.0f} s"
    codes = {f.code for f in report.findings}
    assert "SUB_ALIGNMENT" not in codes or all(
        "cues" not in f.message for f in report.findings if f.code == "SUB_ALIGNMENT"
    ), f"ten missing cues out of {CUES:,} are within the allowed difference in count"
    assert sum(f.code == "SUB_OUT_OF_RANGE" for f in report.findings) > CUES  # every rule really ran on every cue
    print(f"validated {CUES:,} + {CUES - MISSING:,} cues in {elapsed:.1f} s; {len(report.findings):,} findings")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.integers(0, 40).map(lambda n: n / 4), min_size=1, max_size=30),
    st.integers(-4, 44).map(lambda n: n / 4),
)
def test_nearest_start_picks_what_a_scan_picks(starts: list[float], time: float) -> None:
    """The bisection matcher agrees with the scan it replaced, ties included (quarter seconds make many)."""
    scan = min(range(len(starts)), key=lambda k: abs(starts[k] - time))
    assert NearestStart(starts)(time) == scan
