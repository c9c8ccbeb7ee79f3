"""Benchmark the WCAG 2.3.1 flash check: what it adds to validation's one decode of the master.

    .venv/bin/python bench/flash_bench.py [--master assets/master.mp4] [--repeat 3]

Runs the validation decode of the master (`pipeline.validate.media._analyse`: every stream
decoded, audio through ebur128 and silencedetect) without and with the flash check (small
frames piped to numpy), alternating, in the same run, and reports the ratio of the best
times. CPU is this process plus its ffmpeg children (user + system).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import ffmpeg  # noqa: E402
from pipeline.probe import probe_media  # noqa: E402
from pipeline.validate.media import _analyse  # noqa: E402


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(master: Path, video: tuple[int, int, float, str] | None, duration: float) -> tuple[float, float, dict]:
    c0, t0 = cpu(), time.perf_counter()
    result = _analyse(master, True, duration, None, video)
    return time.perf_counter() - t0, cpu() - c0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", type=Path, default=Path(__file__).resolve().parents[1] / "assets" / "master.mp4")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    facts = probe_media(args.master)
    assert facts.video is not None
    video = (facts.video.width, facts.video.height, float(facts.video.fps), "bt709")
    runs: dict[str, list[tuple[float, float]]] = {"decode only (today)": [], "decode + flash check": []}
    result: dict = {}
    for _ in range(args.repeat):
        wall, used, _r = timed(args.master, None, facts.duration)
        runs["decode only (today)"].append((wall, used))
        wall, used, result = timed(args.master, video, facts.duration)
        runs["decode + flash check"].append((wall, used))
    base_wall = min(w for w, _ in runs["decode only (today)"])
    base_cpu = min(c for _, c in runs["decode only (today)"])
    print(
        f"master: {args.master.name}, {facts.video.width}x{facts.video.height}, {facts.duration:.1f} s, "
        f"ffmpeg {ffmpeg.version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, best of {args.repeat}"
    )
    print(f"frames checked: {result.get('flash_frames')}, flash spans: {result.get('flashes')}")
    print("| run | wall s | CPU s | wall / today | CPU / today |")
    print("|---|---:|---:|---:|---:|")
    for name, values in runs.items():
        wall = min(w for w, _ in values)
        used = min(c for _, c in values)
        print(f"| {name} | {wall:.2f} | {used:.2f} | {wall / base_wall:.3f} | {used / base_cpu:.3f} |")


if __name__ == "__main__":
    main()
